-- The orders as the API sent them (raw, ~1 KB an order, never compressed: Postgres compresses only rows
-- over ~2 KB) move out of seller_orders and creator_orders into tiktok_affiliate.seller_order_raw and
-- tiktok_affiliate.creator_order_raw, keyed and month-partitioned like the orders. Hand-edited after
-- drizzle-kit (it cannot declare partitioning): the side tables are created partitioned, with a
-- DEFAULT partition and a partition for each month the order tables already have (with the same
-- CHECK on the UTC day as etl.ensure_order_partitions gives, which from migrate's repeatable step on
-- creates their coming months); every stored raw is copied; then raw is dropped from the order tables
-- and each of their partitions is rewritten (CLUSTER on its primary key, allowed in this transaction
-- for a plain partition): a dropped column keeps its bytes in every row until the row is rewritten,
-- and the point is narrower rows. Copied side rows get no row_hash (null: shipped once, compared by
-- the server, then hashed); the orders' stored hashes, which covered raw, are simply stale the same way.
--> statement-breakpoint
-- The views that read the order tables are dropped here and re-created by migrate's repeatable step,
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
    where d.refobjid in ('tiktok_affiliate.seller_orders'::regclass, 'tiktok_affiliate.creator_orders'::regclass)
      and c.relkind = 'v'
  loop
    execute 'drop view if exists ' || v || ' cascade';
  end loop;
  if to_regclass('drizzle.__post_migrate') is not null then delete from drizzle.__post_migrate; end if;
end $$;
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."creator_order_raw" (
	"creator_id" text NOT NULL,
	"order_id" text NOT NULL,
	"create_time" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"row_hash" text,
	CONSTRAINT "creator_order_raw_pkey" PRIMARY KEY("creator_id","order_id","create_time")
) PARTITION BY RANGE ("create_time");
--> statement-breakpoint
CREATE TABLE "tiktok_affiliate"."seller_order_raw" (
	"shop_id" text NOT NULL,
	"order_id" text NOT NULL,
	"create_time" timestamp with time zone NOT NULL,
	"raw" jsonb NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"run_id" bigint,
	"row_hash" text,
	CONSTRAINT "seller_order_raw_pkey" PRIMARY KEY("shop_id","order_id","create_time")
) PARTITION BY RANGE ("create_time");
--> statement-breakpoint
-- Each side table gets the partitions its order table has: the DEFAULT one, and each month's (named
-- <table>_YYYY_MM by etl.ensure_order_partitions), with the same bounds and day CHECK.
DO $$
declare
  pair text[];
  part record;
  m date;
  next_month date;
  side_part text;
begin
  foreach pair slice 1 in array array[array['seller_orders', 'seller_order_raw'], array['creator_orders', 'creator_order_raw']] loop
    execute format('create table tiktok_affiliate.%I partition of tiktok_affiliate.%I default', pair[2] || '_default', pair[2]);
    for part in
      select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = format('tiktok_affiliate.%I', pair[1])::regclass
        and c.relname ~ ('^' || pair[1] || '_[0-9]{4}_[0-9]{2}$')
    loop
      m := to_date(right(part.relname, 7), 'YYYY_MM');
      next_month := (m + interval '1 month')::date;
      side_part := pair[2] || '_' || to_char(m, 'YYYY_MM');
      execute format('create table tiktok_affiliate.%I partition of tiktok_affiliate.%I for values from (%L) to (%L)',
        side_part, pair[2], to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00', to_char(next_month, 'YYYY-MM-DD') || ' 00:00:00+00');
      execute format('alter table tiktok_affiliate.%I add constraint %I check'
        ' (((create_time at time zone ''UTC'')::date) >= %L::date and ((create_time at time zone ''UTC'')::date) < %L::date)',
        side_part, side_part || '_day_check', to_char(m, 'YYYY-MM-DD'), to_char(next_month, 'YYYY-MM-DD'));
    end loop;
  end loop;
end $$;
--> statement-breakpoint
INSERT INTO "tiktok_affiliate"."seller_order_raw" ("shop_id", "order_id", "create_time", "raw", "first_seen_at", "synced_at", "run_id")
select "shop_id", "order_id", "create_time", "raw", "first_seen_at", "synced_at", "run_id" from "tiktok_affiliate"."seller_orders";
--> statement-breakpoint
INSERT INTO "tiktok_affiliate"."creator_order_raw" ("creator_id", "order_id", "create_time", "raw", "first_seen_at", "synced_at", "run_id")
select "creator_id", "order_id", "create_time", "raw", "first_seen_at", "synced_at", "run_id" from "tiktok_affiliate"."creator_orders";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."creator_orders" DROP COLUMN "raw";
--> statement-breakpoint
ALTER TABLE "tiktok_affiliate"."seller_orders" DROP COLUMN "raw";
--> statement-breakpoint
-- The rewrite: CLUSTER copies each row without the dropped column's value (and rebuilds the indexes);
-- SET WITHOUT CLUSTER then forgets the index choice, as a fresh database has none.
DO $$
declare
  part record;
begin
  for part in
    select c.oid::regclass::text as name, quote_ident(k.relname) as pkey
    from pg_inherits i
    join pg_class c on c.oid = i.inhrelid and c.relkind = 'r'
    join pg_index x on x.indrelid = c.oid and x.indisprimary
    join pg_class k on k.oid = x.indexrelid
    where i.inhparent in ('tiktok_affiliate.seller_orders'::regclass, 'tiktok_affiliate.creator_orders'::regclass)
  loop
    execute format('cluster %s using %s', part.name, part.pkey);
    execute format('alter table %s set without cluster', part.name);
  end loop;
end $$;
