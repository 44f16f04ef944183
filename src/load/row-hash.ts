/**
 * Fast path of the upsert for tables that carry a loader-owned `row_hash` column: a digest of the
 * row as the normalizer produced it, computed here.
 *
 * Before shipping a page, the loader fetches the stored hashes of the page's keys (a few bytes per
 * row) and sends only rows whose hash differs. A re-sync of unchanged data then costs one indexed
 * key lookup per row instead of shipping and parsing ~2 KB of raw jsonb per row (issue 4: unchanged
 * re-load target). The hash only decides what to SHIP: shipped rows still go through the exact
 * server-side IS DISTINCT FROM comparison, so a hash that differs for equal content (e.g. "9900"
 * vs "9900.0000") costs time, never a wrong count or a spurious update.
 *
 * Every table the pipeline upserts has the column (issue 16): most pages a sync reads are unchanged
 * (settlement re-scans of open orders, complete snapshots), and skipping them is what the column buys
 * (bench/loader.bench.ts: row_hash_unchanged_speedup on the partitioned order tables, full commit path).
 * What it relies on, and what covers each way it could go wrong:
 * - Every stored row's hash describes content the pipeline wrote: a change from the API always hashes
 *   differently and is shipped, whatever the stored hash (missing, stale, or of older content).
 * - The warehouse is written by the pipeline alone (analysts read it). A row changed by hand keeps
 *   a hash of what the pipeline wrote, so a normal sync does not see the change; the repair mode
 *   (`sync --full-refresh`, upsert.ts fullRefresh) ships every row and overwrites what differs.
 * - A migration that rewrites stored business values in SQL must set row_hash to null for those rows
 *   (null means "ship once"): rows stored before the column existed are null and are shipped once.
 */
import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import { HASH_COLUMN, quoteIdent, type TableShape } from './table-shape.ts';
import type { Queryable } from './queryable.ts';

/**
 * 128-bit digest (base64url, 22 chars) of a row's JSON as serialized for shipping: its values in
 * the table's column order, so equal rows hash alike whatever key order the normalizer used. A table
 * change (new column) changes every hash: each row is then shipped once more and the server-side
 * comparison decides whether it really changed.
 */
export function hashRowJson(json: string): string {
  return createHash('sha1').update(json).digest('base64url').slice(0, 22);
}

export interface StoredHash {
  hash: string | null;
  active: boolean;
}

const prefetchSql = new WeakMap<TableShape, string>();

/** $1..$n: the primary key columns as arrays, one element per row (rows numbered from 1). */
export function storedHashesSql(shape: TableShape): string {
  const hit = prefetchSql.get(shape);
  if (hit) return hit;
  const keys = shape.primaryKey.map((k) => shape.payload.find((c) => c.name === k)!);
  const args = keys.map((c, i) => `$${i + 1}::${arrayType(c.sqlType)}`).join(', ');
  const aliases = keys.map((_, i) => `k${i}`);
  const join = keys.map((c, i) => `t.${quoteIdent(c.name)} = k.${aliases[i]}`).join(' and ');
  const active = shape.snapshot ? 't."is_active"' : 'true';
  // One primary-key probe per key (lateral + limit 1), never a join the planner could turn into a
  // scan of the whole table (see the `changed` step of upsert-sql.ts).
  const text =
    `select k.n::int as n, t.hash, t.active from unnest(${args}) with ordinality as k(${aliases.join(', ')}, n) ` +
    `cross join lateral (select t.${quoteIdent(HASH_COLUMN)} as hash, ${active} as active from ${shape.qualified} t where ${join} limit 1) t`;
  prefetchSql.set(shape, text);
  return text;
}

/** Stored row_hash (and liveness) of the given rows' keys, by position in `rows`; absent keys are missing. */
export async function storedHashes(
  sql: Queryable,
  shape: TableShape,
  rows: readonly Record<string, unknown>[],
): Promise<Map<number, StoredHash>> {
  const text = storedHashesSql(shape);
  const params = shape.primaryKey.map((k) => rows.map((r) => keyValue(r[k])));
  const found = await sql.unsafe<{ n: number; hash: string | null; active: boolean }[]>(
    text,
    params as postgres.ParameterOrJSON<never>[],
    // Never made while pages hold only new rows (upsert.ts onlyNewRows): prepared, like the upsert then.
    { prepare: true },
  );
  return new Map(found.map((f) => [f.n - 1, { hash: f.hash, active: f.active }]));
}

const refreshSql = new WeakMap<TableShape, string>();

/**
 * After the upsert, every shipped row's stored content equals what was shipped (written, or found
 * not distinct), so its stored hash becomes the shipped one. Only rows the upsert left untouched can
 * differ (shipped for a stale or missing hash, or by `fullRefresh`): refreshed here, not an update
 * (synced_at and run_id stay). `hashes[i]` belongs to `rows[i]`. Returns how many hashes changed.
 */
export async function refreshHashes(
  sql: Queryable,
  shape: TableShape,
  rows: readonly Record<string, unknown>[],
  hashes: readonly string[],
): Promise<number> {
  if (!shape.hasRowHash || rows.length === 0) return 0;
  let text = refreshSql.get(shape);
  if (!text) {
    const keys = shape.primaryKey.map((k) => shape.payload.find((c) => c.name === k)!);
    const args = keys.map((c, i) => `$${i + 2}::${arrayType(c.sqlType)}`).join(', ');
    const aliases = keys.map((_, i) => `k${i}`);
    const join = keys.map((c, i) => `t.${quoteIdent(c.name)} = k.${aliases[i]}`).join(' and ');
    const hash = quoteIdent(HASH_COLUMN);
    text =
      `update ${shape.qualified} t set ${hash} = k.h from unnest($1::text[], ${args}) as k(h, ${aliases.join(', ')}) ` +
      `where ${join} and t.${hash} is distinct from k.h`;
    refreshSql.set(shape, text);
  }
  const params = [hashes, ...shape.primaryKey.map((k) => rows.map((r) => keyValue(r[k])))];
  // Unnamed, like touchSeen: planned for these keys against the table's current size every time.
  const result = await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: false });
  return result.count;
}

const touchSql = new WeakMap<TableShape, string>();

/**
 * Snapshot tables: every row of the page is observed by this run (last_seen_run_id), changed or not.
 * Rows the upsert just wrote already carry the stamp and are skipped; the count is the unchanged rows.
 */
export async function touchSeen(
  sql: Queryable,
  shape: TableShape,
  rows: readonly Record<string, unknown>[],
  runId: number | null,
): Promise<number> {
  if (!shape.snapshot || rows.length === 0) return 0;
  let text = touchSql.get(shape);
  if (!text) {
    const keys = shape.primaryKey.map((k) => shape.payload.find((c) => c.name === k)!);
    const args = keys.map((c, i) => `$${i + 2}::${arrayType(c.sqlType)}`).join(', ');
    const aliases = keys.map((_, i) => `k${i}`);
    const join = keys.map((c, i) => `t.${quoteIdent(c.name)} = k.${aliases[i]}`).join(' and ');
    text =
      `update ${shape.qualified} t set "last_seen_run_id" = $1::bigint from unnest(${args}) as k(${aliases.join(', ')}) ` +
      `where ${join} and t."is_active" and t."last_seen_run_id" is distinct from $1::bigint`;
    touchSql.set(shape, text);
  }
  const params = [runId, ...shape.primaryKey.map((k) => rows.map((r) => keyValue(r[k])))];
  // Unnamed, so planned for these keys against the table's current size every time: a join cached
  // as a generic plan while the table was empty would scan the whole table forever after
  // (test/integration/load/plans.test.ts). Planning this small statement costs a fraction of a ms.
  const result = await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: false });
  return result.count;
}

/** `numeric(20, 4)` -> `numeric[]`, `timestamp with time zone` -> `timestamp with time zone[]`. */
function arrayType(sqlType: string): string {
  return `${sqlType.replace(/\(.*\)/, '')}[]`;
}

function keyValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'bigint' ? value.toString() : value;
}
