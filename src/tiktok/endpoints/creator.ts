/** Creator-token endpoints (docs/tiktok-api.md#creator-orders): no cipher (docs/tiktok-api.md#token-types). */
import type { ApiClient } from '../client.ts';
import type { CallOptions, ConnectionAuth, Page } from '../types.ts';
import { ENDPOINTS } from './catalog.ts';
import { compact, pagingQuery, toPage } from './page.ts';
import { createTimeBody, epochSeconds } from './params.ts';
import { type OpenCollaborationProductCriteria, productSearchBody } from './seller.ts';

export interface CreatorOrdersParams {
  /** Inclusive, epoch SECONDS; defaults as for seller orders (docs/tiktok-api.md#creator-orders, docs/tiktok-api.md#seller-orders). */
  createTimeGe?: number;
  /** Exclusive, epoch SECONDS. */
  createTimeLt?: number;
  pageSize?: number;
  pageToken?: string;
}

/** POST /affiliate_creator/202410/orders/search (docs/tiktok-api.md#creator-orders); records = data.orders. */
export async function searchCreatorOrders(
  api: ApiClient,
  auth: ConnectionAuth,
  params: CreatorOrdersParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.creatorOrdersSearch;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    query: pagingQuery(endpoint, params),
    body: compact({
      ...createTimeBody(params),
    }),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'orders');
}

/** Which of an order's times the trace search filters on (the API's default is CREATE_TIME). */
export type TraceTimeType = 'PAY_TIME' | 'DELIVERY_TIME' | 'SETTLE_TIME' | 'CREATE_TIME';

export interface CreatorTraceOrdersParams {
  timeType: TraceTimeType;
  /** Inclusive, epoch SECONDS. */
  timeGe: number;
  /** Exclusive, epoch SECONDS. */
  timeLt: number;
  pageSize?: number;
  pageToken?: string;
}

/**
 * POST /affiliate_creator/202505/orders/trace/search: the creator's orders whose `timeType` time is
 * in [timeGe, timeLt); records = data.orders, in the trace shape (ids that were JSON numbers come
 * back as exact digit strings when beyond 2^53, numbers otherwise; see extract/creator-trace-orders.ts
 * for the mapping into the 202410 record). An app not granted the API gets a PermissionError (105005).
 */
export async function searchCreatorTraceOrders(
  api: ApiClient,
  auth: ConnectionAuth,
  params: CreatorTraceOrdersParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.creatorTraceOrdersSearch;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    query: pagingQuery(endpoint, params),
    body: {
      time_ge: epochSeconds('timeGe', params.timeGe),
      time_lt: epochSeconds('timeLt', params.timeLt),
      time_type: params.timeType,
    },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'orders');
}

export interface CreatorOpenCollaborationProductsParams {
  pageSize?: number;
  pageToken?: string;
  criteria: OpenCollaborationProductCriteria;
}

/**
 * POST /affiliate_creator/202405/open_collaborations/products/search: the marketplace products a
 * creator may join, same body as the seller's search; page_size <= 20; records = data.products.
 */
export async function searchCreatorOpenCollaborationProducts(
  api: ApiClient,
  auth: ConnectionAuth,
  params: CreatorOpenCollaborationProductsParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.creatorOpenCollaborationProductsSearch;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    query: pagingQuery(endpoint, params),
    body: productSearchBody(params.criteria),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'products');
}

export interface CreatorTargetCollaborationsParams {
  /** The TikTok shop id: required, the search lists one shop's invitations. */
  shopId: string;
  pageSize?: number;
  pageToken?: string;
}

/**
 * POST /affiliate_creator/202405/target_collaborations/search: the invitations the creator received
 * from one shop; records = data.target_collaborations.
 */
export async function searchCreatorTargetCollaborations(
  api: ApiClient,
  auth: ConnectionAuth,
  params: CreatorTargetCollaborationsParams,
  opts: CallOptions = {},
): Promise<Page> {
  const endpoint = ENDPOINTS.creatorTargetCollaborationsSearch;
  const { data, requestId } = await api.call({
    endpoint,
    auth,
    query: pagingQuery(endpoint, params),
    body: { shop_id: params.shopId },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return toPage(endpoint, data, requestId, 'target_collaborations');
}
