/**
 * Creator fulfillment of a partner campaign product (docs/tiktok-api.md#creator-fulfillment, GET
 * /affiliate_partner/202508/campaigns/{c}/products/{p}/performance): the current state (snapshot per
 * campaign x product) and one history row a day for trends.
 * Grain (docs/warehouse.md#tables): campaign_creator_fulfillment (partner_id, campaign_id, product_id, creator_open_id);
 * campaign_creator_fulfillment_daily (+ snapshot_date).
 */
import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, primaryKey, text } from 'drizzle-orm/pg-core';
import { documentTable, type RelationDoc } from './docs.ts';
import {
  bookkeeping,
  bookkeepingDocs,
  bps,
  bpsDocs,
  instant,
  money,
  moneyDocs,
  snapshotBookkeeping,
  snapshotBookkeepingDocs,
  rowHash,
  rowHashDocs,
} from './columns.ts';
import { tiktokAffiliate } from './analytics-schema.ts';

export const FREE_SAMPLE_STATUS_DOC =
  'Free sample status as sent (17 values, docs/tiktok-api.md#creator-fulfillment): NOT_REQUESTED, PENDING, AWAITING_SHIPMENT, ' +
  'AWAITING_COLLECTION, SHIPPED, CONTENT_PENDING, REJECT_CANCELLED, OVERDUE_CANCELLED, UNFULFIL_CANCELLED, ' +
  'DEL_PLAN_CANCELLED, SELLER_NOT_SHIP_CANCELLED, WITHDRAW_CANCELLED, UNFULFILLABLE_CANCELLED, ' +
  'OPERATOR_MANUAL_CANCELLED, OPERATOR_MANUAL_FAILED, OPERATOR_MANUAL_COMPLETED, COMPLETED.';

/** Metric columns shared by the current-state and the daily table (same names, same meaning). */
function fulfillmentMetrics() {
  return {
    ...money('paid_amount'),
    room_count: integer(),
    video_count: integer(),
    free_sample_status: text(),
    ...bps('commission'),
    creator_follower_num: integer(),
  };
}

function fulfillmentMetricsDocs(): Record<string, string> {
  return {
    ...moneyDocs(
      'paid_amount',
      'promotion_creators[].paid_amount',
      'Total paid amount of the product via this creator',
    ),
    room_count: 'Live rooms the creator held for the product. Source: promotion_creators[].room_count.',
    video_count: 'Videos the creator posted for the product. Source: promotion_creators[].video_count.',
    free_sample_status: FREE_SAMPLE_STATUS_DOC + ' Source: promotion_creators[].free_sample_status.',
    ...bpsDocs(
      'commission',
      'promotion_creators[].commission (a STRING, and a rate, not money: docs/tiktok-api.md#creator-fulfillment)',
      "The creator's commission rate",
    ),
    creator_follower_num: 'Follower count of the creator. Source: promotion_creators[].creator.follower_num.',
  };
}

export const campaignCreatorFulfillment = tiktokAffiliate.table(
  'campaign_creator_fulfillment',
  {
    partner_id: text().notNull(),
    campaign_id: text().notNull(),
    product_id: text().notNull(),
    creator_open_id: text().notNull(),
    creator_user_name: text(),
    creator_nick_name: text(),
    creator_avatar_url: text(),
    affiliate_product_id: text(),
    ...fulfillmentMetrics(),
    effective_start_time: instant(),
    effective_end_time: instant(),
    raw: jsonb().notNull(),
    ...snapshotBookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({
      name: 'campaign_creator_fulfillment_pkey',
      columns: [t.partner_id, t.campaign_id, t.product_id, t.creator_open_id],
    }),
    index('campaign_creator_fulfillment_creator_idx').on(t.creator_open_id),
    index('campaign_creator_fulfillment_active_idx')
      .on(t.partner_id, t.campaign_id, t.product_id)
      .where(sql`is_active`),
  ],
);

export const campaignCreatorFulfillmentDaily = tiktokAffiliate.table(
  'campaign_creator_fulfillment_daily',
  {
    partner_id: text().notNull(),
    campaign_id: text().notNull(),
    product_id: text().notNull(),
    creator_open_id: text().notNull(),
    snapshot_date: date({ mode: 'string' }).notNull(),
    ...fulfillmentMetrics(),
    ...bookkeeping(),
    ...rowHash(),
  },
  (t) => [
    primaryKey({
      name: 'campaign_creator_fulfillment_daily_pkey',
      columns: [t.partner_id, t.campaign_id, t.product_id, t.creator_open_id, t.snapshot_date],
    }),
    index('campaign_creator_fulfillment_daily_date_idx').on(t.partner_id, t.snapshot_date),
  ],
);

export const campaignCreatorFulfillmentDoc: RelationDoc = documentTable(
  campaignCreatorFulfillment,
  'Current fulfillment of each creator promoting a campaign product (docs/tiktok-api.md#creator-fulfillment, 202508). ' +
    'Grain: (partner_id, campaign_id, product_id, creator_open_id). Snapshot per (campaign, product); ' +
    'day-by-day history in campaign_creator_fulfillment_daily.',
  {
    partner_id: 'Owner: the category asset cipher the sync used. Joins partner_campaigns.',
    campaign_id: 'Campaign id (request path). Joins partner_campaign_products.',
    product_id: 'Product id (request path).',
    creator_open_id:
      'Per-app creator Open ID (202508). Source: promotion_creators[].creator.creator_open_id. Records without ' +
      'it (202501 only gives a 1-hour creator_temp_id) are quarantined: a temporary id cannot key history.',
    creator_user_name: 'TikTok username. Source: promotion_creators[].creator.user_name.',
    creator_nick_name: 'Display name. Source: promotion_creators[].creator.nick_name.',
    creator_avatar_url:
      'Avatar URL as sent (signed CDN URL that expires). Source: promotion_creators[].creator.avatar_url.',
    affiliate_product_id:
      'Affiliate product id (used by the content statistics API). Source: promotion_creators[].affiliate_product_id.',
    ...fulfillmentMetricsDocs(),
    effective_start_time:
      'Start of the promotion (UTC). The API sends a STRING of Unix MILLISECONDS although its doc says epoch ' +
      '(docs/tiktok-api.md#creator-fulfillment, docs/tiktok-api.md#field-conventions); values > 1e12 are read as ms. Source: promotion_creators[].effective_start_time.',
    effective_end_time:
      'End of the promotion (UTC; string ms, see effective_start_time). Source: effective_end_time.',
    raw: 'The promotion_creators[] record as received.',
    ...snapshotBookkeepingDocs(),
    ...rowHashDocs(),
  },
);

export const campaignCreatorFulfillmentDailyDoc: RelationDoc = documentTable(
  campaignCreatorFulfillmentDaily,
  'Daily history of creator fulfillment metrics (one row per creator x campaign product x UTC day; the last ' +
    'sync of the day wins). Grain: (partner_id, campaign_id, product_id, creator_open_id, snapshot_date). ' +
    'Not a snapshot table: past days are never tombstoned. Use for trends; current state is in ' +
    'campaign_creator_fulfillment.',
  {
    partner_id: 'Owner: the category asset cipher the sync used.',
    campaign_id: 'Campaign id.',
    product_id: 'Product id.',
    creator_open_id: 'Per-app creator Open ID. Joins campaign_creator_fulfillment.',
    snapshot_date:
      'UTC calendar date of the sync that observed these values (the sync clock, not wall time).',
    ...fulfillmentMetricsDocs(),
    ...bookkeepingDocs(),
    ...rowHashDocs(),
  },
);
