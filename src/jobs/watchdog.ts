/**
 * Dispatch watchdog: a pair holds the id of the job carrying its due run until that job finishes
 * (worker.ts clears it). If the job never reached Redis (the dispatcher died between recording it and
 * adding it, a failover dropped the write) or finished without clearing it (the worker died in
 * between), the pair would wait forever. One pass reads every job such pairs hold in pipelined
 * batches (one round trip per few thousand jobs, not one per scheduler) and frees them: a job that is
 * gone makes its pair due again from its old due time (the run is owed), a finished one only frees it.
 *
 * Run by the dispatcher's leader only, once at election (no grace: nobody else dispatches) and then
 * every watchdogIntervalMs.
 */
import type { Redis } from 'ioredis';
import type { StreamName } from '../core/streams.ts';
import { queuedBefore, releaseQueuedJobs } from '../load/schedules.ts';
import type { EngineDeps } from './deps.ts';
import type { EngineQueue } from './queues.ts';

const BATCH = 5_000;

export interface WatchdogPass {
  checked: number;
  /** Pairs whose job was not in Redis: due again. */
  lost: number;
  /** Pairs whose job had finished without freeing them. */
  finished: number;
  ms: number;
}

type Held = { connectionId: number; stream: StreamName; jobId: string };

/** One pass over pairs holding a job since before `now - graceMs`. */
export async function checkQueuedJobs(
  deps: EngineDeps,
  queue: EngineQueue,
  opts: { nowMs: number; graceMs: number },
): Promise<WatchdogPass> {
  const started = performance.now();
  const held = await queuedBefore(deps.db.sql, new Date(opts.nowMs - opts.graceMs));
  // BullMQ types its client loosely; it is the ioredis Redis or Cluster the queue was given.
  const client = (await queue.client) as unknown as Pick<Redis, 'pipeline'>;
  const lost: Held[] = [];
  const finished: Held[] = [];
  for (let i = 0; i < held.length; i += BATCH) {
    const batch = held.slice(i, i + BATCH);
    // Every key of a queue shares its hash tag, so on a Cluster this pipeline goes to one shard.
    const pipeline = client.pipeline();
    for (const h of batch) pipeline.hmget(queue.toKey(h.jobId), 'timestamp', 'finishedOn');
    const replies = (await pipeline.exec()) ?? [];
    batch.forEach((h, j) => {
      const [err, value] = replies[j] ?? [new Error('no reply'), null];
      if (err) throw err;
      const [timestamp, finishedOn] = value as [string | null, string | null];
      if (timestamp === null) lost.push(h);
      else if (finishedOn !== null) finished.push(h);
    });
  }
  await releaseQueuedJobs(deps.db.sql, lost, true);
  await releaseQueuedJobs(deps.db.sql, finished, false);
  const pass = {
    checked: held.length,
    lost: lost.length,
    finished: finished.length,
    ms: performance.now() - started,
  };
  if (lost.length > 0 || finished.length > 0) {
    deps.log.warn(
      {
        event: 'dispatch_repaired',
        ...pass,
        examples: lost.slice(0, 5).map((h) => `${h.connectionId}/${h.stream}`),
      },
      'scheduled runs whose job was lost are due again; pairs whose job finished unnoticed are free',
    );
  }
  return pass;
}
