/**
 * tiktok_affiliate.creator_performance_daily (WAREHOUSE.md "Views"): per shop x creator x UTC day x
 * currency, from the seller's view of affiliate orders (seller_orders + seller_order_skus).
 */
import type { RelationDoc } from './docs.ts';

export const creatorPerformanceDailySql = `
select
  o.shop_id,
  l.creator_username,
  (o.create_time at time zone 'UTC')::date as order_date,
  l.price_currency as currency,
  count(distinct o.order_id) as orders,
  count(distinct o.order_id) filter (where o.status = 'CANCELLED') as cancelled_orders,
  count(distinct o.order_id) filter (where o.status = 'COMPLETED') as completed_orders,
  count(*) as order_lines,
  coalesce(sum(l.quantity), 0) as units,
  coalesce(sum(coalesce(l.returned_quantity, 0) + coalesce(l.refunded_quantity, 0)), 0) as units_returned_or_refunded,
  coalesce(sum(l.price_amount * l.quantity) filter (where o.status is distinct from 'CANCELLED'), 0)
    as gmv_amount,
  coalesce(sum(l.estimated_paid_commission_amount) filter (
    where o.status is distinct from 'CANCELLED' and l.estimated_paid_commission_currency = l.price_currency
  ), 0) as estimated_commission_amount,
  coalesce(sum(l.actual_paid_commission_amount) filter (
    where l.actual_paid_commission_currency = l.price_currency
  ), 0) as actual_commission_amount,
  coalesce(sum(l.estimated_paid_shop_ads_commission_amount) filter (
    where o.status is distinct from 'CANCELLED' and l.estimated_paid_shop_ads_commission_currency = l.price_currency
  ), 0) as estimated_shop_ads_commission_amount,
  coalesce(sum(l.actual_paid_shop_ads_commission_amount) filter (
    where l.actual_paid_shop_ads_commission_currency = l.price_currency
  ), 0) as actual_shop_ads_commission_amount
from tiktok_affiliate.seller_orders o
join tiktok_affiliate.seller_order_skus l on l.shop_id = o.shop_id and l.order_id = o.order_id
where o.create_time is not null
group by o.shop_id, l.creator_username, (o.create_time at time zone 'UTC')::date, l.price_currency`;

export const creatorPerformanceDailyDoc: RelationDoc = {
  schema: 'tiktok_affiliate',
  name: 'creator_performance_daily',
  kind: 'view',
  description:
    "Affiliate sales per shop x creator x UTC day (of the order's create_time) x currency, from the seller " +
    'order lines. Amounts are exact decimals in major units of `currency` (the line price currency); ' +
    'commission amounts sent in another currency than the price are left out of these sums. ' +
    'The view aggregates on read: filter on shop_id (indexed) and order_date to keep queries fast.',
  columns: {
    shop_id: 'TikTok shop id (seller_orders.shop_id).',
    creator_username: 'Creator credited with the lines (seller_order_skus.creator_username); null if none.',
    order_date: "UTC calendar date of the order's create_time.",
    currency: 'ISO 4217 currency of the line prices (seller_order_skus.price_currency).',
    orders: 'Distinct orders with at least one line of this creator, any status.',
    cancelled_orders: 'Of those, orders with status CANCELLED.',
    completed_orders: 'Of those, orders with status COMPLETED (settled).',
    order_lines: 'Order lines (seller_order_skus rows).',
    units: 'Sum of quantity over all lines, any status.',
    units_returned_or_refunded: 'Sum of returned_quantity + refunded_quantity.',
    gmv_amount: 'Gross merchandise value: sum of price_amount x quantity over lines of orders not CANCELLED.',
    estimated_commission_amount:
      'Sum of estimated_paid_commission_amount (commission the seller pays) over orders not CANCELLED.',
    actual_commission_amount: 'Sum of actual_paid_commission_amount (filled once orders settle), any status.',
    estimated_shop_ads_commission_amount:
      'Sum of estimated_paid_shop_ads_commission_amount over orders not CANCELLED.',
    actual_shop_ads_commission_amount: 'Sum of actual_paid_shop_ads_commission_amount, any status.',
  },
};
