-- partner_orders and partner_order_skus range-partitioned by UTC month of create_time, like the
-- seller and creator order tables (0001_order_partitions), hand-written: drizzle cannot declare
-- partitioning. The old tables are renamed, the partitioned ones created with the same columns plus
-- the lines' create_time and order_status, the months present in the data get their partitions, the
-- rows are copied (lines take their order's create_time and status), the old tables dropped. An order
-- without create_time (the column allowed it, the record contract never did) cannot be placed in a
-- month: it goes back whole (with its lines) to the quarantine of the connection that owns it; one
-- without an owning connection stops the migration with an error rather than being lost.
--> statement-breakpoint
-- The views that read these tables are dropped here and re-created by migrate's repeatable step,
-- whose stored hash is cleared so that it runs even if a view's text were unchanged.
DO $$
declare
  v text;
begin
  for v in
    select distinct format('%I.%I', n.nspname, c.relname)
    from pg_depend d
    join pg_rewrite r on r.oid = d.objid
    join pg_class c on c.oid = r.ev_class
    join pg_namespace n on n.oid = c.relnamespace
    where d.refobjid in ('tiktok_affiliate.partner_orders'::regclass, 'tiktok_affiliate.partner_order_skus'::regclass)
      and c.relkind = 'v' and c.oid not in ('tiktok_affiliate.partner_orders'::regclass, 'tiktok_affiliate.partner_order_skus'::regclass)
  loop
    execute 'drop view if exists ' || v || ' cascade';
  end loop;
  if to_regclass('drizzle.__post_migrate') is not null then delete from drizzle.__post_migrate; end if;
end $$;
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."partner_orders_partner_create_time_idx";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."partner_orders_open_create_time_idx";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."partner_orders" DROP CONSTRAINT "partner_orders_pkey";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."partner_orders" RENAME TO "partner_orders_v0";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."partner_order_skus_campaign_idx";
--> statement-breakpoint
DROP INDEX "tiktok_affiliate"."partner_order_skus_creator_idx";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."partner_order_skus" DROP CONSTRAINT "partner_order_skus_pkey";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."partner_order_skus" RENAME TO "partner_order_skus_v0";
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."partner_orders" (
	"partner_id" text NOT NULL,
	"order_id" text NOT NULL,
	"status" text,
	"create_time" timestamp with time zone NOT NULL,
	"delivery_time" timestamp with time zone,
	"sku_count" integer NOT NULL,
	"total_quantity" integer,
	"total_estimated_tap_commission_amount" numeric(20, 4),
	"total_estimated_tap_commission_currency" text,
	"total_actual_tap_commission_amount" numeric(20, 4),
	"total_actual_tap_commission_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"row_hash" text,
	CONSTRAINT "partner_orders_pkey" PRIMARY KEY("partner_id","order_id","create_time")
) PARTITION BY RANGE ("create_time");
--> statement-breakpoint
CREATE INDEX "partner_orders_partner_create_time_idx" ON "tiktok_affiliate"."partner_orders" USING btree ("partner_id","create_time");
--> statement-breakpoint
CREATE INDEX "partner_orders_open_create_time_idx" ON "tiktok_affiliate"."partner_orders" USING btree ("partner_id","create_time") WHERE status is null or status not in ('COMPLETED', 'CANCELLED', 'DEDUCTED');
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."partner_order_skus" (
	"partner_id" text NOT NULL,
	"order_id" text NOT NULL,
	"sku_id" text NOT NULL,
	"create_time" timestamp with time zone NOT NULL,
	"order_status" text,
	"line_index" integer NOT NULL,
	"campaign_id" text,
	"product_id" text,
	"product_name" text,
	"creator_username" text,
	"content_type" text,
	"content_id" text,
	"price_amount" numeric(20, 4),
	"price_currency" text,
	"quantity" integer,
	"returned_quantity" integer,
	"refunded_quantity" integer,
	"creator_commission_rate_bps" integer,
	"tap_commission_rate_bps" integer,
	"partner_commission_reward_rate_bps" integer,
	"creator_commission_reward_rate_bps" integer,
	"estimated_commission_base_amount" numeric(20, 4),
	"estimated_commission_base_currency" text,
	"estimated_creator_commission_amount" numeric(20, 4),
	"estimated_creator_commission_currency" text,
	"estimated_tap_commission_amount" numeric(20, 4),
	"estimated_tap_commission_currency" text,
	"estimated_partner_commission_reward_fee_amount" numeric(20, 4),
	"estimated_partner_commission_reward_fee_currency" text,
	"estimated_creator_commission_reward_fee_amount" numeric(20, 4),
	"estimated_creator_commission_reward_fee_currency" text,
	"actual_commission_base_amount" numeric(20, 4),
	"actual_commission_base_currency" text,
	"actual_creator_commission_amount" numeric(20, 4),
	"actual_creator_commission_currency" text,
	"actual_tap_commission_amount" numeric(20, 4),
	"actual_tap_commission_currency" text,
	"actual_partner_commission_reward_fee_amount" numeric(20, 4),
	"actual_partner_commission_reward_fee_currency" text,
	"actual_creator_commission_reward_fee_amount" numeric(20, 4),
	"actual_creator_commission_reward_fee_currency" text,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"row_hash" text,
	CONSTRAINT "partner_order_skus_pkey" PRIMARY KEY("partner_id","order_id","create_time","sku_id")
) PARTITION BY RANGE ("create_time");
--> statement-breakpoint
CREATE INDEX "partner_order_skus_partner_order_date_idx" ON "tiktok_affiliate"."partner_order_skus" USING btree ("partner_id",((create_time at time zone 'UTC')::date));
--> statement-breakpoint
CREATE INDEX "partner_order_skus_campaign_idx" ON "tiktok_affiliate"."partner_order_skus" USING btree ("partner_id","campaign_id");
--> statement-breakpoint
CREATE INDEX "partner_order_skus_creator_idx" ON "tiktok_affiliate"."partner_order_skus" USING btree ("creator_username") WHERE creator_username is not null;
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
  foreach parent in array array['seller_orders', 'seller_order_skus', 'creator_orders', 'creator_order_skus', 'partner_orders', 'partner_order_skus'] loop
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
    select create_time at time zone 'UTC' as u from "tiktok_affiliate"."partner_orders_v0" where create_time is not null
    union select now() at time zone 'UTC'
  ) months));
--> statement-breakpoint
DO $$
begin
  if exists (
    select from "tiktok_affiliate"."partner_orders_v0" o where o.create_time is null and not exists (
      select from etl.connections c where c.kind = 'partner' and c.category_assets @> jsonb_build_array(jsonb_build_object('cipher', o.partner_id))))
  then
    raise exception 'partner orders without create_time whose category asset belongs to no connection: they cannot be placed in a month partition nor quarantined; add the connection back (or delete those orders) and run migrate again';
  end if;
end $$;
--> statement-breakpoint
INSERT INTO "etl"."rejected_records" ("stream", "connection_id", "run_id", "reason", "detail", "record_key", "raw", "raw_hash")
select 'partner_affiliate_orders', c.id, o.run_id, 'missing_field:create_time',
  'order stored without create_time, found when the partner order tables were partitioned by month of create_time',
  o.order_id, r.raw, encode(sha256(convert_to(r.raw::text, 'UTF8')), 'hex')
from "tiktok_affiliate"."partner_orders_v0" o
cross join lateral (select o.raw || jsonb_build_object('skus', coalesce((
  select jsonb_agg(l.raw order by l.line_index) from "tiktok_affiliate"."partner_order_skus_v0" l
  where l.partner_id = o.partner_id and l.order_id = o.order_id), '[]'::jsonb))) as r(raw)
cross join lateral (select c.id from etl.connections c where c.kind = 'partner' and c.category_assets @> jsonb_build_array(jsonb_build_object('cipher', o.partner_id)) order by c.id limit 1) as c
where o.create_time is null
on conflict ("connection_id", "stream", "raw_hash") do update set "last_seen_at" = now(), "occurrences" = "etl"."rejected_records"."occurrences" + 1;
--> statement-breakpoint
INSERT INTO "tiktok_affiliate"."partner_orders" ("partner_id", "order_id", "status", "create_time", "delivery_time", "sku_count", "total_quantity", "total_estimated_tap_commission_amount", "total_estimated_tap_commission_currency", "total_actual_tap_commission_amount", "total_actual_tap_commission_currency", "raw", "first_seen_at", "synced_at", "run_id", "row_hash")
select "partner_id", "order_id", "status", "create_time", "delivery_time", "sku_count", "total_quantity", "total_estimated_tap_commission_amount", "total_estimated_tap_commission_currency", "total_actual_tap_commission_amount", "total_actual_tap_commission_currency", "raw", "first_seen_at", "synced_at", "run_id", "row_hash" from "tiktok_affiliate"."partner_orders_v0" where "create_time" is not null;
--> statement-breakpoint
INSERT INTO "tiktok_affiliate"."partner_order_skus" ("partner_id", "order_id", "sku_id", "create_time", "order_status", "line_index", "campaign_id", "product_id", "product_name", "creator_username", "content_type", "content_id", "price_amount", "price_currency", "quantity", "returned_quantity", "refunded_quantity", "creator_commission_rate_bps", "tap_commission_rate_bps", "partner_commission_reward_rate_bps", "creator_commission_reward_rate_bps", "estimated_commission_base_amount", "estimated_commission_base_currency", "estimated_creator_commission_amount", "estimated_creator_commission_currency", "estimated_tap_commission_amount", "estimated_tap_commission_currency", "estimated_partner_commission_reward_fee_amount", "estimated_partner_commission_reward_fee_currency", "estimated_creator_commission_reward_fee_amount", "estimated_creator_commission_reward_fee_currency", "actual_commission_base_amount", "actual_commission_base_currency", "actual_creator_commission_amount", "actual_creator_commission_currency", "actual_tap_commission_amount", "actual_tap_commission_currency", "actual_partner_commission_reward_fee_amount", "actual_partner_commission_reward_fee_currency", "actual_creator_commission_reward_fee_amount", "actual_creator_commission_reward_fee_currency", "raw", "first_seen_at", "synced_at", "run_id", "row_hash")
select l."partner_id", l."order_id", l."sku_id", o."create_time", o."status", l."line_index", l."campaign_id", l."product_id", l."product_name", l."creator_username", l."content_type", l."content_id", l."price_amount", l."price_currency", l."quantity", l."returned_quantity", l."refunded_quantity", l."creator_commission_rate_bps", l."tap_commission_rate_bps", l."partner_commission_reward_rate_bps", l."creator_commission_reward_rate_bps", l."estimated_commission_base_amount", l."estimated_commission_base_currency", l."estimated_creator_commission_amount", l."estimated_creator_commission_currency", l."estimated_tap_commission_amount", l."estimated_tap_commission_currency", l."estimated_partner_commission_reward_fee_amount", l."estimated_partner_commission_reward_fee_currency", l."estimated_creator_commission_reward_fee_amount", l."estimated_creator_commission_reward_fee_currency", l."actual_commission_base_amount", l."actual_commission_base_currency", l."actual_creator_commission_amount", l."actual_creator_commission_currency", l."actual_tap_commission_amount", l."actual_tap_commission_currency", l."actual_partner_commission_reward_fee_amount", l."actual_partner_commission_reward_fee_currency", l."actual_creator_commission_reward_fee_amount", l."actual_creator_commission_reward_fee_currency", l."raw", l."first_seen_at", l."synced_at", l."run_id", l."row_hash"
from "tiktok_affiliate"."partner_order_skus_v0" l join "tiktok_affiliate"."partner_orders_v0" o on o."partner_id" = l."partner_id" and o."order_id" = l."order_id"
where o."create_time" is not null;
--> statement-breakpoint
DROP TABLE "tiktok_affiliate"."partner_order_skus_v0";
--> statement-breakpoint
DROP TABLE "tiktok_affiliate"."partner_orders_v0";
