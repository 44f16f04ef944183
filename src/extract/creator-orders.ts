/**
 * creator_affiliate_orders: POST /affiliate_creator/202410/orders/search (docs/tiktok-api.md#creator-orders), creator token,
 * no cipher; same create-time window rules as the seller variant (docs/tiktok-api.md#seller-orders defaults).
 */
import { searchCreatorOrders } from '../tiktok/endpoints/creator.ts';
import { ORDERS_PAGE_SIZE } from './seller-orders.ts';
import type { WindowedSource } from './types.ts';
import { windowToApiBounds } from './windows.ts';

export const creatorOrdersSource: WindowedSource = {
  strategy: 'windowed',
  normalizer: 'normalizeCreatorOrders',
  headerTable: 'creatorOrders',
  ownerColumn: 'creator_id',
  finalStatuses: 'creator',
  fetchPage(ctx, window, pageToken, pageSize = ORDERS_PAGE_SIZE) {
    return searchCreatorOrders(
      ctx.api,
      ctx.auth,
      { ...windowToApiBounds(window), pageSize, pageToken },
      { signal: ctx.signal },
    );
  },
};
