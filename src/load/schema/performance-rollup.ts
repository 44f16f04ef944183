/**
 * etl.creator_performance_rollup: the seller order lines summed per shop x creator x UTC day x
 * currency, kept current by the database itself, so that tiktok_affiliate.creator_performance_daily
 * reads a few thousand summed rows where it used to aggregate every line of the range on read (at 20 M
 * lines: 2.5 s for a month of every shop, 0.9 s for 90 days of the largest shop: docs/warehouse.md).
 *
 * Exactness, whatever writes the lines: statement-level triggers on seller_order_skus see exactly the
 * rows a statement inserted, updated or deleted (transition tables, with the row locks the statement
 * took), so the loader's upserts, the removal of vanished lines and of moved orders, a repair, or an
 * operator's own UPDATE all keep the rollup equal to an aggregate of the lines on read (the test
 * compares them after every kind of change). A statement adds (new lines) - (old lines) to each sum;
 * the one measure that is not a sum, `orders` (distinct orders with a line in the group), is kept
 * exact by a count of each order's lines per group (etl.creator_performance_orders): an order enters a
 * group when its count leaves zero and leaves it when the count returns to zero. An upsert that
 * changes nothing the rollup sums (the common re-scan of an unchanged or merely re-synced order)
 * writes nothing to either table.
 *
 * Both tables are range-partitioned by month of order_date (partitions made with the order tables' by
 * etl.ensure_order_partitions), so one month of every shop is one partition's rows. Rows left with
 * zero lines are deleted. Text keys are never null ('' stands for a line without a creator or
 * currency; the view shows null): a primary key cannot hold null.
 *
 * etl.rebuild_creator_performance() recomputes both from the lines (migrate's fill, or a
 * repair after lines were changed with the triggers paused: `set etl.rollup_paused = on`, which only
 * the month-partition maintenance and the warehouse benchmark's bulk generator use).
 */
import { date, integer, numeric, primaryKey, text } from 'drizzle-orm/pg-core';
import { documentTable, type RelationDoc } from './docs.ts';
import { etl } from './etl-schema.ts';

export const creatorPerformanceRollup = etl.table(
  'creator_performance_rollup',
  {
    shop_id: text('shop_id').notNull(),
    order_date: date('order_date', { mode: 'string' }).notNull(),
    creator_username: text('creator_username').notNull(),
    currency: text('currency').notNull(),
    orders: integer('orders').notNull(),
    cancelled_orders: integer('cancelled_orders').notNull(),
    completed_orders: integer('completed_orders').notNull(),
    order_lines: integer('order_lines').notNull(),
    units: numeric('units').notNull(),
    units_returned_or_refunded: numeric('units_returned_or_refunded').notNull(),
    gmv_amount: numeric('gmv_amount').notNull(),
    estimated_commission_amount: numeric('estimated_commission_amount').notNull(),
    actual_commission_amount: numeric('actual_commission_amount').notNull(),
    estimated_shop_ads_commission_amount: numeric('estimated_shop_ads_commission_amount').notNull(),
    actual_shop_ads_commission_amount: numeric('actual_shop_ads_commission_amount').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'creator_performance_rollup_pkey',
      columns: [t.shop_id, t.order_date, t.creator_username, t.currency],
    }),
  ],
);

/**
 * The bookkeeping behind `orders`: how many lines each order has in each group (and status). A
 * statement's change of an order's line count here says exactly when the order enters a group (0 to
 * more) or leaves it (to 0); the upsert's row lock serializes writers of the same order, and its
 * returned count is the latest, so concurrent writers and a statement's several triggers (an upsert
 * fires an UPDATE and an INSERT trigger) compose exactly. Rows at zero lines are deleted.
 */
export const creatorPerformanceOrders = etl.table(
  'creator_performance_orders',
  {
    shop_id: text('shop_id').notNull(),
    order_date: date('order_date', { mode: 'string' }).notNull(),
    creator_username: text('creator_username').notNull(),
    currency: text('currency').notNull(),
    order_id: text('order_id').notNull(),
    order_status: text('order_status').notNull(),
    order_lines: integer('order_lines').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'creator_performance_orders_pkey',
      columns: [t.shop_id, t.order_date, t.creator_username, t.currency, t.order_id, t.order_status],
    }),
  ],
);

/** Key columns of the rollup, in primary-key order. */
const KEY = ['shop_id', 'order_date', 'creator_username', 'currency'] as const;

/**
 * The summed measures: name and value of one line `l` (null adds nothing). The filters are the
 * performance view's: GMV and estimated commissions leave out cancelled orders, and a commission sent
 * in another currency than the line price is left out.
 */
const LINE_MEASURES: readonly (readonly [string, string])[] = [
  ['units', 'l.quantity'],
  ['units_returned_or_refunded', 'coalesce(l.returned_quantity, 0) + coalesce(l.refunded_quantity, 0)'],
  [
    'gmv_amount',
    `case when l.order_status is distinct from 'CANCELLED' then l.price_amount * l.quantity end`,
  ],
  [
    'estimated_commission_amount',
    `case when l.order_status is distinct from 'CANCELLED'
      and l.estimated_paid_commission_currency = l.price_currency then l.estimated_paid_commission_amount end`,
  ],
  [
    'actual_commission_amount',
    'case when l.actual_paid_commission_currency = l.price_currency then l.actual_paid_commission_amount end',
  ],
  [
    'estimated_shop_ads_commission_amount',
    `case when l.order_status is distinct from 'CANCELLED'
      and l.estimated_paid_shop_ads_commission_currency = l.price_currency
      then l.estimated_paid_shop_ads_commission_amount end`,
  ],
  [
    'actual_shop_ads_commission_amount',
    `case when l.actual_paid_shop_ads_commission_currency = l.price_currency
      then l.actual_paid_shop_ads_commission_amount end`,
  ],
];
const MEASURE_NAMES = LINE_MEASURES.map(([name]) => name);
const COUNT_NAMES = ['orders', 'cancelled_orders', 'completed_orders', 'order_lines'];
const ALL_COLUMNS = [...KEY, ...COUNT_NAMES, ...MEASURE_NAMES];

const ORDER_KEY = [...KEY, 'order_id', 'order_status'] as const;

const LINES = 'tiktok_affiliate.seller_order_skus';
const ROLLUP = 'etl.creator_performance_rollup';
const ORDERS = 'etl.creator_performance_orders';
/** Both are range-partitioned by month of order_date (etl.ensure_order_partitions makes the months). */
export const ROLLUP_TABLES = [ROLLUP, ORDERS] as const;
const ORDER_DATE = `((l.create_time at time zone 'UTC')::date)`;

/** Lines per order and group, from the lines on read: what etl.creator_performance_orders holds. */
function perOrderSql(lines: string): string {
  return `select l.shop_id, ${ORDER_DATE} as order_date, coalesce(l.creator_username, '') as creator_username,
      coalesce(l.price_currency, '') as currency, l.order_id, coalesce(l.order_status, '') as order_status,
      count(*)::int as order_lines,
      ${LINE_MEASURES.map(([m, value]) => `coalesce(sum(${value}), 0) as ${m}`).join(',\n      ')}
    from ${lines} l
    group by 1, 2, 3, 4, 5, 6`;
}

/** The rollup from the per-order rows `p` (perOrderSql): an order counts once in each group. */
function perGroupSql(perOrder: string): string {
  return `select p.shop_id, p.order_date, p.creator_username, p.currency,
    count(*)::int as orders,
    (count(*) filter (where p.order_status = 'CANCELLED'))::int as cancelled_orders,
    (count(*) filter (where p.order_status = 'COMPLETED'))::int as completed_orders,
    sum(p.order_lines)::int as order_lines,
    ${MEASURE_NAMES.map((m) => `sum(p.${m}) as ${m}`).join(',\n    ')}
  from ${perOrder} p
  group by p.shop_id, p.order_date, p.creator_username, p.currency`;
}

/**
 * The rollup computed from the lines on read (`lines`: a relation with the line columns): per order
 * first, then per group. What tests compare the maintained rollup with.
 */
export function creatorPerformanceFromLinesSql(lines: string = LINES): string {
  return perGroupSql(`(${perOrderSql(lines)})`);
}

/** The per-order bookkeeping computed from the lines on read (for tests). */
export function creatorPerformanceOrdersFromLinesSql(lines: string = LINES): string {
  return `select ${[...ORDER_KEY, 'order_lines'].join(', ')} from (${perOrderSql(lines)}) p`;
}

/**
 * Fills both (empty) tables from the lines in one read of them: migrate's fill of an existing
 * warehouse and etl.rebuild_creator_performance().
 */
export function rollupFillSql(lines: string = LINES): string {
  return `with p as materialized (${perOrderSql(lines)}),
  orders as (insert into ${ORDERS} (${[...ORDER_KEY, 'order_lines'].join(', ')})
    select ${[...ORDER_KEY, 'order_lines'].join(', ')} from p)
  insert into ${ROLLUP} (${ALL_COLUMNS.join(', ')})
  select ${ALL_COLUMNS.join(', ')} from (${perGroupSql('p')}) g`;
}

/**
 * What one statement changed, applied to the rollup. `newLines` / `oldLines`: the statement's
 * transition tables, or null when the event has none (an INSERT has no old rows, a DELETE no new).
 * Per order and group: the net change of its line count and of every sum. The line counts go to
 * etl.creator_performance_orders, whose returned counts say which orders entered or left a group;
 * then the sums and those order counts go to the rollup. Groups whose change is all zeros touch
 * neither table. Rows are written in key order, so two transactions meet their common rows in the
 * same order. The keys of rows left at zero lines come back in the `emptied_*` variables.
 */
function followStatementSql(newLines: string | null, oldLines: string | null): string {
  const side = (source: string, sign: 1 | -1) =>
    `select l.shop_id, ${ORDER_DATE} as order_date, coalesce(l.creator_username, '') as creator_username,
        coalesce(l.price_currency, '') as currency, l.order_id, coalesce(l.order_status, '') as order_status,
        ${sign} as order_lines,
        ${LINE_MEASURES.map(([m, value]) => `${sign} * coalesce(${value}, 0) as ${m}`).join(', ')}
      from ${source} l`;
  const sides = [newLines && side(newLines, 1), oldLines && side(oldLines, -1)].filter(Boolean);
  const orderKey = ORDER_KEY.join(', ');
  return `with changed as materialized (
      select ${orderKey}, sum(c.order_lines)::int as order_lines,
        ${MEASURE_NAMES.map((m) => `sum(c.${m}) as ${m}`).join(', ')}
      from (${sides.join(' union all ')}) c
      group by ${orderKey}
    ), counted as (
      insert into ${ORDERS} as o (${orderKey}, order_lines)
      select ${orderKey}, order_lines from changed where order_lines <> 0
      order by ${orderKey}
      on conflict (${orderKey}) do update set order_lines = o.order_lines + excluded.order_lines
      returning ${ORDER_KEY.map((k) => `o.${k}`).join(', ')}, o.order_lines as now
    ), delta as (
      select c.shop_id, c.order_date, c.creator_username, c.currency,
        coalesce(sum(e.entered), 0)::int as orders,
        coalesce(sum(e.entered) filter (where c.order_status = 'CANCELLED'), 0)::int as cancelled_orders,
        coalesce(sum(e.entered) filter (where c.order_status = 'COMPLETED'), 0)::int as completed_orders,
        sum(c.order_lines)::int as order_lines,
        ${MEASURE_NAMES.map((m) => `sum(c.${m}) as ${m}`).join(', ')}
      from changed c
      left join (select ${orderKey}, (k.now > 0)::int - (k.now - c2.order_lines > 0)::int as entered
        from counted k join changed c2 using (${orderKey})) e using (${orderKey})
      group by 1, 2, 3, 4
    ), applied as (
      insert into ${ROLLUP} as r (${ALL_COLUMNS.join(', ')})
      select ${ALL_COLUMNS.join(', ')} from delta
      where ${[...COUNT_NAMES, ...MEASURE_NAMES].map((m) => `${m} <> 0`).join(' or ')}
      order by ${KEY.join(', ')}
      on conflict (${KEY.join(', ')}) do update set
        ${[...COUNT_NAMES, ...MEASURE_NAMES].map((m) => `${m} = r.${m} + excluded.${m}`).join(',\n        ')}
      returning ${KEY.map((k) => `r.${k}`).join(', ')}, r.order_lines
    )
    select (select array_agg(array[shop_id, order_date::text, creator_username, currency])
        from applied where order_lines = 0),
      (select array_agg(array[shop_id, order_date::text, creator_username, currency, order_id, order_status])
        from counted where now = 0)
    into emptied_groups, emptied_orders`;
}

/** The triggers on the lines that keep both tables current (doctor checks they are there and enabled). */
export const ROLLUP_TRIGGERS = [
  'creator_performance_insert',
  'creator_performance_update',
  'creator_performance_delete',
  'creator_performance_truncate',
] as const;

/**
 * The trigger function (one for the three events: each branch reads only the transition tables its
 * event has) and the triggers. `etl.rollup_paused = on` (a transaction-local setting) skips it: the
 * month-partition maintenance moves rows out of a DEFAULT partition by deleting them from the
 * partition (no trigger) and inserting them through the parent, which must not count them twice.
 */
export const creatorPerformanceRollupSql: readonly string[] = [
  `create or replace function etl.creator_performance_follow() returns trigger
  language plpgsql set search_path = pg_catalog, pg_temp as $fn$
declare
  emptied_groups text[];
  emptied_orders text[];
begin
  if current_setting('etl.rollup_paused', true) = 'on' then
    return null;
  end if;
  if tg_op = 'INSERT' then
    ${followStatementSql('new_lines', null)};
  elsif tg_op = 'UPDATE' then
    ${followStatementSql('new_lines', 'old_lines')};
  elsif tg_op = 'DELETE' then
    ${followStatementSql(null, 'old_lines')};
  end if;
  if emptied_orders is not null then
    delete from ${ORDERS} o
    using (select emptied_orders[i][1] as shop_id, emptied_orders[i][2]::date as order_date,
        emptied_orders[i][3] as creator_username, emptied_orders[i][4] as currency,
        emptied_orders[i][5] as order_id, emptied_orders[i][6] as order_status
      from generate_subscripts(emptied_orders, 1) i) e
    where ${ORDER_KEY.map((k) => `o.${k} = e.${k}`).join(' and ')} and o.order_lines = 0;
  end if;
  if emptied_groups is not null then
    delete from ${ROLLUP} r
    using (select emptied_groups[i][1] as shop_id, emptied_groups[i][2]::date as order_date,
        emptied_groups[i][3] as creator_username, emptied_groups[i][4] as currency
      from generate_subscripts(emptied_groups, 1) i) e
    where ${KEY.map((k) => `r.${k} = e.${k}`).join(' and ')} and r.order_lines = 0;
  end if;
  return null;
end
$fn$`,
  `create or replace function etl.rebuild_creator_performance() returns bigint
  language plpgsql set search_path = pg_catalog, pg_temp as $fn$
declare
  written bigint;
begin
  lock table ${LINES} in share mode;
  truncate ${ROLLUP}, ${ORDERS};
  ${rollupFillSql()};
  get diagnostics written = row_count;
  return written;
end
$fn$`,
  `create or replace function etl.creator_performance_truncated() returns trigger
  language plpgsql set search_path = pg_catalog, pg_temp as $fn$
begin
  truncate ${ROLLUP}, ${ORDERS};
  return null;
end
$fn$`,
  `drop trigger if exists creator_performance_insert on ${LINES}`,
  `create trigger creator_performance_insert after insert on ${LINES}
  referencing new table as new_lines for each statement execute function etl.creator_performance_follow()`,
  `drop trigger if exists creator_performance_update on ${LINES}`,
  `create trigger creator_performance_update after update on ${LINES}
  referencing old table as old_lines new table as new_lines
  for each statement execute function etl.creator_performance_follow()`,
  `drop trigger if exists creator_performance_delete on ${LINES}`,
  `create trigger creator_performance_delete after delete on ${LINES}
  referencing old table as old_lines for each statement execute function etl.creator_performance_follow()`,
  `drop trigger if exists creator_performance_truncate on ${LINES}`,
  `create trigger creator_performance_truncate after truncate on ${LINES}
  for each statement execute function etl.creator_performance_truncated()`,
];

export const creatorPerformanceRollupDoc: RelationDoc = documentTable(
  creatorPerformanceRollup,
  'The seller order lines summed per shop x creator x UTC day x currency, kept current by triggers on ' +
    'tiktok_affiliate.seller_order_skus in the same transaction as every change of the lines; ' +
    'tiktok_affiliate.creator_performance_daily reads it. Partitioned by month of order_date. ' +
    'etl.rebuild_creator_performance() recomputes it from the lines.',
  {
    shop_id: 'TikTok shop id of the lines.',
    order_date: "UTC calendar date of the orders' create_time (the partition key).",
    creator_username: "Creator credited with the lines; '' for lines without one (the view shows null).",
    currency: "Currency of the line prices; '' for lines without one (the view shows null).",
    orders: 'Distinct orders with at least one line in the group.',
    cancelled_orders: 'Of those, orders whose lines carry status CANCELLED.',
    completed_orders: 'Of those, orders whose lines carry status COMPLETED.',
    order_lines: 'Lines in the group (a row with none is deleted).',
    units: 'Sum of quantity.',
    units_returned_or_refunded: 'Sum of returned_quantity + refunded_quantity.',
    gmv_amount: 'Sum of price_amount x quantity over lines of orders not CANCELLED.',
    estimated_commission_amount:
      'Sum of estimated_paid_commission_amount over orders not CANCELLED, in the price currency only.',
    actual_commission_amount: 'Sum of actual_paid_commission_amount, in the price currency only.',
    estimated_shop_ads_commission_amount:
      'Sum of estimated_paid_shop_ads_commission_amount over orders not CANCELLED, in the price currency only.',
    actual_shop_ads_commission_amount:
      'Sum of actual_paid_shop_ads_commission_amount, in the price currency only.',
  },
);

export const creatorPerformanceOrdersDoc: RelationDoc = documentTable(
  creatorPerformanceOrders,
  'Bookkeeping of etl.creator_performance_rollup: how many lines each order has in each shop x day x ' +
    'creator x currency group and status, so that the rollup counts each order once per group. Kept by ' +
    'the same triggers; partitioned by month of order_date.',
  {
    shop_id: 'TikTok shop id of the lines.',
    order_date: "UTC calendar date of the order's create_time (the partition key).",
    creator_username: "Creator credited with the lines; '' for none.",
    currency: "Currency of the line prices; '' for none.",
    order_id: 'TikTok order id.',
    order_status: "The order status the lines carry; '' for none.",
    order_lines: 'Lines of the order in the group (a row with none is deleted).',
  },
);
