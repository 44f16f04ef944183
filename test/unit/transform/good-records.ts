/**
 * One valid record per normalizer, built from the official examples as the extract layer pairs them
 * (shared by the record-contract and the absent-field tests).
 */
import type { RECORD_CONTRACTS } from '../../../src/transform/index.ts';
import { clone, example, exampleList } from './examples.ts';
import { tapOrderExample } from './partner-order-example.ts';
import { performanceExample } from './performance-example.ts';

type Name = keyof typeof RECORD_CONTRACTS;

export const GOOD: Record<Name, () => Record<string, unknown>> = {
  normalizeSellerOrders: () => clone(exampleList('affiliate-seller-202410-orders-search', 'orders')[0]!),
  normalizeCreatorOrders: () => clone(exampleList('affiliate-creator-202410-orders-search', 'orders')[0]!),
  normalizeOpenCollaborations: () =>
    clone(exampleList('affiliate-seller-202412-open-collaborations-search', 'open_collaborations')[0]!),
  normalizeOpenCollaborationProducts: () =>
    clone(exampleList('affiliate-seller-202405-open-collaborations-products-search', 'products')[0]!),
  normalizeTargetCollaborations: () => ({
    search: clone(
      exampleList('affiliate-seller-202508-target-collaborations-search', 'target_collaborations')[0]!,
    ),
    detail: clone(example('affiliate-seller-202508-target-collaboration-detail').data),
    collaboration_status: 'ONGOING',
  }),
  normalizePartnerCampaigns: () => ({
    summary: {
      ...clone(exampleList('affiliate-partner-202405-campaigns', 'campaigns')[0]!),
      id: '7356876895365105455',
    },
    detail: clone(example('affiliate-partner-202405-campaign-detail').data),
  }),
  normalizePartnerCampaignProducts: () =>
    clone(exampleList('affiliate-partner-202405-campaign-products', 'products')[0]!),
  normalizeCampaignCreatorFulfillment: () =>
    clone(exampleList('affiliate-partner-202508-creator-fulfillment-status-info', 'promotion_creators')[0]!),
  // skus as a one-item list: the paths below step into skus[0] (the single-object shape has its own tests).
  normalizePartnerOrders: () => {
    const order = tapOrderExample();
    return { ...order, skus: [order['skus']] };
  },
  normalizeCampaignProductPerformance: performanceExample,
  normalizeCreatorTargetCollaborations: () =>
    clone(exampleList('affiliate-creator-202405-target-collaborations-search', 'target_collaborations')[0]!),
  // The creator search answers the seller's record shape (units_sold may be absent).
  normalizeCreatorOpenCollaborationProducts: () =>
    clone(exampleList('affiliate-seller-202405-open-collaborations-products-search', 'products')[0]!),
};
