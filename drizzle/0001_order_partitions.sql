-- Order tables range-partitioned by UTC month of create_time (issue 18), hand-written: drizzle
-- cannot declare partitioning. The old tables are renamed, the partitioned ones created with the
-- same columns plus the lines' create_time and order_status, the months present in the data get their
-- partitions, the rows are copied (lines take their order's create_time and status), the old tables
-- dropped. Orders without create_time (possible only before records were checked against their
-- contract) cannot be placed in a month: they go back whole (with their lines) to the quarantine of
-- the connection that owns them, as the contract check would have sent them; any without an owning
-- connection stops the migration with an error rather than being lost.
--> statement-breakpoint
-- The analysts' views select from these tables: dropped here, re-created by migrate's repeatable
-- step, whose stored hash is cleared so that it runs even if the view text were unchanged.
DROP VIEW IF EXISTS "tiktok_affiliate"."creator_performance_daily", "tiktok_affiliate"."stream_freshness", "tiktok_affiliate"."campaign_fulfillment_summary" CASCADE;
--> statement-breakpoint
DO $$ begin
  if to_regclass('drizzle.__post_migrate') is not null then delete from drizzle.__post_migrate; end if;
end $$;
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."seller_orders_shop_create_time_idx";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."seller_orders_shop_status_idx";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."seller_orders_open_create_time_idx";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."seller_orders" DROP CONSTRAINT "seller_orders_pkey";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."seller_orders" RENAME TO "seller_orders_v0";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."seller_order_skus_shop_creator_idx";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."seller_order_skus_shop_product_idx";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."seller_order_skus_campaign_idx";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."seller_order_skus_target_collaboration_idx";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."seller_order_skus_open_collaboration_idx";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."seller_order_skus" DROP CONSTRAINT "seller_order_skus_pkey";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."seller_order_skus" RENAME TO "seller_order_skus_v0";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."creator_orders_creator_create_time_idx";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."creator_orders_creator_status_idx";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."creator_orders_open_create_time_idx";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."creator_orders" DROP CONSTRAINT "creator_orders_pkey";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."creator_orders" RENAME TO "creator_orders_v0";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."creator_order_skus_creator_product_idx";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."creator_order_skus_campaign_idx";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."creator_order_skus" DROP CONSTRAINT "creator_order_skus_pkey";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."creator_order_skus" RENAME TO "creator_order_skus_v0";
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."seller_orders" (
	"shop_id" text NOT NULL,
	"order_id" text NOT NULL,
	"status" text,
	"create_time" timestamp with time zone NOT NULL,
	"delivery_time" timestamp with time zone,
	"sku_count" integer NOT NULL,
	"total_quantity" integer,
	"total_estimated_commission_base_amount" numeric(20, 4),
	"total_estimated_commission_base_currency" text,
	"total_estimated_paid_commission_amount" numeric(20, 4),
	"total_estimated_paid_commission_currency" text,
	"total_actual_commission_base_amount" numeric(20, 4),
	"total_actual_commission_base_currency" text,
	"total_actual_paid_commission_amount" numeric(20, 4),
	"total_actual_paid_commission_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "seller_orders_pkey" PRIMARY KEY("shop_id","order_id","create_time")
) PARTITION BY RANGE ("create_time");
--> statement-breakpoint
CREATE INDEX "seller_orders_shop_create_time_idx" ON "tiktok_affiliate"."seller_orders" USING btree ("shop_id","create_time");
--> statement-breakpoint
CREATE INDEX "seller_orders_shop_status_idx" ON "tiktok_affiliate"."seller_orders" USING btree ("shop_id","status");
--> statement-breakpoint
CREATE INDEX "seller_orders_open_create_time_idx" ON "tiktok_affiliate"."seller_orders" USING btree ("shop_id","create_time") WHERE status is null or status not in ('COMPLETED', 'CANCELLED', 'DEDUCTED');
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."seller_order_skus" (
	"shop_id" text NOT NULL,
	"order_id" text NOT NULL,
	"line_key" text NOT NULL,
	"create_time" timestamp with time zone NOT NULL,
	"order_status" text,
	"line_index" integer NOT NULL,
	"product_id" text,
	"content_type" text,
	"content_id" text,
	"creator_username" text,
	"campaign_id" text,
	"open_collaboration_id" text,
	"target_collaboration_id" text,
	"price_amount" numeric(20, 4),
	"price_currency" text,
	"quantity" integer,
	"refunded_quantity" integer,
	"returned_quantity" integer,
	"commission_model" text,
	"commission_tier_setting" text,
	"commission_rate_bps" integer,
	"shop_ads_commission_rate_bps" integer,
	"estimated_commission_base_amount" numeric(20, 4),
	"estimated_commission_base_currency" text,
	"estimated_paid_commission_amount" numeric(20, 4),
	"estimated_paid_commission_currency" text,
	"estimated_paid_shop_ads_commission_amount" numeric(20, 4),
	"estimated_paid_shop_ads_commission_currency" text,
	"actual_commission_base_amount" numeric(20, 4),
	"actual_commission_base_currency" text,
	"actual_paid_commission_amount" numeric(20, 4),
	"actual_paid_commission_currency" text,
	"actual_paid_shop_ads_commission_amount" numeric(20, 4),
	"actual_paid_shop_ads_commission_currency" text,
	"estimated_cofunded_creator_bonus_amount" numeric(20, 4),
	"estimated_cofunded_creator_bonus_amount_currency" text,
	"actual_cofunded_creator_bonus_amount" numeric(20, 4),
	"actual_cofunded_creator_bonus_amount_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "seller_order_skus_pkey" PRIMARY KEY("shop_id","order_id","create_time","line_key")
) PARTITION BY RANGE ("create_time");
--> statement-breakpoint
CREATE INDEX "seller_order_skus_shop_order_date_idx" ON "tiktok_affiliate"."seller_order_skus" USING btree ("shop_id",((create_time at time zone 'UTC')::date));
--> statement-breakpoint
CREATE INDEX "seller_order_skus_shop_creator_idx" ON "tiktok_affiliate"."seller_order_skus" USING btree ("shop_id","creator_username");
--> statement-breakpoint
CREATE INDEX "seller_order_skus_shop_product_idx" ON "tiktok_affiliate"."seller_order_skus" USING btree ("shop_id","product_id");
--> statement-breakpoint
CREATE INDEX "seller_order_skus_campaign_idx" ON "tiktok_affiliate"."seller_order_skus" USING btree ("campaign_id") WHERE campaign_id is not null;
--> statement-breakpoint
CREATE INDEX "seller_order_skus_target_collaboration_idx" ON "tiktok_affiliate"."seller_order_skus" USING btree ("target_collaboration_id") WHERE target_collaboration_id is not null;
--> statement-breakpoint
CREATE INDEX "seller_order_skus_open_collaboration_idx" ON "tiktok_affiliate"."seller_order_skus" USING btree ("open_collaboration_id") WHERE open_collaboration_id is not null;
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."creator_orders" (
	"creator_id" text NOT NULL,
	"order_id" text NOT NULL,
	"status" text,
	"create_time" timestamp with time zone NOT NULL,
	"delivery_time" timestamp with time zone,
	"sku_count" integer NOT NULL,
	"total_quantity" integer,
	"total_estimated_commission_amount" numeric(20, 4),
	"total_estimated_commission_currency" text,
	"total_actual_commission_amount" numeric(20, 4),
	"total_actual_commission_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "creator_orders_pkey" PRIMARY KEY("creator_id","order_id","create_time")
) PARTITION BY RANGE ("create_time");
--> statement-breakpoint
CREATE INDEX "creator_orders_creator_create_time_idx" ON "tiktok_affiliate"."creator_orders" USING btree ("creator_id","create_time");
--> statement-breakpoint
CREATE INDEX "creator_orders_creator_status_idx" ON "tiktok_affiliate"."creator_orders" USING btree ("creator_id","status");
--> statement-breakpoint
CREATE INDEX "creator_orders_open_create_time_idx" ON "tiktok_affiliate"."creator_orders" USING btree ("creator_id","create_time") WHERE status is null or status not in ('SETTLED', 'REFUNDED', 'DEDUCTED');
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."creator_order_skus" (
	"creator_id" text NOT NULL,
	"order_id" text NOT NULL,
	"sku_id" text NOT NULL,
	"create_time" timestamp with time zone NOT NULL,
	"order_status" text,
	"line_index" integer NOT NULL,
	"product_id" text,
	"product_name" text,
	"shop_name" text,
	"content_type" text,
	"content_id" text,
	"campaign_id" text,
	"open_collaboration_id" text,
	"target_collaboration_id" text,
	"price_amount" numeric(20, 4),
	"price_currency" text,
	"quantity" integer,
	"returned_quantity" integer,
	"refunded_quantity" integer,
	"commission_model" text,
	"commission_tier_setting" text,
	"commission_rate_bps" integer,
	"commission_bonus_rate_bps" integer,
	"shop_ads_commission_rate_bps" integer,
	"creator_commission_reward_rate_bps" integer,
	"estimated_commission_base_amount" numeric(20, 4),
	"estimated_commission_base_currency" text,
	"estimated_commission_amount" numeric(20, 4),
	"estimated_commission_currency" text,
	"estimated_bonus_commission_amount" numeric(20, 4),
	"estimated_bonus_commission_currency" text,
	"estimated_shop_ads_commission_amount" numeric(20, 4),
	"estimated_shop_ads_commission_currency" text,
	"estimated_creator_commission_reward_fee_amount" numeric(20, 4),
	"estimated_creator_commission_reward_fee_currency" text,
	"actual_commission_base_amount" numeric(20, 4),
	"actual_commission_base_currency" text,
	"actual_commission_amount" numeric(20, 4),
	"actual_commission_currency" text,
	"actual_bonus_commission_amount" numeric(20, 4),
	"actual_bonus_commission_currency" text,
	"actual_shop_ads_commission_amount" numeric(20, 4),
	"actual_shop_ads_commission_currency" text,
	"actual_creator_commission_reward_fee_amount" numeric(20, 4),
	"actual_creator_commission_reward_fee_currency" text,
	"tag" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	CONSTRAINT "creator_order_skus_pkey" PRIMARY KEY("creator_id","order_id","create_time","sku_id")
) PARTITION BY RANGE ("create_time");
--> statement-breakpoint
CREATE INDEX "creator_order_skus_creator_order_date_idx" ON "tiktok_affiliate"."creator_order_skus" USING btree ("creator_id",((create_time at time zone 'UTC')::date));
--> statement-breakpoint
CREATE INDEX "creator_order_skus_creator_product_idx" ON "tiktok_affiliate"."creator_order_skus" USING btree ("creator_id","product_id");
--> statement-breakpoint
CREATE INDEX "creator_order_skus_campaign_idx" ON "tiktok_affiliate"."creator_order_skus" USING btree ("campaign_id") WHERE campaign_id is not null;
--> statement-breakpoint
create or replace function etl.ensure_order_partitions(months date[]) returns int
  language plpgsql set search_path = pg_catalog, pg_temp as $fn$
declare
  parent text;
  m date;
  next_month date;
  part text;
  created int := 0;
  range_sql text;
  lower_bound text;
  upper_bound text;
begin
  perform pg_advisory_xact_lock(7356108302);
  foreach parent in array array['seller_orders', 'seller_order_skus', 'creator_orders', 'creator_order_skus'] loop
    if to_regclass(format('tiktok_affiliate.%I', parent || '_default')) is null then
      execute format('create table tiktok_affiliate.%I partition of tiktok_affiliate.%I default',
        parent || '_default', parent);
      created := created + 1;
    end if;
    foreach m in array coalesce(months, '{}') loop
      -- Independent of the session's TimeZone and DateStyle: bounds are UTC, written as ISO text.
      m := make_date(extract(year from m)::int, extract(month from m)::int, 1);
      next_month := (m + interval '1 month')::date;
      part := parent || '_' || to_char(m, 'YYYY_MM');
      continue when to_regclass(format('tiktok_affiliate.%I', part)) is not null;
      lower_bound := to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00';
      upper_bound := to_char(next_month, 'YYYY-MM-DD') || ' 00:00:00+00';
      range_sql := format('create_time >= %L::timestamptz and create_time < %L::timestamptz',
        lower_bound, upper_bound);
      -- A partition cannot be created while the default partition holds rows of its range: they move.
      execute format('create temp table order_partition_moving on commit drop as'
        ' select * from tiktok_affiliate.%I where %s', parent || '_default', range_sql);
      execute format('delete from tiktok_affiliate.%I where %s', parent || '_default', range_sql);
      execute format('create table tiktok_affiliate.%I partition of tiktok_affiliate.%I'
        ' for values from (%L) to (%L)',
        part, parent, lower_bound, upper_bound);
      execute format('alter table tiktok_affiliate.%I add constraint %I check'
        ' (((create_time at time zone ''UTC'')::date) >= %L::date and ((create_time at time zone ''UTC'')::date) < %L::date)',
        part, part || '_day_check', to_char(m, 'YYYY-MM-DD'), to_char(next_month, 'YYYY-MM-DD'));
      execute format('insert into tiktok_affiliate.%I select * from pg_temp.order_partition_moving', parent);
      drop table pg_temp.order_partition_moving;
      created := created + 1;
    end loop;
  end loop;
  return created;
end
$fn$;
--> statement-breakpoint
SELECT etl.ensure_order_partitions(array(
  select distinct make_date(extract(year from u)::int, extract(month from u)::int, 1)
  from (
    select create_time at time zone 'UTC' as u from "tiktok_affiliate"."seller_orders_v0" where create_time is not null
    union select create_time at time zone 'UTC' from "tiktok_affiliate"."creator_orders_v0" where create_time is not null
    union select now() at time zone 'UTC'
  ) months));
--> statement-breakpoint
DO $$
begin
  if exists (
    select from "tiktok_affiliate"."seller_orders_v0" o where o.create_time is null and not exists (
      select from etl.connections c where c.kind = 'seller' and c.shops @> jsonb_build_array(jsonb_build_object('id', o.shop_id))))
  or exists (
    select from "tiktok_affiliate"."creator_orders_v0" o where o.create_time is null and not exists (
      select from etl.connections c where c.kind = 'creator' and c.open_id = o.creator_id))
  then
    raise exception 'orders without create_time whose shop or creator belongs to no connection: they cannot be placed in a month partition nor quarantined; add the connection back (or delete those orders) and run migrate again';
  end if;
end $$;
--> statement-breakpoint
INSERT INTO "etl"."rejected_records" ("stream", "connection_id", "run_id", "reason", "detail", "record_key", "raw", "raw_hash")
select 'seller_affiliate_orders', c.id, o.run_id, 'missing_field:create_time',
  'order stored without create_time, found when the order tables were partitioned by month of create_time',
  o.order_id, r.raw, encode(sha256(convert_to(r.raw::text, 'UTF8')), 'hex')
from "tiktok_affiliate"."seller_orders_v0" o
cross join lateral (select o.raw || jsonb_build_object('skus', coalesce((
  select jsonb_agg(l.raw order by l.line_index) from "tiktok_affiliate"."seller_order_skus_v0" l
  where l.shop_id = o.shop_id and l.order_id = o.order_id), '[]'::jsonb))) as r(raw)
cross join lateral (select c.id from etl.connections c where c.kind = 'seller' and c.shops @> jsonb_build_array(jsonb_build_object('id', o.shop_id)) order by c.id limit 1) as c
where o.create_time is null
on conflict ("connection_id", "stream", "raw_hash") do update set "last_seen_at" = now(), "occurrences" = "etl"."rejected_records"."occurrences" + 1;
--> statement-breakpoint
INSERT INTO "etl"."rejected_records" ("stream", "connection_id", "run_id", "reason", "detail", "record_key", "raw", "raw_hash")
select 'creator_affiliate_orders', c.id, o.run_id, 'missing_field:create_time',
  'order stored without create_time, found when the order tables were partitioned by month of create_time',
  o.order_id, r.raw, encode(sha256(convert_to(r.raw::text, 'UTF8')), 'hex')
from "tiktok_affiliate"."creator_orders_v0" o
cross join lateral (select o.raw || jsonb_build_object('skus', coalesce((
  select jsonb_agg(l.raw order by l.line_index) from "tiktok_affiliate"."creator_order_skus_v0" l
  where l.creator_id = o.creator_id and l.order_id = o.order_id), '[]'::jsonb))) as r(raw)
cross join lateral (select c.id from etl.connections c where c.kind = 'creator' and c.open_id = o.creator_id order by c.id limit 1) as c
where o.create_time is null
on conflict ("connection_id", "stream", "raw_hash") do update set "last_seen_at" = now(), "occurrences" = "etl"."rejected_records"."occurrences" + 1;
--> statement-breakpoint
INSERT INTO "tiktok_affiliate"."seller_orders" ("shop_id", "order_id", "status", "create_time", "delivery_time", "sku_count", "total_quantity", "total_estimated_commission_base_amount", "total_estimated_commission_base_currency", "total_estimated_paid_commission_amount", "total_estimated_paid_commission_currency", "total_actual_commission_base_amount", "total_actual_commission_base_currency", "total_actual_paid_commission_amount", "total_actual_paid_commission_currency", "raw", "first_seen_at", "synced_at", "run_id")
select "shop_id", "order_id", "status", "create_time", "delivery_time", "sku_count", "total_quantity", "total_estimated_commission_base_amount", "total_estimated_commission_base_currency", "total_estimated_paid_commission_amount", "total_estimated_paid_commission_currency", "total_actual_commission_base_amount", "total_actual_commission_base_currency", "total_actual_paid_commission_amount", "total_actual_paid_commission_currency", "raw", "first_seen_at", "synced_at", "run_id" from "tiktok_affiliate"."seller_orders_v0" where "create_time" is not null;
--> statement-breakpoint
INSERT INTO "tiktok_affiliate"."seller_order_skus" ("shop_id", "order_id", "line_key", "create_time", "order_status", "line_index", "product_id", "content_type", "content_id", "creator_username", "campaign_id", "open_collaboration_id", "target_collaboration_id", "price_amount", "price_currency", "quantity", "refunded_quantity", "returned_quantity", "commission_model", "commission_tier_setting", "commission_rate_bps", "shop_ads_commission_rate_bps", "estimated_commission_base_amount", "estimated_commission_base_currency", "estimated_paid_commission_amount", "estimated_paid_commission_currency", "estimated_paid_shop_ads_commission_amount", "estimated_paid_shop_ads_commission_currency", "actual_commission_base_amount", "actual_commission_base_currency", "actual_paid_commission_amount", "actual_paid_commission_currency", "actual_paid_shop_ads_commission_amount", "actual_paid_shop_ads_commission_currency", "estimated_cofunded_creator_bonus_amount", "estimated_cofunded_creator_bonus_amount_currency", "actual_cofunded_creator_bonus_amount", "actual_cofunded_creator_bonus_amount_currency", "raw", "first_seen_at", "synced_at", "run_id")
select l."shop_id", l."order_id", l."line_key", o."create_time", o."status", l."line_index", l."product_id", l."content_type", l."content_id", l."creator_username", l."campaign_id", l."open_collaboration_id", l."target_collaboration_id", l."price_amount", l."price_currency", l."quantity", l."refunded_quantity", l."returned_quantity", l."commission_model", l."commission_tier_setting", l."commission_rate_bps", l."shop_ads_commission_rate_bps", l."estimated_commission_base_amount", l."estimated_commission_base_currency", l."estimated_paid_commission_amount", l."estimated_paid_commission_currency", l."estimated_paid_shop_ads_commission_amount", l."estimated_paid_shop_ads_commission_currency", l."actual_commission_base_amount", l."actual_commission_base_currency", l."actual_paid_commission_amount", l."actual_paid_commission_currency", l."actual_paid_shop_ads_commission_amount", l."actual_paid_shop_ads_commission_currency", l."estimated_cofunded_creator_bonus_amount", l."estimated_cofunded_creator_bonus_amount_currency", l."actual_cofunded_creator_bonus_amount", l."actual_cofunded_creator_bonus_amount_currency", l."raw", l."first_seen_at", l."synced_at", l."run_id"
from "tiktok_affiliate"."seller_order_skus_v0" l join "tiktok_affiliate"."seller_orders_v0" o on o."shop_id" = l."shop_id" and o."order_id" = l."order_id"
where o."create_time" is not null;
--> statement-breakpoint
INSERT INTO "tiktok_affiliate"."creator_orders" ("creator_id", "order_id", "status", "create_time", "delivery_time", "sku_count", "total_quantity", "total_estimated_commission_amount", "total_estimated_commission_currency", "total_actual_commission_amount", "total_actual_commission_currency", "raw", "first_seen_at", "synced_at", "run_id")
select "creator_id", "order_id", "status", "create_time", "delivery_time", "sku_count", "total_quantity", "total_estimated_commission_amount", "total_estimated_commission_currency", "total_actual_commission_amount", "total_actual_commission_currency", "raw", "first_seen_at", "synced_at", "run_id" from "tiktok_affiliate"."creator_orders_v0" where "create_time" is not null;
--> statement-breakpoint
INSERT INTO "tiktok_affiliate"."creator_order_skus" ("creator_id", "order_id", "sku_id", "create_time", "order_status", "line_index", "product_id", "product_name", "shop_name", "content_type", "content_id", "campaign_id", "open_collaboration_id", "target_collaboration_id", "price_amount", "price_currency", "quantity", "returned_quantity", "refunded_quantity", "commission_model", "commission_tier_setting", "commission_rate_bps", "commission_bonus_rate_bps", "shop_ads_commission_rate_bps", "creator_commission_reward_rate_bps", "estimated_commission_base_amount", "estimated_commission_base_currency", "estimated_commission_amount", "estimated_commission_currency", "estimated_bonus_commission_amount", "estimated_bonus_commission_currency", "estimated_shop_ads_commission_amount", "estimated_shop_ads_commission_currency", "estimated_creator_commission_reward_fee_amount", "estimated_creator_commission_reward_fee_currency", "actual_commission_base_amount", "actual_commission_base_currency", "actual_commission_amount", "actual_commission_currency", "actual_bonus_commission_amount", "actual_bonus_commission_currency", "actual_shop_ads_commission_amount", "actual_shop_ads_commission_currency", "actual_creator_commission_reward_fee_amount", "actual_creator_commission_reward_fee_currency", "tag", "raw", "first_seen_at", "synced_at", "run_id")
select l."creator_id", l."order_id", l."sku_id", o."create_time", o."status", l."line_index", l."product_id", l."product_name", l."shop_name", l."content_type", l."content_id", l."campaign_id", l."open_collaboration_id", l."target_collaboration_id", l."price_amount", l."price_currency", l."quantity", l."returned_quantity", l."refunded_quantity", l."commission_model", l."commission_tier_setting", l."commission_rate_bps", l."commission_bonus_rate_bps", l."shop_ads_commission_rate_bps", l."creator_commission_reward_rate_bps", l."estimated_commission_base_amount", l."estimated_commission_base_currency", l."estimated_commission_amount", l."estimated_commission_currency", l."estimated_bonus_commission_amount", l."estimated_bonus_commission_currency", l."estimated_shop_ads_commission_amount", l."estimated_shop_ads_commission_currency", l."estimated_creator_commission_reward_fee_amount", l."estimated_creator_commission_reward_fee_currency", l."actual_commission_base_amount", l."actual_commission_base_currency", l."actual_commission_amount", l."actual_commission_currency", l."actual_bonus_commission_amount", l."actual_bonus_commission_currency", l."actual_shop_ads_commission_amount", l."actual_shop_ads_commission_currency", l."actual_creator_commission_reward_fee_amount", l."actual_creator_commission_reward_fee_currency", l."tag", l."raw", l."first_seen_at", l."synced_at", l."run_id"
from "tiktok_affiliate"."creator_order_skus_v0" l join "tiktok_affiliate"."creator_orders_v0" o on o."creator_id" = l."creator_id" and o."order_id" = l."order_id"
where o."create_time" is not null;
--> statement-breakpoint
DROP TABLE "tiktok_affiliate"."seller_order_skus_v0";
--> statement-breakpoint
DROP TABLE "tiktok_affiliate"."seller_orders_v0";
--> statement-breakpoint
DROP TABLE "tiktok_affiliate"."creator_order_skus_v0";
--> statement-breakpoint
DROP TABLE "tiktok_affiliate"."creator_orders_v0";
