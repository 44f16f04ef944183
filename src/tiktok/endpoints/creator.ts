/** Creator-token endpoints (api doc §5): no cipher (api doc §1.2). */
import type { ApiClient } from '../client.ts';
import type { CallOptions, ConnectionAuth, Page } from '../types.ts';
import { ENDPOINTS } from './catalog.ts';
import { compact, pagingQuery, toPage } from './page.ts';
import { createTimeBody } from './params.ts';

export interface CreatorOrdersParams {
  /** Inclusive, epoch SECONDS; defaults as for seller orders (api doc §5.1, §4.1). */
  createTimeGe?: number;
  /** Exclusive, epoch SECONDS. */
  createTimeLt?: number;
  pageSize?: number;
  pageToken?: string;
}

/** POST /affiliate_creator/202410/orders/search (api doc §5.1); records = data.orders. */
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
