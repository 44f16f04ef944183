/**
 * The orders' raw lives beside the order rows (src/load/schema/analytics-order-raw.ts): ~1 KB an
 * order that Postgres never compresses made most of the orders tables' heap, read by every scan.
 * The normalizers still emit `raw` on the order row (src/transform stays storage-agnostic); this
 * moves it, in the page, into a row of the side table keyed like its order, so both are written in
 * the page's transaction. The side row has its own row_hash: a re-sent order whose raw is unchanged
 * ships nothing to the side table, one whose raw changed rewrites only its side row when the order's
 * columns did not change.
 */
import type { RejectedRecord, TableRows } from '../transform/types.ts';
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

/**
 * Careful mode (load-or-quarantine.ts): an order row Postgres refused (`rejected`, the refusals of the
 * orders table `name`) is quarantined with its raw put back, so the quarantine keeps the record as the
 * API sent it, and its side row is taken out of the page: the side table holds the raw of stored
 * orders only. Returns the page's rows without those side rows; `rejected` is completed in place.
 */
export function rawWithRefusedOrders(rows: TableRows, name: string, rejected: RejectedRecord[]): TableRows {
  const spec = ORDER_LINES.find((s) => s.parent === name);
  const side = spec?.raw ? rows[spec.raw.child] : undefined;
  if (!spec?.raw || !side || rejected.length === 0) return rows;
  const keyOf = (row: Record<string, unknown>) =>
    JSON.stringify([row[spec.owner], row['order_id'], timeKey(row['create_time'])]);
  const raws = new Map(side.map((r) => [keyOf(r), r]));
  const refused = new Set<string>();
  for (const rejection of rejected) {
    const row = rejection.raw as Record<string, unknown>;
    const key = keyOf(row);
    const sideRow = raws.get(key);
    if (!sideRow) continue;
    rejection.raw = { ...row, raw: sideRow['raw'] };
    refused.add(key);
  }
  if (refused.size === 0) return rows;
  return { ...rows, [spec.raw.child]: side.filter((r) => !refused.has(keyOf(r))) };
}

function timeKey(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}
