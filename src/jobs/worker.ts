/**
 * startWorker: consumes sync and backfill jobs, takes part in the election of the scheduled runs'
 * dispatcher (dispatcher.ts: one worker at a time dispatches; nothing is registered per worker, so a
 * start costs the same at 10 or 70,000 pairs), recovers stalled jobs (BullMQ stalled checks: a job whose
 * worker died is moved back to wait after `stalledInterval`), and shuts down gracefully: close() lets
 * active jobs finish for up to `shutdownTimeoutMs`, then aborts them (their last committed page is
 * their checkpoint) and closes. Signal handlers are installed by the edge (CLI), not here.
 *
 * It outlives its dependencies: when Postgres or Redis stops answering it pauses (no new jobs), probes
 * until they answer, and resumes; the interrupted job was put back by the processor. When BullMQ gives
 * up on a job whose workers kept dying under it (`maxStalledCount`), the dead runs are closed, their
 * ledger windows released, and the work is enqueued again, `maxRequeues` times at most.
 */
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Dependency } from './dependency-health.ts';
import { isRedisUnreachable } from './dependency-health.ts';
import type { EngineDeps } from './deps.ts';
import { errorMessage } from './failure.ts';
import { postgresAnswers } from './postgres-probe.ts';
import { createProcessor } from './processor.ts';
import {
  BACKFILL_JOB,
  createEngineQueue,
  type EngineJobData,
  type EngineQueue,
  SYNC_JOB,
  type SyncJobData,
} from './queues.ts';
import { reapAbandonedRuns } from './run-reaper.ts';
import type { RunSummary } from './run-summary.ts';
import { clearQueuedJob } from '../load/schedules.ts';
import { type RunningDispatcher, startDispatcher } from './dispatcher.ts';

/** BullMQ's failedReason for a job that stalled more than maxStalledCount times. */
export const STALL_LIMIT_REASON = 'job stalled more than allowable limit';

export interface StartWorkerOptions {
  concurrency?: number;
  /** Recorded on each job it processes (job.processedBy): which process holds a job. */
  name?: string;
  /**
   * Take part in dispatching the scheduled runs (default true; the CLI's inline worker says false).
   * Every worker may; one at a time does (a Postgres advisory lock), the others stand by.
   */
  schedule?: boolean;
  /** The dispatcher's wall clock (tests). */
  now?: () => number;
  /**
   * The job body; default: the sync processor (processor.ts). The scale benchmark gives a fixed-time
   * body to measure the scheduling layer (dispatch, queue, freeing, watchdog) without the API.
   */
  processor?: (job: Job<EngineJobData>, token?: string, signal?: AbortSignal) => Promise<RunSummary>;
  /** Close runs left by dead workers, at start and every reapIntervalMs (default: as `schedule`). */
  reap?: boolean;
  /** BullMQ stalled-job check period (default 30 s). */
  stalledIntervalMs?: number;
  /** Job lock duration; a worker that stops renewing it for this long is considered dead (default 30 s). */
  lockDurationMs?: number;
  /**
   * How often one job may be recovered from a dead worker before BullMQ fails it (default 3). Every
   * recovery resumes from the last committed page, so a higher value costs nothing but time.
   */
  maxStalledCount?: number;
  /**
   * How often work BullMQ gave up on (stalled too often) is enqueued again (default 3): a job that
   * kills every worker that takes it (out of memory...) must end, failed with its reason, not loop.
   */
  maxRequeues?: number;
}

export interface RunningWorker {
  worker: Worker<EngineJobData, RunSummary, string>;
  /** Idempotent graceful stop. */
  close(): Promise<void>;
}

export async function startWorker(deps: EngineDeps, opts: StartWorkerOptions = {}): Promise<RunningWorker> {
  const onRedisError = (err: Error) => {
    if (isRedisUnreachable(err)) deps.health.markDown('redis', err);
    else deps.log.error({ event: 'worker_error', err: err.message }, 'worker error');
  };
  const queue = createEngineQueue(deps.redis, deps.config, onRedisError);
  const schedule = opts.schedule ?? true;
  const maxStalledCount = opts.maxStalledCount ?? 3;
  const worker = new Worker<EngineJobData, RunSummary, string>(
    deps.config.queueName,
    freeingPair(deps, opts.processor),
    {
      connection: deps.redis,
      prefix: deps.config.queuePrefix,
      concurrency: opts.concurrency ?? 2,
      ...(opts.name ? { name: opts.name } : {}),
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      lockDuration: opts.lockDurationMs ?? 30_000,
      maxStalledCount,
    },
  );
  // Each run logged its own outcome once (runSync); here only queue-level trouble is logged. A Redis
  // outage makes BullMQ emit an error per reconnect attempt: it is one dependency_down line instead.
  worker.on('error', onRedisError);
  worker.on('stalled', (jobId) =>
    deps.log.warn({ event: 'job_stalled', jobId }, 'stalled job moved back to wait'),
  );
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  worker.on('failed', (job, err) => {
    if (job && err?.message === STALL_LIMIT_REASON)
      track(
        recoverGivenUp(deps, queue, job, { maxStalledCount, maxRequeues: opts.maxRequeues ?? 3 }).catch((e) =>
          deps.log.error(
            { event: 'stall_recovery_failed', jobId: job.id, err: errorMessage(e) },
            'could not close or re-enqueue a job BullMQ gave up on',
          ),
        ),
      );
  });
  const outage = pauseDuringOutages(deps, worker);
  const reaper = (opts.reap ?? schedule) ? startReaper(deps) : null;
  await worker.waitUntilReady();
  const dispatcher: RunningDispatcher | null = schedule
    ? startDispatcher(deps, queue, opts.now ? { now: opts.now } : {})
    : null;
  deps.log.info(
    { event: 'worker_started', queue: deps.config.queueName, concurrency: opts.concurrency ?? 2 },
    'worker started',
  );

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await dispatcher?.stop();
      reaper?.stop();
      outage.stop();
      const graceful = worker.close();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), deps.config.shutdownTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        deps.log.warn(
          { event: 'shutdown_abort', timeoutMs: deps.config.shutdownTimeoutMs },
          'active jobs did not finish in time: aborting them',
        );
        worker.cancelAllJobs('worker shutting down');
        await graceful;
      }
      await Promise.allSettled([...pending]);
      await queue.close();
      deps.log.info({ event: 'worker_stopped' }, 'worker stopped');
    })();
    return closing;
  };
  return { worker, close };
}

/**
 * The processor, plus: a dispatched run frees its pair when its job is done for good (succeeded,
 * skipped, or failed with no attempt left), so the pair's next due run can be handed over. A run put
 * back (delayed, or retried after a transient failure) keeps its pair: it is still the pair's run.
 */
function freeingPair(deps: EngineDeps, body?: StartWorkerOptions['processor']) {
  const run = body ?? createProcessor(deps);
  const free = (job: Job<EngineJobData>) => {
    const d = job.data as SyncJobData;
    return clearQueuedJob(deps.db.sql, d.connectionId, d.stream, job.id as string).catch((err) =>
      deps.log.warn(
        { event: 'dispatch_free_failed', jobId: job.id, err: errorMessage(err) },
        'could not free a scheduled pair (the dispatch watchdog will)',
      ),
    );
  };
  return async (job: Job<EngineJobData>, token?: string, signal?: AbortSignal): Promise<RunSummary> => {
    const dueAt = job.name === SYNC_JOB ? (job.data as SyncJobData).dueAt : undefined;
    // Debug level: when each job was taken and how late (the scale benchmark times a worker's start by it).
    deps.log.debug(
      {
        event: 'job_started',
        jobId: job.id,
        connectionId: job.data.connectionId,
        stream: job.data.stream,
        ...(dueAt ? { overdueMs: Date.now() - Date.parse(dueAt) } : {}),
      },
      'job started',
    );
    const dispatched = typeof dueAt === 'string';
    if (!dispatched) return run(job, token, signal);
    let result: RunSummary;
    try {
      result = await run(job, token, signal);
    } catch (err) {
      const final =
        err instanceof UnrecoverableError ||
        (!(err instanceof DelayedError) && job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
      if (final) await free(job);
      throw err;
    }
    await free(job);
    return result;
  };
}

/**
 * A job BullMQ failed because the workers holding it kept dying: its dead runs are closed and ledger
 * windows released at once (their locks are free), then the same work is enqueued again under the
 * same id (it resumes from its last committed page), or, after `maxRequeues`, left failed with the
 * reason logged.
 */
async function recoverGivenUp(
  deps: EngineDeps,
  queue: EngineQueue,
  job: Job<EngineJobData, RunSummary, string>,
  limits: { maxStalledCount: number; maxRequeues: number },
): Promise<void> {
  const data = job.data;
  const backfill = job.name === BACKFILL_JOB;
  await reapAbandonedRuns(deps, { connectionId: data.connectionId, stream: data.stream, backfill });
  const requeues = data.requeues ?? 0;
  const where = { jobId: job.id, connectionId: data.connectionId, stream: data.stream, requeues };
  if (requeues >= limits.maxRequeues) {
    deps.log.error(
      { event: 'job_abandoned', ...where, maxStalledCount: limits.maxStalledCount },
      `a worker died holding this job ${limits.maxStalledCount + 1} times in each of ${requeues + 1} attempts: left failed (its runs are closed; running it again resumes from the last committed page)`,
    );
    return;
  }
  const { priority, attempts, backoff, removeOnComplete, removeOnFail } = job.opts;
  await job.remove();
  await queue.add(
    job.name,
    { ...data, requeues: requeues + 1 },
    {
      ...(priority !== undefined ? { priority } : {}),
      ...(attempts !== undefined ? { attempts } : {}),
      ...(backoff !== undefined ? { backoff } : {}),
      ...(removeOnComplete !== undefined ? { removeOnComplete } : {}),
      ...(removeOnFail !== undefined ? { removeOnFail } : {}),
      ...(job.id ? { jobId: job.id } : {}),
    },
  );
  deps.log.warn(
    { event: 'job_requeued', ...where, requeues: requeues + 1 },
    'workers kept dying under this job: its runs were closed and the work enqueued again',
  );
}

/** Pauses the worker while a dependency is down; probes it and resumes once all answer. */
function pauseDuringOutages(
  deps: EngineDeps,
  worker: Worker<EngineJobData, RunSummary, string>,
): { stop(): void } {
  let stopped = false;
  let probing: Promise<void> | null = null;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
  const answers = async (dep: Dependency) =>
    dep === 'postgres' ? postgresAnswers(deps.db) : deps.redis.status === 'ready';
  const probe = async () => {
    await worker.pause(true);
    while (!stopped) {
      await sleep(deps.config.dependencyProbeMs);
      for (const dep of ['postgres', 'redis'] as const) {
        if (!deps.health.isUp(dep) && (await answers(dep))) deps.health.markUp(dep);
      }
      if (deps.health.isUp('postgres') && deps.health.isUp('redis')) break;
    }
    if (!stopped) worker.resume();
  };
  const off = deps.health.onChange((_dep, up) => {
    if (up || stopped || probing) return;
    probing = probe()
      .catch((err) =>
        deps.log.error({ event: 'outage_probe_failed', err: errorMessage(err) }, 'dependency probe failed'),
      )
      .finally(() => {
        probing = null;
      });
  });
  return {
    stop() {
      stopped = true;
      off();
    },
  };
}

/** Closes runs left by dead workers now and every reapIntervalMs. */
function startReaper(deps: EngineDeps): { stop(): void } {
  let running = false;
  const pass = () => {
    if (running || !deps.health.isUp('postgres')) return;
    running = true;
    reapAbandonedRuns(deps)
      .catch((err) =>
        deps.log.warn({ event: 'reaper_failed', err: errorMessage(err) }, 'closing abandoned runs failed'),
      )
      .finally(() => {
        running = false;
      });
  };
  pass();
  const timer = setInterval(pass, deps.config.reapIntervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
