import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointId } from '../../../src/sandbox/endpoints.ts';
import { RESPONSE_SCHEMAS } from '../../../src/sandbox/schemas.ts';
import { type Fixture, PATHS, pageAll, plain, startFixture } from './helpers.ts';
import type { CallOptions } from './sandbox-client.ts';

// The official reference's response samples, kept verbatim in the repository (docs/tiktok-api.md#sources).
const EXAMPLES = new URL('../../fixtures/api-examples/', import.meta.url).pathname;
/** Recorded official examples of the endpoints the sandbox serves. */
const EXAMPLE_FILES: [string, EndpointId][] = [
  ['auth-token-get.json', 'token_get'],
  ['authorization-202309-shops.json', 'shops'],
  ['authorization-202405-category-assets.json', 'category_assets'],
  ['affiliate-seller-202410-orders-search.json', 'seller_orders'],
  ['affiliate-creator-202410-orders-search.json', 'creator_orders'],
  ['affiliate-seller-202412-open-collaborations-search.json', 'open_collaborations'],
  ['affiliate-seller-202405-open-collaborations-products-search.json', 'open_collaboration_products'],
  ['affiliate-seller-202508-target-collaborations-search.json', 'target_collaborations'],
  ['affiliate-seller-202508-target-collaboration-detail.json', 'target_collaboration_detail'],
  ['affiliate-partner-202405-campaigns.json', 'campaigns'],
  ['affiliate-partner-202405-campaign-detail.json', 'campaign_detail'],
  ['affiliate-partner-202405-campaign-products.json', 'campaign_products'],
  ['affiliate-partner-202508-creator-fulfillment-status-info.json', 'fulfillment'],
  ['seed-creator-fulfillment-status-info.json', 'fulfillment'],
];

function check(endpoint: EndpointId, body: unknown): void {
  const result = RESPONSE_SCHEMAS[endpoint].safeParse(body);
  if (!result.success) throw new Error(`${endpoint}: ${JSON.stringify(result.error.issues.slice(0, 3))}`);
}

describe('recorded official examples validate against the sandbox schemas', () => {
  for (const [file, endpoint] of EXAMPLE_FILES) {
    it(`${file} -> ${endpoint}`, () => {
      check(endpoint, JSON.parse(readFileSync(`${EXAMPLES}/${file}`, 'utf8')));
    });
  }

  it('the strict schemas reject drift (an extra field, a wrong type)', () => {
    const example = JSON.parse(
      readFileSync(`${EXAMPLES}/affiliate-seller-202410-orders-search.json`, 'utf8'),
    );
    example.data.orders[0].skus[0].surprise = 1;
    expect(RESPONSE_SCHEMAS.seller_orders.safeParse(example).success).toBe(false);
    const typed = JSON.parse(readFileSync(`${EXAMPLES}/affiliate-seller-202410-orders-search.json`, 'utf8'));
    typed.data.orders[0].skus[0].commission_rate = 1000; // must be a STRING here (docs/tiktok-api.md#seller-orders)
    expect(RESPONSE_SCHEMAS.seller_orders.safeParse(typed).success).toBe(false);
  });
});

describe('every sandbox response validates against its endpoint schema', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture({ seed: 5 });
  });
  afterAll(async () => {
    await f.sb.close();
  });

  async function all(endpoint: EndpointId, path: string, opts: CallOptions, listKey: string) {
    const { pages, records } = await pageAll(f, path, opts, listKey);
    for (const page of pages) check(endpoint, page.json);
    return records;
  }

  async function sweep(): Promise<void> {
    const s = { token: f.seller.accessToken };
    const p = { token: f.partner.accessToken };
    check('shops', (await f.call(PATHS.shops, s)).json);
    check('category_assets', (await f.call(PATHS.assets, p)).json);
    await all(
      'seller_orders',
      PATHS.sellerOrders,
      { ...s, query: { shop_cipher: f.shop.cipher, page_size: 100 }, body: {} },
      'orders',
    );
    await all(
      'creator_orders',
      PATHS.creatorOrders,
      { token: f.creator.accessToken, query: { page_size: 100 }, body: {} },
      'orders',
    );
    await all(
      'open_collaborations',
      PATHS.openCollabs,
      { ...s, query: { shop_cipher: f.shop.cipher, page_size: 100 }, body: {} },
      'open_collaborations',
    );
    await all(
      'open_collaboration_products',
      PATHS.products,
      { ...s, query: { page_size: 20 }, body: {} },
      'products',
    );
    for (const status of ['ONGOING', 'EXPIRING', 'CANCELING', 'COMPLETED']) {
      const found = await all(
        'target_collaborations',
        PATHS.targets,
        {
          ...s,
          query: { shop_cipher: f.shop.cipher, page_size: 100 },
          body: { collaboration_status: status },
        },
        'target_collaborations',
      );
      for (const t of found) {
        check(
          'target_collaboration_detail',
          (await f.call(PATHS.target(String(t['id'])), { ...s, query: { shop_cipher: f.shop.cipher } })).json,
        );
      }
    }
    const q = { category_asset_cipher: f.asset.cipher };
    const campaigns = await all(
      'campaigns',
      PATHS.campaigns,
      { ...p, query: { ...q, page_size: 100 } },
      'campaigns',
    );
    for (const c of campaigns) {
      const id = String(c['id']);
      check('campaign_detail', (await f.call(PATHS.campaign(id), { ...p, query: q })).json);
      const products = await all(
        'campaign_products',
        PATHS.campaignProducts(id),
        { ...p, query: { ...q, page_size: 100 } },
        'products',
      );
      for (const product of products) {
        await all(
          'fulfillment',
          PATHS.fulfillment(id, String(product['id'])),
          { ...p, query: { ...q, page_size: 50 } },
          'promotion_creators',
        );
      }
    }
  }

  it('at the start, and after time passes and mutations apply', async () => {
    await sweep();
    const g = f.sb.issueGrant(f.seller.openId);
    const token = await plain(
      `${f.sb.authUrl}${PATHS.tokenGet}?${new URLSearchParams({ app_key: f.sb.app.appKey, app_secret: f.sb.app.appSecret, auth_code: g.authCode, grant_type: 'authorized_code' })}`,
    );
    check('token_get', token.json);
    await f.sb.mutate(5);
    await sweep();
  });
});
