/**
 * TAP affiliate orders of an affiliate partner (stream partner_affiliate_orders, POST
 * /affiliate_partner/202411/orders/search). Grain: partner_orders (partner_id, order_id);
 * partner_order_skus (partner_id, order_id, sku_id). A windowed stream: no tombstone columns.
 * Range-partitioned by UTC month of create_time like the seller and creator order tables
 * (order-partitions.ts): create_time is part of both keys and the lines carry it with the status.
 */
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, primaryKey, text } from 'drizzle-orm/pg-core';
import { notFinalStatusSql } from './analytics-final.ts';
import { tiktokAffiliate } from './analytics-schema.ts';
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
import { documentTable, type RelationDoc } from './docs.ts';
import { ORDER_LINE_CARRIED_DOCS, orderDateSql } from './order-partitions.ts';

const PARTNER_STATUS_DOC =
  'Order status as sent (the seller enum): PROCESSING, COMPLETED (settled, actual fields set), ' +
  'CANCELLED (no commission), FROZEN (suspected fraud), DEDUCTED (deduction applied). ' +
  'Final: COMPLETED, CANCELLED, DEDUCTED.';

export const partnerOrders = tiktokAffiliate.table(
  'partner_orders',
  {
    partner_id: text().notNull(),
    order_id: text().notNull(),
    status: text(),
    create_time: instant().notNull(),
    delivery_time: instant(),
    sku_count: integer().notNull(),
    total_quantity: integer(),
    ...money('total_estimated_tap_commission'),
    ...money('total_actual_tap_commission'),
    raw: jsonb().notNull(),
    ...bookkeeping(),
    ...rowHash(),
  },
  (t) => [
    // The partition key (month of create_time, order-partitions.ts) must be part of every unique key.
    primaryKey({ name: 'partner_orders_pkey', columns: [t.partner_id, t.order_id, t.create_time] }),
    index('partner_orders_partner_create_time_idx').on(t.partner_id, t.create_time),
    index('partner_orders_open_create_time_idx')
      .on(t.partner_id, t.create_time)
      .where(notFinalStatusSql('seller')),
  ],
);

export const partnerOrderSkus = tiktokAffiliate.table(
  'partner_order_skus',
  {
    partner_id: text().notNull(),
    order_id: text().notNull(),
    sku_id: text().notNull(),
    create_time: instant().notNull(),
    order_status: text(),
    line_index: integer().notNull(),
    campaign_id: text(),
    product_id: text(),
    product_name: text(),
    creator_username: text(),
    content_type: text(),
    content_id: text(),
    ...money('price'),
    quantity: integer(),
    returned_quantity: integer(),
    refunded_quantity: integer(),
    ...bps('creator_commission_rate'),
    ...bps('tap_commission_rate'),
    ...bps('partner_commission_reward_rate'),
    ...bps('creator_commission_reward_rate'),
    ...money('estimated_commission_base'),
    ...money('estimated_creator_commission'),
    ...money('estimated_tap_commission'),
    ...money('estimated_partner_commission_reward_fee'),
    ...money('estimated_creator_commission_reward_fee'),
    ...money('actual_commission_base'),
    ...money('actual_creator_commission'),
    ...money('actual_tap_commission'),
    ...money('actual_partner_commission_reward_fee'),
    ...money('actual_creator_commission_reward_fee'),
    raw: jsonb().notNull(),
    ...bookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({
      name: 'partner_order_skus_pkey',
      columns: [t.partner_id, t.order_id, t.create_time, t.sku_id],
    }),
    // One partner over a range of UTC days or months, without the orders table.
    index('partner_order_skus_partner_order_date_idx').on(t.partner_id, orderDateSql),
    index('partner_order_skus_campaign_idx').on(t.partner_id, t.campaign_id),
    index('partner_order_skus_creator_idx').on(t.creator_username).where(sql`creator_username is not null`),
  ],
);

const ORDER_TOTAL_NOTE =
  'Sum over the order lines; null when a line lacks it or the lines use different currencies';

export const partnerOrdersDoc: RelationDoc = documentTable(
  partnerOrders,
  "TAP affiliate orders, one row per order credited to one of the partner's campaigns (POST " +
    '/affiliate_partner/202411/orders/search). Grain: (partner_id, order_id). Lines are in partner_order_skus.',
  {
    partner_id:
      'Owner: the category asset cipher the order was read through (as partner_campaigns.partner_id).',
    order_id: 'TikTok order id (64-bit, kept as text). Source: orders[].id.',
    status: `${PARTNER_STATUS_DOC} Source: orders[].status.`,
    create_time: 'When the order was placed (UTC; API sends Unix seconds). Source: orders[].create_time.',
    delivery_time:
      'Delivery time (UTC; API sends Unix seconds); null if not delivered. Source: orders[].delivery_time.',
    sku_count:
      'Number of lines of the order (= its rows in partner_order_skus). orders[].skus is documented as ONE ' +
      'object (one line) but also arrives as a list; both are read.',
    total_quantity: 'Sum of skus quantity; null when a line lacks quantity.',
    ...moneyDocs('total_estimated_tap_commission', 'sum of skus.estimated_tap_commission', ORDER_TOTAL_NOTE),
    ...moneyDocs('total_actual_tap_commission', 'sum of skus.actual_tap_commission', ORDER_TOTAL_NOTE),
    raw: 'The order object as received WITHOUT its skus (each line is kept whole in partner_order_skus.raw).',
    ...bookkeepingDocs(),
    ...rowHashDocs(),
  },
);

export const partnerOrderSkusDoc: RelationDoc = documentTable(
  partnerOrderSkus,
  'TAP affiliate order lines (orders[].skus, one object or a list). Grain: (partner_id, order_id, sku_id).',
  {
    partner_id: 'Owner: the category asset cipher. Joins partner_orders on (partner_id, order_id).',
    order_id: 'TikTok order id. Source: orders[].id.',
    sku_id: 'SKU id (64-bit, kept as text). Source: skus.id.',
    ...ORDER_LINE_CARRIED_DOCS('partner_orders'),
    line_index: 'Zero-based position of the line in the order as last received (0 for a single object).',
    campaign_id: 'TAP campaign the sale is credited to; joins partner_campaigns. Source: skus.campaign_id.',
    product_id: 'Product id. Source: skus.product_id.',
    product_name: 'Product name. Source: skus.product_name.',
    creator_username: 'Username of the creator who made the sale. Source: skus.creator_username.',
    content_type:
      'How the sale was attributed, as sent: SHOP, VIDEO, LIVE, PRE_LIVE, PROMOTION_PAGE, LINKSHARE. ' +
      'Source: skus.content_type.',
    content_id: 'Id of the video / live room / page that carried the sale. Source: skus.content_id.',
    ...moneyDocs('price', 'skus.price', 'SKU selling price (per unit)'),
    quantity: 'Units sold. Source: skus.quantity.',
    returned_quantity: 'Units returned. Source: skus.returned_quantity.',
    refunded_quantity: 'Units refunded. Source: skus.refunded_quantity.',
    ...bpsDocs('creator_commission_rate', 'skus.creator_commission_rate', "Creator's commission rate"),
    ...bpsDocs('tap_commission_rate', 'skus.tap_commission_rate', "Partner's (TAP) commission rate"),
    ...bpsDocs(
      'partner_commission_reward_rate',
      'skus.partner_commission_reward_rate',
      'Reward rate paid to the partner',
    ),
    ...bpsDocs(
      'creator_commission_reward_rate',
      'skus.creator_commission_reward_rate',
      'Reward rate paid to the creator',
    ),
    ...moneyDocs('estimated_commission_base', 'skus.estimated_commission_base', 'Estimated commission base'),
    ...moneyDocs(
      'estimated_creator_commission',
      'skus.estimated_creator_commission',
      "Estimated creator's commission",
    ),
    ...moneyDocs(
      'estimated_tap_commission',
      'skus.estimated_tap_commission',
      "Estimated partner's commission",
    ),
    ...moneyDocs(
      'estimated_partner_commission_reward_fee',
      'skus.estimated_partner_commission_reward_fee',
      'Estimated reward fee for the partner',
    ),
    ...moneyDocs(
      'estimated_creator_commission_reward_fee',
      'skus.estimated_creator_commission_reward_fee',
      'Estimated reward fee for the creator',
    ),
    ...moneyDocs(
      'actual_commission_base',
      'skus.actual_commission_base',
      'Actual commission base (once settled)',
    ),
    ...moneyDocs(
      'actual_creator_commission',
      'skus.actual_creator_commission',
      "Actual creator's commission",
    ),
    ...moneyDocs('actual_tap_commission', 'skus.actual_tap_commission', "Actual partner's commission"),
    ...moneyDocs(
      'actual_partner_commission_reward_fee',
      'skus.actual_partner_commission_reward_fee',
      'Actual reward fee for the partner',
    ),
    ...moneyDocs(
      'actual_creator_commission_reward_fee',
      'skus.actual_creator_commission_reward_fee',
      'Actual reward fee for the creator',
    ),
    raw: 'The line object as received.',
    ...bookkeepingDocs(),
    ...rowHashDocs(),
  },
);
