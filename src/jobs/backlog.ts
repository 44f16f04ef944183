/**
 * The scheduled runs' backlog, per stream: runs that are due and have not started, and how late the
 * oldest of them is. Low cardinality on purpose (one value per stream whatever the number of pairs):
 * it is what the metrics export and `status` sums up; per-pair detail stays in etl.schedule_dispatch.
 *
 * A due run that has not started is in one of two places: still in Postgres (due, not yet handed
 * over: the dispatcher is behind, or not running) or in the queue waiting for a worker (handed over,
 * the workers are behind). The first is one grouped statement; the second one atomic read of the
 * queue's waiting ids, whose names carry their stream and due time (queues.ts dispatchJobId). The
 * cost follows the backlog, not the pairs.
 */
import type { Redis } from 'ioredis';
import { STREAMS, type StreamName } from '../core/streams.ts';
import type { Queryable } from '../load/queryable.ts';
import { dueNotDispatchedByStream } from '../load/schedules.ts';
import { type EngineQueue, parseDispatchJobId } from './queues.ts';

export interface StreamBacklog {
  stream: StreamName;
  /** Due runs not started: not yet handed over plus waiting in the queue (retries included). */
  notStarted: number;
  /** The due time of the oldest of them; null when there is none. */
  oldestDueAt: Date | null;
}

/** Where a run waits for a worker (a retry waits in `delayed` for its backoff). */
const WAITING_LISTS = ['wait', 'paused'] as const;
const WAITING_SETS = ['prioritized', 'delayed'] as const;

/** The dispatcher's jobs waiting in the queue (not started), by stream: count and oldest due time. */
export async function waitingByStream(
  queue: EngineQueue,
): Promise<Map<StreamName, { count: number; oldestDueMs: number }>> {
  const client = (await queue.client) as unknown as Pick<Redis, 'multi'>;
  const multi = client.multi();
  for (const k of WAITING_LISTS) multi.lrange(queue.toKey(k), 0, -1);
  for (const k of WAITING_SETS) multi.zrange(queue.toKey(k), 0, -1);
  const replies = (await multi.exec()) ?? [];
  const out = new Map<StreamName, { count: number; oldestDueMs: number }>();
  for (const [err, value] of replies) {
    if (err) throw err;
    for (const id of value as string[]) {
      const parsed = parseDispatchJobId(id);
      if (!parsed) continue;
      const acc = out.get(parsed.stream) ?? { count: 0, oldestDueMs: Number.POSITIVE_INFINITY };
      acc.count += 1;
      acc.oldestDueMs = Math.min(acc.oldestDueMs, parsed.dueMs);
      out.set(parsed.stream, acc);
    }
  }
  return out;
}

/**
 * Every stream's backlog at `now` (streams with none read 0). Without a queue (Redis not
 * configured) only the runs not yet handed over are counted.
 */
export async function readScheduleBacklog(
  sql: Queryable,
  queue: EngineQueue | null,
  now: Date,
): Promise<StreamBacklog[]> {
  const [due, waiting] = await Promise.all([
    dueNotDispatchedByStream(sql, now),
    queue ? waitingByStream(queue) : Promise.resolve(new Map()),
  ]);
  return STREAMS.map((stream) => {
    const d = due.get(stream);
    const w = waiting.get(stream);
    const oldest = Math.min(
      d?.oldestDueAt.getTime() ?? Number.POSITIVE_INFINITY,
      w?.oldestDueMs ?? Number.POSITIVE_INFINITY,
    );
    return {
      stream,
      notStarted: (d?.count ?? 0) + (w?.count ?? 0),
      oldestDueAt: Number.isFinite(oldest) ? new Date(oldest) : null,
    };
  });
}
