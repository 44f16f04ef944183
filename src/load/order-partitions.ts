/**
 * Month partitions of the order tables, created ahead of the rows that need them (the layout:
 * src/load/schema/order-partitions.ts). Before a page's transaction, the months of its orders that
 * this process has not seen yet get their partitions from etl.ensure_order_partitions, in a short
 * transaction of their own: creating a partition locks its parent, which must not happen while a page
 * holds row locks (two workers could then wait on each other). A month missed anyway (another process
 * dropped it, a race) is not an error: its rows land in the DEFAULT partition and move out when the
 * partition is created.
 */
import type postgres from 'postgres';
import type { TableRows } from '../transform/types.ts';
import { ORDER_LINES } from './order-lines.ts';

/** Months (first day, ISO `YYYY-MM-01`) known to have partitions, per connection pool. */
const known = new WeakMap<postgres.Sql, Set<string>>();

/** First day of the UTC month of `value` (a Date or an ISO string), or null when it is not a time. */
export function monthOf(value: unknown): string | null {
  const time = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : null;
  if (!time || Number.isNaN(time.getTime())) return null;
  return `${time.toISOString().slice(0, 7)}-01`;
}

/** The distinct months of the page's orders' create_time. */
export function pageMonths(rows: TableRows): string[] {
  const months = new Set<string>();
  for (const spec of ORDER_LINES) {
    for (const order of rows[spec.parent] ?? []) {
      const month = monthOf(order['create_time']);
      if (month) months.add(month);
    }
  }
  return [...months].sort();
}

/** Creates the partitions of `months` that this pool has not ensured yet; returns how many were created. */
export async function ensureOrderPartitions(sql: postgres.Sql, months: readonly string[]): Promise<number> {
  let seen = known.get(sql);
  if (!seen) {
    seen = new Set();
    known.set(sql, seen);
  }
  const missing = months.filter((m) => !seen.has(m));
  if (missing.length === 0) return 0;
  const [row] = await sql<{ created: number }[]>`
    select etl.ensure_order_partitions(string_to_array(${missing.join(',')}, ',')::date[]) as created`;
  for (const m of missing) seen.add(m);
  return row?.created ?? 0;
}

/** Months from the current UTC month to `ahead` months later (what migrate prepares). */
export function monthsAhead(now: Date, ahead: number): string[] {
  const months: string[] = [];
  for (let i = 0; i <= ahead; i++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
    months.push(d.toISOString().slice(0, 10));
  }
  return months;
}
