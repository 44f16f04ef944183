/**
 * tiktok_affiliate.campaign_fulfillment_summary (docs/warehouse.md#views): per partner campaign x product,
 * the creators promoting it, their free-sample status counts, videos, live rooms and paid amount, over
 * the CURRENT fulfillment state (active rows of campaign_creator_fulfillment).
 */
import type { RelationDoc } from './docs.ts';

/** Sample statuses (docs/tiktok-api.md#creator-fulfillment) grouped into the stages analysts count. */
const IN_PROGRESS = ['PENDING', 'AWAITING_SHIPMENT', 'AWAITING_COLLECTION', 'SHIPPED', 'CONTENT_PENDING'];
const COMPLETED = ['COMPLETED', 'OPERATOR_MANUAL_COMPLETED'];
const list = (values: string[]) => values.map((v) => `'${v}'`).join(', ');

export const campaignFulfillmentSummarySql = `
with active as (
  select * from tiktok_affiliate.campaign_creator_fulfillment where is_active
),
status_counts as (
  select partner_id, campaign_id, product_id, jsonb_object_agg(free_sample_status, n) as sample_status_counts
  from (
    select partner_id, campaign_id, product_id, coalesce(free_sample_status, 'UNKNOWN') as free_sample_status,
      count(*) as n
    from active group by 1, 2, 3, 4
  ) s
  group by 1, 2, 3
)
select
  f.partner_id,
  f.campaign_id,
  min(c.name) as campaign_name,
  f.product_id,
  min(p.name) as product_name,
  count(*) as creators,
  count(*) filter (where coalesce(f.video_count, 0) > 0 or coalesce(f.room_count, 0) > 0) as creators_with_content,
  count(*) filter (where f.free_sample_status is not null and f.free_sample_status <> 'NOT_REQUESTED')
    as samples_requested,
  count(*) filter (where f.free_sample_status in (${list(IN_PROGRESS)})) as samples_in_progress,
  count(*) filter (where f.free_sample_status in (${list(COMPLETED)})) as samples_completed,
  count(*) filter (where f.free_sample_status like '%\\_CANCELLED' or f.free_sample_status = 'OPERATOR_MANUAL_FAILED')
    as samples_cancelled,
  sc.sample_status_counts,
  coalesce(sum(f.video_count), 0) as videos,
  coalesce(sum(f.room_count), 0) as live_rooms,
  case when count(distinct f.paid_amount_currency) <= 1 then sum(f.paid_amount) end as paid_amount,
  case when count(distinct f.paid_amount_currency) <= 1 then min(f.paid_amount_currency) end as paid_amount_currency,
  max(f.synced_at) as last_synced_at
from active f
left join tiktok_affiliate.partner_campaigns c on c.partner_id = f.partner_id and c.campaign_id = f.campaign_id
left join tiktok_affiliate.partner_campaign_products p
  on p.partner_id = f.partner_id and p.campaign_id = f.campaign_id and p.product_id = f.product_id
left join status_counts sc
  on sc.partner_id = f.partner_id and sc.campaign_id = f.campaign_id and sc.product_id = f.product_id
group by f.partner_id, f.campaign_id, f.product_id, sc.sample_status_counts`;

export const campaignFulfillmentSummaryDoc: RelationDoc = {
  schema: 'tiktok_affiliate',
  name: 'campaign_fulfillment_summary',
  kind: 'view',
  description:
    'Current creator fulfillment per partner campaign x product (active rows of campaign_creator_fulfillment, ' +
    'docs/tiktok-api.md#creator-fulfillment): creators, free-sample status counts, videos, live rooms, paid amount. ' +
    'For day-by-day trends use campaign_creator_fulfillment_daily.',
  columns: {
    partner_id: 'Category asset cipher owning the campaign (partner_campaigns.partner_id).',
    campaign_id: 'Campaign id.',
    campaign_name: 'partner_campaigns.name (null until the campaign list synced).',
    product_id: 'Product id.',
    product_name: 'partner_campaign_products.name (null until the product list synced).',
    creators: 'Creators currently promoting the product.',
    creators_with_content: 'Creators with at least one video or live room for it.',
    samples_requested: 'Creators whose free_sample_status is set and not NOT_REQUESTED.',
    samples_in_progress: `Creators with free_sample_status in ${IN_PROGRESS.join(', ')}.`,
    samples_completed: `Creators with free_sample_status in ${COMPLETED.join(', ')}.`,
    samples_cancelled: 'Creators with a *_CANCELLED free_sample_status or OPERATOR_MANUAL_FAILED.',
    sample_status_counts:
      'Creators per free_sample_status as a JSON object, e.g. {"SHIPPED": 3, "COMPLETED": 5} ' +
      '(UNKNOWN = status not sent).',
    videos: 'Sum of video_count over the creators.',
    live_rooms: 'Sum of room_count (live rooms) over the creators.',
    paid_amount:
      'Sum of paid_amount over the creators (exact decimal, major units); null when creators report different ' +
      'currencies.',
    paid_amount_currency: 'ISO 4217 currency of paid_amount; null when mixed or not reported.',
    last_synced_at: 'Latest synced_at of the underlying rows (last change seen).',
  },
};
