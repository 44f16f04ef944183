/**
 * The campaign product statistics list of the sandbox: no cipher (an unlisted cipher is refused),
 * strict-schema pages of string indicators, and "0" as the last page token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESPONSE_SCHEMAS } from '../../../src/sandbox/schemas.ts';
import { type Fixture, startFixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ seed: 12 });
});
afterAll(async () => {
  await f.sb.close();
});

const path = (campaignId: string) => `/affiliate_partner/202501/campaigns/${campaignId}/products/performance`;

async function firstCampaign(): Promise<string> {
  const res = await f.call('/affiliate_partner/202405/campaigns', {
    method: 'GET',
    token: f.partner.accessToken,
    query: { category_asset_cipher: f.asset.cipher, page_size: 10 },
  });
  return res.json.data.campaigns[0].id as string;
}

describe('campaign product statistics list (sandbox)', () => {
  it('pages to a "0" token with every page schema-valid and every product once', async () => {
    const campaignId = await firstCampaign();
    const ids: string[] = [];
    let token = '';
    for (let i = 0; i < 20; i++) {
      const res = await f.call(path(campaignId), {
        method: 'GET',
        token: f.partner.accessToken,
        query: { page_size: 3, ...(token ? { page_token: token } : {}) },
      });
      expect(RESPONSE_SCHEMAS.campaign_product_performance.safeParse(res.json).success).toBe(true);
      for (const s of res.json.data.campaign_product_statistics)
        ids.push(s.campaign_product_detail.product_id);
      token = res.json.data.next_page_token;
      if (token === '0') break;
    }
    expect(token).toBe('0');
    expect(ids.length).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses a category_asset_cipher, which this version does not list', async () => {
    const res = await f.call(path(await firstCampaign()), {
      method: 'GET',
      token: f.partner.accessToken,
      query: { category_asset_cipher: f.asset.cipher },
    });
    expect(res.json.code).toBe(36009004);
  });
});
