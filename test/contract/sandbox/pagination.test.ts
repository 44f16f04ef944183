import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, PATHS, pageAll, startFixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.sb.close();
});

const ids = (records: Record<string, unknown>[]) => records.map((r) => String(r['id']));
const sorted = (records: Record<string, unknown>[]) =>
  [...records].sort((a, b) => (String(a['id']) < String(b['id']) ? -1 : 1));

function expectSameRecords(got: Record<string, unknown>[], want: Record<string, unknown>[]): void {
  expect(new Set(ids(got)).size).toBe(got.length); // no duplicates
  expect(sorted(got)).toEqual(sorted(want)); // complete and identical
}

describe('pages are stable and complete: union of pages == ground truth (docs/tiktok-api.md#pagination)', () => {
  for (const size of [3, 7, 100]) {
    it(`seller orders at page_size ${size}`, async () => {
      const truth = (await f.sb.groundTruth('seller_affiliate_orders', f.shop.id)).groups[0]?.records ?? [];
      expect(truth.length).toBeGreaterThan(150);
      const { records, pages } = await pageAll(
        f,
        PATHS.sellerOrders,
        { token: f.seller.accessToken, query: { shop_cipher: f.shop.cipher, page_size: size }, body: {} },
        'orders',
      );
      expectSameRecords(records, truth);
      expect(pages.at(-1)?.json.data.next_page_token).toBe('');
      expect(pages[0]?.json.data.total_count).toBe(truth.length);
    });
  }

  it('seller orders: create times ascend, some lines are exact duplicates, ~300 lines at tiny scale', async () => {
    const truth = (await f.sb.groundTruth('seller_affiliate_orders', f.shop.id)).groups[0]?.records ?? [];
    const times = truth.map((o) => Number(o['create_time']));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const lines = truth.flatMap((o) => o['skus'] as unknown[]);
    expect(lines.length).toBeGreaterThan(240);
    expect(lines.length).toBeLessThan(380);
    const dupOrders = truth.filter((o) => {
      const skus = (o['skus'] as unknown[]).map((s) => JSON.stringify(s));
      return new Set(skus).size < skus.length;
    });
    expect(dupOrders.length).toBeGreaterThan(0);
  });

  for (const size of [2, 13, 100]) {
    it(`creator orders at page_size ${size}`, async () => {
      const truth =
        (await f.sb.groundTruth('creator_affiliate_orders', f.creator.openId)).groups[0]?.records ?? [];
      const { records } = await pageAll(
        f,
        PATHS.creatorOrders,
        { token: f.creator.accessToken, query: { page_size: size }, body: {} },
        'orders',
      );
      expectSameRecords(records, truth);
    });
  }

  for (const size of [1, 6, 100]) {
    it(`open collaborations at page_size ${size}, newest first by default`, async () => {
      const truth = (await f.sb.groundTruth('open_collaborations', f.shop.id)).groups[0]?.records ?? [];
      const { records } = await pageAll(
        f,
        PATHS.openCollabs,
        { token: f.seller.accessToken, query: { shop_cipher: f.shop.cipher, page_size: size }, body: {} },
        'open_collaborations',
      );
      expectSameRecords(records, truth);
      const starts = records.map((r) => (r['current_commission'] as { start_time: number }).start_time);
      expect(starts).toEqual([...starts].sort((a, b) => b - a));
    });
  }

  it('open collaboration products (marketplace) for a saved search, at page sizes 1, 20', async () => {
    const criteria = { commission_rate_range: { rate_ge: 1000 }, category: { id: '601152' } };
    const truth =
      (await f.sb.groundTruth('open_collaboration_products', f.shop.id, criteria)).groups[0]?.records ?? [];
    expect(truth.length).toBeGreaterThan(0);
    for (const size of [1, 20]) {
      const { records } = await pageAll(
        f,
        PATHS.products,
        {
          token: f.seller.accessToken,
          query: { page_size: size, sort_field: 'units_sold', sort_order: 'DESC' },
          body: criteria,
        },
        'products',
      );
      expectSameRecords(records, truth);
    }
    const all = (await f.sb.groundTruth('open_collaboration_products', f.shop.id)).groups[0]?.records ?? [];
    expect(all.length).toBeGreaterThan(truth.length);
  });

  it('target collaborations: the disjoint statuses page to exactly the ground truth, with detail', async () => {
    const truth = (await f.sb.groundTruth('target_collaborations', f.shop.id)).groups[0]?.records ?? [];
    const got: Record<string, unknown>[] = [];
    for (const status of ['ONGOING', 'EXPIRING', 'CANCELING', 'COMPLETED']) {
      const { records } = await pageAll(
        f,
        PATHS.targets,
        {
          token: f.seller.accessToken,
          query: { shop_cipher: f.shop.cipher, page_size: 20 },
          body: { collaboration_status: status },
        },
        'target_collaborations',
      );
      expect(records.length).toBeGreaterThan(0);
      for (const search of records) {
        const detail = await f.call(PATHS.target(String(search['id'])), {
          token: f.seller.accessToken,
          query: { shop_cipher: f.shop.cipher },
        });
        got.push({ search, detail: detail.json.data.target_collaboration, collaboration_status: status });
      }
    }
    expect(sorted(got.map((g) => ({ ...g, id: (g['search'] as { id: string }).id })))).toEqual(
      sorted(truth.map((t) => ({ ...t, id: (t['search'] as { id: string }).id }))),
    );
    const valid = await pageAll(
      f,
      PATHS.targets,
      {
        token: f.seller.accessToken,
        query: { shop_cipher: f.shop.cipher, page_size: 20 },
        body: { collaboration_status: 'VALID' },
      },
      'target_collaborations',
    );
    const ongoingOrExpiring = truth.filter(
      (t) => t['collaboration_status'] === 'ONGOING' || t['collaboration_status'] === 'EXPIRING',
    );
    expect(valid.records.length).toBe(ongoingOrExpiring.length);
  });

  it('partner campaigns, campaign products and fulfillment page to exactly the ground truth', async () => {
    const q = { category_asset_cipher: f.asset.cipher };
    const campaigns = await f.sb.groundTruth('partner_campaigns', f.asset.cipher);
    const list = await pageAll(
      f,
      PATHS.campaigns,
      { token: f.partner.accessToken, query: { ...q, page_size: 2 } },
      'campaigns',
    );
    const summaries = (campaigns.groups[0]?.records ?? []).map(
      (r) => r['summary'] as Record<string, unknown>,
    );
    expectSameRecords(list.records, summaries);
    for (const r of campaigns.groups[0]?.records ?? []) {
      const detail = r['detail'] as { id: string };
      expect(
        (await f.call(PATHS.campaign(detail.id), { token: f.partner.accessToken, query: q })).json.data,
      ).toEqual(detail);
    }
    for (const g of campaigns.groups.slice(1)) {
      const id = g.scope['campaign_id'] ?? '';
      const { records } = await pageAll(
        f,
        PATHS.campaignProducts(id),
        { token: f.partner.accessToken, query: { ...q, page_size: 3 } },
        'products',
      );
      expectSameRecords(records, g.records);
    }
    const fulfillment = await f.sb.groundTruth('campaign_creator_fulfillment', f.asset.cipher);
    const multiPage = fulfillment.groups.filter((g) => g.records.length > 5);
    expect(multiPage.length).toBeGreaterThan(0);
    for (const g of fulfillment.groups) {
      const path = PATHS.fulfillment(g.scope['campaign_id'] ?? '', g.scope['product_id'] ?? '');
      const { records, pages } = await pageAll(
        f,
        path,
        { token: f.partner.accessToken, query: { ...q, page_size: 5 } },
        'promotion_creators',
      );
      expect(records).toEqual(g.records);
      expect(pages[0]?.json.data.total_creator_count).toBe(g.records.length);
    }
  });
});

describe('create-time windows (docs/tiktok-api.md#seller-orders)', () => {
  it('create_time_ge is inclusive and create_time_lt exclusive', async () => {
    const truth = (await f.sb.groundTruth('seller_affiliate_orders', f.shop.id)).groups[0]?.records ?? [];
    const t = Number(truth[50]?.['create_time']);
    const q = { token: f.seller.accessToken, query: { shop_cipher: f.shop.cipher, page_size: 100 } };
    const from = await pageAll(f, PATHS.sellerOrders, { ...q, body: { create_time_ge: t } }, 'orders');
    expect(Number(from.records[0]?.['create_time'])).toBe(t);
    expect(from.records.length).toBe(truth.filter((o) => Number(o['create_time']) >= t).length);
    const until = await pageAll(f, PATHS.sellerOrders, { ...q, body: { create_time_lt: t } }, 'orders');
    expect(until.records.every((o) => Number(o['create_time']) < t)).toBe(true);
    expect(until.records.length + from.records.length).toBe(truth.length);
    const empty = await f.call(PATHS.sellerOrders, { ...q, body: { create_time_ge: t, create_time_lt: t } });
    expect(empty.json.data.orders).toEqual([]);
    expect(empty.json.data.next_page_token).toBe('');
  });

  it('program_id filters to orders with a line in that program', async () => {
    const truth = (await f.sb.groundTruth('seller_affiliate_orders', f.shop.id)).groups[0]?.records ?? [];
    const line = ((truth[0]?.['skus'] ?? []) as Record<string, string>[])[0] ?? {};
    const program =
      line['open_collaboration_id'] ?? line['target_collaboration_id'] ?? line['campaign_id'] ?? '';
    const want = truth.filter((o) =>
      (o['skus'] as Record<string, string>[]).some((s) =>
        [s['open_collaboration_id'], s['target_collaboration_id'], s['campaign_id']].includes(program),
      ),
    );
    const { records, pages } = await pageAll(
      f,
      PATHS.sellerOrders,
      {
        token: f.seller.accessToken,
        query: { shop_cipher: f.shop.cipher, page_size: 3 },
        body: { program_id: program },
      },
      'orders',
    );
    expectSameRecords(records, want);
    expect(pages[0]?.json.data.total_count).toBe(want.length);
  });

  it('new orders keep arriving as the clock advances and are appended after the last page', async () => {
    const q = {
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 100 },
      body: {},
    };
    const before = await pageAll(f, PATHS.sellerOrders, q, 'orders');
    f.sb.clock.advance(3 * 86_400_000);
    const after = await pageAll(f, PATHS.sellerOrders, q, 'orders');
    expect(after.records.length).toBeGreaterThan(before.records.length);
    expect(ids(after.records).slice(0, before.records.length)).toEqual(ids(before.records));
  });
});

describe('page tokens are opaque, bound to their query, tamper-proof and expire (docs/tiktok-api.md#pagination)', () => {
  async function firstToken(): Promise<string> {
    const res = await f.call(PATHS.sellerOrders, {
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 5 },
      body: {},
    });
    return res.json.data.next_page_token as string;
  }

  it('looks like base64url', async () => {
    expect(await firstToken()).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('rejects a token used with another query, a tampered token and an expired token with 36009004', async () => {
    const token = await firstToken();
    const other = await f.call(PATHS.sellerOrders, {
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 5, page_token: token },
      body: { create_time_ge: 1 },
    });
    expect(other.json.code).toBe(36009004);
    expect(other.json.message).toContain('page_token');
    const raw = Buffer.from(token, 'base64url')
      .toString('utf8')
      .replace(/\[(\d+)\]/, (_m, n: string) => `[${Number(n) + 50}]`);
    const tampered = await f.call(PATHS.sellerOrders, {
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 5, page_token: Buffer.from(raw).toString('base64url') },
      body: {},
    });
    expect(tampered.json.code).toBe(36009004);
    f.sb.clock.advance(2 * 3600_000 + 1000);
    const expired = await f.call(PATHS.sellerOrders, {
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 5, page_token: token },
      body: {},
    });
    expect(expired.json.code).toBe(36009004);
    expect(expired.json.message).toContain('expired');
  });
});
