/**
 * Loader benchmark (issue 4): rows/s of the bulk upsert against raw COPY on the same Postgres, in one run.
 *
 * Rows: ~200,000 realistic seller order lines (tiktok_affiliate.seller_order_skus, ~40 columns, raw jsonb
 * of ~2 KB). Figures, each a ratio measured in the same run:
 *   first_load_vs_copy        loader first load / COPY into an unlogged table of the same definition
 *   changed10_reload_vs_copy  loader re-load with 10 % of the rows changed / COPY
 *   unchanged_reload_vs_copy  loader re-load of identical rows / COPY
 *   vs_drizzle_batch          loader first load / drizzle insert().onConflictDoUpdate() in 1,000-row batches
 *   copy_rows_per_s           the baseline itself
 *   row_hash_*                the same figures on a twin of the table with a loader-owned row_hash column
 *                             (src/load/row-hash.ts: only rows whose hash changed are shipped)
 * The loader works page by page as a sync does: one transaction per `pageRows` rows.
 *
 * Standalone: `npx tsx bench/loader.bench.ts [rows]` (DATABASE_URL or the dev Postgres), writes
 * bench/results/loader.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql as dsql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { createDb, type Db } from '../src/load/db.ts';
import { runMigrations } from '../src/load/migrate.ts';
import { sellerOrderSkus } from '../src/load/schema/index.ts';
import { tableShape } from '../src/load/table-shape.ts';
import { upsertRows } from '../src/load/upsert.ts';
import { copyTwin } from './loader-copy.ts';
import { hashedTwin } from './loader-twin.ts';
import { makeSellerLines, mutateLines } from './loader-data.ts';

export interface LoaderBenchOptions {
  /** Server URL; a scratch database is created on it and dropped afterwards. */
  databaseUrl?: string;
  rows?: number;
  pageRows?: number;
  drizzleBatch?: number;
  /** Rows per interleaving block (each contender and COPY take turns per block). */
  blockRows?: number;
  log?: (line: string) => void;
}

export interface LoaderBenchResult {
  first_load_vs_copy: number;
  changed10_reload_vs_copy: number;
  unchanged_reload_vs_copy: number;
  vs_drizzle_batch: number;
  copy_rows_per_s: number;
  [figure: string]: number;
}

const DEV_URL = 'postgres://postgres@127.0.0.1:55432/postgres';

export async function runLoaderBench(opts: LoaderBenchOptions = {}): Promise<LoaderBenchResult> {
  const serverUrl = opts.databaseUrl ?? process.env.DATABASE_URL ?? DEV_URL;
  const total = opts.rows ?? 200_000;
  const pageRows = opts.pageRows ?? 1_000;
  const blockRows = Math.max(pageRows, opts.blockRows ?? 10_000);
  const log = opts.log ?? ((line: string) => console.log(line));
  const dbName = `loader_bench_${process.pid}_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const url = withDatabase(serverUrl, dbName);
  let db: Db | null = null;
  try {
    await runMigrations(url);
    db = createDb(url, { max: 2 });
    const rows = makeSellerLines(total, 42);
    const rate = (n: number, ms: number) => (n / ms) * 1000;
    log(`loader bench: ${total} rows, ${avgRawBytes(rows)} B avg raw, pages of ${pageRows}`);

    const twin = hashedTwin(sellerOrderSkus, 'loader_bench');
    for (const statement of twin.ddl) await db.sql.unsafe(statement);
    const copy = await copyTwin(db.sql, sellerOrderSkus);
    const changed = mutateLines(rows, 0.1, 7);
    const drizzleBatch = opts.drizzleBatch ?? 1_000;

    // The machine may be shared: every contender runs block by block, interleaved with a COPY of the
    // same block, so each ratio compares times taken under the same conditions.
    const phase = async (
      label: string,
      data: Record<string, unknown>[],
      runId: number,
      contenders: Contender[],
    ) => {
      await copy.truncate();
      const ms = new Map<string, number>([['copy', 0]]);
      const counts = new Map<string, Counts>();
      for (let start = 0; start < data.length; start += blockRows) {
        const block = data.slice(start, start + blockRows);
        ms.set('copy', ms.get('copy')! + (await copy.copy(block)));
        for (const contender of contenders) {
          const result = await contender.load(block, runId);
          ms.set(contender.name, (ms.get(contender.name) ?? 0) + result.ms);
          counts.set(contender.name, addCounts(counts.get(contender.name), result.counts));
        }
      }
      log(`${label}: COPY ${fmt(rate(data.length, ms.get('copy')!))} rows/s`);
      for (const contender of contenders) {
        log(
          `  ${contender.name.padEnd(8)} ${fmt(rate(data.length, ms.get(contender.name)!))} rows/s ` +
            `(${(ms.get('copy')! / ms.get(contender.name)!).toFixed(2)}x COPY) ${JSON.stringify(counts.get(contender.name) ?? {})}`,
        );
      }
      return { ms, counts };
    };
    const loader = (table: PgTable, name: string): Contender => ({
      name,
      load: (block, runId) => timeLoad(db!, table, block, pageRows, runId),
    });
    const contenders = [loader(sellerOrderSkus, 'loader'), loader(twin.table, 'row_hash')];
    const first = await phase('first load', rows, 1, contenders);
    const reload10 = await phase('10 % changed', changed, 2, contenders);
    const same = await phase('unchanged', changed, 3, contenders);
    for (const name of ['loader', 'row_hash']) {
      if (first.counts.get(name)?.inserted !== total || same.counts.get(name)?.unchanged !== total) {
        throw new Error(
          `${name} counts wrong: ${JSON.stringify([first.counts.get(name), same.counts.get(name)])}`,
        );
      }
    }
    await db.sql`truncate tiktok_affiliate.seller_order_skus`;
    const drizzle = await phase('drizzle batches (first load)', rows, 1, [
      { name: 'drizzle', load: (block) => timeDrizzle(db!, block, drizzleBatch) },
    ]);
    const vsCopy = (p: { ms: Map<string, number> }, name: string) => p.ms.get('copy')! / p.ms.get(name)!;
    // Normalized by their own interleaved COPY: drizzle and the loader ran in different phases.
    const vsDrizzle = (name: string) => vsCopy(first, name) / vsCopy(drizzle, 'drizzle');
    return {
      first_load_vs_copy: vsCopy(first, 'loader'),
      changed10_reload_vs_copy: vsCopy(reload10, 'loader'),
      unchanged_reload_vs_copy: vsCopy(same, 'loader'),
      vs_drizzle_batch: vsDrizzle('loader'),
      copy_rows_per_s: Math.round(rate(total, first.ms.get('copy')!)),
      row_hash_first_load_vs_copy: vsCopy(first, 'row_hash'),
      row_hash_changed10_reload_vs_copy: vsCopy(reload10, 'row_hash'),
      row_hash_unchanged_reload_vs_copy: vsCopy(same, 'row_hash'),
      row_hash_vs_drizzle_batch: vsDrizzle('row_hash'),
      loader_first_rows_per_s: Math.round(rate(total, first.ms.get('loader')!)),
      loader_unchanged_rows_per_s: Math.round(rate(total, same.ms.get('loader')!)),
      drizzle_rows_per_s: Math.round(rate(total, drizzle.ms.get('drizzle')!)),
      rows: total,
    };
  } finally {
    await db?.close();
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

interface Counts {
  inserted: number;
  updated: number;
  unchanged: number;
}

interface Contender {
  name: string;
  load(block: Record<string, unknown>[], runId: number): Promise<{ ms: number; counts: Counts }>;
}

function addCounts(a: Counts | undefined, b: Counts): Counts {
  return {
    inserted: (a?.inserted ?? 0) + b.inserted,
    updated: (a?.updated ?? 0) + b.updated,
    unchanged: (a?.unchanged ?? 0) + b.unchanged,
  };
}

async function timeLoad(
  db: Db,
  table: PgTable,
  rows: Record<string, unknown>[],
  pageRows: number,
  runId: number,
) {
  const counts: Counts = { inserted: 0, updated: 0, unchanged: 0 };
  const started = performance.now();
  for (let i = 0; i < rows.length; i += pageRows) {
    const page = rows.slice(i, i + pageRows);
    const result = await db.sql.begin((tx) => upsertRows(tx, table, page, { runId }));
    counts.inserted += result.inserted;
    counts.updated += result.updated;
    counts.unchanged += result.unchanged;
  }
  return { ms: performance.now() - started, counts };
}

/** The idiomatic drizzle upsert: values() + onConflictDoUpdate(set every business column from excluded). */
async function timeDrizzle(
  db: Db,
  rows: Record<string, unknown>[],
  batch: number,
): Promise<{ ms: number; counts: Counts }> {
  const shape = tableShape(sellerOrderSkus);
  const columns = sellerOrderSkus as unknown as Record<string, unknown>;
  const set = Object.fromEntries(shape.business.map((c) => [c.name, dsql.raw(`excluded."${c.name}"`)]));
  const target = shape.primaryKey.map((k) => columns[k]) as never;
  const started = performance.now();
  for (let i = 0; i < rows.length; i += batch) {
    const values = rows.slice(i, i + batch).map((r) => ({ ...r, run_id: 1 }));
    await db.db
      .insert(sellerOrderSkus)
      .values(values as never)
      .onConflictDoUpdate({ target, set });
  }
  return { ms: performance.now() - started, counts: { inserted: rows.length, updated: 0, unchanged: 0 } };
}

function avgRawBytes(rows: Record<string, unknown>[]): number {
  const sample = rows.slice(0, 200);
  return Math.round(
    sample.reduce((n, r) => n + JSON.stringify(r.raw).length, 0) / Math.max(1, sample.length),
  );
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
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
