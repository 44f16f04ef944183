/**
 * partner_affiliate_orders: POST /affiliate_partner/202411/orders/search, partner token +
 * category_asset_cipher, the orders credited to the partner's campaigns. Walked like the other
 * order streams: bounded create-time windows, settlement re-scans of windows still holding open
 * orders, page-token restarts. The status enum is the seller one, so the seller list of final
 * statuses decides the re-scans. The newer version of this search is reported to refuse ranges
 * over three months: the planned windows (7 days by default) stay well inside, and a refused
 * range is halved by the engine like any other.
 */
import { searchPartnerOrders } from '../tiktok/endpoints/partner.ts';
import { ORDERS_PAGE_SIZE } from './seller-orders.ts';
import type { WindowedSource } from './types.ts';
import { windowToApiBounds } from './windows.ts';

export const partnerOrdersSource: WindowedSource = {
  strategy: 'windowed',
  normalizer: 'normalizePartnerOrders',
  headerTable: 'partnerOrders',
  ownerColumn: 'partner_id',
  finalStatuses: 'seller',
  fetchPage(ctx, window, pageToken, pageSize = ORDERS_PAGE_SIZE) {
    return searchPartnerOrders(
      ctx.api,
      ctx.auth,
      { ...windowToApiBounds(window), pageSize, pageToken },
      { signal: ctx.signal },
    );
  },
};
