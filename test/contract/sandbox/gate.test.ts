import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorEnvelope } from '../../../src/sandbox/schemas.ts';
import { type Fixture, PATHS, startFixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.sb.close();
});

const flip = (s: string, i = 0) => s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);

/** The docs/tiktok-api.md#signing algorithm written out independently of src/tiktok/sign.ts. */
function docSign(secret: string, path: string, query: Record<string, string>, body: string): string {
  const keys = Object.keys(query)
    .filter((k) => k !== 'sign' && k !== 'access_token')
    .sort();
  const text = secret + path + keys.map((k) => k + query[k]).join('') + body + secret;
  return createHmac('sha256', secret).update(text).digest('hex');
}

describe('signature (docs/tiktok-api.md#signing)', () => {
  it('accepts a request signed by hand with the documented algorithm', async () => {
    const path = PATHS.sellerOrders;
    const body = '{"create_time_lt":1999999999}';
    const query: Record<string, string> = {
      app_key: f.sb.app.appKey,
      timestamp: String(Math.floor(f.sb.clock.nowMs() / 1000)),
      shop_cipher: f.shop.cipher,
      page_size: '3',
    };
    const url = `${f.sb.url}${path}?${new URLSearchParams({ ...query, sign: docSign(f.sb.app.appSecret, path, query, body) })}`;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tts-access-token': f.seller.accessToken },
      body,
    });
    const json = (await res.json()) as { code: number; data: { orders: unknown[] } };
    expect(json.code).toBe(0);
    expect(json.data.orders).toHaveLength(3);
  });

  it('accepts a request signed per the algorithm (query + raw body)', async () => {
    const res = await f.call(PATHS.sellerOrders, {
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 5 },
      body: '{"create_time_ge":0}',
    });
    expect(res.status).toBe(200);
    expect(res.json.code).toBe(0);
  });

  it('rejects a single changed byte in the signature, the body or a query value with 106001', async () => {
    const base = {
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 5 },
      body: '{"create_time_ge":0}',
    };
    const badSign = await f.call(PATHS.sellerOrders, { ...base, alterSign: (s) => flip(s, 10) });
    expect(badSign.json.code).toBe(106001);
    expect(badSign.json.message).toContain('`sign`');
    const badBody = await f.call(PATHS.sellerOrders, {
      ...base,
      alterBodyAfterSign: (b) => b.replace('0}', '1}'),
    });
    expect(badBody.json.code).toBe(106001);
    expect(errorEnvelope.safeParse(badBody.json).success).toBe(true);
    expect(f.sb.stats().badSignatures).toBeGreaterThanOrEqual(2);
  });

  it('missing sign and unknown app_key are 36009004 with distinct messages', async () => {
    const missing = await f.call(PATHS.shops, { token: f.seller.accessToken, omitSign: true });
    expect(missing.json.code).toBe(36009004);
    expect(missing.json.message).toContain('sign');
    const wrongKey = await f.call(PATHS.shops, { token: f.seller.accessToken, query: { app_key: 'zzzzzz' } });
    expect(wrongKey.json.code).toBe(36009004);
    expect(wrongKey.json.message).toContain('app_key');
  });

  it('timestamp must be within [now - 300 s, now + 30 s] of the virtual clock', async () => {
    const now = Math.floor(f.sb.clock.nowMs() / 1000);
    const at = async (ts: number) =>
      (await f.call(PATHS.shops, { token: f.seller.accessToken, timestampS: ts })).json.code;
    expect(await at(now - 295)).toBe(0);
    expect(await at(now + 25)).toBe(0);
    expect(await at(now - 305)).toBe(36009004);
    expect(await at(now + 35)).toBe(36009004);
  });
});

describe('token types and ciphers (docs/tiktok-api.md#common-parameters, docs/sandbox.md)', () => {
  it('missing shop_cipher on a seller endpoint is 106013', async () => {
    const res = await f.call(PATHS.sellerOrders, {
      token: f.seller.accessToken,
      query: { page_size: 5 },
      body: {},
    });
    expect(res.json.code).toBe(106013);
  });

  it('an unexpected cipher is 36009004 naming the parameter', async () => {
    const res = await f.call(PATHS.shops, {
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher },
    });
    expect(res.json.code).toBe(36009004);
    expect(res.json.message).toContain('shop_cipher');
    const partner = await f.call(PATHS.campaigns, {
      token: f.partner.accessToken,
      query: { category_asset_cipher: f.asset.cipher, shop_cipher: f.shop.cipher, page_size: 10 },
    });
    expect(partner.json.code).toBe(36009004);
    const creator = await f.call(PATHS.creatorOrders, {
      token: f.creator.accessToken,
      query: { page_size: 10, category_asset_cipher: f.asset.cipher },
      body: {},
    });
    expect(creator.json.code).toBe(36009004);
  });

  it('a token of the wrong user_type or a foreign cipher is 101000', async () => {
    const creatorOnSeller = await f.call(PATHS.sellerOrders, {
      token: f.creator.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 5 },
      body: {},
    });
    expect(creatorOnSeller.json.code).toBe(101000);
    const sellerOnPartner = await f.call(PATHS.campaigns, {
      token: f.seller.accessToken,
      query: { category_asset_cipher: f.asset.cipher, page_size: 10 },
    });
    expect(sellerOnPartner.json.code).toBe(101000);
    const foreign = await f.call(PATHS.sellerOrders, {
      token: f.seller.accessToken,
      query: { shop_cipher: 'ROW_notmyshop', page_size: 5 },
      body: {},
    });
    expect(foreign.json.code).toBe(101000);
    const missingAsset = await f.call(PATHS.campaigns, {
      token: f.partner.accessToken,
      query: { page_size: 10 },
    });
    expect(missingAsset.json.code).toBe(36009004);
  });

  it('the open-collaboration product search takes shop_cipher optionally (docs/tiktok-api.md#open-collaboration-product-search)', async () => {
    const without = await f.call(PATHS.products, {
      token: f.seller.accessToken,
      query: { page_size: 5 },
      body: {},
    });
    expect(without.json.code).toBe(0);
    const withCipher = await f.call(PATHS.products, {
      token: f.seller.accessToken,
      query: { page_size: 5, shop_cipher: f.shop.cipher },
      body: {},
    });
    expect(withCipher.json.code).toBe(0);
  });
});

describe('page_size bounds (docs/tiktok-api.md#page-sizes)', () => {
  const cases: [string, string, () => Record<string, unknown>, number[], number[]][] = [
    [
      'seller orders 1-100',
      PATHS.sellerOrders,
      () => ({ token: f.seller.accessToken, query: { shop_cipher: f.shop.cipher }, body: {} }),
      [1, 100],
      [0, 101],
    ],
    [
      'creator orders 1-100',
      PATHS.creatorOrders,
      () => ({ token: f.creator.accessToken, query: {}, body: {} }),
      [1, 100],
      [0, 101],
    ],
    [
      'open collaborations 1-100',
      PATHS.openCollabs,
      () => ({ token: f.seller.accessToken, query: { shop_cipher: f.shop.cipher }, body: {} }),
      [1, 100],
      [0, 101],
    ],
    [
      'marketplace products 1-20',
      PATHS.products,
      () => ({ token: f.seller.accessToken, query: {}, body: {} }),
      [1, 20],
      [0, 21],
    ],
    [
      'target collaborations 20|50|100',
      PATHS.targets,
      () => ({
        token: f.seller.accessToken,
        query: { shop_cipher: f.shop.cipher },
        body: { collaboration_status: 'VALID' },
      }),
      [20, 50, 100],
      [10, 30, 99],
    ],
    [
      'campaigns 1-100',
      PATHS.campaigns,
      () => ({ token: f.partner.accessToken, query: { category_asset_cipher: f.asset.cipher } }),
      [1, 100],
      [0, 101],
    ],
  ];
  for (const [name, path, opts, ok, bad] of cases) {
    it(name, async () => {
      for (const size of ok) {
        const o = opts() as { query: Record<string, string | number> };
        expect((await f.call(path, { ...o, query: { ...o.query, page_size: size } })).json.code).toBe(0);
      }
      for (const size of bad) {
        const o = opts() as { query: Record<string, string | number> };
        const res = await f.call(path, { ...o, query: { ...o.query, page_size: size } });
        expect(res.json.code).not.toBe(0);
        expect(res.json.message).toContain('page_size');
      }
    });
  }

  it('fulfillment page_size is optional and 1-50', async () => {
    const c = (await f.sb.groundTruth('campaign_creator_fulfillment', f.asset.cipher)).groups[0]?.scope;
    if (!c?.['campaign_id'] || !c['product_id']) throw new Error('no fulfillment scope');
    const path = PATHS.fulfillment(c['campaign_id'], c['product_id']);
    const q = { category_asset_cipher: f.asset.cipher };
    expect((await f.call(path, { token: f.partner.accessToken, query: q })).json.code).toBe(0);
    expect(
      (await f.call(path, { token: f.partner.accessToken, query: { ...q, page_size: 50 } })).json.code,
    ).toBe(0);
    expect(
      (await f.call(path, { token: f.partner.accessToken, query: { ...q, page_size: 51 } })).json.code,
    ).not.toBe(0);
  });

  it('collaboration_status is required on the 202508 target search (docs/tiktok-api.md#target-collaborations)', async () => {
    const res = await f.call(PATHS.targets, {
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher },
      body: {},
    });
    expect(res.json.code).toBe(98001004);
    expect(res.json.message).toContain('collaboration_status');
  });
});

describe('paths, methods, bodies and HTTP status modes', () => {
  it('unknown version/path is 36009009, wrong method 36009010, bad JSON body 36009022', async () => {
    expect(
      (await f.call('/affiliate_seller/209901/orders/search', { token: f.seller.accessToken, body: {} })).json
        .code,
    ).toBe(36009009);
    expect((await f.call(PATHS.sellerOrders, { token: f.seller.accessToken, method: 'GET' })).json.code).toBe(
      36009010,
    );
    const bad = await f.call(PATHS.sellerOrders, {
      token: f.seller.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 5 },
      body: '{"create_time_ge":',
    });
    expect(bad.json.code).toBe(36009022);
  });

  it('answers errors with HTTP 200 by default and 4xx when configured (docs/tiktok-api.md#http-status-of-errors)', async () => {
    const res200 = await f.call(PATHS.shops, { token: 'TTP_unknown' });
    expect(res200.status).toBe(200);
    f.sb.setFaults('errors=4xx');
    try {
      expect((await f.call(PATHS.shops, { token: 'TTP_unknown' })).status).toBe(401);
      const scope = f.sb.issueGrant(f.seller.openId, { scopes: [] });
      const forbidden = await f.call(PATHS.sellerOrders, {
        token: scope.accessToken,
        query: { shop_cipher: f.shop.cipher, page_size: 5 },
        body: {},
      });
      expect(forbidden.status).toBe(403);
      const param = await f.call(PATHS.sellerOrders, {
        token: f.seller.accessToken,
        query: { shop_cipher: f.shop.cipher, page_size: 0 },
        body: {},
      });
      expect(param.status).toBe(400);
      expect(param.json.code).not.toBe(0);
    } finally {
      f.sb.setFaults(null);
    }
  });
});
