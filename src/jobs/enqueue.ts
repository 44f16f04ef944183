/**
 * The programmatic entry of the CLI (`sync`, `backfill`): enqueue through the SAME BullMQ path as the
 * scheduled jobs (STYLE.md guideline 13), optionally process them in this process (when no worker is
 * running), and wait for every job's outcome.
 */
import { randomUUID } from 'node:crypto';
import { type Job, QueueEvents } from 'bullmq';
import type { StreamName } from '../core/streams.ts';
import type { RunTrigger } from '../load/types.ts';
import type { EngineDeps } from './deps.ts';
import {
  BACKFILL_JOB,
  type BackfillJobData,
  backfillJobId,
  backfillJobOptions,
  createEngineQueue,
  type EngineJobData,
  type EngineQueue,
  SYNC_JOB,
  type SyncJobData,
  syncJobOptions,
} from './queues.ts';
import { readFailedSummary } from './processor.ts';
import { emptyCounts, type RunSummary } from './run-summary.ts';
import { type RunningWorker, startWorker } from './worker.ts';

export interface SyncRequest {
  connectionId: number;
  stream: StreamName;
}

export interface BackfillRequest extends SyncRequest {
  from: Date;
  to: Date;
}

export interface JobProgressEvent {
  jobId: string;
  connectionId: number;
  stream: StreamName;
  state: 'queued' | 'progress' | 'completed' | 'failed';
  progress?: unknown;
  summary?: RunSummary;
}

export interface EnqueueAndWaitInput {
  syncs?: SyncRequest[];
  backfills?: BackfillRequest[];
  trigger?: RunTrigger;
  /** The syncs ignore stored row hashes (`sync --full-refresh`, sync-job.ts). */
  fullRefresh?: boolean;
  /** Process the jobs in this process (true when no worker is running: see hasActiveWorkers). */
  processInline: boolean;
  concurrency?: number;
  onProgress?: (event: JobProgressEvent) => void;
}

/** True when at least one worker is connected to the engine queue. */
export async function hasActiveWorkers(deps: EngineDeps): Promise<boolean> {
  const queue = createEngineQueue(deps.redis, deps.config);
  try {
    return (await queue.getWorkersCount()) > 0;
  } finally {
    await queue.close();
  }
}

/** Summary of a job that failed for good (BullMQ keeps only the reason string). */
function failedSummary(data: EngineJobData, trigger: RunTrigger, reason: string): RunSummary {
  const colon = reason.indexOf(': ');
  return {
    runId: null,
    connectionId: data.connectionId,
    stream: data.stream,
    trigger,
    status: 'failed',
    windows: 0,
    durationMs: 0,
    errorClass: colon > 0 ? reason.slice(0, colon) : 'Error',
    errorMessage: colon > 0 ? reason.slice(colon + 2) : reason,
    ...emptyCounts(),
  };
}

async function addJobs(
  deps: EngineDeps,
  queue: EngineQueue,
  input: EnqueueAndWaitInput,
): Promise<Job<EngineJobData>[]> {
  const trigger = input.trigger ?? 'cli';
  const jobs: Job<EngineJobData>[] = [];
  for (const s of input.syncs ?? []) {
    const data: SyncJobData = {
      connectionId: s.connectionId,
      stream: s.stream,
      trigger,
      ...(input.fullRefresh ? { fullRefresh: true } : {}),
    };
    const jobId = `${trigger}.${s.stream}.${s.connectionId}.${randomUUID()}`;
    jobs.push(await queue.add(SYNC_JOB, data, { ...syncJobOptions(deps.config), jobId }));
  }
  for (const b of input.backfills ?? []) {
    const data: BackfillJobData = {
      connectionId: b.connectionId,
      stream: b.stream,
      from: b.from.toISOString(),
      to: b.to.toISOString(),
    };
    const jobId = backfillJobId(b.stream, b.connectionId, data.from, data.to);
    const job = await queue.add(BACKFILL_JOB, data, { ...backfillJobOptions(deps.config), jobId });
    // Same id as an earlier attempt that failed for good: resume it (the ledger makes it continue).
    if ((await job.getState()) === 'failed') await job.retry('failed');
    jobs.push(job);
  }
  return jobs;
}

export async function enqueueAndWait(deps: EngineDeps, input: EnqueueAndWaitInput): Promise<RunSummary[]> {
  const queue = createEngineQueue(deps.redis, deps.config);
  // QueueEvents blocks on XREAD: it needs a connection of its own, closed here.
  const eventsRedis = deps.redis.duplicate();
  const events = new QueueEvents(deps.config.queueName, {
    connection: eventsRedis,
    prefix: deps.config.queuePrefix,
  });
  let worker: RunningWorker | null = null;
  try {
    await events.waitUntilReady();
    const jobs = await addJobs(deps, queue, input);
    // Each waitUntilFinished() listens for its job's completed and failed events on this one
    // QueueEvents, and for 'closing' on the queue: raise both caps so many syncs do not trip Node's
    // leak warning.
    events.setMaxListeners(jobs.length * 2 + 10);
    queue.setMaxListeners(jobs.length + 10);
    const ids = new Map(jobs.map((j) => [j.id as string, j]));
    events.on('progress', ({ jobId, data }) => {
      const job = ids.get(jobId);
      if (job)
        input.onProgress?.({
          jobId,
          connectionId: job.data.connectionId,
          stream: job.data.stream,
          state: 'progress',
          progress: data,
        });
    });
    for (const job of jobs) {
      input.onProgress?.({
        jobId: job.id as string,
        connectionId: job.data.connectionId,
        stream: job.data.stream,
        state: 'queued',
      });
    }
    if (input.processInline) {
      worker = await startWorker(deps, {
        concurrency: input.concurrency ?? Math.min(4, Math.max(1, jobs.length)),
        schedule: false,
      });
    }
    return await Promise.all(
      jobs.map(async (job) => {
        const trigger = job.name === BACKFILL_JOB ? 'backfill' : (input.trigger ?? 'cli');
        let summary: RunSummary;
        let failed = false;
        try {
          summary = (await job.waitUntilFinished(events)) as RunSummary;
        } catch (err) {
          failed = true;
          // What the run committed before failing, when it got as far as a run (processor.ts).
          const attached = readFailedSummary(await queue.getJob(job.id as string).catch(() => undefined));
          summary = attached ?? failedSummary(job.data, trigger, (err as Error).message);
        }
        input.onProgress?.({
          jobId: job.id as string,
          connectionId: job.data.connectionId,
          stream: job.data.stream,
          state: failed || summary.status === 'failed' ? 'failed' : 'completed',
          summary,
        });
        return summary;
      }),
    );
  } finally {
    await worker?.close();
    await events.close();
    eventsRedis.disconnect();
    await queue.close();
  }
}
