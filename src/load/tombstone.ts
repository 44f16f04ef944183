/**
 * Tombstones of snapshot streams (ARCHITECTURE.md "Snapshot streams"): after a COMPLETE snapshot of a
 * scope, its rows that the run did not see are marked `is_active = false, removed_at = now()`.
 * Rows are never deleted: analysts keep the history. The caller guarantees completeness; a partial
 * snapshot must never call this (it would hide rows that still exist).
 */
import type { PgTable } from 'drizzle-orm/pg-core';
import { tableByName } from './tables.ts';
import { quoteIdent, tableShape } from './table-shape.ts';
import type { Queryable } from './queryable.ts';

export interface TombstoneInput {
  /** A drizzle table or its export name in src/load/schema (e.g. 'openCollaborations'). */
  table: PgTable | string;
  /** Column = value pairs that delimit the snapshot, e.g. { shop_id } or { partner_id, campaign_id }. */
  scope: Record<string, string>;
  /** The run whose snapshot just completed (rows it saw carry last_seen_run_id = runId). */
  runId: number;
}

export class TombstoneError extends Error {
  override name = 'TombstoneError';
}

/** Returns the number of rows newly marked removed (0 on a repeat: already-removed rows are left as they are). */
export async function tombstoneScope(sql: Queryable, input: TombstoneInput): Promise<number> {
  const table = typeof input.table === 'string' ? tableByName(input.table) : input.table;
  const shape = tableShape(table);
  if (!shape.snapshot) throw new TombstoneError(`${shape.schema}.${shape.name} is not a snapshot table`);
  const entries = Object.entries(input.scope);
  // An empty scope would tombstone every owner's rows: refuse rather than guess.
  if (entries.length === 0) throw new TombstoneError(`tombstone of ${shape.name} needs a non-empty scope`);
  const columns = new Set([...shape.primaryKey, ...shape.business.map((c) => c.name)]);
  for (const [column] of entries) {
    if (!columns.has(column)) throw new TombstoneError(`${shape.name} has no column "${column}" to scope by`);
  }
  const where = entries.map(([column], i) => `${quoteIdent(column)} = $${i + 2}`).join(' and ');
  const result = await sql.unsafe(
    `update ${shape.qualified} set "is_active" = false, "removed_at" = now(), "synced_at" = now(), "run_id" = $1
     where ${where} and "is_active" and "last_seen_run_id" is distinct from $1`,
    [input.runId, ...entries.map(([, value]) => value)],
  );
  return result.count;
}
