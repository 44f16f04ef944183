/**
 * Campaign product performance of an affiliate partner (stream campaign_product_performance, GET
 * /affiliate_partner/202501/campaigns/{campaign_id}/products/performance): the current state
 * (snapshot per partner) and one history row a day for trends.
 * Grain: campaign_product_performance (partner_id, campaign_id, product_id);
 * campaign_product_performance_daily (+ snapshot_date).
 */
import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, primaryKey, text } from 'drizzle-orm/pg-core';
import { tiktokAffiliate } from './analytics-schema.ts';
import {
  bookkeeping,
  bookkeepingDocs,
  bps,
  bpsDocs,
  instant,
  money,
  priceRange,
  snapshotBookkeeping,
  snapshotBookkeepingDocs,
  rowHash,
  rowHashDocs,
} from './columns.ts';
import { documentTable, type RelationDoc } from './docs.ts';

const BARE_AMOUNT = 'Decimal in major units. The API sends a bare decimal string WITHOUT a currency.';
const CURRENCY =
  'ISO 4217 currency of the amount. Not sent with the value: taken from the product_price.currency of ' +
  'the same record (null when that is absent).';

/** Indicator columns shared by the current-state and the daily table. */
function indicators() {
  return {
    paid_order_num: integer(),
    actual_order_num: integer(),
    ...money('estimated_amount'),
    ...money('actual_amount'),
    ...money('estimated_partner_commission'),
    ...money('actual_partner_commission'),
    creator_sales_num: integer(),
    collaborated_creators_num: integer(),
    promoted_creator_num: integer(),
    sample_requested_creator_num: integer(),
  };
}

function indicatorDocs(): Record<string, string> {
  const src = (f: string) => `Source: campaign_product_detail.indicator_data.${f} (a string).`;
  return {
    paid_order_num: `Paid orders of the product in the campaign. ${src('paid_order_num')}`,
    actual_order_num: `Orders that were not refunded or cancelled. ${src('actual_order_num')}`,
    estimated_amount: `Estimated sales amount. ${BARE_AMOUNT} ${src('estimated_amount')}`,
    estimated_amount_currency: CURRENCY,
    actual_amount: `Actual sales amount. ${BARE_AMOUNT} ${src('actual_amount')}`,
    actual_amount_currency: CURRENCY,
    estimated_partner_commission_amount: `Estimated partner commission. ${BARE_AMOUNT} ${src('estimated_partner_commission')}`,
    estimated_partner_commission_currency: CURRENCY,
    actual_partner_commission_amount: `Actual partner commission. ${BARE_AMOUNT} ${src('actual_partner_commission')}`,
    actual_partner_commission_currency: CURRENCY,
    creator_sales_num: `Creators with sales of the product. ${src('creator_sales_num')}`,
    collaborated_creators_num: `Creators who collaborated on the product. ${src('collaborated_creators_num')}`,
    promoted_creator_num: `Creators who promoted the product. ${src('promoted_creator_num')}`,
    sample_requested_creator_num: `Creators who requested a sample. ${src('sample_requested_creator_num')}`,
  };
}

export const campaignProductPerformance = tiktokAffiliate.table(
  'campaign_product_performance',
  {
    partner_id: text().notNull(),
    campaign_id: text().notNull(),
    product_id: text().notNull(),
    product_status: text(),
    product_name: text(),
    product_stock_count: integer(),
    ...bps('total_commission_percent'),
    ...bps('creator_commission_percent'),
    ...bps('partner_commission_percent'),
    ...bps('plan_commission_percent'),
    ...priceRange('product_price'),
    product_thumbnail_url: text(),
    data_update_time: instant(),
    ...indicators(),
    raw: jsonb().notNull(),
    ...snapshotBookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({
      name: 'campaign_product_performance_pkey',
      columns: [t.partner_id, t.campaign_id, t.product_id],
    }),
    index('campaign_product_performance_active_idx').on(t.partner_id, t.campaign_id).where(sql`is_active`),
  ],
);

export const campaignProductPerformanceDaily = tiktokAffiliate.table(
  'campaign_product_performance_daily',
  {
    partner_id: text().notNull(),
    campaign_id: text().notNull(),
    product_id: text().notNull(),
    snapshot_date: date({ mode: 'string' }).notNull(),
    ...indicators(),
    ...bookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({
      name: 'campaign_product_performance_daily_pkey',
      columns: [t.partner_id, t.campaign_id, t.product_id, t.snapshot_date],
    }),
    index('campaign_product_performance_daily_date_idx').on(t.partner_id, t.snapshot_date),
  ],
);

export const campaignProductPerformanceDoc: RelationDoc = documentTable(
  campaignProductPerformance,
  'Current performance of each product of a TAP campaign: orders, amounts, partner commission and creator ' +
    'counts (GET /affiliate_partner/202501/campaigns/{campaign_id}/products/performance). Grain: (partner_id, ' +
    'campaign_id, product_id). Snapshot per partner; day-by-day history in campaign_product_performance_daily.',
  {
    partner_id:
      'Owner: the category asset cipher whose campaign list named the campaign. Joins partner_campaigns.',
    campaign_id: 'Campaign id (request path). Joins partner_campaign_products.',
    product_id: 'Product id. Source: campaign_product_detail.product_id.',
    product_status:
      'Product status in the campaign as sent: PRODUCT_UNSPECIFIED, PRODUCT_PENDING, PRODUCT_APPROVED, ' +
      'PRODUCT_REJECTED, PRODUCT_PENDING_CLOSED, PRODUCT_CLOSED. Source: campaign_product_detail.product_status.',
    product_name: 'Product name. Source: campaign_product_detail.product_name.',
    product_stock_count:
      'Units in stock (sent as a string). Source: campaign_product_detail.product_stock_count.',
    ...bpsDocs(
      'total_commission_percent',
      'campaign_product_detail.total_commission_percent',
      'Total commission rate',
    ),
    ...bpsDocs(
      'creator_commission_percent',
      'campaign_product_detail.creator_commission_percent',
      "Creators' commission rate",
    ),
    ...bpsDocs(
      'partner_commission_percent',
      'campaign_product_detail.partner_commission_percent',
      "Partner's commission rate",
    ),
    ...bpsDocs(
      'plan_commission_percent',
      'campaign_product_detail.plan_commission_percent',
      'Plan commission rate',
    ),
    product_price_min_amount:
      'Lowest price, decimal in major units (sent as a string). Source: campaign_product_detail.product_price.min_price.',
    product_price_max_amount:
      'Highest price, decimal in major units (sent as a string). Source: campaign_product_detail.product_price.max_price.',
    product_price_currency:
      'ISO 4217 currency of the price range. Source: campaign_product_detail.product_price.currency.',
    product_thumbnail_url:
      'First thumbnail URL. Source: campaign_product_detail.product_thumbnail.url_list[0].',
    data_update_time:
      'When the statistics were last computed (UTC; the API sends a STRING of Unix milliseconds). Source: data_update_time.',
    ...indicatorDocs(),
    raw: 'The campaign_product_statistics[] record as received.',
    ...snapshotBookkeepingDocs(),
    ...rowHashDocs(),
  },
);

export const campaignProductPerformanceDailyDoc: RelationDoc = documentTable(
  campaignProductPerformanceDaily,
  'One row a day per campaign product with its indicators as of that day (the last sync of the day wins), ' +
    'for trends. Grain: (partner_id, campaign_id, product_id, snapshot_date). Never tombstoned.',
  {
    partner_id: 'Owner: the category asset cipher. Joins campaign_product_performance.',
    campaign_id: 'Campaign id.',
    product_id: 'Product id.',
    snapshot_date: 'UTC day of the sync that wrote the row.',
    ...indicatorDocs(),
    ...bookkeepingDocs(),
    ...rowHashDocs(),
  },
);
