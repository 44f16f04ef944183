/**
 * Dispatch watchdog: a pair holds the id of the job carrying its due run until that job finishes
 * (worker.ts clears it). If the job never reached Redis (the dispatcher died between recording it and
 * adding it, a failover dropped the write) or finished without clearing it (the worker died in
 * between), the pair would wait forever. A pass frees them: a job that is gone makes its pair due
 * again from its old due time (the run is owed), a finished one only frees it.
 *
 * A pass is two steps whatever the number of pairs: one atomic read of the ids of the scheduled jobs
 * the queue holds, by state (MULTI over its lists and sorted sets), then ONE statement that frees the
 * pairs whose job is not among those alive (load/schedules.ts releaseJobsNotIn). Its cost follows
 * what the queue holds (the backlog) and the pairs in trouble, not the pairs: no round trip per pair.
 * The read is atomic, so a job moving between states (wait to active to completed) during it is seen
 * in one of them; a pair's job is freed by its worker before the job is marked completed.
 *
 * Run by the dispatcher's leader only, once at election (no grace: nobody else dispatches) and then
 * every watchdogIntervalMs.
 */
import type { Redis } from 'ioredis';
import { releaseJobsNotIn } from '../load/schedules.ts';
import type { EngineDeps } from './deps.ts';
import { DISPATCH_JOB_PREFIX, type EngineQueue } from './queues.ts';

export interface WatchdogPass {
  checked: number;
  /** Pairs whose job was not in Redis: due again. */
  lost: number;
  /** Pairs whose job had finished without freeing them. */
  finished: number;
  ms: number;
}

/** Lists and sorted sets of a BullMQ queue holding the ids of jobs not yet finished. */
const ALIVE_LISTS = ['wait', 'paused', 'active'] as const;
const ALIVE_SETS = ['prioritized', 'delayed', 'waiting-children'] as const;
const FINISHED_SETS = ['completed', 'failed'] as const;

export interface QueuedJobIds {
  /** Ids of the dispatcher's jobs waiting, delayed or running. */
  alive: string[];
  /** Ids of the dispatcher's jobs finished and still kept. */
  finished: string[];
}

/** The ids of the dispatcher's jobs in the queue, by state, read in one MULTI (one consistent view). */
export async function queuedJobIds(queue: EngineQueue): Promise<QueuedJobIds> {
  // BullMQ types its client loosely; it is the ioredis Redis or Cluster the queue was given. Every
  // key of a queue shares its hash tag, so on a Cluster this transaction goes to one shard.
  const client = (await queue.client) as unknown as Pick<Redis, 'multi'>;
  const multi = client.multi();
  for (const k of ALIVE_LISTS) multi.lrange(queue.toKey(k), 0, -1);
  for (const k of [...ALIVE_SETS, ...FINISHED_SETS]) multi.zrange(queue.toKey(k), 0, -1);
  const replies = (await multi.exec()) ?? [];
  const ids = replies.map(([err, value]) => {
    if (err) throw err;
    return (value as string[]).filter((id) => id.startsWith(DISPATCH_JOB_PREFIX));
  });
  const aliveCount = ALIVE_LISTS.length + ALIVE_SETS.length;
  return { alive: ids.slice(0, aliveCount).flat(), finished: ids.slice(aliveCount).flat() };
}

/** One pass over pairs holding a job since before `now - graceMs`. */
export async function checkQueuedJobs(
  deps: EngineDeps,
  queue: EngineQueue,
  opts: { nowMs: number; graceMs: number },
): Promise<WatchdogPass> {
  const started = performance.now();
  const { alive, finished } = await queuedJobIds(queue);
  const released = await releaseJobsNotIn(deps.db.sql, new Date(opts.nowMs - opts.graceMs), alive, finished);
  const pass = {
    checked: released.checked,
    lost: released.lost,
    finished: released.finished,
    ms: performance.now() - started,
  };
  if (pass.lost > 0 || pass.finished > 0) {
    deps.log.warn(
      { event: 'dispatch_repaired', ...pass, examples: released.examples },
      'scheduled runs whose job was lost are due again; pairs whose job finished unnoticed are free',
    );
  }
  return pass;
}
