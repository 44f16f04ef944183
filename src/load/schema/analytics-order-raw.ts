/**
 * The orders as the API sent them, beside the order rows (issue: `raw` out of the hot order rows).
 * An order's raw (~1 KB, its lines included) made most of seller_orders' heap, and Postgres compresses
 * nothing under ~2 KB a row (TOAST starts there), so every scan of the orders read it uncompressed.
 * Here it has a table of its own per stream, keyed and month-partitioned like the orders
 * (order-partitions.ts), so the order tables stay narrow and "the warehouse keeps everything the API
 * sent" still holds: one row per stored order, written in the same page transaction as the order.
 * Partner orders keep their raw on partner_orders (smaller stream, not moved).
 */
import { jsonb, primaryKey, text } from 'drizzle-orm/pg-core';
import { tiktokAffiliate } from './analytics-schema.ts';
import { bookkeeping, bookkeepingDocs, instant, rowHash, rowHashDocs } from './columns.ts';
import { documentTable, type RelationDoc } from './docs.ts';

export const sellerOrderRaw = tiktokAffiliate.table(
  'seller_order_raw',
  {
    shop_id: text().notNull(),
    order_id: text().notNull(),
    create_time: instant().notNull(),
    raw: jsonb().notNull(),
    ...bookkeeping(),
    ...rowHash(),
  },
  // The order's key, month partition key included: one side row per order row.
  (t) => [primaryKey({ name: 'seller_order_raw_pkey', columns: [t.shop_id, t.order_id, t.create_time] })],
);

export const creatorOrderRaw = tiktokAffiliate.table(
  'creator_order_raw',
  {
    creator_id: text().notNull(),
    order_id: text().notNull(),
    create_time: instant().notNull(),
    raw: jsonb().notNull(),
    ...bookkeeping(),
    ...rowHash(),
  },
  (t) => [primaryKey({ name: 'creator_order_raw_pkey', columns: [t.creator_id, t.order_id, t.create_time] })],
);

function rawDoc(orders: string, lines: string): string {
  return (
    'The order object exactly as received, its skus array included (orders[]): everything the API sent ' +
    `for the order and its lines. Neither ${orders} nor ${lines} keeps a copy (${lines}.line_index is the ` +
    "line's position in raw->'skus')."
  );
}

const SIDE_NOTE =
  'Written with its order in the same transaction and removed with it (an order whose create_time ' +
  'moved keeps only its row of the new month); rewritten only when the raw changed.';

export const sellerOrderRawDoc: RelationDoc = documentTable(
  sellerOrderRaw,
  'Seller affiliate orders as the API sent them, one row per row of seller_orders (same key, same month ' +
    'partitions), kept apart so that scans of the orders do not read it. Grain: (shop_id, order_id). ' +
    'Join: `join tiktok_affiliate.seller_order_raw r using (shop_id, order_id, create_time)`. ' +
    SIDE_NOTE,
  {
    shop_id: 'Owner: the TikTok shop id, as seller_orders.shop_id.',
    order_id: 'TikTok order id, as seller_orders.order_id. Source: orders[].id.',
    create_time:
      "The order's create_time, as seller_orders.create_time: the month partition key of this table and " +
      'part of its primary key (filter or join on it to read few partitions).',
    raw: rawDoc('seller_orders', 'seller_order_skus'),
    ...bookkeepingDocs(),
    ...rowHashDocs(),
  },
);

export const creatorOrderRawDoc: RelationDoc = documentTable(
  creatorOrderRaw,
  'Creator affiliate orders as the API sent them, one row per row of creator_orders (same key, same ' +
    'month partitions), kept apart so that scans of the orders do not read it. Grain: (creator_id, order_id). ' +
    'Join: `join tiktok_affiliate.creator_order_raw r using (creator_id, order_id, create_time)`. ' +
    SIDE_NOTE,
  {
    creator_id: "Owner: the creator's open_id, as creator_orders.creator_id.",
    order_id: 'TikTok order id, as creator_orders.order_id. Source: orders[].id.',
    create_time:
      "The order's create_time, as creator_orders.create_time: the month partition key of this table and " +
      'part of its primary key (filter or join on it to read few partitions).',
    raw: rawDoc('creator_orders', 'creator_order_skus'),
    ...bookkeepingDocs(),
    ...rowHashDocs(),
  },
);
