/**
 * Every stream's record contract, by normalizer name, with the tables the stream fills: what the
 * data dictionary renders (scripts/gen-data-dictionary.ts) and what the tests hold the examples to.
 */
import { campaignCreatorFulfillmentContract } from './campaign-creator-fulfillment.ts';
import { campaignProductPerformanceContract } from './campaign-product-performance.ts';
import type { RecordContract } from './contract.ts';
import { creatorOpenCollaborationProductContract } from './creator-open-collaboration-products.ts';
import { creatorOrderContract } from './creator-orders.ts';
import { creatorTargetCollaborationContract } from './creator-target-collaborations.ts';
import { openCollaborationProductContract } from './open-collaboration-products.ts';
import { openCollaborationContract } from './open-collaborations.ts';
import { partnerCampaignProductContract } from './partner-campaign-products.ts';
import { partnerCampaignContract } from './partner-campaigns.ts';
import { partnerOrderContract } from './partner-orders.ts';
import { sellerOrderContract } from './seller-orders.ts';
import { targetCollaborationContract } from './target-collaborations.ts';

export interface StreamContract {
  /** Table export names the normalizer fills. */
  tables: readonly string[];
  contract: RecordContract;
}

export const RECORD_CONTRACTS = {
  normalizeSellerOrders: { tables: ['sellerOrders', 'sellerOrderSkus'], contract: sellerOrderContract },
  normalizeCreatorOrders: { tables: ['creatorOrders', 'creatorOrderSkus'], contract: creatorOrderContract },
  normalizeOpenCollaborations: { tables: ['openCollaborations'], contract: openCollaborationContract },
  normalizeOpenCollaborationProducts: {
    tables: ['openCollaborationProducts'],
    contract: openCollaborationProductContract,
  },
  normalizeTargetCollaborations: {
    tables: ['targetCollaborations', 'targetCollaborationProducts', 'targetCollaborationCreators'],
    contract: targetCollaborationContract,
  },
  normalizePartnerCampaigns: { tables: ['partnerCampaigns'], contract: partnerCampaignContract },
  normalizePartnerCampaignProducts: {
    tables: ['partnerCampaignProducts'],
    contract: partnerCampaignProductContract,
  },
  normalizeCampaignCreatorFulfillment: {
    tables: ['campaignCreatorFulfillment', 'campaignCreatorFulfillmentDaily'],
    contract: campaignCreatorFulfillmentContract,
  },
  normalizePartnerOrders: { tables: ['partnerOrders', 'partnerOrderSkus'], contract: partnerOrderContract },
  normalizeCampaignProductPerformance: {
    tables: ['campaignProductPerformance', 'campaignProductPerformanceDaily'],
    contract: campaignProductPerformanceContract,
  },
  normalizeCreatorTargetCollaborations: {
    tables: ['creatorTargetCollaborations', 'creatorTargetCollaborationProducts'],
    contract: creatorTargetCollaborationContract,
  },
  normalizeCreatorOpenCollaborationProducts: {
    tables: ['creatorOpenCollaborationProducts'],
    contract: creatorOpenCollaborationProductContract,
  },
} as const satisfies Record<string, StreamContract>;
