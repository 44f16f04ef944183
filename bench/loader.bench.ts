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
import { copyBaseline } from './loader-copy.ts';
import { hashedTwin } from './loader-twin.ts';
import { makeSellerLines, mutateLines } from './loader-data.ts';

export interface LoaderBenchOptions {
  /** Server URL; a scratch database is created on it and dropped afterwards. */
  databaseUrl?: string;
  rows?: number;
  pageRows?: number;
  drizzleBatch?: number;
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

    const copyMs = await copyBaseline(db.sql, rows);
    const copyRate = rate(total, copyMs);
    log(`COPY into unlogged twin: ${fmt(copyRate)} rows/s`);

    const changed = mutateLines(rows, 0.1, 7);
    const phases = async (table: PgTable, label: string) => {
      const first = await timeLoad(db!, table, rows, pageRows, 1);
      log(`${label} first load:       ${fmt(rate(total, first.ms))} rows/s ${JSON.stringify(first.counts)}`);
      const reload10 = await timeLoad(db!, table, changed, pageRows, 2);
      log(`${label} 10 % changed:     ${fmt(rate(total, reload10.ms))} rows/s ${JSON.stringify(reload10.counts)}`);
      const same = await timeLoad(db!, table, changed, pageRows, 3);
      log(`${label} unchanged reload: ${fmt(rate(total, same.ms))} rows/s ${JSON.stringify(same.counts)}`);
      if (first.counts.inserted !== total || same.counts.unchanged !== total) {
        throw new Error(`loader counts wrong: ${JSON.stringify({ first: first.counts, same: same.counts })}`);
      }
      return { first, reload10, same };
    };
    const plain = await phases(sellerOrderSkus, 'loader');
    const twin = hashedTwin(sellerOrderSkus, 'loader_bench');
    for (const statement of twin.ddl) await db.sql.unsafe(statement);
    const hashed = await phases(twin.table, 'row_hash');

    await db.sql`truncate tiktok_affiliate.seller_order_skus`;
    const drizzleMs = await timeDrizzle(db, rows, opts.drizzleBatch ?? 1_000);
    log(`drizzle batches:   ${fmt(rate(total, drizzleMs))} rows/s`);
    return {
      first_load_vs_copy: copyMs / plain.first.ms,
      changed10_reload_vs_copy: copyMs / plain.reload10.ms,
      unchanged_reload_vs_copy: copyMs / plain.same.ms,
      vs_drizzle_batch: drizzleMs / plain.first.ms,
      copy_rows_per_s: Math.round(copyRate),
      row_hash_first_load_vs_copy: copyMs / hashed.first.ms,
      row_hash_changed10_reload_vs_copy: copyMs / hashed.reload10.ms,
      row_hash_unchanged_reload_vs_copy: copyMs / hashed.same.ms,
      row_hash_vs_drizzle_batch: drizzleMs / hashed.first.ms,
      loader_first_rows_per_s: Math.round(rate(total, plain.first.ms)),
      loader_unchanged_rows_per_s: Math.round(rate(total, plain.same.ms)),
      drizzle_rows_per_s: Math.round(rate(total, drizzleMs)),
      rows: total,
    };
  } finally {
    await db?.close();
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

async function timeLoad(db: Db, table: PgTable, rows: Record<string, unknown>[], pageRows: number, runId: number) {
  const counts = { inserted: 0, updated: 0, unchanged: 0 };
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
async function timeDrizzle(db: Db, rows: Record<string, unknown>[], batch: number): Promise<number> {
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
  return performance.now() - started;
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
