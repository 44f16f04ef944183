/**
 * The programmatic entry of the CLI (`sync`, `backfill`): enqueue through the SAME BullMQ job path as
 * the scheduled jobs (same processor, options, retries and stream locks), follow every job by its id,
 * and never wait on a worker that is gone.
 *
 * Two queues are involved:
 *   - the shared engine queue, when workers are running: they take the jobs. While waiting, every
 *     poll checks that each unfinished job is either held (active, its lock renewed) or can be taken
 *     (at least one worker connected: BullMQ lists workers by their named Redis connections, which
 *     close when the process stops or dies). A job that stays orphaned for `takeoverAfterMs` (its
 *     worker stopped, or died and its lock expired) is removed from the shared queue and run here.
 *   - a private queue of this run, for the jobs this process runs itself (no worker at all, --inline,
 *     or taken over): its worker sees ONLY the jobs of this run, never a scheduled job that happens
 *     to be due in the shared queue (those stay for the workers). It is deleted when the run ends.
 */
import { randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
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

/** Where the unfinished jobs are, at every poll (for a progress line that tells the truth). */
export interface WaitStatus {
  total: number;
  done: number;
  /** Running on a worker (or in this process). */
  active: number;
  /** Queued, delayed (stream busy, retry backoff) or orphaned. */
  waiting: number;
  /** Workers connected to the shared queue. */
  workers: number;
  /** Jobs this process runs itself. */
  inline: number;
}

export interface TakeoverEvent {
  /** How many jobs this process now runs itself. */
  jobs: number;
  /** How long they had no live worker to hold or take them, ms. */
  orphanedForMs: number;
  /** Workers connected when it happened (0 unless the jobs' own worker died holding them). */
  workers: number;
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
  /** Called after every poll. */
  onStatus?: (status: WaitStatus) => void;
  /** Called when this process takes over jobs no live worker holds or can take. */
  onTakeover?: (event: TakeoverEvent) => void;
  /** How long jobs may have no live worker before this process runs them (default 5 s). */
  takeoverAfterMs?: number;
  /** How often job states and workers are checked (default 1 s). */
  pollMs?: number;
}

export const DEFAULT_TAKEOVER_AFTER_MS = 5_000;
const DEFAULT_POLL_MS = 1_000;

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

interface Followed {
  jobId: string;
  name: typeof SYNC_JOB | typeof BACKFILL_JOB;
  data: EngineJobData;
  trigger: RunTrigger;
  where: 'shared' | 'inline';
  summary: RunSummary | null;
}

function jobsOf(input: EnqueueAndWaitInput): Followed[] {
  const trigger = input.trigger ?? 'cli';
  const out: Followed[] = [];
  for (const s of input.syncs ?? []) {
    const data: SyncJobData = {
      connectionId: s.connectionId,
      stream: s.stream,
      trigger,
      ...(input.fullRefresh ? { fullRefresh: true } : {}),
    };
    const jobId = `${trigger}.${s.stream}.${s.connectionId}.${randomUUID()}`;
    out.push({ jobId, name: SYNC_JOB, data, trigger, where: 'shared', summary: null });
  }
  for (const b of input.backfills ?? []) {
    const data: BackfillJobData = {
      connectionId: b.connectionId,
      stream: b.stream,
      from: b.from.toISOString(),
      to: b.to.toISOString(),
    };
    const jobId = backfillJobId(b.stream, b.connectionId, data.from, data.to);
    out.push({ jobId, name: BACKFILL_JOB, data, trigger: 'backfill', where: 'shared', summary: null });
  }
  return out;
}

function optionsOf(deps: EngineDeps, f: Followed) {
  const base = f.name === BACKFILL_JOB ? backfillJobOptions(deps.config) : syncJobOptions(deps.config);
  return { ...base, jobId: f.jobId };
}

/**
 * Adds a job. A backfill's id is deterministic: a finished job of the same range (completed or
 * failed, kept for inspection) is removed first, so this run really runs (its done windows are
 * skipped by the ledger) instead of handing back the earlier run's result. A job of the same range
 * still queued or running is followed as it is.
 */
async function addJob(deps: EngineDeps, queue: EngineQueue, f: Followed): Promise<void> {
  if (f.name === BACKFILL_JOB) {
    const state = await queue.getJobState(f.jobId);
    if (state === 'completed' || state === 'failed') await (await queue.getJob(f.jobId))?.remove();
  }
  await queue.add(f.name, f.data, optionsOf(deps, f));
}

const sleep = (ms: number, wake: Promise<void>) =>
  Promise.race([new Promise<void>((resolve) => setTimeout(resolve, ms).unref()), wake]);

export async function enqueueAndWait(deps: EngineDeps, input: EnqueueAndWaitInput): Promise<RunSummary[]> {
  const pollMs = input.pollMs ?? DEFAULT_POLL_MS;
  const takeoverAfterMs = input.takeoverAfterMs ?? DEFAULT_TAKEOVER_AFTER_MS;
  const followed = jobsOf(input);
  const byId = new Map(followed.map((f) => [f.jobId, f]));
  const shared = createEngineQueue(deps.redis, deps.config);
  const inlineConfig = {
    ...deps.config,
    queueName: `${deps.config.queueName}-run-${randomUUID().slice(0, 8)}`,
  };
  let inline = null as { queue: EngineQueue; worker: RunningWorker } | null;
  const closers: (() => Promise<void> | void)[] = [];
  let wake: () => void = () => undefined;
  let woken = new Promise<void>((resolve) => {
    wake = resolve;
  });

  const emit = (f: Followed, state: JobProgressEvent['state'], extra: Partial<JobProgressEvent> = {}) =>
    input.onProgress?.({
      jobId: f.jobId,
      connectionId: f.data.connectionId,
      stream: f.data.stream,
      state,
      ...extra,
    });
  const settle = (f: Followed, summary: RunSummary) => {
    if (f.summary) return;
    f.summary = summary;
    emit(f, summary.status === 'failed' ? 'failed' : 'completed', { summary });
    wake();
    woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
  };
  /** QueueEvents blocks on XREAD: a connection of its own per queue, closed at the end. */
  const listen = async (queueName: string, where: Followed['where']) => {
    const connection = deps.redis.duplicate();
    const events = new QueueEvents(queueName, { connection, prefix: deps.config.queuePrefix });
    closers.push(async () => {
      await events.close();
      connection.disconnect();
    });
    const mine = (jobId: string) => {
      const f = byId.get(jobId);
      return f && f.where === where ? f : null;
    };
    events.on('progress', ({ jobId, data }) => {
      const f = mine(jobId);
      if (f && !f.summary) emit(f, 'progress', { progress: data });
    });
    events.on('completed', ({ jobId, returnvalue }) => {
      const f = mine(jobId);
      if (f) settle(f, returnvalue as unknown as RunSummary);
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const f = mine(jobId);
      if (!f) return;
      // What the run committed before failing, when it got as far as a run (processor.ts).
      const queue = where === 'inline' && inline ? inline.queue : shared;
      void queue
        .getJob(jobId)
        .catch(() => undefined)
        .then((job) => settle(f, readFailedSummary(job) ?? failedSummary(f.data, f.trigger, failedReason)));
    });
    await events.waitUntilReady();
  };
  const startInline = async (count: number) => {
    if (inline) return inline;
    await listen(inlineConfig.queueName, 'inline');
    const queue = createEngineQueue(deps.redis, inlineConfig);
    const worker = await startWorker(
      { ...deps, config: inlineConfig },
      { concurrency: input.concurrency ?? Math.min(4, Math.max(1, count)), schedule: false },
    );
    inline = { queue, worker };
    closers.push(async () => {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    });
    return inline;
  };

  try {
    if (input.processInline) {
      const { queue } = await startInline(followed.length);
      for (const f of followed) {
        f.where = 'inline';
        await addJob(deps, queue, f);
        emit(f, 'queued');
      }
    } else {
      await listen(deps.config.queueName, 'shared');
      for (const f of followed) {
        await addJob(deps, shared, f);
        emit(f, 'queued');
      }
    }
    let orphanedSince: number | null = null;
    while (followed.some((f) => !f.summary)) {
      await sleep(pollMs, woken);
      const open = followed.filter((f) => !f.summary);
      if (open.length === 0) break;
      const workers = (await shared.getWorkers()).length;
      const status: WaitStatus = {
        total: followed.length,
        done: 0,
        active: 0,
        waiting: 0,
        workers,
        inline: followed.filter((f) => f.where === 'inline').length,
      };
      const orphans: Followed[] = [];
      for (const f of open) {
        const queue = f.where === 'inline' && inline ? inline.queue : shared;
        const state = await queue.getJobState(f.jobId);
        if (state === 'completed' || state === 'failed') {
          // The event was missed (a reconnect, a trimmed stream): read the outcome from the job.
          const job = await queue.getJob(f.jobId);
          if (job && state === 'completed') settle(f, job.returnvalue as RunSummary);
          else
            settle(
              f,
              readFailedSummary(job) ??
                failedSummary(f.data, f.trigger, job?.failedReason ?? 'Error: the job failed'),
            );
          continue;
        }
        if (state === 'unknown') {
          settle(
            f,
            failedSummary(
              f.data,
              f.trigger,
              `JobLostError: job ${f.jobId} disappeared from the queue before it finished (removed by another process?)`,
            ),
          );
          continue;
        }
        if (state === 'active') {
          status.active += 1;
          // A held job has a lock its worker renews; a worker that died stops renewing it and the
          // lock expires (after the worker's lock duration), which is what BullMQ calls stalled.
          if (f.where === 'shared' && (await deps.redis.exists(shared.toKey(`${f.jobId}:lock`))) === 0)
            orphans.push(f);
        } else {
          status.waiting += 1;
          if (f.where === 'shared' && workers === 0) orphans.push(f);
        }
      }
      status.done = followed.filter((f) => f.summary).length;
      input.onStatus?.(status);
      if (orphans.length === 0) {
        orphanedSince = null;
        continue;
      }
      const now = Date.now();
      orphanedSince ??= now;
      if (now - orphanedSince < takeoverAfterMs) continue;
      const taken = await takeOver(orphans);
      if (taken > 0) input.onTakeover?.({ jobs: taken, orphanedForMs: now - orphanedSince, workers });
      orphanedSince = null;
    }
    return followed.map((f) => f.summary as RunSummary);
  } finally {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (err) {
        deps.log.debug({ event: 'close_failed', err: (err as Error).message }, 'closing a queue failed');
      }
    }
    await shared.close();
  }

  /**
   * Removes each orphan from the shared queue and runs it here. Removal fails on a job whose lock is
   * held: a worker took it meanwhile, so it stays followed where it is.
   */
  async function takeOver(orphans: Followed[]): Promise<number> {
    const { queue } = await startInline(orphans.length);
    let taken = 0;
    for (const f of orphans) {
      const job = await shared.getJob(f.jobId);
      if (!job) continue;
      try {
        await job.remove();
      } catch {
        continue;
      }
      f.where = 'inline';
      await addJob(deps, queue, f);
      taken += 1;
    }
    return taken;
  }
}
