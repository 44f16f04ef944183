/**
 * zod schemas of every response the sandbox serves, per endpoint (docs/tiktok-api.md#tokens). Strict objects:
 * an unknown field fails, so the tests catch typos and drift. Fields the sandbox sometimes omits
 * (docs/tiktok-api.md#field-conventions "Optionality") are optional; the recorded official examples must validate too.
 * Used by tests only (never on the serving path).
 */
import type { EndpointId } from './endpoints.ts';
import { tokenData, categoryAssets, shops } from './schemas/auth.ts';
import {
  campaignDetail,
  campaignProductPerformance,
  campaignProducts,
  campaigns,
  fulfillment,
} from './schemas/partner.ts';
import { envelope } from './schemas/common.ts';
import {
  creatorMarketplaceProducts,
  creatorTargetCollaborations,
  marketplaceProducts,
  openCollaborations,
  targetDetailRecord,
  targetSearch,
} from './schemas/collaborations.ts';
import { creatorOrders, creatorTraceOrders, partnerOrders, sellerOrders } from './schemas/orders.ts';
import { z } from 'zod';

export { envelope, errorEnvelope } from './schemas/common.ts';
export { targetDetailRecord, targetSearchRecord } from './schemas/collaborations.ts';
export { campaignDetail } from './schemas/partner.ts';

/** Success-envelope schema per endpoint. */
export const RESPONSE_SCHEMAS: Record<EndpointId, z.ZodType> = {
  token_get: envelope(tokenData),
  token_refresh: envelope(tokenData),
  shops: envelope(shops),
  category_assets: envelope(categoryAssets),
  seller_orders: envelope(sellerOrders),
  creator_orders: envelope(creatorOrders),
  creator_trace_orders: envelope(creatorTraceOrders),
  open_collaborations: envelope(openCollaborations),
  open_collaboration_products: envelope(marketplaceProducts),
  target_collaborations: envelope(targetSearch),
  target_collaboration_detail: envelope(z.strictObject({ target_collaboration: targetDetailRecord })),
  campaigns: envelope(campaigns),
  campaign_detail: envelope(campaignDetail),
  campaign_products: envelope(campaignProducts),
  fulfillment: envelope(fulfillment),
  partner_orders: envelope(partnerOrders),
  campaign_product_performance: envelope(campaignProductPerformance),
  creator_target_collaborations: envelope(creatorTargetCollaborations),
  creator_open_collaboration_products: envelope(creatorMarketplaceProducts),
};
