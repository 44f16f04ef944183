/**
 * Which (connection, stream) pairs a `sync` or `backfill` covers. Pure: given the connections and
 * the schedule rows, the operator's filters resolve to a list of pairs or to a usage error that says
 * what exists (CLI.md: "all enabled streams of all enabled connections by default").
 */
import { type ConnectionKind, STREAM_KIND, STREAMS, type StreamName } from '../../core/streams.ts';

export interface SelectableConnection {
  id: number;
  kind: ConnectionKind;
  status: string;
}

export interface StreamSwitch {
  connectionId: number;
  stream: StreamName;
  enabled: boolean;
}

export interface Selection {
  pairs: { connectionId: number; stream: StreamName }[];
  /** Why some defaults were left out (shown to the operator, not an error). */
  notes: string[];
}

export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

export function selectSyncs(
  connections: readonly SelectableConnection[],
  switches: readonly StreamSwitch[],
  filter: { connectionIds: readonly number[]; streams: readonly StreamName[] },
): Selection {
  const notes: string[] = [];
  const known = new Map(connections.map((c) => [c.id, c]));
  for (const id of filter.connectionIds) {
    if (!known.has(id)) {
      const ids = connections.map((c) => c.id).join(', ') || 'none yet';
      throw new SelectionError(
        `There is no connection ${id} (connections: ${ids}); see \`affiliate-etl connections list\`.`,
      );
    }
  }
  const explicitConnections = filter.connectionIds.length > 0;
  const chosen = explicitConnections ? filter.connectionIds.map((id) => known.get(id)!) : [...connections];
  const usable = chosen.filter((c) => {
    if (c.status === 'active') return true;
    const why = c.status === 'reauth_required' ? 'needs re-authorization' : `is ${c.status}`;
    if (explicitConnections) {
      const fix =
        c.status === 'disabled'
          ? `enable it first: affiliate-etl connections enable ${c.id}`
          : 'have the owner authorize the app again, then run `affiliate-etl connections add` with the new auth code';
      throw new SelectionError(`Connection ${c.id} ${why}; ${fix}.`);
    }
    notes.push(`connection ${c.id} skipped: ${why}`);
    return false;
  });
  const disabled = new Set(switches.filter((s) => !s.enabled).map((s) => `${s.connectionId}/${s.stream}`));
  const explicitStreams = filter.streams.length > 0;
  const pairs: Selection['pairs'] = [];
  for (const c of usable) {
    for (const stream of STREAMS) {
      if (STREAM_KIND[stream] !== c.kind) continue;
      if (explicitStreams && !filter.streams.includes(stream)) continue;
      if (!explicitStreams && disabled.has(`${c.id}/${stream}`)) {
        notes.push(`connection ${c.id} ${stream} skipped: its schedule is disabled`);
        continue;
      }
      pairs.push({ connectionId: c.id, stream });
    }
  }
  if (pairs.length === 0) {
    if (explicitStreams) {
      const kinds = [...new Set(filter.streams.map((s) => STREAM_KIND[s]))].join(' or ');
      throw new SelectionError(
        `No ${explicitConnections ? 'selected ' : ''}active connection feeds ${filter.streams.join(', ')} (it needs a ${kinds} connection).`,
      );
    }
    throw new SelectionError(
      connections.length === 0
        ? 'There are no connections yet: add one with `affiliate-etl connections add seller|creator|partner ...`.'
        : 'Nothing to sync: every selected connection is disabled or needs re-authorization.',
    );
  }
  return { pairs, notes };
}
