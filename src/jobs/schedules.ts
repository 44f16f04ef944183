/**
 * One BullMQ Job Scheduler per (connection, stream), upserted idempotently at every worker start
 * (BullMQ's upsertJobScheduler: calling it again with the same id replaces, never duplicates) from
 * etl.schedules, with defaults per stream (orders every 15 min, snapshots hourly, fulfillment every 6 h).
 * Schedulers of connections that are gone or not active, and of disabled schedules, are removed.
 */
import { STREAM_KIND, STREAMS, type StreamName } from '../core/streams.ts';
import type { EngineDeps } from './deps.ts';
import { type EngineQueue, SYNC_JOB, type SyncJobData, schedulerId, syncJobOptions } from './queues.ts';

export interface DesiredSchedule {
  id: string;
  connectionId: number;
  stream: StreamName;
  every: number | null;
  pattern: string | null;
}

/** What should be scheduled now, from the connections and etl.schedules. */
export async function desiredSchedules(deps: EngineDeps): Promise<DesiredSchedule[]> {
  const [connections, rows] = await Promise.all([deps.store.listConnections(), deps.store.schedules()]);
  const byKey = new Map(rows.map((r) => [`${r.connectionId}/${r.stream}`, r]));
  const out: DesiredSchedule[] = [];
  for (const conn of connections) {
    if (conn.status !== 'active') continue;
    for (const stream of STREAMS) {
      if (STREAM_KIND[stream] !== conn.kind) continue;
      const row = byKey.get(`${conn.id}/${stream}`);
      if (row && !row.enabled) continue;
      const every = row ? row.everyMs : deps.config.defaultEveryMs[stream];
      const pattern = row ? row.cron : null;
      out.push({
        id: schedulerId(conn.id, stream),
        connectionId: conn.id,
        stream,
        every: pattern ? null : every,
        pattern,
      });
    }
  }
  return out;
}

export async function upsertScheduler(
  deps: EngineDeps,
  queue: EngineQueue,
  s: DesiredSchedule,
): Promise<void> {
  const data: SyncJobData = { connectionId: s.connectionId, stream: s.stream, trigger: 'schedule' };
  const repeat = s.pattern
    ? { pattern: s.pattern }
    : { every: s.every ?? deps.config.defaultEveryMs[s.stream] };
  await queue.upsertJobScheduler(s.id, repeat, { name: SYNC_JOB, data, opts: syncJobOptions(deps.config) });
}

/** Idempotent: run at every worker start (and by `schedule set`). */
export async function syncSchedulers(
  deps: EngineDeps,
  queue: EngineQueue,
): Promise<{ upserted: number; removed: number }> {
  const desired = await desiredSchedules(deps);
  for (const s of desired) await upsertScheduler(deps, queue, s);
  const wanted = new Set(desired.map((s) => s.id));
  let removed = 0;
  for (const existing of await queue.getJobSchedulers()) {
    const id = existing.id ?? existing.key;
    if (id.startsWith('sched.') && !wanted.has(id)) {
      await queue.removeJobScheduler(id);
      removed += 1;
    }
  }
  deps.log.info({ event: 'schedulers_synced', upserted: desired.length, removed }, 'job schedulers upserted');
  return { upserted: desired.length, removed };
}
