/**
 * What `affiliate-etl status` shows, gathered in one place: per connection x stream the last run
 * (etl.sync_runs), freshness (tiktok_affiliate.stream_freshness), stream health (etl.sync_state),
 * the next scheduled run (etl.schedule_dispatch), and the schedule's backlog per stream (the runs
 * waiting in the queue are read when Redis is reachable).
 */
import type { Config } from '../../config.ts';
import { STREAMS, type StreamName } from '../../core/streams.ts';
import { DEFAULT_EVERY_MS } from '../../jobs/deps.ts';
import { traceStateFromCursor } from '../../jobs/settlement-trace.ts';
import { RereadRecord } from '../../jobs/windowed-sync.ts';
import { listCheckpoints } from '../../load/checkpoints.ts';
import { listConnections } from '../../load/connections.ts';
import type { Sql } from '../../load/db.ts';
import { lastRuns, type RunRecord } from '../../load/runs.ts';
import { cronIntervalMs } from '../../metrics/connection-health.ts';
import type { StreamBacklog } from '../../jobs/backlog.ts';
import { type NextRuns, nextRunKey, readNextRuns } from './next-runs.ts';
import { reachRedis } from './reach.ts';
import { listSchedules } from './schedule-store.ts';
import { STALE_AFTER_INTERVALS } from '../../metrics.ts';

/** Shared with the metrics' stale-pairs gauge: `status --check` fails where that gauge counts. */
export { STALE_AFTER_INTERVALS };

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
  /** Failing or blocked: when the first failed run after the last success started. */
  failingSince: Date | null;
  /** Connection awaiting re-authorization: when it was marked, and why. */
  connectionSince: Date | null;
  connectionReason: string | null;
  /** The schedule's interval (a cron rule's estimated); null when the stream is not scheduled. */
  intervalMs: number | null;
  /**
   * Time since the last success (or since the connection was added), in intervals; null when the
   * stream is not expected to run (connection not active, schedule disabled).
   */
  successLagIntervals: number | null;
  /** successLagIntervals above STALE_AFTER_INTERVALS: the stream has stopped syncing. */
  stale: boolean;
  nextRunAt: Date | null;
  /**
   * Order streams: the settlement re-scan's tiers (`<2d`, `<14d`, `<90d`, `deep`) with their last run
   * (the least recent over the stream's owners), and the oldest day still holding a non-final order
   * (over its owners); null for other streams or before the first re-scan.
   */
  rescan: {
    lastRuns: Record<string, Date>;
    oldestOpenDay: Date | null;
    /**
     * Creator orders: where settlements come from. `settledTo`: the trace search has read them up to
     * this instant (the earliest over the owners); `refusedAt`: the app was refused the search at
     * this time (the latest over the owners), so the re-scans carry settlement until it is asked
     * again a day later.
     */
    settlements?: { settledTo: Date | null; refusedAt: Date | null };
    /** Days (over the owners) whose last read quarantined an order: read again until clean. */
    retryDays?: number;
  } | null;
}

export interface StatusReport {
  now: Date;
  rows: StreamStatus[];
  nextRuns: Pick<NextRuns, 'available' | 'reason'>;
  /**
   * Scheduled runs due and not started, per stream (all pairs, whatever the filter); `queueRead`
   * false when the queue could not be read (REDIS_URL unset or unreachable): then only the runs not
   * yet handed over are counted.
   */
  backlog: { streams: StreamBacklog[]; queueRead: boolean; reason: string | null };
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
  const [freshness, runs, states, nextRuns, [clock], connections, schedules, failingFrom, backlog] =
    await Promise.all([
      sql<FreshnessRow[]>`
      select connection_id, connection_name, connection_kind, connection_status, stream, last_success_at,
        newest_business_time, newest_business_time_column
      from tiktok_affiliate.stream_freshness order by connection_id, stream`,
      lastRuns(sql),
      listCheckpoints(sql),
      readNextRuns(config),
      sql<{ now: Date }[]>`select now() as now`,
      listConnections(sql),
      listSchedules(sql),
      // Per pair, the start of the current streak of failures: the first unsuccessful run after the
      // last success (one grouped pass over the run history, not one query per stream).
      sql<{ connection_id: number; stream: StreamName; since: Date }[]>`
      select r.connection_id, r.stream, min(r.started_at) as since
      from etl.sync_runs r
      left join (
        select connection_id, stream, max(started_at) as ok_at from etl.sync_runs
        where status = 'succeeded' group by connection_id, stream
      ) ok on ok.connection_id = r.connection_id and ok.stream = r.stream
      where r.status in ('failed', 'partial') and (ok.ok_at is null or r.started_at > ok.ok_at)
      group by r.connection_id, r.stream`,
      readBacklog(sql, config),
    ]);
  const now = clock?.now ?? new Date();
  const connectionById = new Map(connections.map((c) => [c.id, c]));
  const scheduleByKey = new Map(schedules.map((x) => [nextRunKey(x.connectionId, x.stream), x]));
  const failingByKey = new Map(failingFrom.map((f) => [nextRunKey(f.connection_id, f.stream), f.since]));
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
  const rescanByKey = new Map<string, NonNullable<StreamStatus['rescan']>>();
  for (const s of states) {
    const record = RereadRecord.fromCursor(s.cursor);
    if (record.last.size === 0 && record.oldestOpen === null && record.retry.size === 0) continue;
    const key = nextRunKey(s.connectionId, s.stream);
    const acc = rescanByKey.get(key) ?? { lastRuns: {}, oldestOpenDay: null };
    if (record.retry.size > 0) acc.retryDays = (acc.retryDays ?? 0) + record.retry.size;
    for (const [label, at] of record.last) {
      const prev = acc.lastRuns[label];
      if (!prev || at < prev.getTime()) acc.lastRuns[label] = new Date(at);
    }
    if (record.oldestOpen !== null && (!acc.oldestOpenDay || record.oldestOpen < acc.oldestOpenDay.getTime()))
      acc.oldestOpenDay = new Date(record.oldestOpen);
    const trace = traceStateFromCursor(s.cursor);
    if (trace.settledTo !== null || trace.refusedAt !== null) {
      const prev = acc.settlements ?? { settledTo: null, refusedAt: null };
      const min = (a: Date | null, b: number | null) =>
        b === null ? a : a === null || b < a.getTime() ? new Date(b) : a;
      const max = (a: Date | null, b: number | null) =>
        b === null ? a : a === null || b > a.getTime() ? new Date(b) : a;
      acc.settlements = {
        settledTo: min(prev.settledTo, trace.settledTo),
        refusedAt: max(prev.refusedAt, trace.refusedAt),
      };
    }
    rescanByKey.set(key, acc);
  }
  const rows: StreamStatus[] = [];
  for (const f of freshness) {
    if (filter.connectionIds.length > 0 && !filter.connectionIds.includes(f.connection_id)) continue;
    if (filter.streams.length > 0 && !filter.streams.includes(f.stream)) continue;
    const key = nextRunKey(f.connection_id, f.stream);
    const h = health.get(key);
    const next = nextRuns.next.get(key);
    const lastRun = runByKey.get(key) ?? null;
    const conn = connectionById.get(f.connection_id);
    const schedule = scheduleByKey.get(key);
    const intervalMs = schedule
      ? schedule.cron !== null
        ? cronIntervalMs(schedule.cron)
        : schedule.everyMs
      : DEFAULT_EVERY_MS[f.stream];
    const expected = f.connection_status === 'active' && (schedule?.enabled ?? true) && intervalMs !== null;
    const since = f.last_success_at ?? conn?.createdAt ?? null;
    const successLagIntervals =
      expected && since && intervalMs ? Math.max(0, now.getTime() - since.getTime()) / intervalMs : null;
    const healthNow = h ? h.status : lastRun ? (lastRun.status === 'failed' ? 'failing' : 'ok') : 'never run';
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
      health: healthNow,
      healthError: h && h.status !== 'ok' ? { errorClass: h.errorClass, errorMessage: h.errorMessage } : null,
      failingSince:
        healthNow === 'failing' || healthNow === 'blocked' ? (failingByKey.get(key) ?? null) : null,
      connectionSince: f.connection_status === 'reauth_required' ? (conn?.updatedAt ?? null) : null,
      connectionReason: f.connection_status === 'active' ? null : (conn?.statusReason ?? null),
      intervalMs,
      successLagIntervals,
      stale: successLagIntervals !== null && successLagIntervals > STALE_AFTER_INTERVALS,
      nextRunAt: next === undefined ? null : new Date(next),
      rescan: rescanByKey.get(key) ?? null,
    });
  }
  rows.sort(
    (a, b) => a.connectionId - b.connectionId || STREAMS.indexOf(a.stream) - STREAMS.indexOf(b.stream),
  );
  return {
    now,
    rows,
    nextRuns: { available: nextRuns.available, reason: nextRuns.reason },
    backlog,
  };
}

/** The backlog with the queue's waiting runs when Redis answers, else Postgres's part alone. */
async function readBacklog(sql: Sql, config: Readonly<Config>): Promise<StatusReport['backlog']> {
  const { readScheduleBacklog, createEngineQueue, defaultEngineConfig, engineConfigFrom } = await import(
    '../../jobs/index.ts'
  );
  const now = new Date();
  if (!config.redisUrl)
    return {
      streams: await readScheduleBacklog(sql, null, now),
      queueRead: false,
      reason: 'REDIS_URL is not set',
    };
  const reach = await reachRedis(config.redisUrl);
  if (!reach.ok)
    return { streams: await readScheduleBacklog(sql, null, now), queueRead: false, reason: reach.detail };
  const { Redis } = await import('ioredis');
  const { createCluster } = await import('../../jobs/build-deps.ts');
  const client = config.queue.clusterNodes
    ? createCluster(config.queue.clusterNodes, config.redisUrl)
    : new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  const queue = createEngineQueue(client, defaultEngineConfig(engineConfigFrom(config)));
  try {
    return { streams: await readScheduleBacklog(sql, queue, now), queueRead: true, reason: null };
  } finally {
    await queue.close().catch(() => undefined);
    client.disconnect();
  }
}
