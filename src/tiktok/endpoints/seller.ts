/**
 * Seller-token endpoints (docs/tiktok-api.md#seller-orders, docs/tiktok-api.md#open-collaboration-product-search, docs/tiktok-api.md#target-collaborations). Each returns ONE page or record; iterating pages is
 * the engine's job (src/extract/paginate.ts). page_size / page_token are query parameters even on
 * POST searches; the body carries only the filters (docs/tiktok-api.md#pagination).
 */
import type { ApiClient } from '../client.ts';
import type { ApiRecord, CallOptions, ConnectionAuth, Page } from '../types.ts';
import { ENDPOINTS } from './catalog.ts';
import { compact, pagingQuery, toPage, toRecord } from './page.ts';
import { createTimeBody } from './params.ts';

export interface SellerOrdersParams {
  /** Inclusive lower bound, epoch SECONDS (docs/tiktok-api.md#seller-orders). Omitted: the shop's earliest time. */
  createTimeGe?: number;
  /** Exclusive upper bound, epoch SECONDS. Omitted: now. */
  createTimeLt?: number;
  pageSize?: number;
  pageToken?: string;
  /** Campaign, target collaboration or open collaboration id. */
  programId?: string;
}

/** POST /affiliate_seller/202410/orders/search (docs/tiktok-api.md#seller-orders); records = data.orders. */
export async function searchSellerOrders(
  api: ApiClient,
  auth: ConnectionAuth,
  params: SellerOrdersParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.sellerOrdersSearch;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    query: pagingQuery(endpoint, params),
    body: compact({
      ...createTimeBody(params),
      program_id: params.programId,
    }),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'orders');
}

export interface OpenCollaborationsParams {
  pageSize?: number;
  pageToken?: string;
  keywordType?: 'PRODUCT_ID' | 'PRODUCT_NAME';
  keyword?: string;
  /** First-level category only (docs/tiktok-api.md#open-collaborations). */
  topLevelCategoryId?: string;
}

/** POST /affiliate_seller/202412/open_collaborations/search (docs/tiktok-api.md#open-collaborations); data.open_collaborations. */
export async function searchOpenCollaborations(
  api: ApiClient,
  auth: ConnectionAuth,
  params: OpenCollaborationsParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.openCollaborationsSearch;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    query: pagingQuery(endpoint, params),
    body: compact({
      keyword_type: params.keywordType,
      keyword: params.keyword,
      top_level_category_id: params.topLevelCategoryId,
    }),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'open_collaborations');
}

export interface OpenCollaborationProductCriteria {
  /** AND-combined loose match; <= 20 keywords (docs/tiktok-api.md#open-collaboration-product-search). */
  titleKeywords?: string[];
  /** Decimal strings (money is never a float). */
  salesPriceGe?: string;
  salesPriceLt?: string;
  categoryId?: string;
  /** Basis points. */
  commissionRateGe?: number;
  commissionRateLt?: number;
}

export interface OpenCollaborationProductsParams {
  pageSize?: number;
  pageToken?: string;
  sortField?: 'commission_rate' | 'product_sales_price' | 'commission' | 'units_sold';
  sortOrder?: 'ASC' | 'DESC';
  criteria: OpenCollaborationProductCriteria;
}

export function productSearchBody(c: OpenCollaborationProductCriteria): Record<string, unknown> {
  const price = compact({ amount_ge: c.salesPriceGe, amount_lt: c.salesPriceLt });
  const rate = compact({ rate_ge: c.commissionRateGe, rate_lt: c.commissionRateLt });
  return compact({
    title_keywords: c.titleKeywords && c.titleKeywords.length > 0 ? c.titleKeywords : undefined,
    sales_price_range: Object.keys(price).length > 0 ? price : undefined,
    category: c.categoryId !== undefined ? { id: c.categoryId } : undefined,
    commission_rate_range: Object.keys(rate).length > 0 ? rate : undefined,
  });
}

/**
 * POST /affiliate_seller/202405/open_collaborations/products/search (docs/tiktok-api.md#open-collaboration-product-search): the
 * marketplace search; page_size <= 20; shop_cipher optional (sent when the connection has one,
 * docs/tiktok-api.md#optional-shop-cipher-on-the-product-search); data.products.
 */
export async function searchOpenCollaborationProducts(
  api: ApiClient,
  auth: ConnectionAuth,
  params: OpenCollaborationProductsParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.openCollaborationProductsSearch;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    query: {
      ...pagingQuery(endpoint, params),
      sort_field: params.sortField,
      sort_order: params.sortOrder,
    },
    body: productSearchBody(params.criteria),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'products');
}

export type TargetCollaborationStatus = 'ONGOING' | 'EXPIRING' | 'VALID' | 'CANCELING' | 'COMPLETED';

export interface TargetCollaborationsParams {
  /** Required in 202508 (docs/tiktok-api.md#target-collaborations). */
  collaborationStatus: TargetCollaborationStatus;
  pageSize?: 20 | 50 | 100;
  pageToken?: string;
}

/** POST /affiliate_seller/202508/target_collaborations/search (docs/tiktok-api.md#target-collaborations); data.target_collaborations. */
export async function searchTargetCollaborations(
  api: ApiClient,
  auth: ConnectionAuth,
  params: TargetCollaborationsParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.targetCollaborationsSearch;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    query: pagingQuery(endpoint, params),
    body: { collaboration_status: params.collaborationStatus },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'target_collaborations');
}

/** GET /affiliate_seller/202508/target_collaborations/{id} (docs/tiktok-api.md#target-collaboration-detail); data.target_collaboration. */
export async function getTargetCollaborationDetail(
  api: ApiClient,
  auth: ConnectionAuth,
  targetCollaborationId: string,
  opts: CallOptions = {},
): Promise<{ record: ApiRecord; requestId: string }> {
  const endpoint = ENDPOINTS.targetCollaborationDetail;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    pathParams: { target_collaboration_id: targetCollaborationId },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toRecord(endpoint, data, requestId, 'target_collaboration');
}
