/**
 * startWorker: consumes sync and backfill jobs, registers the Job Schedulers (idempotently, at every
 * start), runs the scheduler watchdog, recovers stalled jobs (BullMQ stalled checks: a job whose
 * worker died is moved back to wait after `stalledInterval`), and shuts down gracefully: close() lets
 * active jobs finish for up to `shutdownTimeoutMs`, then aborts them (their last committed page is
 * their checkpoint) and closes. Signal handlers are installed by the edge (CLI), not here.
 */
import { Worker } from 'bullmq';
import type { EngineDeps } from './deps.ts';
import { createProcessor } from './processor.ts';
import { createEngineQueue, type EngineJobData } from './queues.ts';
import type { RunSummary } from './run-summary.ts';
import { syncSchedulers } from './schedules.ts';
import { startWatchdog } from './watchdog.ts';

export interface StartWorkerOptions {
  concurrency?: number;
  /** Recorded on each job it processes (job.processedBy): which process holds a job. */
  name?: string;
  /** Register the Job Schedulers and run the watchdog (default true; the CLI's inline worker says false). */
  schedule?: boolean;
  /** BullMQ stalled-job check period (default 30 s). */
  stalledIntervalMs?: number;
  /** Job lock duration; a worker that stops renewing it for this long is considered dead (default 30 s). */
  lockDurationMs?: number;
  /**
   * How often one job may be recovered from a dead worker before BullMQ fails it (default 3). Every
   * recovery resumes from the last committed page, so a higher value costs nothing but time.
   */
  maxStalledCount?: number;
}

export interface RunningWorker {
  worker: Worker<EngineJobData, RunSummary, string>;
  /** Idempotent graceful stop. */
  close(): Promise<void>;
}

export async function startWorker(deps: EngineDeps, opts: StartWorkerOptions = {}): Promise<RunningWorker> {
  const queue = createEngineQueue(deps.redis, deps.config);
  const schedule = opts.schedule ?? true;
  if (schedule) await syncSchedulers(deps, queue);
  const worker = new Worker<EngineJobData, RunSummary, string>(deps.config.queueName, createProcessor(deps), {
    connection: deps.redis,
    prefix: deps.config.queuePrefix,
    concurrency: opts.concurrency ?? 2,
    ...(opts.name ? { name: opts.name } : {}),
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    lockDuration: opts.lockDurationMs ?? 30_000,
    maxStalledCount: opts.maxStalledCount ?? 3,
  });
  // Each run logged its own outcome once (runSync); here only queue-level trouble is logged.
  worker.on('error', (err) => deps.log.error({ event: 'worker_error', err: err.message }, 'worker error'));
  worker.on('stalled', (jobId) =>
    deps.log.warn({ event: 'job_stalled', jobId }, 'stalled job moved back to wait'),
  );
  const watchdog = schedule ? startWatchdog(deps, queue) : null;
  await worker.waitUntilReady();
  deps.log.info(
    { event: 'worker_started', queue: deps.config.queueName, concurrency: opts.concurrency ?? 2 },
    'worker started',
  );

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      watchdog?.stop();
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
      await queue.close();
      deps.log.info({ event: 'worker_stopped' }, 'worker stopped');
    })();
    return closing;
  };
  return { worker, close };
}
