/** Affiliate partner (TAP) endpoints (docs/tiktok-api.md#partner-campaigns): partner token + category_asset_cipher. */
import type { ApiClient } from '../client.ts';
import type { ApiRecord, CallOptions, ConnectionAuth, Page } from '../types.ts';
import { ENDPOINTS } from './catalog.ts';
import { compact, pagingQuery, toPage, toRecord } from './page.ts';
import { createTimeBody } from './params.ts';

export interface PartnerCampaignsParams {
  pageSize?: number;
  pageToken?: string;
  status?: 'READY' | 'UPCOMING' | 'ONGOING' | 'CLOSED';
  /** Default MY_CAMPAIGNS (docs/tiktok-api.md#partner-campaigns). */
  type?: 'MY_CAMPAIGNS' | 'GS_SELLING_CAMPAIGNS' | 'SELLER_CAMPAIGNS' | 'EXCLUSIVE_TIKTOK_SHOP';
}

/** GET /affiliate_partner/202405/campaigns (docs/tiktok-api.md#partner-campaigns); records = data.campaigns. */
export async function listPartnerCampaigns(
  api: ApiClient,
  auth: ConnectionAuth,
  params: PartnerCampaignsParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.partnerCampaigns;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    query: {
      ...pagingQuery(endpoint, params),
      status: params.status,
      type: params.type,
    },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'campaigns');
}

/** GET /affiliate_partner/202405/campaigns/{campaign_id} (docs/tiktok-api.md#campaign-detail): the record is `data` itself. */
export async function getPartnerCampaignDetail(
  api: ApiClient,
  auth: ConnectionAuth,
  campaignId: string,
  opts: CallOptions = {},
): Promise<{ record: ApiRecord; requestId: string }> {
  const endpoint = ENDPOINTS.partnerCampaignDetail;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    pathParams: { campaign_id: campaignId },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toRecord(endpoint, data, requestId, null);
}

export interface PageParams {
  pageSize?: number;
  pageToken?: string;
}

/** GET /affiliate_partner/202405/campaigns/{campaign_id}/products (docs/tiktok-api.md#campaign-products); data.products. */
export async function listPartnerCampaignProducts(
  api: ApiClient,
  auth: ConnectionAuth,
  campaignId: string,
  params: PageParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.partnerCampaignProducts;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    pathParams: { campaign_id: campaignId },
    query: pagingQuery(endpoint, params),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'products');
}

/**
 * GET /affiliate_partner/202508/campaigns/{c}/products/{p}/performance (docs/tiktok-api.md#creator-fulfillment): page_size
 * <= 50; records = data.promotion_creators; total = total_creator_count.
 */
export async function getCreatorFulfillmentStatus(
  api: ApiClient,
  auth: ConnectionAuth,
  campaignId: string,
  productId: string,
  params: PageParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.creatorFulfillmentStatus;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    pathParams: { campaign_id: campaignId, product_id: productId },
    query: pagingQuery(endpoint, params),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'promotion_creators', 'total_creator_count');
}

export interface PartnerOrdersParams {
  /** Inclusive, epoch SECONDS. */
  createTimeGe?: number;
  /** Exclusive, epoch SECONDS. */
  createTimeLt?: number;
  /** Only the orders with a line of this campaign. */
  campaignId?: string;
  pageSize?: number;
  pageToken?: string;
}

/**
 * POST /affiliate_partner/202411/orders/search: the TAP orders credited to the partner's campaigns;
 * records = data.orders. Each order's `skus` is documented as a single object, not a list: the
 * normalizer accepts both shapes.
 */
export async function searchPartnerOrders(
  api: ApiClient,
  auth: ConnectionAuth,
  params: PartnerOrdersParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.partnerOrdersSearch;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    query: pagingQuery(endpoint, params),
    body: compact({ ...createTimeBody(params), campaign_id: params.campaignId }),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'orders');
}

/**
 * GET /affiliate_partner/202501/campaigns/{campaign_id}/products/performance: per product of the
 * campaign, order counts, amounts and partner commission; records = data.campaign_product_statistics.
 * No category_asset_cipher is sent: this version does not list one.
 */
export async function listCampaignProductPerformance(
  api: ApiClient,
  auth: ConnectionAuth,
  campaignId: string,
  params: PageParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.campaignProductPerformance;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    pathParams: { campaign_id: campaignId },
    query: pagingQuery(endpoint, params),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'campaign_product_statistics');
}
