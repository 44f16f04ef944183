/**
 * The orders' raw lives beside the order rows (src/load/schema/analytics-order-raw.ts): ~1 KB an
 * order that Postgres never compresses made most of the orders tables' heap, read by every scan.
 * The normalizers still emit `raw` on the order row (src/transform stays storage-agnostic); this
 * moves it, in the page, into a row of the side table keyed like its order, so both are written in
 * the page's transaction. The side row has its own row_hash: a re-sent order whose raw is unchanged
 * ships nothing to the side table, one whose raw changed rewrites only its side row when the order's
 * columns did not change.
 */
import type { TableRows } from '../transform/types.ts';
import { ORDER_LINES } from './order-lines.ts';
import { UpsertInputError } from './upsert.ts';

/**
 * The page's rows with each order's `raw` moved into a row of its side table (owner, order_id,
 * create_time, raw); order tables without a side table are left as they are. An order row without
 * raw is a programming error (the record as sent is never dropped silently), reported by table.
 */
export function withRawApart(rows: TableRows): TableRows {
  let out: TableRows | null = null;
  for (const spec of ORDER_LINES) {
    const orders = rows[spec.parent];
    if (!spec.raw || !orders || orders.length === 0) continue;
    const narrow: Record<string, unknown>[] = [];
    const side: Record<string, unknown>[] = [];
    for (const order of orders) {
      const { raw, ...rest } = order;
      if (raw === undefined || raw === null) {
        throw new UpsertInputError(`${spec.parentTable}: order ${String(order['order_id'])} without raw`);
      }
      narrow.push(rest);
      side.push({
        [spec.owner]: order[spec.owner],
        order_id: order['order_id'],
        create_time: order['create_time'],
        raw,
      });
    }
    out ??= { ...rows };
    out[spec.parent] = narrow;
    // Rows already addressed to the side table (none from the normalizers) are kept, the page's after.
    out[spec.raw.child] = [...(rows[spec.raw.child] ?? []), ...side];
  }
  return out ?? rows;
}
