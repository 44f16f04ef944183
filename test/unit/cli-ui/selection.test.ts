import { describe, expect, it } from 'vitest';
import { SelectionError, selectSyncs } from '../../../src/cli/ui/selection.ts';

const connections = [
  { id: 1, kind: 'seller' as const, status: 'active' },
  { id: 2, kind: 'partner' as const, status: 'active' },
  { id: 3, kind: 'creator' as const, status: 'disabled' },
  { id: 4, kind: 'creator' as const, status: 'reauth_required' },
];
const none = { connectionIds: [], streams: [] };

describe('selectSyncs', () => {
  it('defaults to every stream of every active connection, noting what it leaves out', () => {
    const s = selectSyncs(connections, [], none);
    expect(s.pairs).toEqual([
      { connectionId: 1, stream: 'seller_affiliate_orders' },
      { connectionId: 1, stream: 'open_collaborations' },
      { connectionId: 1, stream: 'open_collaboration_products' },
      { connectionId: 1, stream: 'target_collaborations' },
      { connectionId: 2, stream: 'partner_campaigns' },
      { connectionId: 2, stream: 'campaign_creator_fulfillment' },
    ]);
    expect(s.notes).toEqual([
      'connection 3 skipped: is disabled',
      'connection 4 skipped: needs re-authorization',
    ]);
  });

  it('leaves out streams whose schedule is disabled unless they are asked for', () => {
    const off = [{ connectionId: 1, stream: 'open_collaboration_products' as const, enabled: false }];
    expect(selectSyncs(connections, off, none).pairs.map((p) => p.stream)).not.toContain(
      'open_collaboration_products',
    );
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
    expect(() => selectSyncs(connections, [], { connectionIds: [4], streams: [] })).toThrow(
      /Connection 4 needs re-authorization/,
    );
    expect(() =>
      selectSyncs(connections, [], { connectionIds: [1], streams: ['partner_campaigns'] }),
    ).toThrow(/No selected active connection feeds partner_campaigns \(it needs a partner connection\)/);
    expect(() => selectSyncs([], [], none)).toThrow(/no connections yet/);
    expect(() => selectSyncs([], [], none)).toThrow(SelectionError);
  });
});
