/**
 * seller_affiliate_orders: POST /affiliate_seller/202410/orders/search (docs/tiktok-api.md#seller-orders), seller token +
 * shop_cipher, create-time windows + settlement re-scan. page_size 100 is the documented maximum and
 * the default (operators may ask for smaller pages: ORDERS_PAGE_SIZE).
 */
import { searchSellerOrders } from '../tiktok/endpoints/seller.ts';
import type { WindowedSource } from './types.ts';
import { windowToApiBounds } from './windows.ts';

export const ORDERS_PAGE_SIZE = 100;

export const sellerOrdersSource: WindowedSource = {
  strategy: 'windowed',
  normalizer: 'normalizeSellerOrders',
  headerTable: 'sellerOrders',
  ownerColumn: 'shop_id',
  finalStatuses: 'seller',
  fetchPage(ctx, window, pageToken, pageSize = ORDERS_PAGE_SIZE) {
    return searchSellerOrders(
      ctx.api,
      ctx.auth,
      { ...windowToApiBounds(window), pageSize, pageToken },
      { signal: ctx.signal },
    );
  },
};
