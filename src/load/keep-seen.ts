/**
 * The completeness rule of snapshot streams, loader side: a record the run rejected but whose key it
 * could read still EXISTS upstream, so its stored rows are counted as seen by the run
 * (`last_seen_run_id = runId`) with their values untouched, and the snapshot's tombstone pass leaves
 * them active. Without this, one hostile record (a 2 MB field, a drifted type) would mark a live row
 * removed. Rows already removed stay removed: a rejected record cannot vouch for the stored values.
 *
 * Runs in the page's transaction, after the upserts; only snapshot tables are touched (order tables
 * have no tombstones: a rejected order is simply not in the page, so its stored rows are not written).
 */
import type postgres from 'postgres';
import type { RejectedRecord } from '../transform/types.ts';
import type { Queryable } from './queryable.ts';
import { quoteIdent, tableShape } from './table-shape.ts';
import { tableByName } from './tables.ts';

export class KeepSeenError extends Error {
  override name = 'KeepSeenError';
}

/** Marks the stored rows of the rejected records with a known key as seen; returns how many rows. */
export async function keepRejectedSeen(
  sql: Queryable,
  rejected: readonly RejectedRecord[],
  runId: number,
): Promise<number> {
  // Group by table and key columns: one statement per group, however many records.
  const groups = new Map<string, { table: string; columns: string[]; keys: Record<string, string>[] }>();
  for (const r of rejected) {
    if (!r.stored) continue;
    const columns = Object.keys(r.stored.key).sort();
    if (columns.length === 0) continue;
    for (const table of r.stored.tables) {
      const id = `${table}\u0000${columns.join(',')}`;
      const group = groups.get(id) ?? { table, columns, keys: [] };
      group.keys.push(r.stored.key);
      groups.set(id, group);
    }
  }
  let touched = 0;
  for (const { table, columns, keys } of groups.values()) {
    const shape = tableShape(tableByName(table));
    if (!shape.snapshot) continue;
    const known = new Set(shape.payload.map((c) => c.name));
    const unknown = columns.filter((c) => !known.has(c));
    // A key column the table lacks would match nothing and silently drop the rule: a programming error.
    if (unknown.length > 0) throw new KeepSeenError(`${shape.name} has no column(s) ${unknown.join(', ')}`);
    const types = new Map(shape.payload.map((c) => [c.name, c.sqlType.replace(/\(.*\)/, '')]));
    const args = columns.map((c, i) => `$${i + 2}::${types.get(c)}[]`).join(', ');
    const aliases = columns.map((_, i) => `k${i}`);
    const join = columns.map((c, i) => `t.${quoteIdent(c)} = k.${aliases[i]}`).join(' and ');
    const text =
      `update ${shape.qualified} t set "last_seen_run_id" = $1::bigint ` +
      `from unnest(${args}) as k(${aliases.join(', ')}) ` +
      `where ${join} and t."is_active" and t."last_seen_run_id" is distinct from $1::bigint`;
    const params = [runId, ...columns.map((c) => keys.map((k) => k[c]))];
    // Unnamed, so planned against the table's current size each time (as touchSeen in row-hash.ts).
    const result = await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: false });
    touched += result.count;
  }
  return touched;
}
