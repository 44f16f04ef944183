/**
 * Tombstones of snapshot streams: after a COMPLETE snapshot of a scope, its rows that the run did
 * not see are marked `is_active = false, removed_at = now()`. Rows are never deleted: analysts keep
 * the history. The caller guarantees completeness (SnapshotCompleteness below); a partial snapshot
 * must never call this (it would hide rows that still exist).
 */
import type { PgTable } from 'drizzle-orm/pg-core';
import type { RejectedRecord } from '../transform/types.ts';
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

/**
 * Whether a snapshot run saw all of a scope, given the records it rejected. A rejected record whose
 * key was read is counted as seen by the loader (keep-seen.ts), so it does not break completeness.
 * A rejected record whose key could NOT be read may be any stored row: the scope it came from is
 * incomplete and tombstones nothing this run. The scope of a record is its batch's scope for a
 * column the batch names (a saved search's products), else the whole owner (every batch of an
 * owner-scoped table may hold any of its rows: a campaign without a readable id also hides its
 * products). A parent the walk could not fan out from (a campaign or product without a readable id:
 * its children were never asked for) counts the same way: the scope of its batch is incomplete.
 */
export class SnapshotCompleteness {
  private unkeyedTotal = 0;
  private keyedTotal = 0;
  private skippedTotal = 0;
  /** column -> value -> parents skipped in batches of that scope. */
  private readonly skippedByScope = new Map<string, Map<string, number>>();
  /** column -> value -> rejected records without a readable key in batches of that scope. */
  private readonly unkeyedByScope = new Map<string, Map<string, number>>();

  observe(
    batchScope: Readonly<Record<string, string>>,
    rejected: readonly RejectedRecord[],
    skippedParents = 0,
  ): void {
    for (const r of rejected) {
      // `stored` absent or null: no stored row can be vouched for, so the key counts as unknown.
      if (r.stored) {
        this.keyedTotal += 1;
        continue;
      }
      this.unkeyedTotal += 1;
      countIn(this.unkeyedByScope, batchScope, 1);
    }
    if (skippedParents > 0) {
      this.skippedTotal += skippedParents;
      countIn(this.skippedByScope, batchScope, skippedParents);
    }
  }

  /**
   * Rejected records without a readable key that make the tombstone of `column = value` unsafe
   * (0: it may run). `ownerScoped`: the column is the owner's (shop_id, partner_id, creator_id).
   */
  unkeyedIn(column: string, value: string, ownerScoped: boolean): number {
    if (ownerScoped) return this.unkeyedTotal;
    return this.unkeyedByScope.get(column)?.get(value) ?? 0;
  }

  /** Parents skipped (children never read) that make the tombstone of `column = value` unsafe. */
  skippedParentsIn(column: string, value: string, ownerScoped: boolean): number {
    if (ownerScoped) return this.skippedTotal;
    return this.skippedByScope.get(column)?.get(value) ?? 0;
  }

  /** Rejected records kept seen (known key), rejected records without a readable key, skipped parents. */
  totals(): { keptSeen: number; unkeyed: number; skippedParents?: number } {
    return {
      keptSeen: this.keyedTotal,
      unkeyed: this.unkeyedTotal,
      ...(this.skippedTotal > 0 ? { skippedParents: this.skippedTotal } : {}),
    };
  }
}

function countIn(
  counts: Map<string, Map<string, number>>,
  scope: Readonly<Record<string, string>>,
  n: number,
): void {
  for (const [column, value] of Object.entries(scope)) {
    const byValue = counts.get(column) ?? new Map<string, number>();
    byValue.set(value, (byValue.get(value) ?? 0) + n);
    counts.set(column, byValue);
  }
}
