import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getAuthorizedCategoryAssets,
  getAuthorizedShops,
} from '../../../src/tiktok/endpoints/authorization.ts';
import { searchCreatorOrders } from '../../../src/tiktok/endpoints/creator.ts';
import {
  getCreatorFulfillmentStatus,
  getPartnerCampaignDetail,
  listPartnerCampaignProducts,
  listPartnerCampaigns,
} from '../../../src/tiktok/endpoints/partner.ts';
import {
  getTargetCollaborationDetail,
  searchOpenCollaborationProducts,
  searchOpenCollaborations,
  searchSellerOrders,
  searchTargetCollaborations,
} from '../../../src/tiktok/endpoints/seller.ts';
import { type Fixture, ids, startFixture, walk } from './fixture.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.sb.close();
});

function unique(values: string[]) {
  return new Set(values).size === values.length;
}

describe('every endpoint against the sandbox: signed, accepted, pages walk to the end', () => {
  it('authorization: shops and category assets match the sandbox accounts', async () => {
    const shops = await getAuthorizedShops(f.api, f.seller);
    expect(shops.map((s) => s.id)).toContain(f.shopId);
    expect(shops.find((s) => s.id === f.shopId)?.cipher).toBe(f.seller.shopCipher);
    const assets = await getAuthorizedCategoryAssets(f.api, f.partner);
    expect(assets.map((a) => a.cipher)).toContain(f.assetCipher);
    for (const a of assets) expect(typeof a.categoryId).toBe('string');
  });

  it('seller orders: the union of pages equals the ground truth at several page sizes', async () => {
    const truth = await f.sb.groundTruth('seller_affiliate_orders', f.shopId);
    const expected = ids(truth.groups.flatMap((g) => g.records)).sort();
    expect(expected.length).toBeGreaterThan(50);
    for (const pageSize of [100, 37]) {
      const got = await walk((pageToken) => searchSellerOrders(f.api, f.seller, { pageSize, pageToken }));
      expect(got.totalCount).toBe(expected.length);
      expect(ids(got.records).sort()).toEqual(expected);
      expect(got.pages).toBe(Math.ceil(expected.length / pageSize));
    }
  });

  it('seller orders: create_time windows are [ge, lt) and partition the history', async () => {
    const all = await walk((pageToken) => searchSellerOrders(f.api, f.seller, { pageToken }));
    const times = all.records.map((r) => Number(r.create_time)).sort((a, b) => a - b);
    const mid = times[Math.floor(times.length / 2)] ?? 0;
    const before = await walk((pageToken) =>
      searchSellerOrders(f.api, f.seller, { createTimeLt: mid, pageToken }),
    );
    const after = await walk((pageToken) =>
      searchSellerOrders(f.api, f.seller, { createTimeGe: mid, pageToken }),
    );
    expect(before.records.every((r) => Number(r.create_time) < mid)).toBe(true);
    expect(after.records.every((r) => Number(r.create_time) >= mid)).toBe(true);
    expect(before.records.length + after.records.length).toBe(all.records.length);
  });

  it('creator orders: complete and duplicate-free against the ground truth', async () => {
    const truth = await f.sb.groundTruth('creator_affiliate_orders', f.creatorOpenId);
    const got = await walk((pageToken) => searchCreatorOrders(f.api, f.creator, { pageSize: 40, pageToken }));
    expect(unique(ids(got.records))).toBe(true);
    expect(ids(got.records).sort()).toEqual(ids(truth.groups.flatMap((g) => g.records)).sort());
  });

  it('open collaborations and the open-collaboration product marketplace (page_size <= 20)', async () => {
    const collabs = await walk((pageToken) =>
      searchOpenCollaborations(f.api, f.seller, { pageSize: 10, pageToken }),
    );
    expect(collabs.records.length).toBe(collabs.totalCount);
    expect(unique(ids(collabs.records))).toBe(true);
    const products = await walk((pageToken) =>
      searchOpenCollaborationProducts(f.api, f.seller, { pageSize: 100, pageToken, criteria: {} }),
    );
    expect(products.records.length).toBe(products.totalCount);
    expect(products.pages).toBe(Math.ceil(products.records.length / 20));
    const filtered = await walk((pageToken) =>
      searchOpenCollaborationProducts(f.api, f.seller, {
        pageToken,
        sortField: 'commission_rate',
        sortOrder: 'DESC',
        criteria: { commissionRateGe: 1000 },
      }),
    );
    expect(filtered.records.length).toBeLessThanOrEqual(products.records.length);
    for (const p of filtered.records)
      expect((p.commission as { rate: number }).rate).toBeGreaterThanOrEqual(1000);
  });

  it('target collaborations per status, then the detail of each', async () => {
    const byStatus: Record<string, string[]> = {};
    for (const status of ['ONGOING', 'EXPIRING', 'VALID', 'CANCELING', 'COMPLETED'] as const) {
      const got = await walk((pageToken) =>
        searchTargetCollaborations(f.api, f.seller, { collaborationStatus: status, pageSize: 20, pageToken }),
      );
      byStatus[status] = ids(got.records);
    }
    // VALID = ONGOING + EXPIRING (docs/tiktok-api.md#target-collaborations).
    expect([...(byStatus.VALID ?? [])].sort()).toEqual(
      [...(byStatus.ONGOING ?? []), ...(byStatus.EXPIRING ?? [])].sort(),
    );
    const first = byStatus.VALID?.[0];
    if (!first) throw new Error('no valid target collaboration in the tiny dataset');
    const detail = await getTargetCollaborationDetail(f.api, f.seller, first);
    expect(detail.record.id).toBe(first);
    expect(detail.requestId).not.toBe('');
  });

  it('partner campaigns -> detail -> products -> creator fulfillment status', async () => {
    const campaigns = await walk((pageToken) =>
      listPartnerCampaigns(f.api, f.partner, { pageSize: 2, pageToken }),
    );
    expect(campaigns.records.length).toBe(campaigns.totalCount);
    let fulfillmentRows = 0;
    for (const campaignId of ids(campaigns.records)) {
      const detail = await getPartnerCampaignDetail(f.api, f.partner, campaignId);
      expect(detail.record.id).toBe(campaignId);
      const products = await walk((pageToken) =>
        listPartnerCampaignProducts(f.api, f.partner, campaignId, { pageToken }),
      );
      for (const productId of ids(products.records)) {
        const got = await walk((pageToken) =>
          getCreatorFulfillmentStatus(f.api, f.partner, campaignId, productId, { pageSize: 5, pageToken }),
        );
        expect(got.records.length).toBe(got.totalCount ?? got.records.length);
        fulfillmentRows += got.records.length;
      }
    }
    expect(fulfillmentRows).toBeGreaterThan(0);
  });

  it('never produced a bad signature or an unexpected-cipher error', () => {
    const stats = f.sb.stats();
    expect(stats.badSignatures).toBe(0);
    expect(Object.keys(stats.byCode)).toEqual(['0']);
  });
});
