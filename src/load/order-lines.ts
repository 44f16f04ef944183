/**
 * An order's lines are a set that the API re-sends whole with every order (docs/tiktok-api.md#seller-orders, docs/tiktok-api.md#creator-orders: `skus[]`
 * inside each order). Upserting them keeps changed lines current, but a line that VANISHED from an
 * order (a SKU swapped, a duplicate line gone, so `#2` of docs/warehouse.md#tables's line_key no longer exists)
 * would otherwise outlive its order's truth. So, in the page's transaction, after the upserts, the
 * lines of every order in the page that the page no longer lists are deleted.
 *
 * Only orders present in the page are touched: a rejected order (the normalizer rejects an order as a
 * whole) keeps its previous lines, and orders of other pages are not affected. Lines are hard-deleted:
 * order line tables are not snapshot tables (no is_active), and the order header keeps the history
 * (its raw side row, synced_at). Deletions are reported as `removed` in the run counts.
 */
import type postgres from 'postgres';
import type { TableRows } from '../transform/types.ts';
import { tableByName } from './tables.ts';
import { lastPageOnlyNew, UpsertInputError } from './upsert.ts';

export interface OrderLineTables {
  parent: string;
  child: string;
  /** SQL name of the orders table (`parent`). */
  parentTable: string;
  table: string;
  owner: string;
  line: string;
  /**
   * Export name and SQL name of the table that keeps the orders' raw apart from the order rows
   * (order-raw.ts); absent where the raw stays on the order row (partner orders).
   */
  raw?: { child: string; table: string };
}

/**
 * The page's rows with every line carrying its order's create_time and status (the month partition
 * key of the line tables and the status the views filter on: src/load/schema/order-partitions.ts).
 * Lines come from the order they belong to, in the same page (the normalizers emit both), so the copy
 * is always current; a line whose order is not in the page is a programming error, never guessed.
 */
export function withOrderColumns(rows: TableRows): TableRows {
  let out: TableRows | null = null;
  for (const spec of ORDER_LINES) {
    const lines = rows[spec.child];
    if (!lines || lines.length === 0) continue;
    const orders = new Map<string, Record<string, unknown>>();
    for (const order of rows[spec.parent] ?? []) {
      orders.set(orderKey(order[spec.owner], order['order_id']), order);
    }
    const carried = lines.map((line) => {
      const order = orders.get(orderKey(line[spec.owner], line['order_id']));
      if (!order) {
        throw new UpsertInputError(
          `${spec.table}: line of order ${String(line['order_id'])} without its order in the page`,
        );
      }
      return { ...line, create_time: order['create_time'], order_status: order['status'] ?? null };
    });
    out ??= { ...rows };
    out[spec.child] = carried;
  }
  return out ?? rows;
}

function orderKey(owner: unknown, orderId: unknown): string {
  return JSON.stringify([owner, orderId]);
}

/** Export names of src/load/schema and their SQL names; static, never user input. */
export const ORDER_LINES: readonly OrderLineTables[] = [
  {
    parent: 'sellerOrders',
    child: 'sellerOrderSkus',
    parentTable: 'tiktok_affiliate.seller_orders',
    table: 'tiktok_affiliate.seller_order_skus',
    owner: 'shop_id',
    line: 'line_key',
    raw: { child: 'sellerOrderRaw', table: 'tiktok_affiliate.seller_order_raw' },
  },
  {
    parent: 'creatorOrders',
    child: 'creatorOrderSkus',
    parentTable: 'tiktok_affiliate.creator_orders',
    table: 'tiktok_affiliate.creator_order_skus',
    owner: 'creator_id',
    line: 'sku_id',
    raw: { child: 'creatorOrderRaw', table: 'tiktok_affiliate.creator_order_raw' },
  },
  {
    parent: 'partnerOrders',
    child: 'partnerOrderSkus',
    parentTable: 'tiktok_affiliate.partner_orders',
    table: 'tiktok_affiliate.partner_order_skus',
    owner: 'partner_id',
    line: 'sku_id',
  },
];

/** Deletes the vanished lines of the page's orders; returns how many rows were deleted. */
export async function removeVanishedOrderLines(
  sql: postgres.TransactionSql,
  rows: TableRows,
): Promise<number> {
  let removed = 0;
  for (const spec of ORDER_LINES) {
    const parents = rows[spec.parent] ?? [];
    if (parents.length === 0) continue;
    const lines = rows[spec.child] ?? [];
    // Unnamed, so planned for this page against the partitions as they are now: a plan cached while
    // a month partition was empty would keep probing it by a shop-only index as it fills.
    const vanished = await sql.unsafe<
      { owner: string; order_id: string; create_time: string; line: string }[]
    >(
      vanishedLinesSql(spec),
      [
        parents.map((p) => String(p[spec.owner])),
        parents.map((p) => String(p['order_id'])),
        parents.map((p) => timeParam(p['create_time'])),
        lines.map((l) => String(l[spec.owner])),
        lines.map((l) => String(l['order_id'])),
        lines.map((l) => String(l[spec.line])),
      ] as never,
      { prepare: false },
    );
    if (vanished.length === 0) continue;
    const result = await sql.unsafe(
      deleteLinesSql(spec),
      [
        vanished.map((v) => v.owner),
        vanished.map((v) => v.order_id),
        vanished.map((v) => v.create_time),
        vanished.map((v) => v.line),
        [...new Set(vanished.map((v) => v.create_time))],
      ] as never,
      { prepare: false },
    );
    removed += result.count;
  }
  return removed;
}

function timeParam(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/**
 * $1/$2/$3: the page's orders (owner, order_id, create_time); $4/$5/$6: the page's lines (owner,
 * order_id, line). The keys of the stored lines of those orders that the page no longer lists
 * (create_time as text: exact to the microsecond, where a JS Date keeps milliseconds).
 *
 * Each order's lines are one probe of its month's partition on the primary key's prefix (a lateral
 * subquery, kept from being flattened by `offset 0`, pruned to that partition at run time), so the
 * statement reads the page's orders' lines and nothing else, whatever the statistics say. As a
 * DELETE .. USING join it was planned as a hash join over a sequential scan of every month partition
 * of the lines table (the planner charges a parameterized probe once per partition, not knowing that
 * run-time pruning leaves one), with the NOT IN test run on every stored line: O(table) per page,
 * ~70 ms a page at 30,000 lines and growing with the backfill (bench/probe-plans.ts).
 * NOT IN over the page's line keys is one hashed subplan built once per statement; key columns are
 * never null, so NOT IN's null semantics cannot bite.
 */
export function vanishedLinesSql(spec: OrderLineTables): string {
  return `select x.owner, x.order_id, x.create_time::text as create_time, x.line
    from unnest($1::text[], $2::text[], $3::timestamptz[]) as o(owner, order_id, create_time)
    cross join lateral (select t.${spec.owner} as owner, t.order_id, t.create_time, t.${spec.line} as line
      from ${spec.table} t
      where t.${spec.owner} = o.owner and t.order_id = o.order_id and t.create_time = o.create_time offset 0) x
    where (x.owner, x.order_id, x.line) not in (
      select k.owner, k.order_id, k.line from unnest($4::text[], $5::text[], $6::text[]) as k(owner, order_id, line))`;
}

/**
 * $1..$4: the vanished lines' primary keys; $5: their distinct create_time values. Lines vanish
 * rarely (never in a backfill of new orders). `create_time = any($5)` is known when this unnamed
 * statement is planned, so only the partitions of those months are planned and read, and a probe is
 * costed once per key rather than once per partition.
 */
function deleteLinesSql(spec: OrderLineTables): string {
  return `delete from ${spec.table} t
    using unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[]) as k(owner, order_id, create_time, line)
    where t.${spec.owner} = k.owner and t.order_id = k.order_id and t.create_time = k.create_time
      and t.${spec.line} = k.line and t.create_time = any($5::timestamptz[])`;
}

/**
 * An order whose create_time changed at the API (a correction on TikTok's side) arrives with a key,
 * (owner, order_id, create_time), that no stored row has: the upsert would insert it in its new month
 * and keep the old row in the old one, so the order would be counted twice. So, in the page's
 * transaction and before the upserts, the stored rows of the page's orders (and their lines) whose
 * create_time differs from the page's are deleted (with their lines and their raw side row): the page
 * then stores the order once, in its new month, with first_seen_at of that insert. Returns how many
 * order rows were deleted (lines and side rows not counted: they are re-inserted with their order).
 *
 * Only orders not stored under their page key are looked for in other months: every page removes the
 * other months' rows of its orders before writing, so an order stored under its key has no other row.
 * That look-up reads one month's partition per order, where the removal reads every month's (and is
 * planned over every partition), so a re-scanned page of known orders no longer pays per month kept:
 * measured over 24 month partitions, ~3 ms of a 100-order page against ~10 ms. While the orders
 * table's last page held only new orders (a backfill: the look-up would find none stored, and cost
 * ~6 ms a page more), every order is looked for as before. `everyOrder` (the repair mode) looks for
 * every order of the page in every month.
 */
export async function removeMovedOrders(
  sql: postgres.TransactionSql,
  rows: TableRows,
  opts: { everyOrder?: boolean } = {},
): Promise<number> {
  let removed = 0;
  for (const spec of ORDER_LINES) {
    let parents = rows[spec.parent] ?? [];
    if (parents.length === 0) continue;
    const paramsOf = (orders: readonly Record<string, unknown>[]) =>
      [
        orders.map((p) => String(p[spec.owner])),
        orders.map((p) => String(p['order_id'])),
        orders.map((p) => timeParam(p['create_time'])),
      ] as never;
    // While pages hold only new orders (a backfill), every order is unknown: the look-up is skipped.
    if (!opts.everyOrder && !lastPageOnlyNew(tableByName(spec.parent))) {
      const unknown = await sql.unsafe<{ n: number }[]>(
        unknownOrdersSql(spec.parentTable, spec.owner),
        paramsOf(parents),
        { prepare: false },
      );
      if (unknown.length === 0) continue;
      const all = parents;
      parents = unknown.map((u) => all[u.n - 1]!);
    }
    // Unnamed (planned for this page): each order's rows of other months, one probe per month
    // partition on the primary key's prefix (owner, order_id); see otherMonthsSql.
    const found = await sql.unsafe<{ owner: string; order_id: string; create_time: string }[]>(
      otherMonthsSql(spec.parentTable, spec.owner),
      paramsOf(parents),
      { prepare: false },
    );
    if (found.length === 0) continue;
    const keys = [
      found.map((f) => f.owner),
      found.map((f) => f.order_id),
      found.map((f) => f.create_time),
      [...new Set(found.map((f) => f.create_time))],
    ] as never;
    const orders = await sql.unsafe(storedKeysDeleteSql(spec.parentTable, spec.owner), keys, {
      prepare: false,
    });
    await sql.unsafe(storedKeysDeleteSql(spec.table, spec.owner), keys, { prepare: false });
    if (spec.raw) await sql.unsafe(storedKeysDeleteSql(spec.raw.table, spec.owner), keys, { prepare: false });
    removed += orders.count;
  }
  return removed;
}

/**
 * $1/$2/$3: the page's orders; the positions (from 1) of those with no stored row under that exact key.
 * One probe per order, pruned at run time to the partition of its create_time: as a lateral subquery
 * with `limit 1` it is never turned into a join that reads every partition.
 */
function unknownOrdersSql(table: string, owner: string): string {
  return `select o.n::int as n
    from unnest($1::text[], $2::text[], $3::timestamptz[]) with ordinality as o(owner, order_id, create_time, n)
    cross join lateral (select count(*) as found from (select from ${table} t
      where t.${owner} = o.owner and t.order_id = o.order_id and t.create_time = o.create_time limit 1) k) k
    where k.found = 0`;
}

/**
 * $1/$2/$3: the page's orders (owner, order_id, create_time); the keys (create_time as text, exact)
 * of their stored rows under another create_time. A lateral probe per order (`offset 0` keeps it
 * from being flattened): the other months cannot be pruned, so each order costs one index probe per
 * month partition, whatever the statistics. As a DELETE .. USING join, once a few months existed, it
 * was planned as a hash join over a sequential scan of every month partition (the planner's choice
 * for the probes it charges per partition), on every page of a backfill: O(table) per page.
 */
function otherMonthsSql(table: string, owner: string): string {
  return `select x.owner, x.order_id, x.create_time::text as create_time
    from unnest($1::text[], $2::text[], $3::timestamptz[]) as o(owner, order_id, create_time)
    cross join lateral (select t.${owner} as owner, t.order_id, t.create_time from ${table} t
      where t.${owner} = o.owner and t.order_id = o.order_id and t.create_time <> o.create_time offset 0) x`;
}

/**
 * $1/$2/$3: stored orders' keys (owner, order_id, create_time); $4: their distinct create_time values.
 * Deletes those orders' rows of `table` (the orders, or their lines). `create_time = any($4)` is known
 * when this unnamed statement is planned: only those months' partitions are planned and read.
 */
function storedKeysDeleteSql(table: string, owner: string): string {
  return `delete from ${table} t
    using unnest($1::text[], $2::text[], $3::timestamptz[]) as k(owner, order_id, create_time)
    where t.${owner} = k.owner and t.order_id = k.order_id and t.create_time = k.create_time
      and t.create_time = any($4::timestamptz[])`;
}
