/**
 * tiktok_affiliate.creator_performance_daily (docs/warehouse.md#views): per shop x creator x UTC day x
 * currency, from the seller's view of affiliate orders (seller_orders + seller_order_skus).
 */
import type { RelationDoc } from './docs.ts';
import { ORDER_DATE_SQL } from './order-partitions.ts';

/**
 * Reads the lines alone (they carry the order's create_time and status): no probe per order into
 * seller_orders. order_date is the same expression as the lines' (shop_id, order_date) index and the
 * month partitions' CHECK, so a filter on shop_id and order_date reads that index, and a filter on
 * order_date alone reads only the matching months (order-partitions.ts). Orders are counted in two
 * steps (per order, then per group), hash aggregates both, instead of a count(distinct) that sorts
 * every line of the range.
 */
export const creatorPerformanceDailySql = `
select
  p.shop_id,
  p.creator_username,
  p.order_date,
  p.currency,
  count(*) as orders,
  count(*) filter (where p.order_status = 'CANCELLED') as cancelled_orders,
  count(*) filter (where p.order_status = 'COMPLETED') as completed_orders,
  sum(p.order_lines) as order_lines,
  sum(p.units) as units,
  sum(p.units_returned_or_refunded) as units_returned_or_refunded,
  sum(p.gmv_amount) as gmv_amount,
  sum(p.estimated_commission_amount) as estimated_commission_amount,
  sum(p.actual_commission_amount) as actual_commission_amount,
  sum(p.estimated_shop_ads_commission_amount) as estimated_shop_ads_commission_amount,
  sum(p.actual_shop_ads_commission_amount) as actual_shop_ads_commission_amount
from (
  select
    l.shop_id,
    l.creator_username,
    ${ORDER_DATE_SQL} as order_date,
    l.price_currency as currency,
    l.order_id,
    l.order_status,
    count(*) as order_lines,
    coalesce(sum(l.quantity), 0) as units,
    coalesce(sum(coalesce(l.returned_quantity, 0) + coalesce(l.refunded_quantity, 0)), 0)
      as units_returned_or_refunded,
    coalesce(sum(l.price_amount * l.quantity) filter (where l.order_status is distinct from 'CANCELLED'), 0)
      as gmv_amount,
    coalesce(sum(l.estimated_paid_commission_amount) filter (
      where l.order_status is distinct from 'CANCELLED' and l.estimated_paid_commission_currency = l.price_currency
    ), 0) as estimated_commission_amount,
    coalesce(sum(l.actual_paid_commission_amount) filter (
      where l.actual_paid_commission_currency = l.price_currency
    ), 0) as actual_commission_amount,
    coalesce(sum(l.estimated_paid_shop_ads_commission_amount) filter (
      where l.order_status is distinct from 'CANCELLED'
        and l.estimated_paid_shop_ads_commission_currency = l.price_currency
    ), 0) as estimated_shop_ads_commission_amount,
    coalesce(sum(l.actual_paid_shop_ads_commission_amount) filter (
      where l.actual_paid_shop_ads_commission_currency = l.price_currency
    ), 0) as actual_shop_ads_commission_amount
  from tiktok_affiliate.seller_order_skus l
  group by l.shop_id, l.creator_username, ${ORDER_DATE_SQL}, l.price_currency, l.order_id, l.order_status
) p
group by p.shop_id, p.creator_username, p.order_date, p.currency`;

export const creatorPerformanceDailyDoc: RelationDoc = {
  schema: 'tiktok_affiliate',
  name: 'creator_performance_daily',
  kind: 'view',
  description:
    "Affiliate sales per shop x creator x UTC day (of the order's create_time) x currency, from the seller " +
    'order lines. Amounts are exact decimals in major units of `currency` (the line price currency); ' +
    'commission amounts sent in another currency than the price are left out of these sums. ' +
    'The view aggregates on read from the order lines alone: filter on shop_id and order_date (indexed ' +
    'together), or on order_date alone (only the matching month partitions are read), to keep queries fast.',
  columns: {
    shop_id: 'TikTok shop id (seller_orders.shop_id).',
    creator_username: 'Creator credited with the lines (seller_order_skus.creator_username); null if none.',
    order_date:
      "UTC calendar date of the order's create_time (the lines' create_time): indexed with shop_id, and " +
      'each month partition is skipped by a filter on it.',
    currency: 'ISO 4217 currency of the line prices (seller_order_skus.price_currency).',
    orders: 'Distinct orders with at least one line of this creator, any status.',
    cancelled_orders: 'Of those, orders with status CANCELLED (seller_order_skus.order_status).',
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
