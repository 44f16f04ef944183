/**
 * Generic bulk upsert of one page's rows into any drizzle table (CONTRIBUTING.md#the-schema-is-the-source-of-truth, 9).
 *
 * - Duplicates inside the batch (same primary key) are collapsed first, last one wins: Postgres
 *   refuses to touch the same row twice in one INSERT .. ON CONFLICT.
 * - Unchanged rows (no business column IS DISTINCT FROM the stored one) are skipped: they keep
 *   synced_at / run_id, so running a sync twice changes nothing (docs/architecture.md#invariant-1-idempotent-runs).
 * - Snapshot tables: every row seen gets last_seen_run_id = runId even when unchanged. That is an
 *   observation, not a change, so it is NOT counted as an update (it is reported as `touched`).
 * - first_seen_at is written on insert only.
 * - Tables with a loader-owned `row_hash` column (every table the pipeline upserts) take a faster
 *   path (row-hash.ts): only rows whose stored hash differs are shipped at all; `fullRefresh` ships
 *   every row again. Measured by bench/loader.bench.ts (loader_* against full_refresh_* figures).
 */
import type { PgTable } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import type { Queryable } from './queryable.ts';
import type { UpsertCounts } from './types.ts';
import { hashRowJson, refreshHashes, type StoredHash, storedHashes, touchSeen } from './row-hash.ts';
import {
  BOOKKEEPING,
  HASH_COLUMN,
  SNAPSHOT_BOOKKEEPING,
  tableShape,
  type TableShape,
} from './table-shape.ts';
import { upsertStatement } from './upsert-sql.ts';

export type { Queryable } from './queryable.ts';

export interface UpsertOptions {
  /** etl.sync_runs.id stamped on changed rows (and last_seen_run_id of snapshot rows). */
  runId: number | null;
  /** synced_at / first_seen_at of written rows; default: the transaction's now(). */
  syncedAt?: Date;
  /** Rows per statement; larger inputs are split (bounded memory per statement). Default 5,000. */
  maxRowsPerStatement?: number;
  /**
   * Repair mode (`sync --full-refresh`): tables with a row_hash ship every row, whatever its stored
   * hash says, so the exact server-side comparison finds and overwrites a row changed outside the
   * pipeline (the hash still describes what the pipeline wrote) and stale hashes are rewritten.
   */
  fullRefresh?: boolean;
}

export interface UpsertResult extends UpsertCounts {
  /** Snapshot rows whose last_seen_run_id was bumped without a content change. */
  touched: number;
}

export class UpsertInputError extends Error {
  override name = 'UpsertInputError';
}

const LOADER_OWNED = new Set<string>([...BOOKKEEPING, ...SNAPSHOT_BOOKKEEPING, HASH_COLUMN]);

export async function upsertRows(
  sql: Queryable,
  table: PgTable,
  rows: readonly Record<string, unknown>[],
  opts: UpsertOptions,
): Promise<UpsertResult> {
  const result: UpsertResult = { inserted: 0, updated: 0, unchanged: 0, touched: 0 };
  if (rows.length === 0) return result;
  const shape = tableShape(table);
  const unique = dedupeByKey(shape, rows);
  const statement = upsertStatement(shape);
  const size = Math.max(1, opts.maxRowsPerStatement ?? 5_000);
  for (let start = 0; start < unique.length; start += size) {
    const chunk = unique.slice(start, start + size);
    const counts = shape.hasRowHash
      ? await upsertHashed(sql, shape, chunk, opts)
      : await runStatement(
          sql,
          shape,
          statement.text,
          chunk.map((row) => rowJson(shape, row)),
          opts,
        );
    result.inserted += counts.inserted;
    result.updated += counts.updated;
    result.unchanged += chunk.length - counts.inserted - counts.updated;
    // Snapshot tables: every row seen is stamped with the run; the changed ones already are.
    if (shape.snapshot) result.touched += await touchSeen(sql, shape, chunk, opts.runId);
  }
  return result;
}

type StatementCounts = { inserted: number; updated: number };

/**
 * Whether the upsert of `shape` may be prepared (named, so Postgres may cache a generic plan for it):
 * not for a partitioned order table while its pages hold only new rows (a backfill filling months).
 * A generic plan fixes, partition by partition, the index each key probe uses, from that partition's
 * size when the plan was made; a month partition created empty (the loader creates each month as its
 * first page arrives, migrate three months ahead) is planned with whatever index ties first, often
 * one on shop_id alone, and the plan is kept while the backfill fills that month (no DDL, and no
 * ANALYZE until autovacuum gets to it): every probe then read the shop's whole month, and a backfill
 * slowed down page after page (bench/probe-plans.ts: 40,000 lines in 88-134 s, against 22-24 s
 * unnamed). Unnamed, it is planned for each page against the partitions as they are, which costs
 * ~2 ms a page over 8 partitions and ~7 ms over 29 (measured with EXPLAIN (SUMMARY)): a price not
 * paid once pages hold known rows again (re-scans of stored months, whose statistics autovacuum
 * keeps and whose ANALYZE invalidates the cached plan). test/integration/load/plans.test.ts.
 */
function planOnce(shape: TableShape): boolean {
  return !(shape.partitioned && onlyNewRows.get(shape) === true);
}

/**
 * One parameter carries the whole batch; Postgres caps a jsonb value at 256 MB and a huge parameter
 * costs memory on both sides, so a batch of unusually large rows is split by size as well.
 */
const MAX_BATCH_CHARS = 32 * 1024 * 1024;

async function runStatement(
  sql: Queryable,
  shape: TableShape,
  text: string,
  rowsJson: readonly string[],
  opts: UpsertOptions,
): Promise<StatementCounts> {
  const total: StatementCounts = { inserted: 0, updated: 0 };
  let start = 0;
  while (start < rowsJson.length) {
    let end = start;
    let chars = 0;
    while (end < rowsJson.length && (end === start || chars + rowsJson[end]!.length + 1 <= MAX_BATCH_CHARS)) {
      chars += rowsJson[end]!.length + 1;
      end += 1;
    }
    const batch = rowsJson.slice(start, end).join('\n');
    const params = [batch, opts.runId, opts.syncedAt ?? null] as postgres.ParameterOrJSON<never>[];
    const [counts] = await sql.unsafe<StatementCounts[]>(text, params, { prepare: planOnce(shape) });
    total.inserted += counts?.inserted ?? 0;
    total.updated += counts?.updated ?? 0;
    start = end;
  }
  return total;
}

/**
 * Per table, whether the last page was made only of new rows. While pages keep inserting only
 * (a first load, a backfill of new windows), the stored-hash lookup cannot save anything, so it is
 * skipped and every row is shipped; as soon as the server reports unchanged rows again, lookups
 * resume. Shipping a row is always correct (the server compares), so this only ever affects speed.
 */
const onlyNewRows = new WeakMap<TableShape, boolean>();

/**
 * Whether the last page upserted into `table` (a table with a row_hash) held only new rows: then
 * the next page most likely does too (a backfill), and look-ups of stored rows are not worth making.
 */
export function lastPageOnlyNew(table: PgTable): boolean {
  return onlyNewRows.get(tableShape(table)) === true;
}

/** row-hash.ts: ship only rows whose stored hash differs (or that are new or tombstoned). */
async function upsertHashed(
  sql: Queryable,
  shape: TableShape,
  rows: readonly Record<string, unknown>[],
  opts: UpsertOptions,
): Promise<StatementCounts> {
  // The row's own JSON is both what is hashed and what is shipped: serialized once. row_hash
  // travels as the last position (upsert-sql.ts reads it after the payload columns).
  const withHash = (row: Record<string, unknown>) => {
    const json = rowJson(shape, row);
    const hash = hashRowJson(json);
    return { row, hash, shipped: `${json.slice(0, -1)},"${hash}"]` };
  };
  const lookup = !(opts.fullRefresh || onlyNewRows.get(shape));
  const stored = lookup ? await storedHashes(sql, shape, rows) : new Map<number, StoredHash>();
  const ship: ReturnType<typeof withHash>[] = [];
  /** Shipped rows that may already be stored: their hash is refreshed if the upsert left them as is. */
  const known: ReturnType<typeof withHash>[] = [];
  rows.forEach((row, i) => {
    const hit = stored.get(i);
    const item = withHash(row);
    if (hit?.active && hit.hash === item.hash) return;
    ship.push(item);
    if (hit || !lookup) known.push(item);
  });
  const counts = await runStatement(
    sql,
    shape,
    upsertStatement(shape).text,
    ship.map((s) => s.shipped),
    opts,
  );
  if (counts.inserted + counts.updated < ship.length && known.length > 0) {
    await refreshHashes(
      sql,
      shape,
      known.map((k) => k.row),
      known.map((k) => k.hash),
    );
  }
  onlyNewRows.set(shape, stored.size === 0 && counts.inserted === rows.length);
  return counts;
}

/** Checks every row against the table and keeps the last row of each primary key, in first-seen order. */
function dedupeByKey(shape: TableShape, rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const allowed = new Set(shape.payload.map((c) => c.name));
  const byKey = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (allowed.has(key)) continue;
      const why = LOADER_OWNED.has(key) ? 'is owned by the loader' : 'is not a column of the table';
      throw new UpsertInputError(`${shape.schema}.${shape.name}: row field "${key}" ${why}`);
    }
    const keyValues = shape.primaryKey.map((k) => row[k]);
    const missing = shape.primaryKey.filter((_, i) => keyValues[i] === null || keyValues[i] === undefined);
    if (missing.length > 0) {
      throw new UpsertInputError(
        `${shape.schema}.${shape.name}: row without primary key [${missing.join(', ')}]`,
      );
    }
    const key = JSON.stringify(keyValues);
    // delete + set moves a repeated key to the end: order does not matter to SQL, only "last wins".
    byKey.delete(key);
    byKey.set(key, row);
  }
  return [...byKey.values()];
}

const NUL_ESCAPE = '\\u0000';

/**
 * JSON for Postgres. Postgres text and jsonb cannot hold U+0000, so a NUL in any string becomes
 * U+FFFD instead of failing the whole page; bigint values travel as strings.
 */
export function toJson(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    json = JSON.stringify(value, safeReplacer);
  }
  return json.includes(NUL_ESCAPE) ? JSON.stringify(value, safeReplacer) : json;
}

/** One row as a JSON array of its values in the table's payload order (what upsert-sql.ts reads). */
export function rowJson(shape: TableShape, row: Record<string, unknown>): string {
  return toJson(shape.payload.map((c) => row[c.name] ?? null));
}

/** A batch of objects as one JSON array document (json_to_recordset input, e.g. quarantine). */
export function serialize(rows: readonly Record<string, unknown>[]): string {
  return toJson(rows);
}

function safeReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' && value.includes('\u0000')) return value.replaceAll('\u0000', '\uFFFD');
  return value;
}
