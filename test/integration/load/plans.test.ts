/**
 * A page must cost O(page), never O(table). The trap: Postgres caches a generic plan per prepared
 * statement, and a plan made while a table was empty (the first pages of a first backfill, or after a
 * truncate) stays in use while the table grows. Planned as a join, the upsert's lookup of the stored
 * rows was a hash join over a sequential scan of the whole table, so every page of a 500,000-line
 * backfill re-read the table: 113 ms per 100-order page at 60,000 orders, against 7 ms now
 * (pg_stat_statements during `npx tsx bench/e2e.bench.ts`).
 *
 * Pages are committed through commitPage on ONE connection (one plan cache) into tables truncated
 * and kept from autovacuum (no ANALYZE to invalidate a bad plan); once the tables hold thousands of
 * rows, further pages (new rows, re-sent unchanged rows, a vanished order line, snapshot stamps) must
 * not start a single sequential scan of them (pg_stat_user_tables.seq_scan).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitPage } from '../../../src/load/commit-page.ts';
import { createDb, type Db } from '../../../src/load/db.ts';
import type { StreamName } from '../../../src/core/streams.ts';
import { openCollab, SHOP, seedConnection, seedRun, sellerLine, sellerOrder, testDb } from './rows.ts';

const ORDERS_PER_PAGE = 250;
const GROWTH_PAGES = 20;
/**
 * Pages after the growth are far smaller than the table (5 rows against 5,000): there, an index
 * probe per row is the cheapest plan for every statement, so a sequential scan can only come from a
 * plan made for the empty table. (For 250 rows against 5,000 a hash join over the table IS cheaper,
 * and the statements planned afresh for each page rightly pick it: their cost stays bounded by the
 * probes they would otherwise make.)
 */
const SMALL_PAGE = 5;

let admin: Db;
let db: Db;
let connectionId: number;
let runId: number;
/** Postgres notices of the page connection: auto_explain's plans while tracePlans() runs. */
const notices: string[] = [];
beforeAll(async () => {
  admin = testDb();
  // One connection: every statement of every page shares one plan cache, as on a pool connection.
  // createDb hands server notices to its logger at debug level; this logger keeps their text.
  const noticeSink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { event?: string; message?: string };
        if (entry.event === 'pg_notice' && entry.message) notices.push(entry.message);
      }
      done();
    },
  });
  db = createDb(process.env.DATABASE_URL!, { max: 1, log: pino({ level: 'debug' }, noticeSink) });
  connectionId = await seedConnection(admin.sql);
  runId = await seedRun(admin.sql, connectionId);
});
afterAll(async () => {
  await db.close();
  await admin.close();
});

interface TableCounters {
  seq_scan: number;
  idx_scan: number;
  n_tup_ins: number;
  n_tup_upd: number;
}

/** The table's counters, summed over its partitions when it is partitioned (the order tables). */
async function counters(table: string): Promise<TableCounters> {
  const [row] = await admin.sql<TableCounters[]>`
    select coalesce(sum(seq_scan), 0)::int as seq_scan, coalesce(sum(idx_scan), 0)::int as idx_scan,
      coalesce(sum(n_tup_ins), 0)::int as n_tup_ins, coalesce(sum(n_tup_upd), 0)::int as n_tup_upd
    from pg_stat_user_tables s
    where s.relid in (select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
                      where n.nspname = 'tiktok_affiliate' and c.relname = ${table}
                      union select i.inhrelid from pg_inherits i
                      where i.inhparent = to_regclass(${`tiktok_affiliate.${table}`}))`;
  return row!;
}

/** Counters once the page connection's statistics have reached the shared view. */
async function flushedCounters(table: string, done: (c: TableCounters) => boolean): Promise<TableCounters> {
  await db.sql`select pg_stat_force_next_flush()`;
  for (let i = 0; ; i++) {
    await admin.sql`select pg_stat_clear_snapshot()`;
    const c = await counters(table);
    if (done(c) || i > 100) return c;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Empties the tables on the PAGE connection. TRUNCATE rebuilds every index of a table, and each
 * rebuild counts as one sequential scan (4 for seller_orders). Run on the pooled admin connection,
 * those counts could stay pending in that backend (Postgres flushes a backend's statistics at most
 * once a second, otherwise after 10 s idle) and reach the shared view between the `before` and
 * `after` readings: 1 failure in about 20 full-suite runs, "expected 4 to be 0". The page
 * connection's pending counts are forced out before every reading (flushedCounters).
 */
async function freshTables(tables: string[]): Promise<void> {
  await db.sql.unsafe(`truncate ${tables.map((t) => `tiktok_affiliate.${t}`).join(', ')}`);
  // A partitioned table has no storage parameters of its own: each partition (the order tables').
  const relations = await db.sql<{ rel: string }[]>`
    select c.oid::regclass::text as rel from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'tiktok_affiliate' and c.relkind = 'r' and (c.relname = any(${tables})
      or c.oid in (select i.inhrelid from pg_inherits i join pg_class p on p.oid = i.inhparent
                   where p.relname = any(${tables})))`;
  for (const { rel } of relations) await db.sql.unsafe(`alter table ${rel} set (autovacuum_enabled = off)`);
}

/**
 * Runs `body` with auto_explain sending the plan of every statement (nested ones included) of the
 * page connection to it as a notice, and describes the plans that scan `table` sequentially: what a
 * failing assertion shows, so a scan names its statement. auto_explain ships with Postgres but
 * LOAD needs a superuser; without one the trace is empty and the counters alone decide.
 */
async function tracePlans(table: string, body: () => Promise<void>): Promise<string> {
  let tracing = true;
  try {
    await db.sql.unsafe(
      `load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on;` +
        ` set auto_explain.log_level = notice`,
    );
  } catch {
    tracing = false;
  }
  notices.length = 0;
  try {
    await body();
  } finally {
    if (tracing) await db.sql.unsafe('set auto_explain.log_min_duration = -1');
  }
  const scans = notices.filter((plan) => plan.includes(`Seq Scan on ${table}`));
  if (!tracing) return 'auto_explain could not be loaded: no plans traced';
  return `${scans.length} of the ${notices.length} traced plans scan it\n${scans.join('\n\n')}`;
}

function page(stream: StreamName, rows: Record<string, Record<string, unknown>[]>, snapshot: boolean) {
  return commitPage(db, {
    runId,
    connectionId,
    stream,
    scope: SHOP,
    rows,
    rejected: [],
    checkpoint: { watermark: null, cursor: null },
    snapshot,
  });
}

function orderPage(first: number, lineKeys = ['k0', 'k1'], size = ORDERS_PER_PAGE) {
  const ids = Array.from({ length: size }, (_, i) => String(first + i));
  return {
    sellerOrders: ids.map((id) => sellerOrder(id, { sku_count: lineKeys.length })),
    sellerOrderSkus: ids.flatMap((id) => lineKeys.map((k) => sellerLine(id, k))),
  };
}

describe('per-page statements on a table that grew after they were planned', () => {
  it('order pages never scan the order tables', async () => {
    await freshTables(['seller_orders', 'seller_order_skus']);
    for (let p = 0; p < GROWTH_PAGES; p++)
      await page('seller_affiliate_orders', orderPage(1e6 + p * ORDERS_PER_PAGE), false);
    const before = {
      orders: await flushedCounters('seller_orders', (c) => c.n_tup_ins >= GROWTH_PAGES * ORDERS_PER_PAGE),
      lines: await flushedCounters(
        'seller_order_skus',
        (c) => c.n_tup_ins >= GROWTH_PAGES * ORDERS_PER_PAGE * 2,
      ),
    };
    // New orders, a page re-sent unchanged, and a page whose orders lost a line (k1 vanished).
    let removed = 0;
    const scans = await tracePlans('seller_order', async () => {
      for (let p = 0; p < 3; p++)
        await page(
          'seller_affiliate_orders',
          orderPage(5e6 + p * SMALL_PAGE, ['k0', 'k1'], SMALL_PAGE),
          false,
        );
      await page('seller_affiliate_orders', orderPage(1e6, ['k0', 'k1'], SMALL_PAGE), false);
      const shrunk = await page(
        'seller_affiliate_orders',
        orderPage(1e6 + SMALL_PAGE, ['k0'], SMALL_PAGE),
        false,
      );
      removed = shrunk.removed;
    });
    expect(removed).toBe(SMALL_PAGE);
    const after = {
      orders: await flushedCounters(
        'seller_orders',
        (c) => c.n_tup_ins >= before.orders.n_tup_ins + 3 * SMALL_PAGE,
      ),
      lines: await flushedCounters(
        'seller_order_skus',
        (c) => c.n_tup_ins >= before.lines.n_tup_ins + 6 * SMALL_PAGE,
      ),
    };
    expect(after.orders.seq_scan - before.orders.seq_scan, `seq scans of seller_orders; ${scans}`).toBe(0);
    expect(after.lines.seq_scan - before.lines.seq_scan, `seq scans of seller_order_skus; ${scans}`).toBe(0);
    expect(after.lines.idx_scan).toBeGreaterThan(before.lines.idx_scan);
  });

  it('a month partition that filled after the statements were planned is probed by key, not read whole', async () => {
    // Both months exist (empty) before any page: nothing invalidates the page connection's plans
    // while the pages below fill the first month (no DDL, autovacuum off, so no ANALYZE either).
    await admin.sql`select etl.ensure_order_partitions('{2031-01-01,2031-02-01}')`;
    await freshTables(['seller_orders', 'seller_order_skus']);
    const monthPage = (month: string, first: number, size: number, lineKeys = ['k0', 'k1']) => {
      const ids = Array.from({ length: size }, (_, i) => `m${first + i}`);
      // One order a minute: each order its own create_time, as a backfill window's pages.
      const at = (i: number) => new Date(Date.parse(`${month}T00:00:00Z`) + (first + i) * 60_000);
      return {
        sellerOrders: ids.map((id, i) => sellerOrder(id, { create_time: at(i), sku_count: lineKeys.length })),
        sellerOrderSkus: ids.flatMap((id) => lineKeys.map((k) => sellerLine(id, k))),
      };
    };
    // More pages than Postgres plans custom before it may settle on a cached generic plan: all of
    // them into February, while January is still empty.
    for (let p = 0; p < 8; p++)
      await page('seller_affiliate_orders', monthPage('2031-02-01', p * 20, 20), false);
    // January fills (a backfill's window): 4,000 orders, 8,000 lines.
    for (let p = 0; p < 16; p++)
      await page('seller_affiliate_orders', monthPage('2031-01-01', p * 250, 250), false);
    const read = async () => {
      await db.sql`select pg_stat_force_next_flush()`;
      await admin.sql`select pg_stat_clear_snapshot()`;
      const [row] = await admin.sql<{ scans: number; rows: number }[]>`
        select coalesce(sum(seq_scan), 0)::int as scans,
          coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0)::int as rows
        from pg_stat_user_tables where schemaname = 'tiktok_affiliate'
          and relname in ('seller_orders_2031_01', 'seller_order_skus_2031_01')`;
      return row!;
    };
    const before = await read();
    // 100 new orders (a backfill's next page).
    const scans = await tracePlans('seller_order', async () => {
      await page('seller_affiliate_orders', monthPage('2031-01-01', 5_000, 100), false);
    });
    let after = await read();
    for (let i = 0; i < 100 && after.rows === before.rows; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await read();
    }
    expect(after.scans - before.scans, `seq scans of January; ${scans}`).toBe(0);
    // 100 orders and 200 lines: about one row read per key, against 12,000 stored rows.
    expect(after.rows - before.rows, `rows of January read; ${scans}`).toBeLessThan(1_000);
    // Known orders re-sent with a line gone (a settlement re-scan): the vanished lines still go.
    const shrunk = await page('seller_affiliate_orders', monthPage('2031-01-01', 1_000, 100, ['k0']), false);
    expect(shrunk.removed).toBe(100);
    const [left] = await admin.sql<{ n: number }[]>`
      select count(*)::int as n from tiktok_affiliate.seller_order_skus
      where order_id in ('m1000', 'm1099') and create_time >= '2031-01-01' and create_time < '2031-02-01'`;
    expect(left!.n).toBe(2);
  });

  it('snapshot pages never scan the snapshot table, stamps of unchanged rows included', async () => {
    await freshTables(['open_collaborations']);
    const collabs = (first: number) =>
      Array.from({ length: ORDERS_PER_PAGE }, (_, i) => openCollab(SHOP, `c${first + i}`));
    for (let p = 0; p < GROWTH_PAGES; p++)
      await page('open_collaborations', { openCollaborations: collabs(p * ORDERS_PER_PAGE) }, true);
    const before = await flushedCounters(
      'open_collaborations',
      (c) => c.n_tup_ins >= GROWTH_PAGES * ORDERS_PER_PAGE,
    );
    const newRun = await seedRun(admin.sql, connectionId, 'open_collaborations');
    let unchanged: unknown;
    const scans = await tracePlans('open_collaborations', async () => {
      unchanged = await commitPage(db, {
        runId: newRun,
        connectionId,
        stream: 'open_collaborations',
        scope: SHOP,
        rows: { openCollaborations: collabs(0).slice(0, SMALL_PAGE) },
        rejected: [],
        checkpoint: { watermark: null, cursor: null },
        snapshot: true,
      });
    });
    expect(unchanged).toMatchObject({ inserted: 0, updated: 0, unchanged: SMALL_PAGE });
    const after = await flushedCounters(
      'open_collaborations',
      (c) => c.n_tup_upd >= before.n_tup_upd + SMALL_PAGE,
    );
    const [stamped] = await admin.sql<{ n: number }[]>`
      select count(*)::int as n from tiktok_affiliate.open_collaborations where last_seen_run_id = ${newRun}`;
    expect(stamped!.n).toBe(SMALL_PAGE);
    expect(after.seq_scan - before.seq_scan, `seq scans of open_collaborations; ${scans}`).toBe(0);
  });
});
