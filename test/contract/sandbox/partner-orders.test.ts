/**
 * The TAP orders search of the sandbox: the asset cipher is required, `skus` comes as one object
 * (one-line orders, as documented) or as a list, every page validates against the strict schema,
 * ranges over 90 days are refused whatever the orderRangeCap switch, and campaign_id filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESPONSE_SCHEMAS } from '../../../src/sandbox/schemas.ts';
import { type Fixture, PATHS, pageAll, startFixture } from './helpers.ts';

const DAY = 86_400;
let f: Fixture;

beforeAll(async () => {
  f = await startFixture({ seed: 11 });
});
afterAll(async () => {
  await f.sb.close();
});

const nowS = () => Math.floor(f.sb.clock.nowMs() / 1000);
const search = (body: Record<string, unknown>, query: Record<string, string | number> = {}) =>
  f.call(PATHS.partnerOrders, {
    token: f.partner.accessToken,
    query: { category_asset_cipher: f.asset.cipher, page_size: 100, ...query },
    body,
  });

describe('TAP orders search (sandbox)', () => {
  it('serves 60 days of orders with skus as an object and as a list, every page schema-valid', async () => {
    const lt = nowS();
    const { records, pages } = await pageAll(
      f,
      PATHS.partnerOrders,
      {
        token: f.partner.accessToken,
        query: { category_asset_cipher: f.asset.cipher, page_size: 50 },
        body: { create_time_ge: lt - 60 * DAY, create_time_lt: lt },
      },
      'orders',
    );
    for (const page of pages) expect(RESPONSE_SCHEMAS.partner_orders.safeParse(page.json).success).toBe(true);
    expect(records.some((o) => Array.isArray(o['skus']))).toBe(true);
    expect(records.some((o) => !Array.isArray(o['skus']))).toBe(true);
    expect(new Set(records.map((o) => o['id'])).size).toBe(records.length);
  });

  it('a range over 90 days is refused with 36009004 naming the limit; 90 days are served', async () => {
    const lt = nowS() - DAY;
    const refused = await search({ create_time_ge: lt - 90 * DAY - 1, create_time_lt: lt });
    expect(refused.json.code).toBe(36009004);
    expect(refused.json.message).toMatch(/90 days/);
    expect((await search({})).json.code).toBe(36009004);
    expect((await search({ create_time_ge: lt - 90 * DAY, create_time_lt: lt })).json.code).toBe(0);
  });

  it('requires the category asset cipher and a partner token', async () => {
    const lt = nowS();
    const body = { create_time_ge: lt - DAY, create_time_lt: lt };
    const noCipher = await f.call(PATHS.partnerOrders, {
      token: f.partner.accessToken,
      query: { page_size: 20 },
      body,
    });
    expect(noCipher.json.code).not.toBe(0);
    const seller = await f.call(PATHS.partnerOrders, {
      token: f.seller.accessToken,
      query: { category_asset_cipher: f.asset.cipher, page_size: 20 },
      body,
    });
    expect(seller.json.code).not.toBe(0);
  });

  it('campaign_id keeps only the orders with a line of that campaign', async () => {
    const lt = nowS();
    const range = { create_time_ge: lt - 60 * DAY, create_time_lt: lt };
    const all = (await search(range)).json.data.orders as Record<string, unknown>[];
    const lines = (o: Record<string, unknown>) =>
      (Array.isArray(o['skus']) ? o['skus'] : [o['skus']]) as Record<string, unknown>[];
    const campaignId = lines(all[0]!)[0]!['campaign_id'] as string;
    const filtered = await search({ ...range, campaign_id: campaignId });
    const orders = filtered.json.data.orders as Record<string, unknown>[];
    expect(orders.length).toBeGreaterThan(0);
    expect(orders.length).toBeLessThan(all.length);
    for (const o of orders) expect(lines(o).some((l) => l['campaign_id'] === campaignId)).toBe(true);
  });
});
