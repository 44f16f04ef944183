/**
 * The pure normalizers, one per stream (docs/architecture.md#streams): API records -> table rows
 * keyed by the drizzle table export name, plus rejected records and unknown-enum counts. No I/O,
 * no clock: the sync time comes in NormalizeContext.now.
 */
export { normalizeCampaignCreatorFulfillment, snapshotDateOf } from './campaign-creator-fulfillment.ts';
export { normalizeCampaignProductPerformance } from './campaign-product-performance.ts';
export {
  checkContract,
  contractLines,
  type FieldRule,
  MAX_RECORD_BYTES,
  RECORD_BOUNDS,
  type RecordContract,
} from './contract.ts';
export { RECORD_CONTRACTS } from './contracts.ts';
export { normalizeCreatorOpenCollaborationProducts } from './creator-open-collaboration-products.ts';
export { normalizeCreatorOrders } from './creator-orders.ts';
export { normalizeCreatorTargetCollaborations } from './creator-target-collaborations.ts';
export { FINAL_ORDER_STATUSES, isFinalOrderStatus } from './final-statuses.ts';
export { lineKeyBase, lineKeys } from './line-key.ts';
export { normalizeOpenCollaborationProducts } from './open-collaboration-products.ts';
export { normalizeOpenCollaborations } from './open-collaborations.ts';
export { parseMoneyAmount } from './parse-money.ts';
export { normalizePartnerCampaignProducts } from './partner-campaign-products.ts';
export { normalizePartnerCampaigns } from './partner-campaigns.ts';
export { normalizePartnerOrders } from './partner-orders.ts';
export { normalizeSellerOrders } from './seller-orders.ts';
export { normalizeTargetCollaborations } from './target-collaborations.ts';
export type {
  NormalizeContext,
  NormalizeResult,
  RejectedRecord,
  StoredRowsKey,
  TableRows,
} from './types.ts';
