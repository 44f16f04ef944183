/**
 * etl.creator_performance_rollup (src/load/schema/performance-rollup.ts) equals the aggregate of the
 * seller order lines on read after every kind of change: the loader's pages (new orders, status,
 * creator, currency and amount changes, vanished lines, orders whose create_time moved to another
 * month, unchanged re-sends), an operator's own UPDATE / DELETE / TRUNCATE, concurrent writers of the
 * same orders, and the upgrade of a warehouse that has lines already.
 */
import type postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commitPage } from '../../../src/load/commit-page.ts';
import { createDb, type Db } from '../../../src/load/db.ts';
import { runMigrations } from '../../../src/load/migrate.ts';
import { rollupTriggerProblems } from '../../../src/load/rollup-health.ts';
import {
  creatorPerformanceFromLinesSql,
  creatorPerformanceOrdersFromLinesSql,
} from '../../../src/load/schema/performance-rollup.ts';
import { emptyDatabase } from '../../helpers/db.ts';
import { databaseBefore } from '../../helpers/migrations.ts';
import { seedConnection, seedRun, sellerLine, sellerOrder, testDb } from '../load/rows.ts';

let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(async () => {
  await db.close();
});
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const MEASURES = [
  'orders',
  'cancelled_orders',
  'completed_orders',
  'order_lines',
  'units',
  'units_returned_or_refunded',
  'gmv_amount',
  'estimated_commission_amount',
  'actual_commission_amount',
  'estimated_shop_ads_commission_amount',
  'actual_shop_ads_commission_amount',
];

/**
 * Rows where the maintained rollup and the aggregate of the lines on read differ (numbers compared as
 * numbers), and rows where the per-order line counts behind it differ from the lines.
 */
async function differences(sql: postgres.Sql): Promise<Record<string, unknown>[]> {
  const orders = await sql.unsafe(`
    select coalesce(o.order_id, f.order_id) as order_id, o.order_lines as kept, f.order_lines as lines
    from etl.creator_performance_orders o
    full join (${creatorPerformanceOrdersFromLinesSql()}) f
      using (shop_id, order_date, creator_username, currency, order_id, order_status)
    where o.order_lines is distinct from f.order_lines`);
  if (orders.length > 0) return orders;
  return sql.unsafe(`
    select coalesce(r.shop_id, f.shop_id) as shop_id, coalesce(r.order_date, f.order_date)::text as order_date,
      coalesce(r.creator_username, f.creator_username) as creator, coalesce(r.currency, f.currency) as currency,
      ${MEASURES.map((m) => `r.${m}::text as rollup_${m}, f.${m}::text as lines_${m}`).join(', ')}
    from etl.creator_performance_rollup r
    full join (${creatorPerformanceFromLinesSql()}) f using (shop_id, order_date, creator_username, currency)
    where ${MEASURES.map((m) => `r.${m} is distinct from f.${m}`).join(' or ')}`);
}

async function rollupRows(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from etl.creator_performance_rollup`;
  return row!.n;
}

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ModelLine {
  line_key: string;
  creator_username: string | null;
  price_currency: string | null;
  price_amount: string;
  quantity: number | null;
  returned_quantity: number | null;
  estimated_paid_commission_amount: string | null;
  estimated_paid_commission_currency: string | null;
  actual_paid_commission_amount: string | null;
  actual_paid_shop_ads_commission_amount: string | null;
}
interface ModelOrder {
  shop_id: string;
  order_id: string;
  status: string;
  create_time: Date;
  lines: ModelLine[];
}

const pick = <T>(rnd: () => number, values: readonly T[]): T => values[Math.floor(rnd() * values.length)]!;
const CREATORS = ['alice', 'bob', 'carol', null] as const;
const CURRENCIES = ['USD', 'USD', 'GBP', null] as const;
const DAYS = [
  '2023-01-30T23:59:59.123456Z',
  '2023-01-31T10:00:00Z',
  '2023-02-01T00:00:00Z',
  '2023-02-14T08:30:00Z',
  '2023-03-03T12:00:00Z',
];

function newLine(rnd: () => number, key: string): ModelLine {
  const currency = pick(rnd, CURRENCIES);
  return {
    line_key: key,
    creator_username: pick(rnd, CREATORS),
    price_currency: currency,
    price_amount: (1 + Math.floor(rnd() * 9999) / 100).toFixed(2),
    quantity: rnd() < 0.1 ? null : 1 + Math.floor(rnd() * 3),
    returned_quantity: rnd() < 0.2 ? 1 : null,
    estimated_paid_commission_amount: rnd() < 0.1 ? null : (rnd() * 10).toFixed(4),
    // Sometimes another currency than the price: left out of the sums.
    estimated_paid_commission_currency: rnd() < 0.15 ? 'EUR' : currency,
    actual_paid_commission_amount: rnd() < 0.5 ? (rnd() * 10).toFixed(4) : null,
    actual_paid_shop_ads_commission_amount: rnd() < 0.3 ? (rnd() * 3).toFixed(4) : null,
  };
}

function mutate(rnd: () => number, order: ModelOrder, serial: () => string): void {
  const roll = rnd();
  if (roll < 0.2) order.status = pick(rnd, ['PROCESSING', 'COMPLETED', 'CANCELLED']);
  else if (roll < 0.35) pick(rnd, order.lines).creator_username = pick(rnd, CREATORS);
  else if (roll < 0.45) pick(rnd, order.lines).price_currency = pick(rnd, CURRENCIES);
  else if (roll < 0.6) pick(rnd, order.lines).quantity = 1 + Math.floor(rnd() * 5);
  else if (roll < 0.7 && order.lines.length > 1)
    order.lines.splice(Math.floor(rnd() * order.lines.length), 1);
  else if (roll < 0.8) order.lines.push(newLine(rnd, serial()));
  // A create_time corrected at the API: the order moves to another day, often another month.
  else if (roll < 0.88) order.create_time = new Date(pick(rnd, DAYS));
  else if (roll < 0.95) pick(rnd, order.lines).actual_paid_commission_amount = (rnd() * 10).toFixed(4);
  // else: re-sent unchanged.
  // Often a second change in the same page: a line added while the others change status is one
  // upsert statement that both inserts and updates lines of one order and group.
  if (rnd() < 0.35) mutate(rnd, order, serial);
}

function pageRows(orders: readonly ModelOrder[]) {
  return {
    sellerOrders: orders.map((o) =>
      sellerOrder(o.order_id, {
        shop_id: o.shop_id,
        status: o.status,
        create_time: o.create_time,
        sku_count: o.lines.length,
        raw: { id: o.order_id },
      }),
    ),
    // As the normalizer emits them: the loader copies create_time and status from the order.
    sellerOrderSkus: orders.flatMap((o) =>
      o.lines.map((l, i) => {
        const {
          create_time: _t,
          order_status: _s,
          ...line
        } = sellerLine(o.order_id, l.line_key, {
          shop_id: o.shop_id,
          line_index: i,
          ...l,
          actual_paid_commission_currency: l.price_currency,
          actual_paid_shop_ads_commission_currency: l.price_currency,
        });
        return line;
      }),
    ),
  };
}

async function commit(
  target: Db,
  ids: { connectionId: number; runId: number },
  orders: readonly ModelOrder[],
): Promise<void> {
  await commitPage(target, {
    ...ids,
    stream: 'seller_affiliate_orders',
    scope: orders[0]!.shop_id,
    rows: pageRows(orders),
    rejected: [],
    checkpoint: { watermark: null, cursor: null },
    snapshot: false,
  });
}

describe('etl.creator_performance_rollup', () => {
  it('equals the lines aggregated on read after each of 60 random pages of changes', async () => {
    const rnd = random(20261207);
    const connectionId = await seedConnection(db.sql, 'rollup-random');
    const runId = await seedRun(db.sql, connectionId);
    let next = 0;
    const serial = () => `k${next++}`;
    const orders: ModelOrder[] = Array.from({ length: 40 }, (_, i) => ({
      shop_id: i % 3 === 0 ? 'shop-b' : 'shop-a',
      order_id: `r${i}`,
      status: 'PROCESSING',
      create_time: new Date(pick(rnd, DAYS)),
      lines: Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => newLine(rnd, serial())),
    }));
    for (let page = 0; page < 60; page++) {
      const chosen = orders.filter(() => rnd() < 0.3);
      if (chosen.length === 0) continue;
      // The first page brings every order; later pages change some and re-send them whole.
      if (page > 0) for (const order of chosen) mutate(rnd, order, serial);
      await commit(db, { connectionId, runId }, page === 0 ? orders : chosen);
      expect(await differences(db.sql), `after page ${page}`).toEqual([]);
    }
    expect(await rollupRows(db.sql)).toBeGreaterThan(10);
  });

  it('an order whose status changes while a line is added (one upsert, both events) counts once', async () => {
    const connectionId = await seedConnection(db.sql, 'rollup-mixed');
    const runId = await seedRun(db.sql, connectionId);
    const rnd = random(3);
    const order: ModelOrder = {
      shop_id: 'shop-m',
      order_id: 'm1',
      status: 'PROCESSING',
      create_time: new Date(DAYS[1]!),
      lines: [{ ...newLine(rnd, 'a'), creator_username: 'alice', price_currency: 'USD' }],
    };
    await commit(db, { connectionId, runId }, [order]);
    order.status = 'COMPLETED';
    order.lines.push({ ...newLine(rnd, 'b'), creator_username: 'alice', price_currency: 'USD' });
    await commit(db, { connectionId, runId }, [order]);
    expect(await differences(db.sql)).toEqual([]);
    const [row] = await db.sql`select orders, completed_orders, order_lines
      from tiktok_affiliate.creator_performance_daily where shop_id = 'shop-m'`;
    expect(row).toEqual({ orders: '1', completed_orders: '1', order_lines: '2' });
  });

  it('a re-sent unchanged page writes nothing to the rollup', async () => {
    const connectionId = await seedConnection(db.sql, 'rollup-unchanged');
    const runId = await seedRun(db.sql, connectionId);
    const rnd = random(7);
    const orders: ModelOrder[] = Array.from({ length: 10 }, (_, i) => ({
      shop_id: 'shop-u',
      order_id: `u${i}`,
      status: 'COMPLETED',
      create_time: new Date(DAYS[1]!),
      lines: [newLine(rnd, 'a'), newLine(rnd, 'b')],
    }));
    await commit(db, { connectionId, runId }, orders);
    const versions = () =>
      db.sql`select shop_id, order_date::text, creator_username, currency, xmin::text as version
        from etl.creator_performance_rollup where shop_id = 'shop-u' order by 1, 2, 3, 4`;
    const before = await versions();
    expect(before.length).toBeGreaterThan(0);
    await commit(db, { connectionId, runId }, orders);
    expect(await versions()).toEqual(before);
  });

  it("an operator's own UPDATE, DELETE and TRUNCATE keep it equal; the rebuild recomputes it", async () => {
    const connectionId = await seedConnection(db.sql, 'rollup-sql');
    const runId = await seedRun(db.sql, connectionId);
    const rnd = random(11);
    const orders: ModelOrder[] = Array.from({ length: 30 }, (_, i) => ({
      shop_id: 'shop-s',
      order_id: `s${i}`,
      status: pick(rnd, ['PROCESSING', 'COMPLETED', 'CANCELLED']),
      create_time: new Date(pick(rnd, DAYS)),
      lines: Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, j) => newLine(rnd, `l${j}`)),
    }));
    await commit(db, { connectionId, runId }, orders);
    await db.sql`update tiktok_affiliate.seller_order_skus set creator_username = 'renamed'
      where shop_id = 'shop-s' and creator_username = 'alice'`;
    expect(await differences(db.sql)).toEqual([]);
    await db.sql`update tiktok_affiliate.seller_order_skus set order_status = 'CANCELLED', quantity = quantity + 1
      where shop_id = 'shop-s' and line_key = 'l0'`;
    expect(await differences(db.sql)).toEqual([]);
    await db.sql`delete from tiktok_affiliate.seller_order_skus where shop_id = 'shop-s' and line_key = 'l1'`;
    expect(await differences(db.sql)).toEqual([]);
    // Lines changed behind the triggers' back: the rollup drifts, and the rebuild repairs it.
    const removed = await db.sql.begin(async (tx) => {
      await tx`select set_config('etl.rollup_paused', 'on', true)`;
      return (
        await tx`delete from tiktok_affiliate.seller_order_skus where shop_id = 'shop-s' and line_key = 'l2'`
      ).count;
    });
    expect(removed).toBeGreaterThan(0);
    expect((await differences(db.sql)).length).toBeGreaterThan(0);
    await db.sql`select etl.rebuild_creator_performance()`;
    expect(await differences(db.sql)).toEqual([]);
    await db.sql`truncate tiktok_affiliate.seller_order_skus`;
    expect(await rollupRows(db.sql)).toBe(0);
  });

  it('two writers committing pages of the same orders at once leave it equal', async () => {
    const second = createDb(process.env.DATABASE_URL!, { max: 4 });
    cleanups.push(() => second.close());
    const connectionId = await seedConnection(db.sql, 'rollup-concurrent');
    const runId = await seedRun(db.sql, connectionId);
    const rnd = random(99);
    const base = (): ModelOrder[] =>
      Array.from({ length: 20 }, (_, i) => ({
        shop_id: 'shop-c',
        order_id: `c${i}`,
        status: 'PROCESSING',
        create_time: new Date(DAYS[i % 2]!),
        lines: [newLine(rnd, 'a'), newLine(rnd, 'b')],
      }));
    const one = base();
    const two = base();
    for (let round = 0; round < 8; round++) {
      for (const order of [...one, ...two]) mutate(rnd, order, () => `n${round}`);
      // Each writer retries a page that Postgres chose as a deadlock victim, as a job retry would.
      const write = async (target: Db, orders: ModelOrder[]) => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await commit(target, { connectionId, runId }, orders);
          } catch (error) {
            if ((error as { code?: string }).code !== '40P01' || attempt > 5) throw error;
          }
        }
      };
      await Promise.all([write(db, one), write(second, two)]);
      expect(await differences(db.sql), `after round ${round}`).toEqual([]);
    }
  });
});

describe('a rollup whose triggers were taken away', () => {
  it('is reported (doctor), and migrate re-creates the triggers and rebuilds it from the lines', async () => {
    const target = await emptyDatabase('rollup_repair');
    cleanups.push(() => target.drop());
    await runMigrations(target.url);
    const repairDb = createDb(target.url, { max: 2 });
    cleanups.push(() => repairDb.close());
    const connectionId = await seedConnection(repairDb.sql, 'rollup-repair');
    const runId = await seedRun(repairDb.sql, connectionId);
    const rnd = random(17);
    const orders: ModelOrder[] = Array.from({ length: 8 }, (_, i) => ({
      shop_id: 'shop-r',
      order_id: `p${i}`,
      status: 'PROCESSING',
      create_time: new Date(DAYS[i % DAYS.length]!),
      lines: [newLine(rnd, 'a')],
    }));
    await commit(repairDb, { connectionId, runId }, orders);
    expect(await rollupTriggerProblems(repairDb.sql)).toEqual([]);

    await repairDb.sql`alter table tiktok_affiliate.seller_order_skus disable trigger creator_performance_update`;
    await repairDb.sql`drop trigger creator_performance_delete on tiktok_affiliate.seller_order_skus`;
    expect(await rollupTriggerProblems(repairDb.sql)).toEqual([
      'trigger creator_performance_update is disabled',
      'trigger creator_performance_delete is missing',
    ]);
    // Meanwhile the lines change and the rollup does not follow.
    for (const order of orders) order.status = 'COMPLETED';
    await commit(repairDb, { connectionId, runId }, orders);
    expect((await differences(repairDb.sql)).length).toBeGreaterThan(0);

    await runMigrations(target.url);
    expect(await rollupTriggerProblems(repairDb.sql)).toEqual([]);
    expect(await differences(repairDb.sql)).toEqual([]);
    await repairDb.sql`delete from tiktok_affiliate.seller_order_skus where order_id = 'p1'`;
    expect(await differences(repairDb.sql)).toEqual([]);
  });
});

describe('upgrade to the rollup', () => {
  it('a warehouse with lines at the previous migration gets the rollup filled, equal to a fresh load', async () => {
    const old = await databaseBefore('0008_creator_performance_rollup', 'rollup_old');
    cleanups.push(() => old.drop());
    const fresh = await emptyDatabase('rollup_new');
    cleanups.push(() => fresh.drop());
    await runMigrations(fresh.url);
    const oldDb = createDb(old.url, { max: 2 });
    const freshDb = createDb(fresh.url, { max: 2 });
    cleanups.push(() => oldDb.close());
    cleanups.push(() => freshDb.close());

    const rnd = random(5);
    const orders: ModelOrder[] = Array.from({ length: 25 }, (_, i) => ({
      shop_id: i % 2 ? 'shop-x' : 'shop-y',
      order_id: `g${i}`,
      status: pick(rnd, ['PROCESSING', 'COMPLETED', 'CANCELLED']),
      create_time: new Date(pick(rnd, DAYS)),
      lines: Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, j) => newLine(rnd, `l${j}`)),
    }));
    // The previous release's tables and partitions, written as its loader did (no rollup yet).
    await oldDb.sql`select etl.ensure_order_partitions('{2023-01-01,2023-02-01,2023-03-01}')`;
    const rows = pageRows(orders);
    const carried = rows.sellerOrderSkus.map((line) => {
      const order = orders.find((o) => o.order_id === line['order_id'])!;
      return { ...line, create_time: order.create_time, order_status: order.status };
    });
    await oldDb.sql`insert into tiktok_affiliate.seller_orders ${oldDb.sql(rows.sellerOrders as never)}`;
    await oldDb.sql`insert into tiktok_affiliate.seller_order_skus ${oldDb.sql(carried as never)}`;

    expect(await runMigrations(old.url)).toEqual({ applied: old.pending });
    expect(await differences(oldDb.sql)).toEqual([]);
    expect(await rollupRows(oldDb.sql)).toBeGreaterThan(5);

    const connectionId = await seedConnection(freshDb.sql, 'rollup-fresh');
    const runId = await seedRun(freshDb.sql, connectionId);
    await commit(freshDb, { connectionId, runId }, orders);
    const read = (sql: postgres.Sql) =>
      sql.unsafe(`select tableoid::regclass::text as part, shop_id, order_date::text, creator_username, currency,
          ${MEASURES.map((m) => `${m}::numeric::text as ${m}`).join(', ')}
        from etl.creator_performance_rollup order by 2, 3, 4, 5`);
    const normalize = (list: Record<string, unknown>[]) =>
      list.map((r) => ({
        ...r,
        ...Object.fromEntries(MEASURES.map((m) => [m, Number(r[m])])),
      }));
    expect(normalize(await read(oldDb.sql))).toEqual(normalize(await read(freshDb.sql)));
    // Later changes go through the triggers the upgrade created.
    await oldDb.sql`update tiktok_affiliate.seller_order_skus set quantity = 7 where order_id = 'g1'`;
    expect(await differences(oldDb.sql)).toEqual([]);
  });
});
