/**
 * Seller-token endpoints (api doc §4, §6, §7). Each returns ONE page or record; iterating pages is
 * the engine's job (src/extract/paginate.ts). page_size / page_token are query parameters even on
 * POST searches; the body carries only the filters (api doc §1.4).
 */
import type { ApiClient } from '../client.ts';
import type { ApiRecord, CallOptions, ConnectionAuth, Page } from '../types.ts';
import { ENDPOINTS } from './catalog.ts';
import { compact, pagingQuery, toPage, toRecord } from './page.ts';
import { createTimeBody } from './params.ts';

export interface SellerOrdersParams {
  /** Inclusive lower bound, epoch SECONDS (api doc §4.1). Omitted: the shop's earliest time. */
  createTimeGe?: number;
  /** Exclusive upper bound, epoch SECONDS. Omitted: now. */
  createTimeLt?: number;
  pageSize?: number;
  pageToken?: string;
  /** Campaign, target collaboration or open collaboration id. */
  programId?: string;
}

/** POST /affiliate_seller/202410/orders/search (api doc §4.1); records = data.orders. */
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
  /** First-level category only (api doc §6.3). */
  topLevelCategoryId?: string;
}

/** POST /affiliate_seller/202412/open_collaborations/search (api doc §6.3); data.open_collaborations. */
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
  /** AND-combined loose match; <= 20 keywords (api doc §6.1). */
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
 * POST /affiliate_seller/202405/open_collaborations/products/search (api doc §6.1): the
 * marketplace search; page_size <= 20; shop_cipher optional (sent when the connection has one,
 * §12.11); data.products.
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
  /** Required in 202508 (api doc §7.2). */
  collaborationStatus: TargetCollaborationStatus;
  pageSize?: 20 | 50 | 100;
  pageToken?: string;
}

/** POST /affiliate_seller/202508/target_collaborations/search (api doc §7.2); data.target_collaborations. */
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

/** GET /affiliate_seller/202508/target_collaborations/{id} (api doc §7.3); data.target_collaboration. */
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
