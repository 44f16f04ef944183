/**
 * The order tables at 100 M+ lines (issue 18): seller_orders, seller_order_skus, creator_orders,
 * creator_order_skus, partner_orders and partner_order_skus are range-partitioned by UTC month of the
 * order's create_time, and so are seller_order_raw and creator_order_raw (the orders as sent, kept
 * beside their order rows: analytics-order-raw.ts).
 *
 * - Lines carry their order's create_time (the partition key, part of every key) and status, so the
 *   analysts' questions read the lines alone: no per-order probe into the orders table.
 * - Each table has a DEFAULT partition, so an insert for a month without a partition never fails;
 *   etl.ensure_order_partitions() creates a month's partitions (moving rows that the default partition
 *   caught into them) and is called by migrate (the coming months) and before each page (its months).
 * - Each month partition has a CHECK on the UTC date of create_time (the views' order_date): with it
 *   the planner skips the other months for a filter on order_date (constraint exclusion), which the
 *   partition bounds alone cannot do for an expression.
 * Drizzle cannot declare partitioning: the tables are declared as usual (columns, keys, indexes, all
 * inherited by the partitions) and drizzle/0001_order_partitions.sql (seller and creator) and
 * drizzle/0007_partner_orders_partitions.sql (partner) and drizzle/0009_order_raw_side_tables.sql (the
 * raw side tables) create them partitioned.
 */
import { sql } from 'drizzle-orm';
import { ROLLUP_TABLES } from './performance-rollup.ts';

export const PARTITIONED_ORDER_TABLES = [
  'seller_orders',
  'seller_order_skus',
  'seller_order_raw',
  'creator_orders',
  'creator_order_skus',
  'creator_order_raw',
  'partner_orders',
  'partner_order_skus',
] as const;

/** Order columns every line carries (the loader copies them from the page's order: order-lines.ts). */
export const ORDER_LINE_CARRIED_COLUMNS = ['create_time', 'order_status'] as const;

/** The views' order_date: UTC calendar day of create_time (immutable, so indexable). */
export const ORDER_DATE_SQL = `((create_time at time zone 'UTC')::date)`;
export const orderDateSql = sql.raw(ORDER_DATE_SQL);

export function ORDER_LINE_CARRIED_DOCS(
  orders: string,
): Record<(typeof ORDER_LINE_CARRIED_COLUMNS)[number], string> {
  return {
    create_time:
      `The order's create_time (${orders}.create_time), copied onto each line: the month partition key ` +
      'of this table and part of its primary key; filter on it (or on the UTC day of it) to read few partitions.',
    order_status: `The order's status (${orders}.status) as of the line's last sync, copied onto each line.`,
  };
}

/** Advisory lock key serializing partition creation ("affiliate-etl partitions"). */
export const PARTITION_LOCK_KEY = 7_356_108_302;

/**
 * etl.ensure_order_partitions(months date[]): creates the missing month partitions (and the default
 * partitions) of the order tables and of the rollup tables (performance-rollup.ts); returns how many it created. Idempotent, safe from several
 * processes (one at a time under an advisory lock). Lives in etl: affiliate_reader cannot call it.
 */
export const ensureOrderPartitionsSql = `
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
  paused text;
begin
  perform pg_advisory_xact_lock(${PARTITION_LOCK_KEY});
  foreach parent in array array[${PARTITIONED_ORDER_TABLES.map((t) => `'${t}'`).join(', ')}] loop
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
        ' (${ORDER_DATE_SQL.replaceAll("'", "''")} >= %L::date and ${ORDER_DATE_SQL.replaceAll("'", "''")} < %L::date)',
        part, part || '_day_check', to_char(m, 'YYYY-MM-DD'), to_char(next_month, 'YYYY-MM-DD'));
      -- Rows re-entering through the parent are not new lines: the rollup triggers must not count them.
      paused := current_setting('etl.rollup_paused', true);
      perform set_config('etl.rollup_paused', 'on', true);
      execute format('insert into tiktok_affiliate.%I select * from pg_temp.order_partition_moving', parent);
      perform set_config('etl.rollup_paused', coalesce(paused, ''), true);
      drop table pg_temp.order_partition_moving;
      created := created + 1;
    end loop;
  end loop;
  -- The rollup of the seller lines and its per-order counts (performance-rollup.ts), partitioned by
  -- month of their date column.
  foreach parent in array array[${ROLLUP_TABLES.map((t) => `'${t.split('.')[1]}'`).join(', ')}] loop
    continue when to_regclass(format('etl.%I', parent)) is null;
    if to_regclass(format('etl.%I', parent || '_default')) is null then
      execute format('create table etl.%I partition of etl.%I default', parent || '_default', parent);
      created := created + 1;
    end if;
    foreach m in array coalesce(months, '{}') loop
      m := make_date(extract(year from m)::int, extract(month from m)::int, 1);
      next_month := (m + interval '1 month')::date;
      part := parent || '_' || to_char(m, 'YYYY_MM');
      continue when to_regclass(format('etl.%I', part)) is not null;
      range_sql := format('order_date >= %L::date and order_date < %L::date',
        to_char(m, 'YYYY-MM-DD'), to_char(next_month, 'YYYY-MM-DD'));
      execute format('create temp table order_partition_moving on commit drop as'
        ' select * from etl.%I where %s', parent || '_default', range_sql);
      execute format('delete from etl.%I where %s', parent || '_default', range_sql);
      execute format('create table etl.%I partition of etl.%I for values from (%L) to (%L)',
        part, parent, to_char(m, 'YYYY-MM-DD'), to_char(next_month, 'YYYY-MM-DD'));
      execute format('insert into etl.%I select * from pg_temp.order_partition_moving', parent);
      drop table pg_temp.order_partition_moving;
      created := created + 1;
    end loop;
  end loop;
  return created;
end
$fn$`;
