/**
 * The analytics warehouse (schema tiktok_affiliate, docs/warehouse.md#schemas): every table analysts query, with
 * its documentation. Split by stream family into analytics-*.ts files; this module is the one entry.
 */
import type { RelationDoc } from './docs.ts';
import { creatorOrderSkusDoc, creatorOrdersDoc } from './analytics-creator-orders.ts';
import { creatorsDoc } from './analytics-creators.ts';
import { creatorOrderRawDoc, sellerOrderRawDoc } from './analytics-order-raw.ts';
import {
  campaignCreatorFulfillmentDailyDoc,
  campaignCreatorFulfillmentDoc,
} from './analytics-fulfillment.ts';
import {
  creatorOpenCollaborationProductsDoc,
  creatorTargetCollaborationProductsDoc,
  creatorTargetCollaborationsDoc,
} from './analytics-creator-collaborations.ts';
import { openCollaborationProductsDoc, openCollaborationsDoc } from './analytics-open-collaborations.ts';
import { partnerCampaignProductsDoc, partnerCampaignsDoc } from './analytics-partner.ts';
import { partnerOrderSkusDoc, partnerOrdersDoc } from './analytics-partner-orders.ts';
import {
  campaignProductPerformanceDailyDoc,
  campaignProductPerformanceDoc,
} from './analytics-product-performance.ts';
import { sellerOrderSkusDoc, sellerOrdersDoc } from './analytics-seller-orders.ts';
import {
  targetCollaborationCreatorsDoc,
  targetCollaborationProductsDoc,
  targetCollaborationsDoc,
} from './analytics-target-collaborations.ts';

export { ANALYTICS_SCHEMA, tiktokAffiliate } from './analytics-schema.ts';
export { creatorOrderSkus, creatorOrders } from './analytics-creator-orders.ts';
export { creators } from './analytics-creators.ts';
export { creatorOrderRaw, sellerOrderRaw } from './analytics-order-raw.ts';
export { campaignCreatorFulfillment, campaignCreatorFulfillmentDaily } from './analytics-fulfillment.ts';
export {
  creatorOpenCollaborationProducts,
  creatorTargetCollaborationProducts,
  creatorTargetCollaborations,
} from './analytics-creator-collaborations.ts';
export { openCollaborationProducts, openCollaborations } from './analytics-open-collaborations.ts';
export { partnerCampaignProducts, partnerCampaigns } from './analytics-partner.ts';
export { partnerOrderSkus, partnerOrders } from './analytics-partner-orders.ts';
export {
  campaignProductPerformance,
  campaignProductPerformanceDaily,
} from './analytics-product-performance.ts';
export { sellerOrderSkus, sellerOrders } from './analytics-seller-orders.ts';
export {
  targetCollaborationCreators,
  targetCollaborationProducts,
  targetCollaborations,
} from './analytics-target-collaborations.ts';

/** Documentation of every analytics table, in a reading order for the data dictionary. */
export const analyticsDocs: RelationDoc[] = [
  sellerOrdersDoc,
  sellerOrderSkusDoc,
  sellerOrderRawDoc,
  creatorOrdersDoc,
  creatorOrderSkusDoc,
  creatorOrderRawDoc,
  openCollaborationsDoc,
  openCollaborationProductsDoc,
  targetCollaborationsDoc,
  targetCollaborationProductsDoc,
  targetCollaborationCreatorsDoc,
  partnerCampaignsDoc,
  partnerCampaignProductsDoc,
  campaignCreatorFulfillmentDoc,
  campaignCreatorFulfillmentDailyDoc,
  partnerOrdersDoc,
  partnerOrderSkusDoc,
  campaignProductPerformanceDoc,
  campaignProductPerformanceDailyDoc,
  creatorTargetCollaborationsDoc,
  creatorTargetCollaborationProductsDoc,
  creatorOpenCollaborationProductsDoc,
  creatorsDoc,
];
