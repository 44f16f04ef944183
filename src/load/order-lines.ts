/**
 * An order's lines are a set that the API re-sends whole with every order (api doc §4.1, §5.1: `skus[]`
 * inside each order). Upserting them keeps changed lines current, but a line that VANISHED from an
 * order (a SKU swapped, a duplicate line gone, so `#2` of WAREHOUSE.md's line_key no longer exists)
 * would otherwise outlive its order's truth. So, in the page's transaction, after the upserts, the
 * lines of every order in the page that the page no longer lists are deleted.
 *
 * Only orders present in the page are touched: a rejected order (the normalizer rejects an order as a
 * whole) keeps its previous lines, and orders of other pages are not affected. Lines are hard-deleted:
 * order line tables are not snapshot tables (no is_active), and the order header keeps the history
 * (raw, synced_at). Deletions are reported as `removed` in the run counts.
 */
import type postgres from 'postgres';
import type { TableRows } from '../transform/types.ts';

export interface OrderLineTables {
  parent: string;
  child: string;
  table: string;
  owner: string;
  line: string;
}

/** Export names of src/load/schema and their SQL names; static, never user input. */
export const ORDER_LINES: readonly OrderLineTables[] = [
  {
    parent: 'sellerOrders',
    child: 'sellerOrderSkus',
    table: 'tiktok_affiliate.seller_order_skus',
    owner: 'shop_id',
    line: 'line_key',
  },
  {
    parent: 'creatorOrders',
    child: 'creatorOrderSkus',
    table: 'tiktok_affiliate.creator_order_skus',
    owner: 'creator_id',
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
    // Unnamed, so planned for this page against the table's current size every time: a join cached
    // as a generic plan while the table was empty would scan the whole table forever after
    // (test/integration/load/plans.test.ts). Planning this small statement costs a fraction of a ms.
    const result = await sql.unsafe(
      vanishedLinesSql(spec),
      [
        parents.map((p) => String(p[spec.owner])),
        parents.map((p) => String(p['order_id'])),
        lines.map((l) => String(l[spec.owner])),
        lines.map((l) => String(l['order_id'])),
        lines.map((l) => String(l[spec.line])),
      ] as never,
      { prepare: false },
    );
    removed += result.count;
  }
  return removed;
}

/**
 * $1/$2: the page's orders (owner, order_id); $3/$4/$5: the page's lines (owner, order_id, line).
 * NOT IN over the page's line keys is one hashed subplan built once per statement; the NOT EXISTS
 * form it replaces was planned as a nested-loop anti join that re-read every line key for every
 * stored line (~7 ms of a 100-order page, measured with auto_explain). Key columns are never null,
 * so NOT IN's null semantics cannot bite.
 */
export function vanishedLinesSql(spec: OrderLineTables): string {
  return `delete from ${spec.table} t
    using unnest($1::text[], $2::text[]) as o(owner, order_id)
    where t.${spec.owner} = o.owner and t.order_id = o.order_id
      and (t.${spec.owner}, t.order_id, t.${spec.line}) not in (
        select k.owner, k.order_id, k.line from unnest($3::text[], $4::text[], $5::text[]) as k(owner, order_id, line))`;
}
