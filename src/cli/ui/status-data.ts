/**
 * What `affiliate-etl status` shows, gathered in one place: per connection x stream the last run
 * (etl.sync_runs), freshness (tiktok_affiliate.stream_freshness), stream health (etl.sync_state)
 * and the next scheduled run (BullMQ Job Schedulers, when Redis is reachable).
 */
import type { Config } from '../../config.ts';
import { STREAMS, type StreamName } from '../../core/streams.ts';
import { listCheckpoints } from '../../load/checkpoints.ts';
import type { Sql } from '../../load/db.ts';
import { lastRuns, type RunRecord } from '../../load/runs.ts';
import { type NextRuns, nextRunKey, readNextRuns } from './next-runs.ts';

export interface StreamStatus {
  connectionId: number;
  connectionName: string;
  connectionKind: string;
  connectionStatus: string;
  stream: StreamName;
  lastRun: RunRecord | null;
  lastSuccessAt: Date | null;
  newestBusinessTime: Date | null;
  newestBusinessColumn: string | null;
  /** Worst health over the stream's scopes: ok < failing < blocked. */
  health: 'ok' | 'failing' | 'blocked' | 'never run';
  healthError: { errorClass: string | null; errorMessage: string | null } | null;
  nextRunAt: Date | null;
}

export interface StatusReport {
  now: Date;
  rows: StreamStatus[];
  nextRuns: Pick<NextRuns, 'available' | 'reason'>;
}

interface FreshnessRow {
  connection_id: number;
  connection_name: string;
  connection_kind: string;
  connection_status: string;
  stream: StreamName;
  last_success_at: Date | null;
  newest_business_time: Date | null;
  newest_business_time_column: string | null;
}

const RANK = { ok: 0, failing: 1, blocked: 2 } as const;

export async function gatherStatus(
  sql: Sql,
  config: Readonly<Config>,
  filter: { connectionIds: readonly number[]; streams: readonly StreamName[] },
): Promise<StatusReport> {
  const [freshness, runs, states, nextRuns, [clock]] = await Promise.all([
    sql<FreshnessRow[]>`
      select connection_id, connection_name, connection_kind, connection_status, stream, last_success_at,
        newest_business_time, newest_business_time_column
      from tiktok_affiliate.stream_freshness order by connection_id, stream`,
    lastRuns(sql),
    listCheckpoints(sql),
    readNextRuns(config),
    sql<{ now: Date }[]>`select now() as now`,
  ]);
  const runByKey = new Map(runs.map((r) => [nextRunKey(r.connectionId, r.stream), r]));
  const health = new Map<
    string,
    { status: 'ok' | 'failing' | 'blocked'; errorClass: string | null; errorMessage: string | null }
  >();
  for (const s of states) {
    const key = nextRunKey(s.connectionId, s.stream);
    const prev = health.get(key);
    if (!prev || RANK[s.status] > RANK[prev.status])
      health.set(key, { status: s.status, errorClass: s.errorClass, errorMessage: s.errorMessage });
  }
  const rows: StreamStatus[] = [];
  for (const f of freshness) {
    if (filter.connectionIds.length > 0 && !filter.connectionIds.includes(f.connection_id)) continue;
    if (filter.streams.length > 0 && !filter.streams.includes(f.stream)) continue;
    const key = nextRunKey(f.connection_id, f.stream);
    const h = health.get(key);
    const next = nextRuns.next.get(key);
    const lastRun = runByKey.get(key) ?? null;
    rows.push({
      connectionId: f.connection_id,
      connectionName: f.connection_name,
      connectionKind: f.connection_kind,
      connectionStatus: f.connection_status,
      stream: f.stream,
      lastRun,
      lastSuccessAt: f.last_success_at,
      newestBusinessTime: f.newest_business_time,
      newestBusinessColumn: f.newest_business_time_column,
      health: h ? h.status : lastRun ? (lastRun.status === 'failed' ? 'failing' : 'ok') : 'never run',
      healthError: h && h.status !== 'ok' ? { errorClass: h.errorClass, errorMessage: h.errorMessage } : null,
      nextRunAt: next === undefined ? null : new Date(next),
    });
  }
  rows.sort(
    (a, b) => a.connectionId - b.connectionId || STREAMS.indexOf(a.stream) - STREAMS.indexOf(b.stream),
  );
  return {
    now: clock?.now ?? new Date(),
    rows,
    nextRuns: { available: nextRuns.available, reason: nextRuns.reason },
  };
}
