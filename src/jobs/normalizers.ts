/** The engine's map from a stream definition's normalizer name to the pure function (src/transform). */
import type { NormalizerName } from '../extract/types.ts';
import * as transform from '../transform/index.ts';
import type { NormalizeContext, NormalizeResult } from '../transform/types.ts';

export type Normalizer = (records: unknown[], ctx: NormalizeContext) => NormalizeResult;

export const NORMALIZERS: Record<NormalizerName, Normalizer> = {
  normalizeSellerOrders: transform.normalizeSellerOrders,
  normalizeCreatorOrders: transform.normalizeCreatorOrders,
  normalizeOpenCollaborations: transform.normalizeOpenCollaborations,
  normalizeOpenCollaborationProducts: transform.normalizeOpenCollaborationProducts,
  normalizeTargetCollaborations: transform.normalizeTargetCollaborations,
  normalizePartnerCampaigns: transform.normalizePartnerCampaigns,
  normalizePartnerCampaignProducts: transform.normalizePartnerCampaignProducts,
  normalizeCampaignCreatorFulfillment: transform.normalizeCampaignCreatorFulfillment,
  normalizePartnerOrders: transform.normalizePartnerOrders,
  normalizeCampaignProductPerformance: transform.normalizeCampaignProductPerformance,
  normalizeCreatorTargetCollaborations: transform.normalizeCreatorTargetCollaborations,
  normalizeCreatorOpenCollaborationProducts: transform.normalizeCreatorOpenCollaborationProducts,
};
