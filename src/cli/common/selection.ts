/**
 * Which (connection, stream) pairs a `sync` or `backfill` covers. Pure: given the connections and
 * the schedule rows, the operator's filters resolve to a list of pairs or to a usage error that says
 * what exists ("all enabled streams of all enabled connections by default").
 *
 * A connection that needs re-authorization is never quietly left out: its pairs come back as
 * `blocked`, which the command reports and counts as not synced (exit 1). A connection or a schedule
 * an operator disabled is a decision, not a fault: it is listed in `disabled` and costs no exit code.
 */
import { type ConnectionKind, STREAM_KIND, STREAMS, type StreamName } from '../../core/streams.ts';

export interface SelectableConnection {
  id: number;
  kind: ConnectionKind;
  status: string;
  /** Why the status was set (e.g. the API error that revoked the token); shown to the operator. */
  statusReason?: string | null;
  /** When the row last changed: for a connection awaiting re-authorization, when it was marked. */
  updatedAt?: Date | null;
}

export interface StreamSwitch {
  connectionId: number;
  stream: StreamName;
  enabled: boolean;
}

export interface SyncPair {
  connectionId: number;
  stream: StreamName;
}

/** A selected pair that cannot run because its connection needs re-authorization. */
export interface BlockedPair extends SyncPair {
  since: Date | null;
  reason: string | null;
}

/** Something an operator switched off: listed, never an error. */
export interface DisabledItem {
  connectionId: number;
  /** null: the whole connection is disabled. */
  stream: StreamName | null;
  reason: string | null;
}

export interface Selection {
  pairs: SyncPair[];
  /** Selected but not runnable: each one makes the command exit 1. */
  blocked: BlockedPair[];
  /** Left out by an operator's decision (disabled connection or schedule). */
  disabled: DisabledItem[];
}

export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

export function selectSyncs(
  connections: readonly SelectableConnection[],
  switches: readonly StreamSwitch[],
  filter: { connectionIds: readonly number[]; streams: readonly StreamName[] },
): Selection {
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
  const explicitStreams = filter.streams.length > 0;
  const chosen = explicitConnections ? filter.connectionIds.map((id) => known.get(id)!) : [...connections];
  const streamsOf = (c: SelectableConnection) =>
    STREAMS.filter((s) => STREAM_KIND[s] === c.kind && (!explicitStreams || filter.streams.includes(s)));
  const switchedOff = new Set(switches.filter((s) => !s.enabled).map((s) => `${s.connectionId}/${s.stream}`));
  const pairs: SyncPair[] = [];
  const blocked: BlockedPair[] = [];
  const disabled: DisabledItem[] = [];
  for (const c of chosen) {
    if (c.status === 'disabled') {
      // Asking for a disabled connection by id is a contradiction the operator should resolve.
      if (explicitConnections)
        throw new SelectionError(
          `Connection ${c.id} is disabled; enable it first: affiliate-etl connections enable ${c.id}.`,
        );
      disabled.push({ connectionId: c.id, stream: null, reason: c.statusReason ?? null });
      continue;
    }
    if (c.status !== 'active') {
      // reauth_required (or any state this release does not know): selected, and it will not sync.
      for (const stream of streamsOf(c))
        blocked.push({
          connectionId: c.id,
          stream,
          since: c.updatedAt ?? null,
          reason: c.statusReason ?? null,
        });
      continue;
    }
    for (const stream of streamsOf(c)) {
      if (!explicitStreams && switchedOff.has(`${c.id}/${stream}`)) {
        disabled.push({ connectionId: c.id, stream, reason: 'its schedule is disabled' });
        continue;
      }
      pairs.push({ connectionId: c.id, stream });
    }
  }
  if (pairs.length === 0 && blocked.length === 0 && disabled.length === 0) {
    if (explicitStreams) {
      const kinds = [...new Set(filter.streams.map((s) => STREAM_KIND[s]))].join(' or ');
      throw new SelectionError(
        `No ${explicitConnections ? 'selected ' : ''}active connection feeds ${filter.streams.join(', ')} (it needs a ${kinds} connection).`,
      );
    }
    if (connections.length === 0)
      throw new SelectionError(
        'There are no connections yet: add one with `affiliate-etl connections add seller|creator|partner ...`.',
      );
  }
  return { pairs, blocked, disabled };
}
