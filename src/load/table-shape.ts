/**
 * What the loader needs to know about a drizzle table, read from the table itself (CONTRIBUTING.md#conventions
 * guideline 8: the update list comes from the table's own columns, so a new column can never be
 * silently skipped).
 */
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { PARTITIONED_ORDER_TABLES } from './schema/order-partitions.ts';

/** Loader-owned columns of every analytics table (docs/warehouse.md#tables); never compared, never sent by a normalizer. */
export const BOOKKEEPING = ['first_seen_at', 'synced_at', 'run_id'] as const;
/** Loader-owned columns of snapshot tables (docs/architecture.md#snapshot-streams). */
export const SNAPSHOT_BOOKKEEPING = ['is_active', 'removed_at', 'last_seen_run_id'] as const;
/** Optional loader-owned digest of the business columns (row-hash.ts). */
export const HASH_COLUMN = 'row_hash';

export interface ColumnShape {
  name: string;
  /** SQL type as declared, e.g. `numeric(20, 4)`, `timestamp with time zone`, `text[]`. */
  sqlType: string;
  notNull: boolean;
}

export interface TableShape {
  schema: string;
  name: string;
  /** `"schema"."name"`, quoted. */
  qualified: string;
  primaryKey: string[];
  /**
   * What identifies a record to a person: the primary key without the partition key (create_time is
   * in the order tables' keys only because Postgres requires it of a partitioned table).
   */
  grain: string[];
  /** Every column except the primary key and the bookkeeping ones: what "content" means. */
  business: ColumnShape[];
  /** Primary key columns first, then business columns: what a row carries. */
  payload: ColumnShape[];
  /** Has last_seen_run_id / is_active / removed_at. */
  snapshot: boolean;
  hasBookkeeping: boolean;
  /** Has a `row_hash` text column: the upsert ships only rows whose hash changed. */
  hasRowHash: boolean;
  /**
   * Range-partitioned (the order tables, schema/order-partitions.ts: drizzle cannot declare it). An
   * INSERT into a partitioned table cannot return system columns (xmax), which upsert-sql.ts needs to
   * know.
   */
  partitioned: boolean;
}

const PARTITIONED = new Set<string>(PARTITIONED_ORDER_TABLES.map((t) => `tiktok_affiliate.${t}`));
const PARTITION_KEY = 'create_time';

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const cache = new WeakMap<PgTable, TableShape>();

export function tableShape(table: PgTable): TableShape {
  const hit = cache.get(table);
  if (hit) return hit;
  const config = getTableConfig(table);
  const schema = config.schema ?? 'public';
  const columns: ColumnShape[] = config.columns.map((c) => ({
    name: c.name,
    sqlType: c.getSQLType(),
    notNull: c.notNull,
  }));
  const composite = config.primaryKeys[0]?.columns.map((c) => c.name);
  const primaryKey = composite ?? config.columns.filter((c) => c.primary).map((c) => c.name);
  if (primaryKey.length === 0) throw new Error(`table ${schema}.${config.name} has no primary key`);
  const names = new Set(columns.map((c) => c.name));
  const owned = new Set<string>([...BOOKKEEPING, ...SNAPSHOT_BOOKKEEPING, HASH_COLUMN]);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const shape: TableShape = {
    schema,
    name: config.name,
    qualified: `${quoteIdent(schema)}.${quoteIdent(config.name)}`,
    primaryKey,
    grain: PARTITIONED.has(`${schema}.${config.name}`)
      ? primaryKey.filter((k) => k !== PARTITION_KEY)
      : primaryKey,
    business: columns.filter((c) => !primaryKey.includes(c.name) && !owned.has(c.name)),
    payload: [
      ...primaryKey.map((n) => byName.get(n)!),
      ...columns.filter((c) => !primaryKey.includes(c.name) && !owned.has(c.name)),
    ],
    snapshot: SNAPSHOT_BOOKKEEPING.every((n) => names.has(n)),
    hasBookkeeping: BOOKKEEPING.every((n) => names.has(n)),
    hasRowHash: byName.get(HASH_COLUMN)?.sqlType === 'text',
    partitioned: PARTITIONED.has(`${schema}.${config.name}`),
  };
  cache.set(table, shape);
  return shape;
}
