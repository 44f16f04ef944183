/**
 * Every fan-out walk reports a parent it could not fan out from (no readable id) as
 * `skippedParents`, so the engine leaves the owner's snapshot incomplete instead of tombstoning the
 * children it never read.
 */
import { describe, expect, it } from 'vitest';
import { campaignCreatorFulfillmentSource } from '../../../src/extract/campaign-creator-fulfillment.ts';
import { campaignProductPerformanceSource } from '../../../src/extract/campaign-product-performance.ts';
import { partnerCampaignsSource } from '../../../src/extract/partner-campaigns.ts';
import { targetCollaborationsSource } from '../../../src/extract/target-collaborations.ts';
import type { SnapshotBatch, SnapshotSource } from '../../../src/extract/types.ts';
import { SnapshotCompleteness } from '../../../src/load/tombstone.ts';
import type { ApiCallRequest, ApiClient } from '../../../src/tiktok/client.ts';

/** Campaign C1 (and one without id), products P1 (and one without id), target collaborations T1 (and one without id). */
const api = {
  call(request: ApiCallRequest) {
    const path = request.pathParams ?? {};
    const id = request.endpoint.path;
    let data: Record<string, unknown>;
    if (id.includes('target_collaborations/search')) {
      const status = (request.body as Record<string, unknown> | undefined)?.['collaboration_status'];
      data = {
        target_collaborations: status === 'ONGOING' ? [{ id: 'T1' }, { id: 7 }, { name: 'no id' }] : [],
      };
    } else if (id.includes('target_collaborations'))
      data = { target_collaboration: { id: path['target_collaboration_id'] } };
    else if (path['product_id'] !== undefined) data = { promotion_creators: [] };
    else if (id.includes('performance')) data = { products: [] };
    else if (path['campaign_id'] !== undefined && id.endsWith('/products')) {
      data = { products: [{ id: 'P1' }, { title: 'no id' }] };
    } else if (path['campaign_id'] !== undefined) data = { id: path['campaign_id'] };
    else data = { campaigns: [{ id: 'C1' }, { name: 'no id' }] };
    return Promise.resolve({ data, requestId: 'r' });
  },
} as unknown as ApiClient;

async function walk(source: SnapshotSource): Promise<SnapshotBatch[]> {
  const out: SnapshotBatch[] = [];
  for await (const b of source.walk({ api, auth: {} as never, ownerId: 'owner' }, {})) out.push(b);
  return out;
}
const skipped = (batches: SnapshotBatch[]) => batches.reduce((n, b) => n + (b.skippedParents ?? 0), 0);

describe('fan-out parents without a readable id', () => {
  it('creator fulfillment: the campaign without id and the product without id', async () => {
    const batches = await walk(campaignCreatorFulfillmentSource);
    expect(skipped(batches)).toBe(2);
    // The skipped parents yield nothing to normalize, and every list call is still counted once.
    expect(batches.filter((b) => b.skippedParents).every((b) => b.records.length === 0)).toBe(true);
    expect(batches.reduce((n, b) => n + b.apiCalls, 0)).toBe(3);
  });

  it('campaign product performance: the campaign without id', async () => {
    expect(skipped(await walk(campaignProductPerformanceSource))).toBe(1);
  });

  it('partner campaigns: the products of the campaign without id were not read', async () => {
    const batches = await walk(partnerCampaignsSource);
    expect(skipped(batches)).toBe(1);
    expect(
      batches.filter((b) => b.normalizer === 'normalizePartnerCampaignProducts' && b.records.length > 0),
    ).toHaveLength(1);
  });

  it('target collaborations: hits without a string id get no detail and are counted', async () => {
    const batches = await walk(targetCollaborationsSource);
    const ongoing = batches.find((b) => b.scope['collaboration_status'] === 'ONGOING');
    expect(ongoing?.skippedParents).toBe(2);
    // One search call and one detail call (T1 only).
    expect(ongoing?.apiCalls).toBe(2);
  });
});

describe('SnapshotCompleteness and skipped parents', () => {
  it('a skipped parent blocks its batch scope and every owner-scoped table, and is totalled', () => {
    const c = new SnapshotCompleteness();
    c.observe({ search_id: 's1' }, [], 0);
    c.observe({ search_id: 's2' }, [], 2);
    expect(c.skippedParentsIn('search_id', 's1', false)).toBe(0);
    expect(c.skippedParentsIn('search_id', 's2', false)).toBe(2);
    expect(c.skippedParentsIn('partner_id', 'p', true)).toBe(2);
    expect(c.unkeyedIn('partner_id', 'p', true)).toBe(0);
    expect(c.totals()).toEqual({ keptSeen: 0, unkeyed: 0, skippedParents: 2 });
  });
});
