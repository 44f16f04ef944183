/**
 * The creator's collaboration searches of the sandbox: target collaborations per shop (shop_id
 * required, keyword by id or name) and the open-collaboration marketplace as a creator sees it
 * (page_size at most 20, units_sold absent for a creator who does not share data).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESPONSE_SCHEMAS } from '../../../src/sandbox/schemas.ts';
import { type Fixture, pageAll, startFixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ seed: 43 });
});
afterAll(async () => {
  await f.sb.close();
});

const TARGETS = '/affiliate_creator/202405/target_collaborations/search';
const PRODUCTS = '/affiliate_creator/202405/open_collaborations/products/search';

describe('creator target collaboration search (sandbox)', () => {
  it('requires shop_id and page_size', async () => {
    const noShop = await f.call(TARGETS, {
      token: f.creator.accessToken,
      query: { page_size: 10 },
      body: {},
    });
    expect(noShop.json.code).not.toBe(0);
    expect(noShop.json.message).toContain('shop_id');
    const noSize = await f.call(TARGETS, { token: f.creator.accessToken, body: { shop_id: f.shop.id } });
    expect(noSize.json.code).not.toBe(0);
    expect(noSize.json.message).toContain('page_size');
  });

  it("pages the shop's invitations, schema-valid, each once, equal to the ground truth", async () => {
    const { records, pages } = await pageAll(
      f,
      TARGETS,
      { token: f.creator.accessToken, query: { page_size: 2 }, body: { shop_id: f.shop.id } },
      'target_collaborations',
    );
    for (const p of pages)
      expect(RESPONSE_SCHEMAS.creator_target_collaborations.safeParse(p.json).success).toBe(true);
    const ids = records.map((r) => r['id']);
    expect(ids.length).toBeGreaterThan(2);
    expect(new Set(ids).size).toBe(ids.length);
    const truth = await f.sb.groundTruth('creator_target_collaborations', f.creator.openId);
    const group = truth.groups.find((g) => g.scope['shop_id'] === f.shop.id);
    expect(group?.records).toEqual(records);
    expect(records.every((r) => r['status'] !== 'DELETED')).toBe(true);
  });

  it('a shop that did not invite the creator answers an empty list', async () => {
    const res = await f.call(TARGETS, {
      token: f.creator.accessToken,
      query: { page_size: 10 },
      body: { shop_id: '1' },
    });
    expect(res.json.data).toEqual({ total_count: 0, next_page_token: '', target_collaborations: [] });
  });

  it('a keyword by id finds that invitation; by name, LIVE ones only', async () => {
    const all = await pageAll(
      f,
      TARGETS,
      { token: f.creator.accessToken, query: { page_size: 100 }, body: { shop_id: f.shop.id } },
      'target_collaborations',
    );
    const notLive = all.records.find((r) => r['status'] !== 'LIVE') ?? all.records[0]!;
    const byId = await f.call(TARGETS, {
      token: f.creator.accessToken,
      query: { page_size: 10 },
      body: { shop_id: f.shop.id, keyword_type: 'TARGET_COLLABORATIONS_ID', keyword: notLive['id'] },
    });
    expect(byId.json.data.target_collaborations).toEqual([notLive]);
    const byName = await f.call(TARGETS, {
      token: f.creator.accessToken,
      query: { page_size: 100 },
      body: {
        shop_id: f.shop.id,
        keyword_type: 'TARGET_COLLABORATIONS_NAME',
        keyword: String(notLive['name']),
      },
    });
    for (const r of byName.json.data.target_collaborations) expect(r.status).toBe('LIVE');
  });

  it('refuses a seller token', async () => {
    const res = await f.call(TARGETS, {
      token: f.seller.accessToken,
      query: { page_size: 10 },
      body: { shop_id: f.shop.id },
    });
    expect(res.json.code).toBe(101000);
  });
});

describe('creator open collaboration product search (sandbox)', () => {
  it('caps page_size at 20', async () => {
    const res = await f.call(PRODUCTS, { token: f.creator.accessToken, query: { page_size: 21 }, body: {} });
    expect(res.json.code).not.toBe(0);
  });

  it('pages the marketplace schema-valid, without units_sold for a creator who shares no data', async () => {
    const { records, pages } = await pageAll(
      f,
      PRODUCTS,
      { token: f.creator.accessToken, query: { page_size: 20 }, body: {} },
      'products',
    );
    for (const p of pages)
      expect(RESPONSE_SCHEMAS.creator_open_collaboration_products.safeParse(p.json).success).toBe(true);
    expect(records.length).toBeGreaterThan(20);
    expect(records.some((r) => 'units_sold' in r)).toBe(false);
    // The seller's search of the same marketplace does show it.
    const seller = await f.call('/affiliate_seller/202405/open_collaborations/products/search', {
      token: f.seller.accessToken,
      query: { page_size: 20, shop_cipher: f.shop.cipher },
      body: {},
    });
    expect(seller.json.data.products.some((r: Record<string, unknown>) => 'units_sold' in r)).toBe(true);
  });
});
