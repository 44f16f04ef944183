/**
 * The job boundary (CONTRIBUTING.md#thin-jobs): payload checked, one call into runSync / runBackfill, the
 * summary returned as the job's result. Failure policy (docs/architecture.md#retry-layers):
 *   - stream lock taken: a scheduled job is skipped (the next tick comes anyway); a CLI or backfill job
 *     is delayed and tried again, never failed;
 *   - permanent faults (bad signature, missing scope, revoked token, unknown connection): BullMQ
 *     UnrecoverableError, no more attempts; runSync already marked the stream / connection;
 *   - Postgres lost under the run (and not answering a probe): the job is put back, delayed, without
 *     spending an attempt, and the worker pauses until Postgres answers (worker.ts);
 *   - anything else: rethrown for BullMQ `attempts` + exponential backoff.
 * The processor's AbortSignal is threaded down to fetch.
 */
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { isStreamName } from '../core/streams.ts';
import { runBackfill } from './backfill.ts';
import type { EngineDeps } from './deps.ts';
import { errorMessage, errorName, isPermanentFailure, SyncRunError } from './failure.ts';
import { postgresAnswers, isPostgresLost } from './postgres-probe.ts';
import {
  BACKFILL_JOB,
  type BackfillJobData,
  type EngineJobData,
  SYNC_JOB,
  type SyncJobData,
} from './queues.ts';
import { emptyCounts, type RunSummary } from './run-summary.ts';
import { StreamBusyError } from './stream-lock.ts';
import { runSync } from './sync-job.ts';

export class JobPayloadError extends Error {
  override readonly name = 'JobPayloadError';
}

function checkPayload(job: Job<EngineJobData>): void {
  const d = job.data as Partial<SyncJobData & BackfillJobData>;
  if (!Number.isInteger(d.connectionId) || typeof d.stream !== 'string' || !isStreamName(d.stream)) {
    throw new JobPayloadError(
      `job ${job.id} (${job.name}) has an invalid payload: connectionId and stream are required`,
    );
  }
  if (
    job.name === BACKFILL_JOB &&
    (Number.isNaN(Date.parse(d.from ?? '')) || Number.isNaN(Date.parse(d.to ?? '')))
  ) {
    throw new JobPayloadError(`backfill job ${job.id} needs ISO 'from' and 'to'`);
  }
}

export function createProcessor(deps: EngineDeps) {
  return async function process(
    job: Job<EngineJobData>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<RunSummary> {
    try {
      checkPayload(job);
      if (job.name === SYNC_JOB) {
        const d = job.data as SyncJobData;
        return await runSync(deps, {
          connectionId: d.connectionId,
          stream: d.stream,
          trigger: d.trigger ?? 'schedule',
          signal,
          fullRefresh: d.fullRefresh === true,
        });
      }
      if (job.name === BACKFILL_JOB) {
        const d = job.data as BackfillJobData;
        return await runBackfill(deps, {
          connectionId: d.connectionId,
          stream: d.stream,
          from: new Date(d.from),
          to: new Date(d.to),
          signal,
          onProgress: (p) => {
            job.updateProgress({ ...p }).catch(() => undefined);
          },
        });
      }
      throw new JobPayloadError(`unknown job name ${job.name}`);
    } catch (err) {
      if (err instanceof StreamBusyError) {
        const trigger = job.name === SYNC_JOB ? (job.data as SyncJobData).trigger : 'backfill';
        if (trigger === 'schedule') {
          deps.log.info(
            { event: 'sync_skipped', connectionId: err.connectionId, stream: err.stream, reason: 'busy' },
            'stream busy: scheduled run skipped',
          );
          return skipped(job, 'stream busy in another worker');
        }
        if (token) {
          await job.moveToDelayed(Date.now() + deps.config.busyDelayMs, token);
          throw new DelayedError();
        }
      }
      const cause = err instanceof SyncRunError ? err.cause : err;
      const summary = err instanceof SyncRunError ? err.summary : null;
      const outage = token && isPostgresLost(cause) ? await postgresOutage(deps) : null;
      if (token && outage) {
        if (outage === 'down') deps.health.markDown('postgres', cause);
        deps.log.warn(
          {
            event: 'job_postponed',
            jobId: job.id,
            reason: outage === 'down' ? 'postgres_unreachable' : 'postgres_just_back',
            delayMs: deps.config.outageDelayMs,
            ...(summary ? { runId: summary.runId, pages: summary.pages } : {}),
          },
          'Postgres outage: job put back without spending an attempt',
        );
        await job.moveToDelayed(Date.now() + deps.config.outageDelayMs, token);
        throw new DelayedError();
      }
      // BullMQ keeps only failedReason of a failed job: the run's summary (what it committed before
      // failing, how long it ran) travels in the job's progress, where the CLI reads it back.
      if (summary) await attachSummary(job, summary);
      // The class name travels in the message: BullMQ keeps only failedReason.
      const message = `${errorName(cause)}: ${errorMessage(cause)}`;
      if (isPermanentFailure(cause) || cause instanceof JobPayloadError) {
        throw withSummary(new UnrecoverableError(message), summary);
      }
      throw withSummary(new Error(message), summary);
    }
  };
}

/** The summary of a failed run, next to the job's own progress fields (readFailedSummary). */
async function attachSummary(job: Job<EngineJobData>, summary: RunSummary): Promise<void> {
  const progress = typeof job.progress === 'object' && job.progress !== null ? job.progress : {};
  await job.updateProgress({ ...progress, summary }).catch(() => undefined);
}

/** The run summary a failed job's processor attached, or null (a job that failed before any run). */
export function readFailedSummary(job: Pick<Job, 'progress'> | undefined): RunSummary | null {
  const p = job?.progress as { summary?: unknown } | undefined;
  const s = p && typeof p === 'object' ? p.summary : undefined;
  return s && typeof s === 'object' && typeof (s as RunSummary).pages === 'number' ? (s as RunSummary) : null;
}

/** Time after Postgres came back during which a lost connection still counts as the outage's. */
const OUTAGE_TAIL_MS = 30_000;

/**
 * Whether a lost connection is an outage (not the job's fault): Postgres does not answer (asked after
 * a moment: during a shutdown, a pooled connection not yet terminated may still answer), or it just
 * came back from one (postgres.js hands the first query on a reconnected connection the error that
 * ended the previous one).
 */
async function postgresOutage(deps: EngineDeps): Promise<'down' | 'tail' | null> {
  if (!(await postgresAnswers(deps.db, deps.config.dependencyProbeMs))) return 'down';
  return deps.health.downWithin('postgres', OUTAGE_TAIL_MS) ? 'tail' : null;
}

function skipped(job: Job<EngineJobData>, reason: string): RunSummary {
  const d = job.data as SyncJobData;
  return {
    runId: null,
    connectionId: d.connectionId,
    stream: d.stream,
    trigger: d.trigger,
    status: 'skipped',
    windows: 0,
    durationMs: 0,
    errorClass: null,
    errorMessage: reason,
    ...emptyCounts(),
  };
}

function withSummary<E extends Error>(err: E, summary: RunSummary | null): E {
  if (summary) Object.defineProperty(err, 'summary', { value: summary, enumerable: false });
  return err;
}
