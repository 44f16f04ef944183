/**
 * tiktok_affiliate.creator_performance_daily (docs/warehouse.md#views): per shop x creator x UTC day x
 * currency, from the seller's view of affiliate orders (seller_orders + seller_order_skus).
 */
import type { RelationDoc } from './docs.ts';

/**
 * Reads the rollup the database keeps of the lines (etl.creator_performance_rollup, maintained by
 * triggers on seller_order_skus: performance-rollup.ts), one row per group already summed: a filter on
 * order_date reads only the matching month partitions, and shop_id with order_date is its primary
 * key's prefix. '' stands for null in the rollup's keys (a primary key cannot hold null).
 */
export const creatorPerformanceDailySql = `
select
  r.shop_id,
  nullif(r.creator_username, '') as creator_username,
  r.order_date,
  nullif(r.currency, '') as currency,
  r.orders::bigint as orders,
  r.cancelled_orders::bigint as cancelled_orders,
  r.completed_orders::bigint as completed_orders,
  r.order_lines::numeric as order_lines,
  r.units,
  r.units_returned_or_refunded,
  r.gmv_amount,
  r.estimated_commission_amount,
  r.actual_commission_amount,
  r.estimated_shop_ads_commission_amount,
  r.actual_shop_ads_commission_amount
from etl.creator_performance_rollup r`;

export const creatorPerformanceDailyDoc: RelationDoc = {
  schema: 'tiktok_affiliate',
  name: 'creator_performance_daily',
  kind: 'view',
  description:
    "Affiliate sales per shop x creator x UTC day (of the order's create_time) x currency, from the seller " +
    'order lines. Amounts are exact decimals in major units of `currency` (the line price currency); ' +
    'commission amounts sent in another currency than the price are left out of these sums. ' +
    'The view reads a rollup that the database keeps current with every change of the lines (one row per ' +
    'group, already summed): filter on shop_id and order_date (its key), or on order_date alone (only the ' +
    'matching months are read), to keep queries fast.',
  columns: {
    shop_id: 'TikTok shop id (seller_orders.shop_id).',
    creator_username: 'Creator credited with the lines (seller_order_skus.creator_username); null if none.',
    order_date:
      "UTC calendar date of the order's create_time (the lines' create_time): keyed with shop_id, and " +
      'each month is skipped by a filter on it.',
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
