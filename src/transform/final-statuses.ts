/**
 * Order statuses after which a line is not expected to change any more. The engine's settlement
 * re-scan (docs/architecture.md#windowed-streams) keeps re-reading windows that still hold orders whose
 * status is NOT in these sets, up to the maturity horizon.
 *
 * Seller (docs/tiktok-api.md#seller-orders enum ALL | PROCESSING | COMPLETED | CANCELLED | FROZEN | DEDUCTED):
 *  - COMPLETED: settled, actual commission fields are filled;
 *  - CANCELLED: no commission will ever be paid;
 *  - DEDUCTED: the outcome of a FROZEN (suspected fraud) order once the deduction is applied.
 *  - PROCESSING and FROZEN still move; ALL is only a filter value and never a real state.
 * Creator (docs/tiktok-api.md#creator-orders enum UNSPECIFIED | ORDERED | SETTLED | REFUNDED | FROZEN | DEDUCTED):
 *  - SETTLED, REFUNDED ("returned/refunded/cancelled, no commission") and DEDUCTED are outcomes;
 *  - ORDERED and FROZEN still move; UNSPECIFIED is not a known outcome, so it is re-scanned.
 * [INF] The doc does not say whether a COMPLETED/SETTLED order can later become DEDUCTED. If it can,
 * such a late change is only caught by a backfill of the window; an unknown status is never treated
 * as final, so new enum values are re-scanned until the maturity horizon rather than frozen early.
 */
export const FINAL_ORDER_STATUSES = {
  seller: ['COMPLETED', 'CANCELLED', 'DEDUCTED'],
  creator: ['SETTLED', 'REFUNDED', 'DEDUCTED'],
} as const satisfies Record<'seller' | 'creator', readonly string[]>;

export function isFinalOrderStatus(kind: 'seller' | 'creator', status: string | null | undefined): boolean {
  return status != null && (FINAL_ORDER_STATUSES[kind] as readonly string[]).includes(status);
}
