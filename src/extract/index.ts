/** Every stream definition, by stream name. */
import type { StreamName } from '../core/streams.ts';
import { campaignCreatorFulfillmentSource } from './campaign-creator-fulfillment.ts';
import { campaignProductPerformanceSource } from './campaign-product-performance.ts';
import { creatorOpenCollaborationProductsSource } from './creator-open-collaboration-products.ts';
import { creatorOrdersSource } from './creator-orders.ts';
import { creatorTargetCollaborationsSource } from './creator-target-collaborations.ts';
import { openCollaborationProductsSource } from './open-collaboration-products.ts';
import { openCollaborationsSource } from './open-collaborations.ts';
import { partnerCampaignsSource } from './partner-campaigns.ts';
import { partnerOrdersSource } from './partner-orders.ts';
import { sellerOrdersSource } from './seller-orders.ts';
import { targetCollaborationsSource } from './target-collaborations.ts';
import type { StreamSource } from './types.ts';

export const STREAM_SOURCES: Record<StreamName, StreamSource> = {
  seller_affiliate_orders: sellerOrdersSource,
  creator_affiliate_orders: creatorOrdersSource,
  open_collaborations: openCollaborationsSource,
  open_collaboration_products: openCollaborationProductsSource,
  target_collaborations: targetCollaborationsSource,
  partner_campaigns: partnerCampaignsSource,
  campaign_creator_fulfillment: campaignCreatorFulfillmentSource,
  partner_affiliate_orders: partnerOrdersSource,
  campaign_product_performance: campaignProductPerformanceSource,
  creator_target_collaborations: creatorTargetCollaborationsSource,
  creator_open_collaboration_products: creatorOpenCollaborationProductsSource,
};

export { defaultSavedSearch } from './open-collaboration-products.ts';
export { pages, RepeatedPageTokenError } from './paginate.ts';
export type * from './types.ts';
export * from './windows.ts';
export {
  isPageTokenFailure,
  MAX_STALLED_RESTARTS,
  PageTokenStalledError,
  RestartPolicy,
  restartablePages,
} from './restart.ts';
