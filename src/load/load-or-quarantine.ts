/**
 * Second net behind the normalizers (docs/architecture.md#invariant-6-bad-records-are-quarantined): when Postgres refuses a value of
 * a page (a number out of range, a bad timestamp, a NULL in a NOT NULL column...), commit-page.ts
 * replays the page's transaction in careful mode, loading rows one by one under savepoints; the rows
 * Postgres refuses become quarantine records with the database's reason, and the rest of the page
 * loads. Without this, one bad value would fail the page on every retry and block the stream. The
 * happy path pays nothing for it (no savepoints).
 *
 * Limitation (documented): a refused parent row does not take its children with it; the normalizers
 * already reject whole orders, this path only catches what they could not foresee.
 */
import type { PgTable } from 'drizzle-orm/pg-core';
import type postgres from 'postgres';
import type { RejectedRecord } from '../transform/types.ts';
import { tableShape } from './table-shape.ts';
import { type UpsertOptions, type UpsertResult, upsertRows } from './upsert.ts';

/** SQLSTATEs that mean "this value cannot be stored": data exceptions, NOT NULL and CHECK violations. */
export function isRowDataError(error: unknown): error is postgres.PostgresError {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code === '23502' || code === '23514');
}

export async function upsertRowByRow(
  tx: postgres.TransactionSql,
  table: PgTable,
  rows: readonly Record<string, unknown>[],
  opts: UpsertOptions,
  /** Export name of `table`: a refused row of a snapshot table keeps its stored row seen (keep-seen.ts). */
  tableName?: string,
): Promise<{ counts: UpsertResult; rejected: RejectedRecord[] }> {
  const shape = tableShape(table);
  const counts: UpsertResult = { inserted: 0, updated: 0, unchanged: 0, touched: 0 };
  const rejected: RejectedRecord[] = [];
  for (const row of rows) {
    try {
      const one = await tx.savepoint((sp) => upsertRows(sp, table, [row], opts));
      counts.inserted += one.inserted;
      counts.updated += one.updated;
      counts.unchanged += one.unchanged;
      counts.touched += one.touched;
    } catch (error) {
      if (!isRowDataError(error)) throw error;
      const rejection: RejectedRecord = {
        reason: `load_error:${error.code}`,
        detail: `${shape.schema}.${shape.name}: ${error.message}${error.column_name ? ` (column ${error.column_name})` : ''}`,
        raw: row,
        recordKey: shape.grain.map((k) => String(row[k] ?? '')).join('/'),
      };
      // The upsert already refused rows without a full primary key, so the stored row's key is known.
      if (shape.snapshot && tableName) {
        const key = Object.fromEntries(shape.primaryKey.map((k) => [k, String(row[k])]));
        rejection.stored = { tables: [tableName], key };
      }
      rejected.push(rejection);
    }
  }
  return { counts, rejected };
}
