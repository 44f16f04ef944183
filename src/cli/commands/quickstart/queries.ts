/**
 * Three questions analysts ask first, as SQL they can paste into psql or a BI tool. They read the
 * documented views and tables only (docs/warehouse.md#views), so they keep working as the pipeline evolves.
 */
import { FINAL_ORDER_STATUSES } from '../../../transform/final-statuses.ts';

export interface ExampleQuery {
  title: string;
  sql: string;
}

const finalSeller = FINAL_ORDER_STATUSES.seller.map((s) => `'${s}'`).join(', ');

export const EXAMPLE_QUERIES: readonly ExampleQuery[] = [
  {
    title: 'Top creators by GMV, last 30 days (creator_performance_daily)',
    sql: `select creator_username, currency,
       sum(orders) as orders,
       sum(units) as units,
       sum(gmv_amount) as gmv,
       sum(estimated_commission_amount) as est_commission
from tiktok_affiliate.creator_performance_daily
where order_date >= current_date - 30 and creator_username is not null
group by creator_username, currency
order by gmv desc
limit 5;`,
  },
  {
    title: 'Seller orders awaiting settlement, by status (commission not final yet)',
    sql: `select shop_id, status,
       count(*) as orders,
       sum(total_estimated_paid_commission_amount) as est_commission,
       total_estimated_paid_commission_currency as currency,
       min(create_time)::date as oldest_order
from tiktok_affiliate.seller_orders
where status not in (${finalSeller})
group by shop_id, status, total_estimated_paid_commission_currency
order by shop_id, orders desc
limit 10;`,
  },
  {
    title: 'Campaign fulfillment: creators, samples, content and pay per campaign product',
    sql: `select campaign_name, product_id, creators,
       samples_requested, samples_completed, videos, live_rooms,
       paid_amount, paid_amount_currency
from tiktok_affiliate.campaign_fulfillment_summary
order by creators desc, videos desc
limit 5;`,
  },
];
