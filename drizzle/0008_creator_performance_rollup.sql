-- etl.creator_performance_rollup (the seller order lines summed per shop x UTC day x creator x
-- currency, which creator_performance_daily reads instead of aggregating every line on read) and
-- etl.creator_performance_orders (each order's line count per group, which keeps the rollup's order
-- counts exact). Hand-edited after drizzle-kit: both are range-partitioned by month of order_date
-- (drizzle cannot declare it), with a DEFAULT partition and a partition for each month the order
-- lines already have; then both are filled from the stored lines in one read of them. migrate's
-- repeatable step creates the triggers that keep them current from then on, and the new
-- etl.ensure_order_partitions that makes their coming months' partitions.
--> statement-breakpoint
CREATE TABLE "etl"."creator_performance_orders" (
	"shop_id" text NOT NULL,
	"order_date" date NOT NULL,
	"creator_username" text NOT NULL,
	"currency" text NOT NULL,
	"order_id" text NOT NULL,
	"order_status" text NOT NULL,
	"order_lines" integer NOT NULL,
	CONSTRAINT "creator_performance_orders_pkey" PRIMARY KEY("shop_id","order_date","creator_username","currency","order_id","order_status")
) PARTITION BY RANGE ("order_date");
--> statement-breakpoint
CREATE TABLE "etl"."creator_performance_rollup" (
	"shop_id" text NOT NULL,
	"order_date" date NOT NULL,
	"creator_username" text NOT NULL,
	"currency" text NOT NULL,
	"orders" integer NOT NULL,
	"cancelled_orders" integer NOT NULL,
	"completed_orders" integer NOT NULL,
	"order_lines" integer NOT NULL,
	"units" numeric NOT NULL,
	"units_returned_or_refunded" numeric NOT NULL,
	"gmv_amount" numeric NOT NULL,
	"estimated_commission_amount" numeric NOT NULL,
	"actual_commission_amount" numeric NOT NULL,
	"estimated_shop_ads_commission_amount" numeric NOT NULL,
	"actual_shop_ads_commission_amount" numeric NOT NULL,
	CONSTRAINT "creator_performance_rollup_pkey" PRIMARY KEY("shop_id","order_date","creator_username","currency")
) PARTITION BY RANGE ("order_date");
--> statement-breakpoint
DO $$
declare
  parent text;
  m date;
begin
  foreach parent in array array['creator_performance_rollup', 'creator_performance_orders'] loop
    execute format('create table etl.%I partition of etl.%I default', parent || '_default', parent);
    for m in
      select distinct to_date(substring(c.relname from '_(\d{4}_\d{2})$'), 'YYYY_MM')
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'tiktok_affiliate.seller_order_skus'::regclass and c.relname ~ '_\d{4}_\d{2}$'
    loop
      execute format('create table etl.%I partition of etl.%I for values from (%L) to (%L)',
        parent || '_' || to_char(m, 'YYYY_MM'), parent, to_char(m, 'YYYY-MM-DD'),
        to_char((m + interval '1 month')::date, 'YYYY-MM-DD'));
    end loop;
  end loop;
end $$;
--> statement-breakpoint
with p as materialized (select l.shop_id, ((l.create_time at time zone 'UTC')::date) as order_date, coalesce(l.creator_username, '') as creator_username,
      coalesce(l.price_currency, '') as currency, l.order_id, coalesce(l.order_status, '') as order_status,
      count(*)::int as order_lines,
      coalesce(sum(l.quantity), 0) as units,
      coalesce(sum(coalesce(l.returned_quantity, 0) + coalesce(l.refunded_quantity, 0)), 0) as units_returned_or_refunded,
      coalesce(sum(case when l.order_status is distinct from 'CANCELLED' then l.price_amount * l.quantity end), 0) as gmv_amount,
      coalesce(sum(case when l.order_status is distinct from 'CANCELLED'
      and l.estimated_paid_commission_currency = l.price_currency then l.estimated_paid_commission_amount end), 0) as estimated_commission_amount,
      coalesce(sum(case when l.actual_paid_commission_currency = l.price_currency then l.actual_paid_commission_amount end), 0) as actual_commission_amount,
      coalesce(sum(case when l.order_status is distinct from 'CANCELLED'
      and l.estimated_paid_shop_ads_commission_currency = l.price_currency
      then l.estimated_paid_shop_ads_commission_amount end), 0) as estimated_shop_ads_commission_amount,
      coalesce(sum(case when l.actual_paid_shop_ads_commission_currency = l.price_currency
      then l.actual_paid_shop_ads_commission_amount end), 0) as actual_shop_ads_commission_amount
    from tiktok_affiliate.seller_order_skus l
    group by 1, 2, 3, 4, 5, 6),
  orders as (insert into etl.creator_performance_orders (shop_id, order_date, creator_username, currency, order_id, order_status, order_lines)
    select shop_id, order_date, creator_username, currency, order_id, order_status, order_lines from p)
  insert into etl.creator_performance_rollup (shop_id, order_date, creator_username, currency, orders, cancelled_orders, completed_orders, order_lines, units, units_returned_or_refunded, gmv_amount, estimated_commission_amount, actual_commission_amount, estimated_shop_ads_commission_amount, actual_shop_ads_commission_amount)
  select shop_id, order_date, creator_username, currency, orders, cancelled_orders, completed_orders, order_lines, units, units_returned_or_refunded, gmv_amount, estimated_commission_amount, actual_commission_amount, estimated_shop_ads_commission_amount, actual_shop_ads_commission_amount from (select p.shop_id, p.order_date, p.creator_username, p.currency,
    count(*)::int as orders,
    (count(*) filter (where p.order_status = 'CANCELLED'))::int as cancelled_orders,
    (count(*) filter (where p.order_status = 'COMPLETED'))::int as completed_orders,
    sum(p.order_lines)::int as order_lines,
    sum(p.units) as units,
    sum(p.units_returned_or_refunded) as units_returned_or_refunded,
    sum(p.gmv_amount) as gmv_amount,
    sum(p.estimated_commission_amount) as estimated_commission_amount,
    sum(p.actual_commission_amount) as actual_commission_amount,
    sum(p.estimated_shop_ads_commission_amount) as estimated_shop_ads_commission_amount,
    sum(p.actual_shop_ads_commission_amount) as actual_shop_ads_commission_amount
  from p p
  group by p.shop_id, p.order_date, p.creator_username, p.currency) g;
