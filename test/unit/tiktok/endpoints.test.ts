import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/tiktok/client.ts';
import {
  getAuthorizedCategoryAssets,
  getAuthorizedShops,
} from '../../../src/tiktok/endpoints/authorization.ts';
import { ENDPOINTS } from '../../../src/tiktok/endpoints/catalog.ts';
import { searchCreatorOrders } from '../../../src/tiktok/endpoints/creator.ts';
import { pageSizeFor } from '../../../src/tiktok/endpoints/page.ts';
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
import { ResponseShapeError } from '../../../src/tiktok/errors.ts';
import { ASSET_CIPHER, fakeFetch, ok, type Responder, SHOP_CIPHER, testAuth } from './helpers/fake-api.ts';

function setup(responder: Responder) {
  const fake = fakeFetch(responder);
  const api = createApiClient({
    apiBaseUrl: 'https://api.test',
    authBaseUrl: 'https://auth.test',
    fetch: fake.fetch,
    now: () => 1_750_000_000_000,
    retry: { retries: 0 },
  });
  const last = () => {
    const r = fake.requests.at(-1);
    if (!r) throw new Error('no request sent');
    return { ...r, q: r.url.searchParams, json: r.body === null ? null : JSON.parse(r.body) };
  };
  return { api, last, requests: fake.requests };
}

const auth = testAuth();

describe('seller endpoints (docs/tiktok-api.md#seller-orders, docs/tiktok-api.md#open-collaboration-product-search, docs/tiktok-api.md#target-collaborations)', () => {
  it('searchSellerOrders: POST, filters in the body, paging in the query, shop_cipher, data.orders', async () => {
    const { api, last } = setup(
      ok({ orders: [{ id: '1' }, { id: '2' }], next_page_token: 'b2Zmc2V0PTI=', total_count: 7 }, 'rid'),
    );
    const page = await searchSellerOrders(api, auth, {
      createTimeGe: 1719807456,
      createTimeLt: 1722485856,
      pageSize: 50,
      pageToken: 'abc',
      programId: '736',
    });
    expect(page).toEqual({
      records: [{ id: '1' }, { id: '2' }],
      nextPageToken: 'b2Zmc2V0PTI=',
      totalCount: 7,
      requestId: 'rid',
    });
    const req = last();
    expect(req.method).toBe('POST');
    expect(req.url.pathname).toBe('/affiliate_seller/202410/orders/search');
    expect(req.q.get('page_size')).toBe('50');
    expect(req.q.get('page_token')).toBe('abc');
    expect(req.q.get('shop_cipher')).toBe(SHOP_CIPHER);
    expect(req.json).toEqual({ create_time_ge: 1719807456, create_time_lt: 1722485856, program_id: '736' });
  });

  it('searchSellerOrders: no page_token on the first page, default page size, no filter sent as no body (signed alike whichever way {} is signed)', async () => {
    const { api, last } = setup(ok({ orders: [], next_page_token: '' }));
    const page = await searchSellerOrders(api, auth, {});
    expect(page.nextPageToken).toBeNull();
    expect(page.totalCount).toBeNull();
    expect(last().q.has('page_token')).toBe(false);
    expect(last().q.get('page_size')).toBe('100');
    expect(last().body).toBeNull();
  });

  it('rejects millisecond time bounds before sending', async () => {
    const { api, requests } = setup(ok({}));
    await expect(searchSellerOrders(api, auth, { createTimeGe: 1719807456000 })).rejects.toThrow(
      /epoch seconds/,
    );
    await expect(searchCreatorOrders(api, auth, { createTimeLt: 1.5 })).rejects.toThrow(RangeError);
    expect(requests).toHaveLength(0);
  });

  it('searchOpenCollaborations: body keyword filters, data.open_collaborations', async () => {
    const { api, last } = setup(
      ok({ open_collaborations: [{ id: 'oc1' }], next_page_token: 'n', total_count: 1 }),
    );
    const page = await searchOpenCollaborations(api, auth, {
      keywordType: 'PRODUCT_NAME',
      keyword: 'shirt',
      topLevelCategoryId: '9',
    });
    expect(page.records).toEqual([{ id: 'oc1' }]);
    expect(last().url.pathname).toBe('/affiliate_seller/202412/open_collaborations/search');
    expect(last().json).toEqual({
      keyword_type: 'PRODUCT_NAME',
      keyword: 'shirt',
      top_level_category_id: '9',
    });
  });

  it('searchOpenCollaborationProducts: criteria nested as documented, sort in the query, page_size <= 20', async () => {
    const { api, last } = setup(ok({ products: [{ id: 'p' }], next_page_token: '' }));
    await searchOpenCollaborationProducts(api, auth, {
      pageSize: 50,
      sortField: 'units_sold',
      sortOrder: 'DESC',
      criteria: {
        titleKeywords: ['blue', 'shirt'],
        salesPriceGe: '10.50',
        categoryId: '343554',
        commissionRateGe: 1000,
      },
    });
    const req = last();
    expect(req.url.pathname).toBe('/affiliate_seller/202405/open_collaborations/products/search');
    expect(req.q.get('page_size')).toBe('20');
    expect(req.q.get('sort_field')).toBe('units_sold');
    expect(req.q.get('sort_order')).toBe('DESC');
    expect(req.json).toEqual({
      title_keywords: ['blue', 'shirt'],
      sales_price_range: { amount_ge: '10.50' },
      category: { id: '343554' },
      commission_rate_range: { rate_ge: 1000 },
    });
  });

  it('searchTargetCollaborations: required status in the body, page_size snapped to 20/50/100', async () => {
    const { api, last } = setup(
      ok({
        target_collaborations: [{ id: 't', creator_inivited_count: 3 }],
        next_page_token: 'x',
        total_count: 9,
      }),
    );
    const page = await searchTargetCollaborations(api, auth, {
      collaborationStatus: 'EXPIRING',
      pageSize: 50,
    });
    expect(page.records[0]).toEqual({ id: 't', creator_inivited_count: 3 });
    expect(last().json).toEqual({ collaboration_status: 'EXPIRING' });
    expect(last().q.get('page_size')).toBe('50');
    expect(last().url.pathname).toBe('/affiliate_seller/202508/target_collaborations/search');
  });

  it('getTargetCollaborationDetail: GET with an encoded id, record = data.target_collaboration', async () => {
    const { api, last } = setup(ok({ target_collaboration: { id: '789', products: [] } }, 'r2'));
    const res = await getTargetCollaborationDetail(api, auth, '789');
    expect(res).toEqual({ record: { id: '789', products: [] }, requestId: 'r2' });
    expect(last().method).toBe('GET');
    expect(last().url.pathname).toBe('/affiliate_seller/202508/target_collaborations/789');
    expect(last().body).toBeNull();
  });

  it('a detail without its record is shape drift', async () => {
    const { api } = setup(ok({}));
    await expect(getTargetCollaborationDetail(api, auth, '1')).rejects.toBeInstanceOf(ResponseShapeError);
    await expect(getPartnerCampaignDetail(api, auth, '1')).rejects.toBeInstanceOf(ResponseShapeError);
  });
});

describe('creator and partner endpoints (docs/tiktok-api.md#creator-orders, docs/tiktok-api.md#partner-campaigns)', () => {
  it('searchCreatorOrders sends no cipher', async () => {
    const { api, last } = setup(ok({ orders: [{ id: 'o' }], next_page_token: '' }));
    const page = await searchCreatorOrders(api, auth, { createTimeGe: 1719807456 });
    expect(page.records).toHaveLength(1);
    expect(last().url.pathname).toBe('/affiliate_creator/202410/orders/search');
    expect(last().q.has('shop_cipher')).toBe(false);
    expect(last().q.has('category_asset_cipher')).toBe(false);
    expect(last().json).toEqual({ create_time_ge: 1719807456 });
  });

  it('listPartnerCampaigns: GET with category_asset_cipher and filters, data.campaigns', async () => {
    const { api, last } = setup(ok({ campaigns: [{ id: 'c' }], next_page_token: 'n', total_count: 1570 }));
    const page = await listPartnerCampaigns(api, auth, { status: 'ONGOING', type: 'MY_CAMPAIGNS' });
    expect(page.totalCount).toBe(1570);
    expect(last().method).toBe('GET');
    expect(last().q.get('category_asset_cipher')).toBe(ASSET_CIPHER);
    expect(last().q.get('status')).toBe('ONGOING');
    expect(last().q.get('type')).toBe('MY_CAMPAIGNS');
    expect(last().q.has('shop_cipher')).toBe(false);
  });

  it('getPartnerCampaignDetail: the record is data itself', async () => {
    const { api, last } = setup(ok({ id: '7356', name: 'test_campaign' }));
    const res = await getPartnerCampaignDetail(api, auth, '7356');
    expect(res.record).toEqual({ id: '7356', name: 'test_campaign' });
    expect(last().url.pathname).toBe('/affiliate_partner/202405/campaigns/7356');
  });

  it('listPartnerCampaignProducts: data.products', async () => {
    const { api, last } = setup(ok({ products: [{ id: 'p1' }], next_page_token: '', total_count: 1 }));
    const page = await listPartnerCampaignProducts(api, auth, 'c1', { pageSize: 30 });
    expect(page.records).toEqual([{ id: 'p1' }]);
    expect(last().url.pathname).toBe('/affiliate_partner/202405/campaigns/c1/products');
    expect(last().q.get('page_size')).toBe('30');
  });

  it('getCreatorFulfillmentStatus: data.promotion_creators, total_creator_count, page_size <= 50', async () => {
    const { api, last } = setup(
      ok({ total_creator_count: 1, promotion_creators: [{ commission: '100' }], next_page_token: 'tk' }),
    );
    const page = await getCreatorFulfillmentStatus(api, auth, 'c1', 'p1', { pageSize: 100 });
    expect(page).toMatchObject({ records: [{ commission: '100' }], totalCount: 1, nextPageToken: 'tk' });
    expect(last().url.pathname).toBe('/affiliate_partner/202508/campaigns/c1/products/p1/performance');
    expect(last().q.get('page_size')).toBe('50');
    expect(last().q.get('category_asset_cipher')).toBe(ASSET_CIPHER);
  });
});

describe('pages (docs/tiktok-api.md#pagination)', () => {
  it('missing records are an empty page; records that are not an array are shape drift', async () => {
    expect((await searchSellerOrders(setup(ok({})).api, auth, {})).records).toEqual([]);
    expect((await searchSellerOrders(setup(ok({ orders: null })).api, auth, {})).records).toEqual([]);
    await expect(searchSellerOrders(setup(ok({ orders: { id: 1 } })).api, auth, {})).rejects.toBeInstanceOf(
      ResponseShapeError,
    );
    await expect(
      searchSellerOrders(setup(ok({ orders: [], next_page_token: 5 })).api, auth, {}),
    ).rejects.toBeInstanceOf(ResponseShapeError);
  });

  it('passes non-object elements through for the normalizer to quarantine', async () => {
    const page = await searchSellerOrders(setup(ok({ orders: [{ id: '1' }, 'junk', null] })).api, auth, {});
    expect(page.records).toEqual([{ id: '1' }, 'junk', null]);
  });

  it('reads "0" as the end marker (null, no further request); reads a numeric-string total', async () => {
    const page = await searchSellerOrders(
      setup(ok({ orders: [], next_page_token: '0', total_count: '12' })).api,
      auth,
      {},
    );
    expect(page.nextPageToken).toBeNull();
    expect(page.totalCount).toBe(12);
  });
});

describe('page_size bounds (docs/tiktok-api.md#page-sizes)', () => {
  it('clamps above the maximum, defaults when omitted, rejects non-integers and values < 1', () => {
    expect(pageSizeFor(ENDPOINTS.sellerOrdersSearch, 500)).toBe(100);
    expect(pageSizeFor(ENDPOINTS.sellerOrdersSearch, undefined)).toBe(100);
    expect(pageSizeFor(ENDPOINTS.openCollaborationProductsSearch, 21)).toBe(20);
    expect(pageSizeFor(ENDPOINTS.creatorFulfillmentStatus, 51)).toBe(50);
    expect(pageSizeFor(ENDPOINTS.partnerCampaigns, 1)).toBe(1);
    expect(() => pageSizeFor(ENDPOINTS.sellerOrdersSearch, 0)).toThrow(RangeError);
    expect(() => pageSizeFor(ENDPOINTS.sellerOrdersSearch, 2.5)).toThrow(RangeError);
    expect(() => pageSizeFor(ENDPOINTS.targetCollaborationDetail, 10)).toThrow(/not paginated/);
  });

  it('snaps target collaboration sizes up to 20, 50 or 100', () => {
    expect(pageSizeFor(ENDPOINTS.targetCollaborationsSearch, 1)).toBe(20);
    expect(pageSizeFor(ENDPOINTS.targetCollaborationsSearch, 21)).toBe(50);
    expect(pageSizeFor(ENDPOINTS.targetCollaborationsSearch, 100)).toBe(100);
    expect(pageSizeFor(ENDPOINTS.targetCollaborationsSearch, 1000)).toBe(100);
  });
});

describe('authorization endpoints (docs/tiktok-api.md#authorized-shops, docs/tiktok-api.md#authorized-category-assets)', () => {
  it('getAuthorizedShops maps the documented fields and sends no cipher', async () => {
    const { api, last } = setup(
      ok({
        shops: [
          {
            id: '7000714532876273420',
            name: 'Maomao',
            region: 'GB',
            seller_type: 'CROSS_BORDER',
            cipher: 'GCP_X',
            code: 'CNGB',
          },
        ],
      }),
    );
    expect(await getAuthorizedShops(api, auth)).toEqual([
      {
        id: '7000714532876273420',
        name: 'Maomao',
        region: 'GB',
        sellerType: 'CROSS_BORDER',
        cipher: 'GCP_X',
        code: 'CNGB',
      },
    ]);
    expect(last().url.pathname).toBe('/authorization/202309/shops');
    expect(last().q.has('shop_cipher')).toBe(false);
  });

  it('getAuthorizedCategoryAssets converts the numeric category.id to a string', async () => {
    const { api, last } = setup(
      ok({
        category_assets: [
          { cipher: 'TTP_c', target_market: 'US', category: { id: 3, name: 'Customer Support' } },
        ],
      }),
    );
    expect(await getAuthorizedCategoryAssets(api, auth)).toEqual([
      { cipher: 'TTP_c', targetMarket: 'US', categoryId: '3', categoryName: 'Customer Support' },
    ]);
    expect(last().q.has('category_asset_cipher')).toBe(false);
  });

  it('a shop without a cipher or an asset without a category id is shape drift', async () => {
    await expect(getAuthorizedShops(setup(ok({ shops: [{ id: '1' }] })).api, auth)).rejects.toBeInstanceOf(
      ResponseShapeError,
    );
    await expect(
      getAuthorizedCategoryAssets(setup(ok({ category_assets: [{ cipher: 'c', category: {} }] })).api, auth),
    ).rejects.toBeInstanceOf(ResponseShapeError);
  });
});
