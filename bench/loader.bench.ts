/**
 * Loader benchmark (issues 4 and 16): the production commit path against raw COPY on the same Postgres,
 * in one run.
 *
 * Data: ~100,000 realistic seller order lines in ~50,000 orders over three months (bench/loader-data.ts,
 * through the real normalizer), committed as a sync does: one commitPage per page of 100 orders, so
 * every page pays what a page pays in production (month partitions, moved-order removal, the upserts
 * of seller_orders, seller_order_skus and seller_order_raw, vanished-line removal, the creators dimension, the checkpoint).
 * Figures, each a ratio measured in the same run (the machine may be shared: every contender runs block
 * by block, interleaved with a COPY of the same block, in an order that rotates from block to block):
 *   first_load_vs_copy        commitPage first load / COPY of the same rows into unlogged tables of the
 *                             same definition (both tables)
 *   changed10_reload_vs_copy  re-load with 10 % of the orders settled / COPY
 *   unchanged_reload_vs_copy  re-load of identical pages / COPY
 *   full_refresh_*            the same with `fullRefresh` (sync --full-refresh): the stored row_hash is
 *                             ignored and every row shipped and compared, i.e. the loader without its
 *                             row-hash fast path (src/load/row-hash.ts)
 *   row_hash_unchanged_speedup / row_hash_changed10_speedup   full_refresh time / loader time
 *   loader_unchanged_rows_per_s  orders + lines per second of the unchanged re-load (bench/steady.bench.ts)
 *   vs_drizzle_batch          loader first load / drizzle insert().onConflictDoUpdate() in 1,000-row
 *                             batches (on the first quarter of the pages, normalized by its own COPY)
 *   step_<phase>_<step>_ms    ms per page of each step of the commit (a timed copy of commit-page.ts's
 *                             steps on a third database), for the first load and the unchanged re-load;
 *                             ensure_uncached is the partition function called without the per-process
 *                             cache (what each page would pay without it)
 * Standalone: `npx tsx bench/loader.bench.ts [lines]` (DATABASE_URL or the dev Postgres), writes
 * bench/results/loader.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql as dsql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { saveCheckpoint } from '../src/load/checkpoints.ts';
import { commitPage } from '../src/load/commit-page.ts';
import { noteCreators } from '../src/load/creators.ts';
import { createDb, type Db } from '../src/load/db.ts';
import { runMigrations } from '../src/load/migrate.ts';
import { removeMovedOrders, removeVanishedOrderLines, withOrderColumns } from '../src/load/order-lines.ts';
import { withRawApart } from '../src/load/order-raw.ts';
import { ensureOrderPartitions, pageMonths } from '../src/load/order-partitions.ts';
import { sellerOrderRaw, sellerOrderSkus, sellerOrders } from '../src/load/schema/index.ts';
import { tableShape } from '../src/load/table-shape.ts';
import type { PageCommit } from '../src/load/types.ts';
import { upsertRows } from '../src/load/upsert.ts';
import type { TableRows } from '../src/transform/types.ts';
import { copyTwin } from './loader-copy.ts';
import { type BenchPage, makeSellerOrders, settleOrders, toPages } from './loader-data.ts';

export interface LoaderBenchOptions {
  /** Server URL; scratch databases are created on it and dropped afterwards. */
  databaseUrl?: string;
  /** Order lines in all (the orders hold 1 to 3 each). */
  rows?: number;
  pageOrders?: number;
  drizzleBatch?: number;
  /** Pages per interleaving block (each contender and COPY take turns per block). */
  blockPages?: number;
  log?: (line: string) => void;
}

export interface LoaderBenchResult {
  first_load_vs_copy: number;
  changed10_reload_vs_copy: number;
  unchanged_reload_vs_copy: number;
  vs_drizzle_batch: number;
  [figure: string]: number;
}

const DEV_URL = 'postgres://postgres@127.0.0.1:55432/postgres';
const STREAM = 'seller_affiliate_orders';
const TABLES: readonly (readonly [string, PgTable])[] = [
  ['sellerOrders', sellerOrders],
  ['sellerOrderSkus', sellerOrderSkus],
  // The orders' raw, moved by commitPage into its side table (src/load/order-raw.ts).
  ['sellerOrderRaw', sellerOrderRaw],
];
const STEPS = [
  'ensure',
  'ensure_uncached',
  'moved',
  'upsert',
  'vanished',
  'creators',
  'checkpoint',
  'commit',
];

interface Scratch {
  db: Db;
  connectionId: number;
  name: string;
}

interface Contender {
  name: string;
  load(pages: readonly BenchPage[], runId: number): Promise<{ ms: number; counts: Counts }>;
}

interface Counts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export async function runLoaderBench(opts: LoaderBenchOptions = {}): Promise<LoaderBenchResult> {
  const serverUrl = opts.databaseUrl ?? process.env.DATABASE_URL ?? DEV_URL;
  const lineCount = opts.rows ?? 100_000;
  const pageOrders = opts.pageOrders ?? 100;
  const blockPages = Math.max(1, opts.blockPages ?? 25);
  const log = opts.log ?? ((line: string) => console.log(line));
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const scratches: Scratch[] = [];
  const scratch = async (tag: string): Promise<Scratch> => {
    const name = `loader_bench_${tag}_${process.pid}_${Date.now()}`;
    await admin.unsafe(`create database ${name}`);
    const url = withDatabase(serverUrl, name);
    await runMigrations(url);
    const db = createDb(url, { max: 2 });
    const [row] = await db.sql<{ id: number }[]>`
      insert into etl.connections (kind, name, app_key, app_secret_enc, access_token_enc, refresh_token_enc,
        access_token_expires_at)
      values ('seller', 'bench', 'app', 'x', 'x', 'x', now() + interval '7 days') returning id`;
    const s = { db, connectionId: row!.id, name };
    scratches.push(s);
    return s;
  };
  try {
    const [prod, full, steps] = [await scratch('loader'), await scratch('full'), await scratch('steps')];
    const orders = makeSellerOrders(lineCount, 42);
    const pages = toPages(orders, pageOrders);
    const changed = toPages(settleOrders(orders, 0.1, 7), pageOrders);
    const rawBytes = Math.round(
      orders.slice(0, 200).reduce((n, o) => n + JSON.stringify(o).length, 0) / Math.min(200, orders.length),
    );
    log(
      `loader bench: ${lineCount} lines in ${orders.length} orders (${rawBytes} B avg order raw), ` +
        `${pages.length} pages of ${pageOrders} orders, load ${loadAvg()}`,
    );
    const copies = await Promise.all(TABLES.map(([, table]) => copyTwin(prod.db.sql, table)));
    const copyBlock = async (block: readonly BenchPage[]) => {
      let ms = 0;
      for (const [i, [name]] of TABLES.entries()) {
        const rows = block.flatMap((p) => withRawApart(withOrderColumns(p.rows))[name] ?? []);
        ms += await copies[i]!.copy(rows);
      }
      return ms;
    };
    const rate = (n: number, ms: number) => (n / ms) * 1000;

    const phase = async (
      label: string,
      data: readonly BenchPage[],
      runId: number,
      contenders: Contender[],
    ) => {
      for (const copy of copies) await copy.truncate();
      const ms = new Map<string, number>([['copy', 0]]);
      const counts = new Map<string, Counts>();
      const turns: Contender[] = [
        {
          name: 'copy',
          load: async (block) => ({
            ms: await copyBlock(block),
            counts: { inserted: 0, updated: 0, unchanged: 0 },
          }),
        },
        ...contenders,
      ];
      for (let start = 0, n = 0; start < data.length; start += blockPages, n += 1) {
        const block = data.slice(start, start + blockPages);
        // Whoever runs right after another's writes pays for them (dirty buffers, WAL): the order of
        // the turns rotates from block to block, so each takes every position equally often.
        for (let k = 0; k < turns.length; k += 1) {
          const turn = turns[(k + n) % turns.length]!;
          const result = await turn.load(block, runId);
          ms.set(turn.name, (ms.get(turn.name) ?? 0) + result.ms);
          if (turn.name !== 'copy') counts.set(turn.name, addCounts(counts.get(turn.name), result.counts));
        }
      }
      const lines = data.reduce((n, p) => n + p.lines, 0);
      log(`${label}: COPY ${fmt(rate(lines, ms.get('copy')!))} lines/s, load ${loadAvg()}`);
      for (const contender of contenders) {
        log(
          `  ${contender.name.padEnd(12)} ${fmt(rate(lines, ms.get(contender.name)!))} lines/s ` +
            `(${(ms.get('copy')! / ms.get(contender.name)!).toFixed(2)}x COPY) ${JSON.stringify(counts.get(contender.name) ?? {})}`,
        );
      }
      return { ms, counts, lines };
    };

    const stepMs = new Map<string, number>();
    const loader = (s: Scratch, name: string, fullRefresh: boolean): Contender => ({
      name,
      load: (block, runId) => timeCommits(s, block, runId, fullRefresh),
    });
    const timed = (label: string): Contender => ({
      name: 'steps',
      load: (block, runId) => timeSteps(steps, block, runId, label, stepMs),
    });
    const contenders = (label: string) => [
      loader(prod, 'loader', false),
      loader(full, 'full_refresh', true),
      timed(label),
    ];
    const runIds = await Promise.all(scratches.map((s) => openRuns(s, 3)));
    if (new Set(runIds.map((ids) => ids.join())).size !== 1) throw new Error('scratch run ids differ');
    const [r1, r2, r3] = runIds[0]!;
    const first = await phase('first load', pages, r1!, contenders('first'));
    const reload10 = await phase('10 % changed', changed, r2!, contenders('changed10'));
    const same = await phase('unchanged', changed, r3!, contenders('unchanged'));
    const totalRows = pages.reduce((n, p) => n + p.lines + (p.rows['sellerOrders']?.length ?? 0), 0);
    for (const name of ['loader', 'full_refresh', 'steps']) {
      const a = first.counts.get(name);
      const b = same.counts.get(name);
      if (a?.inserted !== totalRows || b?.unchanged !== totalRows) {
        throw new Error(`${name} counts wrong: ${JSON.stringify([a, b])}, expected ${totalRows}`);
      }
    }

    await full.db.sql`truncate tiktok_affiliate.seller_order_skus, tiktok_affiliate.seller_orders,
      tiktok_affiliate.seller_order_raw`;
    const drizzleBatch = opts.drizzleBatch ?? 1_000;
    const drizzle = await phase(
      'drizzle batches (first load, first quarter)',
      pages.slice(0, Math.max(1, Math.floor(pages.length / 4))),
      r1!,
      [{ name: 'drizzle', load: (block, runId) => timeDrizzle(full.db, block, drizzleBatch, runId) }],
    );
    const vsCopy = (p: { ms: Map<string, number> }, name: string) => p.ms.get('copy')! / p.ms.get(name)!;
    const speedup = (p: { ms: Map<string, number> }) => p.ms.get('full_refresh')! / p.ms.get('loader')!;
    const round = (x: number) => Math.round(x * 1000) / 1000;
    const perPage = Object.fromEntries(
      ['first', 'unchanged'].flatMap((label) =>
        STEPS.map((step) => [
          `step_${label}_${step}_ms`,
          Math.round(((stepMs.get(`${label}:${step}`) ?? 0) / pages.length) * 100) / 100,
        ]),
      ),
    );
    return {
      first_load_vs_copy: round(vsCopy(first, 'loader')),
      changed10_reload_vs_copy: round(vsCopy(reload10, 'loader')),
      unchanged_reload_vs_copy: round(vsCopy(same, 'loader')),
      vs_drizzle_batch: round(vsCopy(first, 'loader') / vsCopy(drizzle, 'drizzle')),
      full_refresh_first_load_vs_copy: round(vsCopy(first, 'full_refresh')),
      full_refresh_changed10_reload_vs_copy: round(vsCopy(reload10, 'full_refresh')),
      full_refresh_unchanged_reload_vs_copy: round(vsCopy(same, 'full_refresh')),
      row_hash_changed10_speedup: round(speedup(reload10)),
      row_hash_unchanged_speedup: round(speedup(same)),
      copy_lines_per_s: Math.round(rate(first.lines, first.ms.get('copy')!)),
      loader_first_lines_per_s: Math.round(rate(first.lines, first.ms.get('loader')!)),
      loader_unchanged_lines_per_s: Math.round(rate(same.lines, same.ms.get('loader')!)),
      // Orders and lines: what bench/steady.bench.ts divides re-read rows by.
      loader_unchanged_rows_per_s: Math.round(rate(totalRows, same.ms.get('loader')!)),
      full_refresh_unchanged_lines_per_s: Math.round(rate(same.lines, same.ms.get('full_refresh')!)),
      drizzle_lines_per_s: Math.round(rate(drizzle.lines, drizzle.ms.get('drizzle')!)),
      ...perPage,
      lines: first.lines,
      orders: orders.length,
      pages: pages.length,
      load_average_1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    };
  } finally {
    for (const s of scratches) await s.db.close();
    for (const s of scratches) await admin.unsafe(`drop database if exists ${s.name} with (force)`);
    await admin.end();
  }
}

/** `n` runs of the scratch's connection (the same ids in every scratch: each starts empty). */
async function openRuns(s: Scratch, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const [row] = await s.db.sql<{ id: string }[]>`
      insert into etl.sync_runs (connection_id, stream, trigger) values (${s.connectionId}, ${STREAM}, 'cli') returning id`;
    ids.push(Number(row!.id));
  }
  return ids;
}

function pageCommit(s: Scratch, page: BenchPage, runId: number, fullRefresh: boolean): PageCommit {
  return {
    runId,
    connectionId: s.connectionId,
    stream: STREAM,
    scope: 'bench',
    rows: page.rows,
    rejected: [],
    checkpoint: { watermark: null, cursor: { page: runId } },
    snapshot: false,
    ...(fullRefresh ? { fullRefresh: true } : {}),
  };
}

/** The production path: one commitPage per page. */
async function timeCommits(s: Scratch, pages: readonly BenchPage[], runId: number, fullRefresh: boolean) {
  const counts: Counts = { inserted: 0, updated: 0, unchanged: 0 };
  const started = performance.now();
  for (const page of pages) {
    const result = await commitPage(s.db, pageCommit(s, page, runId, fullRefresh));
    counts.inserted += result.inserted;
    counts.updated += result.updated;
    counts.unchanged += result.unchanged;
  }
  return { ms: performance.now() - started, counts };
}

/**
 * The steps of commit-page.ts (happy path, no rejected records), each timed: what every page pays for
 * each of them. Kept in the order of writePage; its total is checked against the loader's in the log.
 */
async function timeSteps(
  s: Scratch,
  pages: readonly BenchPage[],
  runId: number,
  label: string,
  stepMs: Map<string, number>,
) {
  const add = (step: string, ms: number) =>
    stepMs.set(`${label}:${step}`, (stepMs.get(`${label}:${step}`) ?? 0) + ms);
  const counts: Counts = { inserted: 0, updated: 0, unchanged: 0 };
  let total = 0;
  for (const page of pages) {
    // Not part of the page's time: the partition function as it would run without the cache.
    const months = pageMonths(page.rows);
    let t = performance.now();
    await s.db.sql`select etl.ensure_order_partitions(${months}::date[])`;
    add('ensure_uncached', performance.now() - t);
    const started = performance.now();
    const rows: TableRows = withRawApart(withOrderColumns(page.rows));
    t = performance.now();
    await ensureOrderPartitions(s.db.sql, months);
    add('ensure', performance.now() - t);
    const commit = pageCommit(s, page, runId, false);
    await s.db.sql.begin(async (tx) => {
      const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
        const t0 = performance.now();
        const out = await fn();
        add(name, performance.now() - t0);
        return out;
      };
      await step('moved', () => removeMovedOrders(tx, rows));
      for (const [name, table] of TABLES) {
        const r = await step('upsert', () => upsertRows(tx, table, rows[name] ?? [], { runId }));
        // As commitPage counts: an order's side row is counted with its order, not apart.
        if (name === 'sellerOrderRaw') continue;
        counts.inserted += r.inserted;
        counts.updated += r.updated;
        counts.unchanged += r.unchanged;
      }
      await step('vanished', () => removeVanishedOrderLines(tx, rows));
      await step('creators', () =>
        noteCreators(tx, { rows, connectionId: s.connectionId, runId: commit.runId }),
      );
      await step('checkpoint', () =>
        saveCheckpoint(
          tx,
          { connectionId: s.connectionId, stream: STREAM, scope: commit.scope },
          commit.checkpoint!,
        ),
      );
      t = performance.now();
    });
    add('commit', performance.now() - t);
    total += performance.now() - started;
  }
  return { ms: total, counts };
}

/** The idiomatic drizzle upsert: values() + onConflictDoUpdate(set every business column from excluded). */
async function timeDrizzle(db: Db, pages: readonly BenchPage[], batch: number, runId: number) {
  const started = performance.now();
  let inserted = 0;
  for (const page of pages) {
    const rows = withRawApart(withOrderColumns(page.rows));
    for (const [name, table] of TABLES) {
      const shape = tableShape(table);
      const columns = table as unknown as Record<string, unknown>;
      const set = Object.fromEntries(shape.business.map((c) => [c.name, dsql.raw(`excluded."${c.name}"`)]));
      const target = shape.primaryKey.map((k) => columns[k]) as never;
      const all = rows[name] ?? [];
      for (let i = 0; i < all.length; i += batch) {
        const values = all.slice(i, i + batch).map((r) => ({ ...r, run_id: runId }));
        await db.db
          .insert(table)
          .values(values as never)
          .onConflictDoUpdate({ target, set });
        inserted += values.length;
      }
    }
  }
  return { ms: performance.now() - started, counts: { inserted, updated: 0, unchanged: 0 } };
}

function addCounts(a: Counts | undefined, b: Counts): Counts {
  return {
    inserted: (a?.inserted ?? 0) + b.inserted,
    updated: (a?.updated ?? 0) + b.updated,
    unchanged: (a?.unchanged ?? 0) + b.unchanged,
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function loadAvg(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = process.argv[2] ? Number(process.argv[2]) : undefined;
  const result = await runLoaderBench({ ...(rows ? { rows } : {}) });
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'loader.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}
