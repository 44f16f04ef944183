/**
 * The scheduled runs' dispatcher: the due pairs of etl.schedule_dispatch are handed to the queue in
 * bulk (addBulk), most overdue first, and each moves on to its next due time. Its cost grows with the
 * number of due runs, not with the number of pairs: nothing is registered per pair in Redis.
 *
 * One dispatcher acts at a time: every worker runs the loop, and only the holder of a Postgres
 * advisory lock (on a session of its own) dispatches, reconciles and runs the watchdog. When its
 * process dies, its session drops, Postgres frees the lock, and another worker takes over at its next
 * tick; its first acts are to hand over what is due and a watchdog pass, so a run the dead one
 * recorded but never enqueued is owed again, not lost.
 *
 * Invariants (test/integration/jobs/dispatcher.test.ts):
 *   - a pair has at most one scheduled job in flight (etl.schedule_dispatch.queued_job); a run that
 *     comes due while one waits or runs stays due and is handed over when that one finishes;
 *   - a handed-over run is recorded BEFORE it is added: a crash between the two leaves a record the
 *     watchdog finds without its job, never a job nobody accounts for;
 *   - a due run that could not start on time is still due: overdue pairs go first.
 */
import type { Sql } from '../load/db.ts';
import { dispatchBacklog, dueDispatches, markDispatched, releaseQueuedJobs } from '../load/schedules.ts';
import type { EngineDeps } from './deps.ts';
import { errorMessage } from './failure.ts';
import {
  dispatchJobId,
  type EngineQueue,
  LEGACY_SCHEDULER_PREFIX,
  SYNC_JOB,
  type SyncJobData,
  syncJobOptions,
} from './queues.ts';
import { reconcileSchedules } from './schedules.ts';
import { nextRunAfter } from './schedule-timing.ts';
import { checkQueuedJobs } from './watchdog.ts';

export interface DispatchOptions {
  nowMs: number;
  /** Rows per round (one select, one update, one addBulk). */
  batchSize?: number;
  /** Due runs handed over per call at most, so one tick stays short. */
  maxRuns?: number;
  /** Test seam: runs between recording a batch and adding its jobs (a kill lands here). */
  afterRecord?: () => Promise<void>;
}

/** Hands every due pair (up to maxRuns) to the queue; returns how many runs were handed over. */
export async function dispatchDue(
  deps: EngineDeps,
  queue: EngineQueue,
  opts: DispatchOptions,
): Promise<number> {
  const batchSize = opts.batchSize ?? deps.config.dispatchBatchSize;
  const maxRuns = opts.maxRuns ?? 10 * batchSize;
  const now = new Date(opts.nowMs);
  let total = 0;
  while (total < maxRuns) {
    const due = await dueDispatches(deps.db.sql, now, Math.min(batchSize, maxRuns - total));
    if (due.length === 0) break;
    const items = due.map((d) => {
      const dueMs = d.nextRunAt.getTime();
      const rule =
        d.cron !== null ? { everyMs: null, cron: d.cron } : { everyMs: d.everyMs ?? 0, cron: null };
      return {
        connectionId: d.connectionId,
        stream: d.stream,
        jobId: dispatchJobId(d.connectionId, d.stream, dueMs),
        dueAt: d.nextRunAt,
        everyMs: d.everyMs,
        cron: d.cron,
        // Runs missed while nobody dispatched are folded into this one: it reads everything new.
        nextRunAt: new Date(nextRunAfter(rule, d, Math.max(opts.nowMs, dueMs))),
      };
    });
    await markDispatched(deps.db.sql, items, now);
    await opts.afterRecord?.();
    const options = syncJobOptions(deps.config);
    try {
      await queue.addBulk(
        items.map((i) => {
          const data: SyncJobData = {
            connectionId: i.connectionId,
            stream: i.stream,
            trigger: 'schedule',
            dueAt: i.dueAt.toISOString(),
          };
          return { name: SYNC_JOB, data, opts: { ...options, jobId: i.jobId } };
        }),
      );
    } catch (err) {
      // Not in the queue: due again at once (the watchdog would find them too, later).
      await releaseQueuedJobs(deps.db.sql, items, true).catch(() => undefined);
      throw err;
    }
    total += items.length;
    if (due.length < batchSize) break;
  }
  return total;
}

/** Removes the per-pair Job Schedulers an earlier version registered (they would run pairs twice). */
export async function removeLegacySchedulers(queue: EngineQueue): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await queue.getJobSchedulers(0, 999, true);
    const ids = page.map((s) => s.id ?? s.key).filter((id) => id.startsWith(LEGACY_SCHEDULER_PREFIX));
    if (ids.length === 0) return removed;
    await Promise.all(ids.map((id) => queue.removeJobScheduler(id)));
    removed += ids.length;
  }
}

/** Two-int advisory key, apart from the stream locks' (connection id, 0x5e0000 + stream index). */
const DISPATCHER_LOCK_NAMESPACE = 0x5e_0100;

function queueLockKey(queueName: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < queueName.length; i++) h = Math.imul(h ^ queueName.charCodeAt(i), 0x01000193);
  return h | 0;
}

export interface RunningDispatcher {
  isLeader(): boolean;
  /** Stops the loop and gives up the lead (another worker takes it at its next tick). */
  stop(): Promise<void>;
}

export interface StartDispatcherOptions {
  /** Injectable wall clock (ms): due times are instants of the real world, as BullMQ's are. */
  now?: () => number;
}

export function startDispatcher(
  deps: EngineDeps,
  queue: EngineQueue,
  opts: StartDispatcherOptions = {},
): RunningDispatcher {
  const now = opts.now ?? Date.now;
  const cfg = deps.config;
  const [k1, k2] = [queueLockKey(cfg.queueName), DISPATCHER_LOCK_NAMESPACE];
  let session: Sql | null = null;
  let leader = false;
  let stopped = false;
  let lastReconcile = 0;
  let lastWatchdog = 0;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const dropSession = () => {
    const s = session;
    session = null;
    leader = false;
    void s?.end({ timeout: 5 }).catch(() => undefined);
  };

  const acquire = async (): Promise<boolean> => {
    session ??= deps.db.session(() => {
      if (leader) deps.log.warn({ event: 'dispatcher_lead_lost' }, 'dispatcher lock session closed');
      dropSession();
    });
    const [row] = await session<
      { ok: boolean }[]
    >`select pg_try_advisory_lock(${k1}::int4, ${k2}::int4) as ok`;
    return row?.ok === true;
  };

  /**
   * Due runs handed over, as many as the queue has room for (EngineConfig.dispatchQueueDepth): runs
   * waiting for a worker count against it, runs in progress or retrying after a delay do not.
   */
  const dispatch = async (nowMs: number) => {
    const counts = await queue.getJobCounts('wait', 'paused', 'prioritized');
    const waiting = (counts['wait'] ?? 0) + (counts['paused'] ?? 0) + (counts['prioritized'] ?? 0);
    const room = cfg.dispatchQueueDepth - waiting;
    if (room <= 0) return 0;
    return dispatchDue(deps, queue, { nowMs, maxRuns: Math.min(room, 10 * cfg.dispatchBatchSize) });
  };

  const tick = async () => {
    if (!leader) {
      if (!(await acquire())) return;
      leader = true;
      // Due runs are handed over first: a worker just started has its first jobs at once, not after
      // the upkeep below (at 70,000 pairs the reconcile alone takes most of a second). Dispatching
      // before the watchdog is safe: only pairs holding no job are dispatched, and the pairs the
      // watchdog frees are dispatched by the pass after it.
      await dispatch(now());
      const t = now();
      const legacy = await removeLegacySchedulers(queue);
      const reconciled = await reconcileSchedules(deps.db.sql, cfg.defaultEveryMs, t);
      // Whatever the previous leader recorded and never added is owed now: nobody else dispatches.
      const pass = await checkQueuedJobs(deps, queue, { nowMs: t, graceMs: 0 });
      lastReconcile = lastWatchdog = t;
      deps.log.info(
        { event: 'dispatcher_leader', ...reconciled, legacySchedulersRemoved: legacy, watchdog: pass },
        'this worker dispatches the scheduled runs',
      );
    }
    const t = now();
    if (t - lastReconcile >= cfg.reconcileIntervalMs) {
      const r = await reconcileSchedules(deps.db.sql, cfg.defaultEveryMs, t);
      lastReconcile = t;
      const backlog = await dispatchBacklog(deps.db.sql, new Date(t));
      deps.log.info(
        {
          event: 'schedule_backlog',
          ...r,
          ...backlog,
          overdueSeconds: backlog.oldestDueAt ? Math.max(0, (t - backlog.oldestDueAt.getTime()) / 1000) : 0,
        },
        'scheduled pairs: reconciled; due now, in flight, oldest due',
      );
    }
    await dispatch(t);
    if (t - lastWatchdog >= cfg.watchdogIntervalMs) {
      lastWatchdog = t;
      await checkQueuedJobs(deps, queue, { nowMs: t, graceMs: cfg.watchdogGraceMs });
    }
  };

  const loop = () => {
    if (stopped) return;
    current = (async () => {
      if (deps.health.isUp('postgres') && deps.health.isUp('redis')) {
        try {
          await tick();
          failing = false;
        } catch (err) {
          // One line per failure streak, not one per tick.
          if (!failing)
            deps.log.warn(
              { event: 'dispatch_failed', err: errorMessage(err) },
              'dispatching scheduled runs failed',
            );
          failing = true;
        }
      }
      if (!stopped) {
        timer = setTimeout(loop, cfg.dispatchTickMs);
        timer.unref();
      }
    })();
  };
  loop();

  return {
    isLeader: () => leader,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
      if (session && leader) {
        await session`select pg_advisory_unlock(${k1}::int4, ${k2}::int4)`.catch(() => undefined);
      }
      dropSession();
    },
  };
}
