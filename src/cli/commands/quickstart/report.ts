/**
 * What the quick start prints once the data is in: rows per analytics table, the freshness view
 * (tiktok_affiliate.stream_freshness), and the example queries with their first rows. Only
 * documented tables and views are read, and never a secret column.
 */
import type { Sql } from '../../../load/db.ts';
import { formatInstant, formatRelative } from '../../common/format.ts';
import { type Cell, renderTable } from '../../common/table.ts';
import { EXAMPLE_QUERIES, type ExampleQuery } from './queries.ts';

export interface TableCount {
  table: string;
  rows: number;
  /** Rows not tombstoned, for snapshot tables (those with is_active); null otherwise. */
  active: number | null;
}

export async function countRows(sql: Sql): Promise<TableCount[]> {
  const tables = await sql<{ table_name: string; snapshot: boolean }[]>`
    select t.table_name, exists (
      select 1 from information_schema.columns c
      where c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = 'is_active'
    ) as snapshot
    from information_schema.tables t
    where t.table_schema = 'tiktok_affiliate' and t.table_type = 'BASE TABLE'
      -- Month partitions of the order tables are counted with their parent table.
      and not exists (select from pg_inherits i
        where i.inhrelid = format('%I.%I', t.table_schema, t.table_name)::regclass)
    order by t.table_name`;
  if (tables.length === 0) return [];
  const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const literal = (name: string) => `'${name.replaceAll("'", "''")}'`;
  const union = tables
    .map(
      (t) =>
        `select ${literal(t.table_name)} as table_name, count(*)::int as rows, ` +
        `${t.snapshot ? 'count(*) filter (where is_active)::int' : 'null::int'} as active ` +
        `from tiktok_affiliate.${ident(t.table_name)}`,
    )
    .join(' union all ');
  const rows = await sql.unsafe<{ table_name: string; rows: number; active: number | null }[]>(union);
  const byName = new Map(rows.map((r) => [r.table_name, r]));
  return tables.map((t) => {
    const r = byName.get(t.table_name);
    return { table: `tiktok_affiliate.${t.table_name}`, rows: r?.rows ?? 0, active: r?.active ?? null };
  });
}

export function renderCounts(counts: readonly TableCount[], plain: boolean): string {
  return renderTable(
    ['table', 'rows', 'active'],
    counts.map((c) => [c.table, c.rows, c.active]),
    { plain, numeric: [1, 2] },
  );
}

export interface FreshnessRow {
  connection_id: number;
  connection_kind: string;
  stream: string;
  last_run_status: string | null;
  last_success_at: Date | null;
  newest_business_time: Date | null;
  newest_business_time_column: string;
  last_error_class: string | null;
}

export async function readFreshness(sql: Sql): Promise<FreshnessRow[]> {
  return sql.begin(async (tx) => {
    // The view's correlated per-owner subqueries give it a planner cost in the millions, so Postgres
    // JIT-compiles it: ~4 s of compiling for a ~20 ms query (measured on the medium dataset).
    await tx`set local jit = off`;
    return tx<FreshnessRow[]>`
      select connection_id, connection_kind, stream, last_run_status, last_success_at,
        newest_business_time, newest_business_time_column, last_error_class
      from tiktok_affiliate.stream_freshness
      order by connection_id, stream`;
  }) as Promise<FreshnessRow[]>;
}

export function renderFreshness(rows: readonly FreshnessRow[], now: Date, plain: boolean): string {
  return renderTable(
    ['conn', 'kind', 'stream', 'last run', 'last success', 'newest business time', 'of column', 'last error'],
    rows.map((r) => [
      r.connection_id,
      r.connection_kind,
      r.stream,
      r.last_run_status ?? 'never run',
      formatRelative(r.last_success_at, now),
      formatInstant(r.newest_business_time),
      r.newest_business_time_column,
      r.last_error_class,
    ]),
    { plain, numeric: [0] },
  );
}

export interface ExampleResult {
  query: ExampleQuery;
  columns: string[];
  rows: Cell[][];
}

export async function runExamples(sql: Sql): Promise<ExampleResult[]> {
  const out: ExampleResult[] = [];
  for (const query of EXAMPLE_QUERIES) {
    const result = await sql.unsafe<Record<string, unknown>[]>(query.sql);
    const columns = result.columns.map((c) => c.name);
    out.push({ query, columns, rows: result.map((row) => columns.map((c) => cell(row[c]))) });
  }
  return out;
}

export function renderExamples(results: readonly ExampleResult[], plain: boolean): string {
  return results
    .map((r, i) => {
      const sqlText = r.query.sql
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n');
      const table = r.rows.length > 0 ? renderTable(r.columns, r.rows, { plain }) : '(no rows)\n';
      return `${i + 1}. ${r.query.title}\n\n${sqlText}\n\n${table}`;
    })
    .join('\n');
}

/** Query values as table cells: decimals stay the exact strings Postgres sent (never floats). */
function cell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : formatInstant(value);
  }
  if (typeof value === 'number' || typeof value === 'string') return value;
  return JSON.stringify(value);
}
