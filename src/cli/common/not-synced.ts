/**
 * What a `sync` or `backfill` did NOT run, said plainly after its table: pairs blocked because their
 * connection needs re-authorization (each one an error, with what to do), and what an operator
 * disabled (listed so nothing disappears from view, but not an error).
 */
import { formatInstant } from './format.ts';
import type { BlockedPair, DisabledItem } from './selection.ts';

export const REAUTH_REMEDY =
  'have the account owner authorize the app again, then run `affiliate-etl connections add` with the new auth code';

export function renderNotSynced(blocked: readonly BlockedPair[], disabled: readonly DisabledItem[]): string {
  const lines: string[] = [];
  if (blocked.length > 0) {
    lines.push(`Not synced (${blocked.length}): the connection needs re-authorization:`);
    const byConnection = new Map<number, BlockedPair[]>();
    for (const b of blocked)
      byConnection.set(b.connectionId, [...(byConnection.get(b.connectionId) ?? []), b]);
    for (const [id, pairs] of byConnection) {
      const first = pairs[0]!;
      const since = first.since ? ` since ${formatInstant(first.since)}` : '';
      const because = first.reason ? `, because ${first.reason}` : '';
      lines.push(
        `  connection ${id} ${pairs.map((p) => p.stream).join(', ')}: needs re-authorization${since}${because}`,
      );
    }
    lines.push(`    What to do: ${REAUTH_REMEDY}.`);
  }
  if (disabled.length > 0) {
    lines.push(`Disabled by an operator, not synced (not an error):`);
    for (const d of disabled) {
      const what = d.stream === null ? 'the connection is disabled' : d.stream;
      lines.push(
        `  connection ${d.connectionId} ${what}${d.reason && d.stream === null ? ` (${d.reason})` : d.reason ? `: ${d.reason}` : ''}`,
      );
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
