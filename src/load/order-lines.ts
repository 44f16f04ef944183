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

interface OrderLineTables {
  parent: string;
  child: string;
  table: string;
  owner: string;
  line: string;
}

/** Export names of src/load/schema and their SQL names; static, never user input. */
const ORDER_LINES: readonly OrderLineTables[] = [
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
    const result = await sql.unsafe(
      `delete from ${spec.table} t
        using unnest($1::text[], $2::text[]) as o(owner, order_id)
        where t.${spec.owner} = o.owner and t.order_id = o.order_id
          and not exists (
            select 1 from unnest($3::text[], $4::text[], $5::text[]) as k(owner, order_id, line)
            where k.owner = t.${spec.owner} and k.order_id = t.order_id and k.line = t.${spec.line})`,
      [
        parents.map((p) => String(p[spec.owner])),
        parents.map((p) => String(p['order_id'])),
        lines.map((l) => String(l[spec.owner])),
        lines.map((l) => String(l['order_id'])),
        lines.map((l) => String(l[spec.line])),
      ] as never,
    );
    removed += result.count;
  }
  return removed;
}
