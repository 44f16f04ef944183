/**
 * Documented enum values per field (docs/tiktok-api.md sections cited). Values outside these lists are kept as
 * sent and counted in NormalizeResult.unknownEnums; they are never a reason to reject a record.
 */

/** docs/tiktok-api.md#seller-orders seller order status (ALL is a filter value, listed because the enum declares it). */
export const SELLER_ORDER_STATUS = [
  'ALL',
  'PROCESSING',
  'COMPLETED',
  'CANCELLED',
  'FROZEN',
  'DEDUCTED',
] as const;
/** docs/tiktok-api.md#creator-orders creator order status (differs from the seller enum). */
export const CREATOR_ORDER_STATUS = [
  'UNSPECIFIED',
  'ORDERED',
  'SETTLED',
  'REFUNDED',
  'FROZEN',
  'DEDUCTED',
] as const;
/** docs/tiktok-api.md#seller-orders / docs/tiktok-api.md#creator-orders skus[].content_type. */
export const CONTENT_TYPE = ['SHOP', 'VIDEO', 'LIVE', 'PRE_LIVE', 'PROMOTION_PAGE', 'LINKSHARE'] as const;
/** docs/tiktok-api.md#open-collaborations open collaboration status. */
export const OPEN_COLLABORATION_STATUS = ['NORMAL', 'TERMINATING'] as const;
/** docs/tiktok-api.md#open-collaborations / docs/tiktok-api.md#target-collaboration-detail product status. */
export const PRODUCT_STATUS = [
  'LIVE',
  'OUT_OF_STOCK',
  'SELLER_DEACTIVATE',
  'PLATFORM_DEACTIVATE',
  'GNE_REJECT',
  'DELETE',
  'OTHER',
] as const;
/** docs/tiktok-api.md#target-collaborations collaboration_status search filter (VALID = ONGOING + EXPIRING). */
export const TARGET_COLLABORATION_SEARCH_STATUS = [
  'ONGOING',
  'EXPIRING',
  'VALID',
  'CANCELING',
  'COMPLETED',
] as const;
/** docs/tiktok-api.md#target-collaborations / docs/tiktok-api.md#target-collaboration-detail target collaboration type. */
/** The creator-side state of an invitation (creator target collaboration search 202405). */
export const CREATOR_TARGET_COLLABORATION_STATUS = ['LIVE', 'EXPIRED', 'DELETED', 'ENDED'] as const;

export const TARGET_COLLABORATION_TYPE = ['STANDARD', 'TOP_CREATOR_PROGRAM'] as const;
/** docs/tiktok-api.md#target-collaboration-detail membership status of a product / creator in a target collaboration. */
export const MEMBER_COLLABORATION_STATUS = ['NORMAL', 'DELETING', 'DELETED'] as const;
/** docs/tiktok-api.md#target-collaboration-detail commission_effective_status / product_effective_status. */
export const EFFECTIVE_STATUS = ['EFFECTIVE_ALL', 'EFFECTIVE_PARTIALLY', 'EFFECTIVE_NONE'] as const;
/** docs/tiktok-api.md#partner-campaigns / docs/tiktok-api.md#campaign-detail campaign status. */
export const CAMPAIGN_STATUS = ['READY', 'UPCOMING', 'ONGOING', 'CLOSED'] as const;
/** docs/tiktok-api.md#campaign-detail target_seller_types[]. */
export const SELLER_TYPE = ['LOCAL', 'CROSS_BORDER'] as const;
/** docs/tiktok-api.md#campaign-products review_status. */
export const REVIEW_STATUS = ['PENDING', 'APPROVED', 'REJECTED', 'PENDING_CLOSED', 'CLOSED'] as const;
/** docs/tiktok-api.md#creator-fulfillment free_sample_status: all 17 documented values. */
export const FREE_SAMPLE_STATUS = [
  'NOT_REQUESTED',
  'PENDING',
  'AWAITING_SHIPMENT',
  'AWAITING_COLLECTION',
  'SHIPPED',
  'CONTENT_PENDING',
  'REJECT_CANCELLED',
  'OVERDUE_CANCELLED',
  'UNFULFIL_CANCELLED',
  'DEL_PLAN_CANCELLED',
  'SELLER_NOT_SHIP_CANCELLED',
  'WITHDRAW_CANCELLED',
  'UNFULFILLABLE_CANCELLED',
  'OPERATOR_MANUAL_CANCELLED',
  'OPERATOR_MANUAL_FAILED',
  'OPERATOR_MANUAL_COMPLETED',
  'COMPLETED',
] as const;
