/**
 * Seller affiliate orders (stream seller_affiliate_orders, docs/tiktok-api.md#seller-orders v202410).
 * Grain (docs/warehouse.md#tables): seller_orders (shop_id, order_id); seller_order_skus (shop_id, order_id, line_key).
 * Orders are a windowed stream (not a snapshot): no tombstone columns.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, text } from 'drizzle-orm/pg-core';
import { documentTable, type RelationDoc } from './docs.ts';
import {
  bookkeeping,
  bookkeepingDocs,
  bps,
  bpsDocs,
  instant,
  money,
  moneyDocs,
  rowHash,
  rowHashDocs,
} from './columns.ts';
import { tiktokAffiliate } from './analytics-schema.ts';
import { notFinalStatusSql } from './analytics-final.ts';
import { ORDER_LINE_CARRIED_DOCS, orderDateSql } from './order-partitions.ts';

const SELLER_STATUS_DOC =
  'Order status as sent (docs/tiktok-api.md#seller-orders): PROCESSING, COMPLETED, CANCELLED, FROZEN, DEDUCTED (ALL is a ' +
  'filter value). Final (no further change expected): COMPLETED, CANCELLED, DEDUCTED.';
const CONTENT_TYPE_DOC =
  'How the sale was attributed, as sent: SHOP, VIDEO, LIVE, PRE_LIVE, PROMOTION_PAGE, LINKSHARE.';

export const sellerOrders = tiktokAffiliate.table(
  'seller_orders',
  {
    shop_id: text().notNull(),
    order_id: text().notNull(),
    status: text(),
    create_time: instant().notNull(),
    delivery_time: instant(),
    sku_count: integer().notNull(),
    total_quantity: integer(),
    ...money('total_estimated_commission_base'),
    ...money('total_estimated_paid_commission'),
    ...money('total_actual_commission_base'),
    ...money('total_actual_paid_commission'),
    ...bookkeeping(),
    ...rowHash(),
  },
  (t) => [
    // The partition key (month of create_time, order-partitions.ts) must be part of every unique key.
    primaryKey({ name: 'seller_orders_pkey', columns: [t.shop_id, t.order_id, t.create_time] }),
    index('seller_orders_shop_create_time_idx').on(t.shop_id, t.create_time),
    index('seller_orders_shop_status_idx').on(t.shop_id, t.status),
    // The settlement re-scan (docs/architecture.md) looks for non-final orders by create time per shop.
    index('seller_orders_open_create_time_idx')
      .on(t.shop_id, t.create_time)
      .where(notFinalStatusSql('seller')),
  ],
);

export const sellerOrderSkus = tiktokAffiliate.table(
  'seller_order_skus',
  {
    shop_id: text().notNull(),
    order_id: text().notNull(),
    line_key: text().notNull(),
    create_time: instant().notNull(),
    order_status: text(),
    line_index: integer().notNull(),
    product_id: text(),
    content_type: text(),
    content_id: text(),
    creator_username: text(),
    campaign_id: text(),
    open_collaboration_id: text(),
    target_collaboration_id: text(),
    ...money('price'),
    quantity: integer(),
    refunded_quantity: integer(),
    returned_quantity: integer(),
    commission_model: text(),
    commission_tier_setting: text(),
    ...bps('commission_rate'),
    ...bps('shop_ads_commission_rate'),
    ...money('estimated_commission_base'),
    ...money('estimated_paid_commission'),
    ...money('estimated_paid_shop_ads_commission'),
    ...money('actual_commission_base'),
    ...money('actual_paid_commission'),
    ...money('actual_paid_shop_ads_commission'),
    ...money('estimated_cofunded_creator_bonus_amount'),
    ...money('actual_cofunded_creator_bonus_amount'),
    ...bookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({
      name: 'seller_order_skus_pkey',
      columns: [t.shop_id, t.order_id, t.create_time, t.line_key],
    }),
    // One shop over a range of UTC days (the performance view's order_date), without the orders table.
    index('seller_order_skus_shop_order_date_idx').on(t.shop_id, orderDateSql),
    index('seller_order_skus_shop_creator_idx').on(t.shop_id, t.creator_username),
    index('seller_order_skus_shop_product_idx').on(t.shop_id, t.product_id),
    index('seller_order_skus_campaign_idx').on(t.campaign_id).where(sql`campaign_id is not null`),
    index('seller_order_skus_target_collaboration_idx')
      .on(t.target_collaboration_id)
      .where(sql`target_collaboration_id is not null`),
    index('seller_order_skus_open_collaboration_idx')
      .on(t.open_collaboration_id)
      .where(sql`open_collaboration_id is not null`),
  ],
);

const ORDER_TOTAL_NOTE =
  'Sum over the order lines; null when a line lacks it or the lines use different currencies';

export const sellerOrdersDoc: RelationDoc = documentTable(
  sellerOrders,
  'Seller affiliate orders, one row per order of a shop (docs/tiktok-api.md#seller-orders, POST ' +
    '/affiliate_seller/202410/orders/search). Grain: (shop_id, order_id). Lines are in seller_order_skus. ' +
    'Status and commissions keep changing for weeks after create_time; the sync re-scans non-final orders. ' +
    'The order as the API sent it (lines included) is in seller_order_raw, same key.',
  {
    shop_id: 'Owner: the TikTok shop id (etl.connections shops[].id) whose shop_cipher the sync used.',
    order_id: 'TikTok order id (64-bit, kept as text). Source: orders[].id.',
    status: SELLER_STATUS_DOC + ' Source: orders[].status.',
    create_time: 'When the order was placed (UTC; API sends Unix seconds). Source: orders[].create_time.',
    delivery_time:
      'Delivery time (UTC; API sends Unix seconds); null if not delivered. Source: orders[].delivery_time.',
    sku_count: 'Number of lines in orders[].skus[] (= rows of this order in seller_order_skus).',
    total_quantity:
      'Sum of skus[].quantity; null when a line lacks quantity (or the sum exceeds the integer range).',
    ...moneyDocs(
      'total_estimated_commission_base',
      'sum of skus[].estimated_commission_base',
      ORDER_TOTAL_NOTE,
    ),
    ...moneyDocs(
      'total_estimated_paid_commission',
      'sum of skus[].estimated_paid_commission',
      ORDER_TOTAL_NOTE,
    ),
    ...moneyDocs('total_actual_commission_base', 'sum of skus[].actual_commission_base', ORDER_TOTAL_NOTE),
    ...moneyDocs('total_actual_paid_commission', 'sum of skus[].actual_paid_commission', ORDER_TOTAL_NOTE),
    ...bookkeepingDocs(),
    ...rowHashDocs(),
  },
);

export const sellerOrderSkusDoc: RelationDoc = documentTable(
  sellerOrderSkus,
  'Seller affiliate order lines (docs/tiktok-api.md#seller-orders orders[].skus[]). Grain: (shop_id, order_id, line_key). ' +
    'The seller API has no sku id, so line_key is derived from the identifying fields of the line.',
  {
    shop_id: 'Owner: the TikTok shop id. Joins seller_orders on (shop_id, order_id).',
    order_id: 'TikTok order id. Source: orders[].id.',
    ...ORDER_LINE_CARRIED_DOCS('seller_orders'),
    line_key:
      'Deterministic line key (the seller API has no sku id, docs/tiktok-api.md#seller-orders): first 16 hex chars of SHA-256 over ' +
      'the JSON array [product_id, content_type, content_id, creator_username, campaign_id, ' +
      'open_collaboration_id, target_collaboration_id], plus "#n" (n >= 2) only for the n-th exact duplicate ' +
      'of those fields in the same order, counted in order of appearance. Stable across runs and under ' +
      'reordering of other lines; identical duplicate lines may swap ordinals if the API reorders them.',
    line_index: 'Zero-based position of the line in orders[].skus[] as last received.',
    product_id: 'Product id. Source: skus[].product_id.',
    content_type: CONTENT_TYPE_DOC + ' Source: skus[].content_type.',
    content_id: 'Id of the video / live room / page that carried the sale. Source: skus[].content_id.',
    creator_username:
      'TikTok username of the creator credited with the sale. Source: skus[].creator_username.',
    campaign_id: 'TAP (affiliate partner) campaign id, if any. Source: skus[].campaign_id.',
    open_collaboration_id: 'Open collaboration id, if any. Source: skus[].open_collaboration_id.',
    target_collaboration_id: 'Target collaboration id, if any. Source: skus[].target_collaboration_id.',
    ...moneyDocs('price', 'skus[].price', 'SKU selling price (per unit)'),
    quantity: 'Units sold on this line. Source: skus[].quantity.',
    refunded_quantity: 'Units refunded. Source: skus[].refunded_quantity.',
    returned_quantity: 'Units returned. Source: skus[].returned_quantity.',
    commission_model:
      'Commission model, free text as sent (e.g. "Tiered commission"). Source: skus[].commission_model.',
    commission_tier_setting:
      'Tier rates as percent text as sent (e.g. "3.0 OR 5.0"). Source: skus[].commission_tier_setting.',
    ...bpsDocs('commission_rate', 'skus[].commission_rate (a string in 202410)', 'Creator commission rate'),
    ...bpsDocs(
      'shop_ads_commission_rate',
      'skus[].shop_ads_commission_rate (a string in 202410)',
      'Shop-ads commission rate',
    ),
    ...moneyDocs(
      'estimated_commission_base',
      'skus[].estimated_commission_base',
      'Estimated base: price x quantity',
    ),
    ...moneyDocs(
      'estimated_paid_commission',
      'skus[].estimated_paid_commission',
      'Estimated commission the seller pays: estimated base x commission rate',
    ),
    ...moneyDocs(
      'estimated_paid_shop_ads_commission',
      'skus[].estimated_paid_shop_ads_commission',
      'Estimated shop-ads commission: estimated base x shop-ads rate',
    ),
    ...moneyDocs(
      'actual_commission_base',
      'skus[].actual_commission_base',
      'Actual base after returns/refunds: price x (quantity - returned/refunded)',
    ),
    ...moneyDocs(
      'actual_paid_commission',
      'skus[].actual_paid_commission',
      'Actual commission the seller pays',
    ),
    ...moneyDocs(
      'actual_paid_shop_ads_commission',
      'skus[].actual_paid_shop_ads_commission',
      'Actual shop-ads commission',
    ),
    ...moneyDocs(
      'estimated_cofunded_creator_bonus_amount',
      'skus[].estimated_cofunded_creator_bonus_amount',
      "Estimated seller's co-funded part of the creator bonus (commission boost)",
    ),
    ...moneyDocs(
      'actual_cofunded_creator_bonus_amount',
      'skus[].actual_cofunded_creator_bonus_amount',
      "Actual seller's co-funded part of the creator bonus",
    ),
    ...bookkeepingDocs(),
    ...rowHashDocs(),
  },
);
