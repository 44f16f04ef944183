/**
 * Creator trace orders: POST /affiliate_creator/202505/orders/trace/search with time_type
 * SETTLE_TIME, the one affiliate order search that filters on something other than create time.
 * The engine reads the settlements since its last run with it instead of re-reading create-time days
 * for them (jobs/windowed-sync.ts); the records are complete creator orders and go through the same
 * normalizer once mapped into the 202410 record by traceToCreatorOrder.
 *
 * How the trace record differs from the 202410 one: `id` is a JSON number (kept exact by the
 * client's parse, see tiktok/big-int-json.ts: a digit string beyond 2^53, a number below), every sku
 * has a `delivery_time` (the order's) and a `trace {id, type}`, and `tag`, `commission_model` and
 * `commission_tier_setting` are left out. Those three are part of the stored order; a settlement does
 * not change them, so they are taken from the stored order (by sku id) rather than written as
 * absent. An order or sku the warehouse does not hold yet is mapped without them and reported as
 * incomplete: the engine then re-reads its create-time day with the 202410 search, which carries them.
 */
import { searchCreatorTraceOrders } from '../tiktok/endpoints/creator.ts';
import type { Page } from '../tiktok/types.ts';
import { ORDERS_PAGE_SIZE } from './seller-orders.ts';
import type { ExtractContext } from './types.ts';
import type { TimeWindow } from './windows.ts';

/** Sku fields the trace search does not return; restored from the stored order. */
export const TRACE_DROPPED_SKU_FIELDS = ['tag', 'commission_model', 'commission_tier_setting'] as const;

/** Sku fields only the trace search returns; not part of the 202410 record. */
const TRACE_ONLY_SKU_FIELDS = ['delivery_time', 'trace'];

export interface MappedTraceOrder {
  /** The 202410-shaped record (or the input unchanged when it is not an object: the normalizer rejects it). */
  record: unknown;
  /** The order id as text, or null when it is missing or was not read exactly. */
  orderId: string | null;
  /** False when a sku had no stored twin, so its dropped fields could not be restored. */
  complete: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The id as text: a digit string as it is, a number only when a double holds it exactly (the
 * client's parse turns larger ones into strings; a number beyond 2^53 here has lost digits already
 * and is dropped, so the normalizer quarantines the record instead of storing a wrong key).
 */
export function traceOrderId(id: unknown): string | null {
  if (typeof id === 'string') return id;
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return String(id);
  return null;
}

/** Maps one trace record into the 202410 creator order; `stored` is the warehouse's raw of that order. */
export function traceToCreatorOrder(trace: unknown, stored: unknown): MappedTraceOrder {
  if (!isObject(trace)) return { record: trace, orderId: null, complete: true };
  const orderId = traceOrderId(trace['id']);
  const storedSkus = new Map<string, Record<string, unknown>>();
  if (isObject(stored) && Array.isArray(stored['skus']))
    for (const s of stored['skus'])
      if (isObject(s) && typeof s['id'] === 'string') storedSkus.set(s['id'], s);
  let complete = true;
  const record: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(trace)) {
    if (k === 'id') record['id'] = orderId ?? undefined;
    else if (k === 'skus' && Array.isArray(v))
      record['skus'] = v.map((sku) => {
        if (!isObject(sku)) return sku;
        const out: Record<string, unknown> = {};
        for (const [sk, sv] of Object.entries(sku)) if (!TRACE_ONLY_SKU_FIELDS.includes(sk)) out[sk] = sv;
        const twin = typeof sku['id'] === 'string' ? storedSkus.get(sku['id']) : undefined;
        if (twin === undefined) complete = false;
        else for (const f of TRACE_DROPPED_SKU_FIELDS) if (f in twin) out[f] = twin[f];
        return out;
      });
    else record[k] = v;
  }
  if (orderId === null) delete record['id'];
  return { record, orderId, complete };
}

/** One page of the settlements in `window` (SETTLE_TIME in [start, end), whole seconds). */
export function fetchSettledPage(
  ctx: ExtractContext,
  window: TimeWindow,
  pageToken: string | undefined,
  pageSize = ORDERS_PAGE_SIZE,
): Promise<Page> {
  return searchCreatorTraceOrders(
    ctx.api,
    ctx.auth,
    {
      timeType: 'SETTLE_TIME',
      timeGe: Math.floor(window.start.getTime() / 1000),
      timeLt: Math.floor(window.end.getTime() / 1000),
      pageSize,
      ...(pageToken ? { pageToken } : {}),
    },
    { signal: ctx.signal },
  );
}
