import { describe, expect, it } from 'vitest';
import { SelectionError, selectSyncs } from '../../../src/cli/common/selection.ts';

const connections = [
  { id: 1, kind: 'seller' as const, status: 'active' },
  { id: 2, kind: 'partner' as const, status: 'active' },
  { id: 3, kind: 'creator' as const, status: 'disabled' },
  {
    id: 4,
    kind: 'creator' as const,
    status: 'reauth_required',
    statusReason: 'TokenRevokedError: code 105001',
    updatedAt: new Date('2026-01-02T03:04:05Z'),
  },
];
const none = { connectionIds: [], streams: [] };

describe('selectSyncs', () => {
  it('defaults to every stream of every active connection; lists the disabled, blocks the re-authorization ones', () => {
    const s = selectSyncs(connections, [], none);
    expect(s.pairs).toEqual([
      { connectionId: 1, stream: 'seller_affiliate_orders' },
      { connectionId: 1, stream: 'open_collaborations' },
      { connectionId: 1, stream: 'open_collaboration_products' },
      { connectionId: 1, stream: 'target_collaborations' },
      { connectionId: 2, stream: 'partner_campaigns' },
      { connectionId: 2, stream: 'campaign_creator_fulfillment' },
      { connectionId: 2, stream: 'partner_affiliate_orders' },
      { connectionId: 2, stream: 'campaign_product_performance' },
    ]);
    expect(s.disabled).toEqual([{ connectionId: 3, stream: null, reason: null }]);
    expect(s.blocked).toEqual([
      {
        connectionId: 4,
        stream: 'creator_affiliate_orders',
        since: new Date('2026-01-02T03:04:05Z'),
        reason: 'TokenRevokedError: code 105001',
      },
      ...(['creator_target_collaborations', 'creator_open_collaboration_products'] as const).map(
        (stream) => ({
          connectionId: 4,
          stream,
          since: new Date('2026-01-02T03:04:05Z'),
          reason: 'TokenRevokedError: code 105001',
        }),
      ),
    ]);
  });

  it('leaves out streams whose schedule is disabled unless they are asked for', () => {
    const off = [{ connectionId: 1, stream: 'open_collaboration_products' as const, enabled: false }];
    const s = selectSyncs(connections, off, none);
    expect(s.pairs.map((p) => p.stream)).not.toContain('open_collaboration_products');
    expect(s.disabled).toContainEqual({
      connectionId: 1,
      stream: 'open_collaboration_products',
      reason: 'its schedule is disabled',
    });
    expect(
      selectSyncs(connections, off, { connectionIds: [], streams: ['open_collaboration_products'] }).pairs,
    ).toEqual([{ connectionId: 1, stream: 'open_collaboration_products' }]);
  });

  it('narrows by connection and stream', () => {
    expect(
      selectSyncs(connections, [], { connectionIds: [2], streams: ['partner_campaigns'] }).pairs,
    ).toEqual([{ connectionId: 2, stream: 'partner_campaigns' }]);
  });

  it('explains impossible selections', () => {
    expect(() => selectSyncs(connections, [], { connectionIds: [9], streams: [] })).toThrow(
      /no connection 9 \(connections: 1, 2, 3, 4\)/,
    );
    expect(() => selectSyncs(connections, [], { connectionIds: [3], streams: [] })).toThrow(
      /Connection 3 is disabled; enable it first/,
    );
    expect(() =>
      selectSyncs(connections, [], { connectionIds: [1], streams: ['partner_campaigns'] }),
    ).toThrow(/No selected active connection feeds partner_campaigns \(it needs a partner connection\)/);
    expect(() => selectSyncs([], [], none)).toThrow(/no connections yet/);
    expect(() => selectSyncs([], [], none)).toThrow(SelectionError);
  });

  it('a connection asked for by id that needs re-authorization is blocked, not a usage error', () => {
    const s = selectSyncs(connections, [], { connectionIds: [4, 1], streams: [] });
    expect(s.blocked.map((b) => [b.connectionId, b.stream])).toEqual([
      [4, 'creator_affiliate_orders'],
      [4, 'creator_target_collaborations'],
      [4, 'creator_open_collaboration_products'],
    ]);
    expect(s.pairs.map((p) => p.connectionId)).toEqual([1, 1, 1, 1]);
  });

  it('only disabled connections: nothing to run, nothing blocked, no error', () => {
    const s = selectSyncs([connections[2]!], [], none);
    expect(s).toEqual({
      pairs: [],
      blocked: [],
      disabled: [{ connectionId: 3, stream: null, reason: null }],
    });
  });
});
