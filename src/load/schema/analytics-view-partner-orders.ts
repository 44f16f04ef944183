/**
 * tiktok_affiliate.partner_campaign_orders_monthly: per affiliate partner x campaign x calendar month
 * (UTC, of the order's create time) x currency, the TAP orders and the partner's commission,
 * estimated versus actual, from partner_order_skus alone: each line carries its order's create_time
 * and status (order-partitions.ts), so no per-line probe into partner_orders. A line's campaign
 * decides where it counts, so an order with lines of two campaigns counts once in each.
 */
import type { RelationDoc } from './docs.ts';

export const partnerCampaignOrdersMonthlySql = `
select
  l.partner_id,
  l.campaign_id,
  min(c.name) as campaign_name,
  date_trunc('month', l.create_time at time zone 'UTC')::date as month,
  l.estimated_tap_commission_currency as currency,
  count(distinct l.order_id) as orders,
  count(distinct l.order_id) filter (where l.order_status = 'COMPLETED') as settled_orders,
  count(distinct l.order_id) filter (where l.order_status = 'CANCELLED') as cancelled_orders,
  count(*) as lines,
  coalesce(sum(l.quantity), 0) as units,
  count(distinct l.creator_username) as creators,
  sum(l.estimated_commission_base_amount) as estimated_commission_base,
  sum(l.actual_commission_base_amount) as actual_commission_base,
  sum(l.estimated_tap_commission_amount) as estimated_partner_commission,
  sum(l.actual_tap_commission_amount) as actual_partner_commission,
  sum(l.estimated_tap_commission_amount) filter (where l.order_status is null or l.order_status not in ('COMPLETED', 'CANCELLED', 'DEDUCTED'))
    as unsettled_estimated_partner_commission,
  sum(l.estimated_creator_commission_amount) as estimated_creator_commission,
  sum(l.actual_creator_commission_amount) as actual_creator_commission,
  max(l.synced_at) as last_synced_at
from tiktok_affiliate.partner_order_skus l
left join tiktok_affiliate.partner_campaigns c on c.partner_id = l.partner_id and c.campaign_id = l.campaign_id
group by l.partner_id, l.campaign_id, date_trunc('month', l.create_time at time zone 'UTC')::date, l.estimated_tap_commission_currency`;

export const partnerCampaignOrdersMonthlyDoc: RelationDoc = {
  schema: 'tiktok_affiliate',
  name: 'partner_campaign_orders_monthly',
  kind: 'view',
  description:
    "An affiliate partner's TAP orders and partner commission per campaign and calendar month (UTC, by " +
    'order create time) and currency, estimated versus actual. Actual values exist once an order settles; ' +
    'unsettled_estimated_partner_commission is what may still change.',
  columns: {
    partner_id: 'Category asset cipher the orders were read through (partner_orders.partner_id).',
    campaign_id: 'Campaign the lines are credited to (partner_order_skus.campaign_id).',
    campaign_name: 'partner_campaigns.name (null until the campaign list synced).',
    month: 'First day of the UTC calendar month of the order create time.',
    currency: 'ISO 4217 currency of the amounts of the row (each currency gets its own row).',
    orders: 'Distinct orders with at least one line of the campaign.',
    settled_orders: 'Of those, orders with status COMPLETED.',
    cancelled_orders: 'Of those, orders with status CANCELLED.',
    lines: 'Order lines of the campaign.',
    units: 'Sum of quantity over the lines.',
    creators: 'Distinct creator usernames who made the sales.',
    estimated_commission_base: 'Sum of estimated_commission_base_amount (major units).',
    actual_commission_base: 'Sum of actual_commission_base_amount; null while no line has settled.',
    estimated_partner_commission:
      "Sum of the partner's estimated commission (estimated_tap_commission_amount).",
    actual_partner_commission:
      "Sum of the partner's actual commission (actual_tap_commission_amount); null while no line has settled.",
    unsettled_estimated_partner_commission:
      'Estimated partner commission of the orders not yet final (neither COMPLETED, CANCELLED nor DEDUCTED).',
    estimated_creator_commission: "Sum of the creators' estimated commission on these lines.",
    actual_creator_commission: "Sum of the creators' actual commission on these lines.",
    last_synced_at: 'Latest synced_at of the underlying lines (last change seen).',
  },
};
