/**
 * Creator affiliate orders (stream creator_affiliate_orders, docs/tiktok-api.md#creator-orders v202410).
 * Grain (docs/warehouse.md#tables): creator_orders (creator_id, order_id); creator_order_skus (creator_id, order_id, sku_id).
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

const CREATOR_STATUS_DOC =
  'Order status as sent, creator enum (docs/tiktok-api.md#creator-orders): UNSPECIFIED, ORDERED (placed, estimate available), ' +
  'SETTLED, REFUNDED (returned/refunded/cancelled, no commission), FROZEN (possible fraud), DEDUCTED ' +
  '(additional deduction). Final: SETTLED, REFUNDED, DEDUCTED.';

export const creatorOrders = tiktokAffiliate.table(
  'creator_orders',
  {
    creator_id: text().notNull(),
    order_id: text().notNull(),
    status: text(),
    create_time: instant().notNull(),
    delivery_time: instant(),
    sku_count: integer().notNull(),
    total_quantity: integer(),
    ...money('total_estimated_commission'),
    ...money('total_actual_commission'),
    ...bookkeeping(),
    ...rowHash(),
  },
  (t) => [
    // The partition key (month of create_time, order-partitions.ts) must be part of every unique key.
    primaryKey({ name: 'creator_orders_pkey', columns: [t.creator_id, t.order_id, t.create_time] }),
    index('creator_orders_creator_create_time_idx').on(t.creator_id, t.create_time),
    index('creator_orders_creator_status_idx').on(t.creator_id, t.status),
    index('creator_orders_open_create_time_idx')
      .on(t.creator_id, t.create_time)
      .where(notFinalStatusSql('creator')),
  ],
);

export const creatorOrderSkus = tiktokAffiliate.table(
  'creator_order_skus',
  {
    creator_id: text().notNull(),
    order_id: text().notNull(),
    sku_id: text().notNull(),
    create_time: instant().notNull(),
    order_status: text(),
    line_index: integer().notNull(),
    product_id: text(),
    product_name: text(),
    shop_name: text(),
    content_type: text(),
    content_id: text(),
    campaign_id: text(),
    open_collaboration_id: text(),
    target_collaboration_id: text(),
    ...money('price'),
    quantity: integer(),
    returned_quantity: integer(),
    refunded_quantity: integer(),
    commission_model: text(),
    commission_tier_setting: text(),
    ...bps('commission_rate'),
    ...bps('commission_bonus_rate'),
    ...bps('shop_ads_commission_rate'),
    ...bps('creator_commission_reward_rate'),
    ...money('estimated_commission_base'),
    ...money('estimated_commission'),
    ...money('estimated_bonus_commission'),
    ...money('estimated_shop_ads_commission'),
    ...money('estimated_creator_commission_reward_fee'),
    ...money('actual_commission_base'),
    ...money('actual_commission'),
    ...money('actual_bonus_commission'),
    ...money('actual_shop_ads_commission'),
    ...money('actual_creator_commission_reward_fee'),
    tag: text(),
    ...bookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({
      name: 'creator_order_skus_pkey',
      columns: [t.creator_id, t.order_id, t.create_time, t.sku_id],
    }),
    index('creator_order_skus_creator_order_date_idx').on(t.creator_id, orderDateSql),
    index('creator_order_skus_creator_product_idx').on(t.creator_id, t.product_id),
    index('creator_order_skus_campaign_idx').on(t.campaign_id).where(sql`campaign_id is not null`),
  ],
);

const ORDER_TOTAL_NOTE =
  'Sum over the order lines; null when a line lacks it or the lines use different currencies';

export const creatorOrdersDoc: RelationDoc = documentTable(
  creatorOrders,
  'Creator affiliate orders, one row per order credited to a creator (docs/tiktok-api.md#creator-orders, POST ' +
    '/affiliate_creator/202410/orders/search). Grain: (creator_id, order_id). Lines are in creator_order_skus; ' +
    'the order as the API sent it (lines included) is in creator_order_raw, same key.',
  {
    creator_id: "Owner: the creator's open_id from the creator token (etl.connections.open_id).",
    order_id: 'TikTok order id (64-bit, kept as text). Source: orders[].id.',
    status: CREATOR_STATUS_DOC + ' Source: orders[].status.',
    create_time: 'When the order was placed (UTC; API sends Unix seconds). Source: orders[].create_time.',
    delivery_time:
      'Delivery time (UTC; API sends Unix seconds); null if not delivered. Source: orders[].delivery_time.',
    sku_count: 'Number of lines in orders[].skus[] (= rows of this order in creator_order_skus).',
    total_quantity:
      'Sum of skus[].quantity; null when a line lacks quantity (or the sum exceeds the integer range).',
    ...moneyDocs('total_estimated_commission', 'sum of skus[].estimated_commission', ORDER_TOTAL_NOTE),
    ...moneyDocs('total_actual_commission', 'sum of skus[].actual_commission', ORDER_TOTAL_NOTE),
    ...bookkeepingDocs(),
    ...rowHashDocs(),
  },
);

export const creatorOrderSkusDoc: RelationDoc = documentTable(
  creatorOrderSkus,
  'Creator affiliate order lines (docs/tiktok-api.md#creator-orders orders[].skus[]). Grain: (creator_id, order_id, sku_id).',
  {
    creator_id: "Owner: the creator's open_id. Joins creator_orders on (creator_id, order_id).",
    order_id: 'TikTok order id. Source: orders[].id.',
    sku_id: 'SKU id (64-bit, kept as text). Source: skus[].id.',
    ...ORDER_LINE_CARRIED_DOCS('creator_orders'),
    line_index: 'Zero-based position of the line in orders[].skus[] as last received.',
    product_id: 'Product id. Source: skus[].product_id.',
    product_name: 'Product name. Source: skus[].product_name.',
    shop_name: 'Name of the selling shop. Source: skus[].shop_name.',
    content_type:
      'How the sale was attributed, as sent: SHOP, VIDEO, LIVE, PRE_LIVE, PROMOTION_PAGE, LINKSHARE. ' +
      'Source: skus[].content_type.',
    content_id: 'Id of the video / live room / page that carried the sale. Source: skus[].content_id.',
    campaign_id: 'TAP campaign id, if any. Source: skus[].campaign_id.',
    open_collaboration_id: 'Open collaboration id, if any. Source: skus[].open_collaboration_id.',
    target_collaboration_id: 'Target collaboration id, if any. Source: skus[].target_collaboration_id.',
    ...moneyDocs('price', 'skus[].price', 'SKU selling price (per unit)'),
    quantity: 'Units sold. Source: skus[].quantity.',
    returned_quantity: 'Units returned. Source: skus[].returned_quantity.',
    refunded_quantity: 'Units refunded. Source: skus[].refunded_quantity.',
    commission_model: 'Commission model, free text as sent. Source: skus[].commission_model.',
    commission_tier_setting:
      'Tier rates as percent text as sent (e.g. "3.0 OR 5.0"). Source: skus[].commission_tier_setting.',
    ...bpsDocs('commission_rate', 'skus[].commission_rate', 'Commission rate'),
    ...bpsDocs('commission_bonus_rate', 'skus[].commission_bonus_rate', 'Commission bonus rate'),
    ...bpsDocs('shop_ads_commission_rate', 'skus[].shop_ads_commission_rate', 'Shop-ads commission rate'),
    ...bpsDocs(
      'creator_commission_reward_rate',
      'skus[].creator_commission_reward_rate',
      'TAP reward rate given to the creator',
    ),
    ...moneyDocs(
      'estimated_commission_base',
      'skus[].estimated_commission_base',
      'Estimated commission base',
    ),
    ...moneyDocs('estimated_commission', 'skus[].estimated_commission', 'Estimated commission'),
    ...moneyDocs(
      'estimated_bonus_commission',
      'skus[].estimated_bonus_commission',
      'Estimated bonus commission',
    ),
    ...moneyDocs(
      'estimated_shop_ads_commission',
      'skus[].estimated_shop_ads_commission',
      'Estimated shop-ads commission',
    ),
    ...moneyDocs(
      'estimated_creator_commission_reward_fee',
      'skus[].estimated_creator_commission_reward_fee',
      'Estimated TAP reward fee for the creator',
    ),
    ...moneyDocs('actual_commission_base', 'skus[].actual_commission_base', 'Actual commission base'),
    ...moneyDocs('actual_commission', 'skus[].actual_commission', 'Actual commission'),
    ...moneyDocs('actual_bonus_commission', 'skus[].actual_bonus_commission', 'Actual bonus commission'),
    ...moneyDocs(
      'actual_shop_ads_commission',
      'skus[].actual_shop_ads_commission',
      'Actual shop-ads commission',
    ),
    ...moneyDocs(
      'actual_creator_commission_reward_fee',
      'skus[].actual_creator_commission_reward_fee',
      'Actual TAP reward fee for the creator',
    ),
    tag: 'User-defined tracking metadata, as sent. Source: skus[].tag.',
    ...bookkeepingDocs(),
    ...rowHashDocs(),
  },
);
