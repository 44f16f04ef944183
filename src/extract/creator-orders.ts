/**
 * creator_affiliate_orders: POST /affiliate_creator/202410/orders/search (docs/tiktok-api.md#creator-orders), creator token,
 * no cipher; same create-time window rules as the seller variant (docs/tiktok-api.md#seller-orders defaults).
 * Settlements come from the trace order search by settle time when the app is granted it
 * (creator-trace-orders.ts), which spares the re-scans most of their work.
 */
import { searchCreatorOrders } from '../tiktok/endpoints/creator.ts';
import { fetchSettledPage, traceToCreatorOrder } from './creator-trace-orders.ts';
import { ORDERS_PAGE_SIZE } from './seller-orders.ts';
import type { WindowedSource } from './types.ts';
import { windowToApiBounds } from './windows.ts';

export const creatorOrdersSource: WindowedSource = {
  strategy: 'windowed',
  normalizer: 'normalizeCreatorOrders',
  headerTable: 'creatorOrders',
  ownerColumn: 'creator_id',
  finalStatuses: 'creator',
  settlements: { fetchPage: fetchSettledPage, map: traceToCreatorOrder },
  fetchPage(ctx, window, pageToken, pageSize = ORDERS_PAGE_SIZE) {
    return searchCreatorOrders(
      ctx.api,
      ctx.auth,
      { ...windowToApiBounds(window), pageSize, pageToken },
      { signal: ctx.signal },
    );
  },
};
