/**
 * The BullMQ queue the engine runs on: job names, payloads (ids only: the job re-reads everything
 * from Postgres when it runs), deterministic ids, retention and retry options.
 */
import { type ConnectionOptions, type JobsOptions, Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { isStreamName, type StreamName } from '../core/streams.ts';
import type { RunTrigger } from '../load/types.ts';
import type { EngineConfig } from './deps.ts';

export const SYNC_JOB = 'sync' as const;
export const BACKFILL_JOB = 'backfill' as const;

export interface SyncJobData {
  connectionId: number;
  stream: StreamName;
  trigger: RunTrigger;
  /** `sync --full-refresh`: the run ignores stored row hashes (sync-job.ts). */
  fullRefresh?: boolean;
  /** How often this work was re-enqueued after BullMQ gave up on it (worker.ts, stalls). */
  requeues?: number;
  /** ISO instant the run was due (jobs of the dispatcher only): what "overdue" is measured from. */
  dueAt?: string;
}

export interface BackfillJobData {
  connectionId: number;
  stream: StreamName;
  /** ISO instants, [from, to). */
  from: string;
  to: string;
  requeues?: number;
}

export type EngineJobName = typeof SYNC_JOB | typeof BACKFILL_JOB;
export type EngineJobData = SyncJobData | BackfillJobData;

/**
 * Job names are typed as plain strings: BullMQ 5 types upsertJobScheduler's scheduler id with the
 * job-name type parameter, so a narrower name type would reject scheduler ids.
 */
export type EngineQueue = Queue<EngineJobData, unknown, string>;

/** Compact UTC stamp for ids: BullMQ forbids ':' in custom job ids, so ISO strings cannot be used. */
export function idStamp(iso: string): string {
  return new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Deterministic backfill job id, `backfill.<stream>.<connection>.<from>.<to>` (CONTRIBUTING.md#thin-jobs
 * spells it with ':'; BullMQ rejects ':' in custom ids, so '.' separates): enqueueing the same range
 * twice is a no-op while the first job is kept.
 */
export function backfillJobId(stream: StreamName, connectionId: number, from: string, to: string): string {
  return `backfill.${stream}.${connectionId}.${idStamp(from)}.${idStamp(to)}`;
}

/** The dispatcher's job ids start with it (the watchdog and the backlog read only those). */
export const DISPATCH_JOB_PREFIX = 'sched.';

/**
 * Id of the dispatcher's job for one due run, `sched.<stream>.<connection>.<due epoch ms>`: the same
 * due run handed over twice (a dispatcher killed between its two steps) is one job.
 */
export function dispatchJobId(connectionId: number, stream: StreamName, dueMs: number): string {
  return `${DISPATCH_JOB_PREFIX}${stream}.${connectionId}.${dueMs}`;
}

/** What a dispatcher's job id says: its pair and due time; null for any other job. */
export function parseDispatchJobId(
  id: string,
): { stream: StreamName; connectionId: number; dueMs: number } | null {
  if (!id.startsWith(DISPATCH_JOB_PREFIX)) return null;
  const [stream, connection, due] = id.slice(DISPATCH_JOB_PREFIX.length).split('.');
  const connectionId = Number(connection);
  const dueMs = Number(due);
  if (!stream || !isStreamName(stream) || !Number.isSafeInteger(connectionId) || !Number.isSafeInteger(dueMs))
    return null;
  return { stream, connectionId, dueMs };
}

/** Ids of the per-pair BullMQ Job Schedulers of earlier versions (removed by the dispatcher). */
export const LEGACY_SCHEDULER_PREFIX = 'sched.';

/** A Redis client the engine runs on: one server, or a Cluster (REDIS_CLUSTER_NODES). */
export type EngineRedis = Redis | Cluster;

export function baseJobOptions(config: EngineConfig): JobsOptions {
  return {
    attempts: config.attempts,
    backoff: { type: 'exponential', delay: config.backoffMs },
    removeOnComplete: { count: config.keepCompleted },
    removeOnFail: { count: config.keepFailed },
  };
}

export function syncJobOptions(config: EngineConfig): JobsOptions {
  return { ...baseJobOptions(config), priority: config.syncPriority };
}

export function backfillJobOptions(config: EngineConfig): JobsOptions {
  return { ...baseJobOptions(config), priority: config.backfillPriority };
}

/**
 * `onError` receives the queue's connection errors. There must be a listener: a BullMQ Queue without
 * one prints every failed reconnect to stderr as plain text (console.error), in the middle of the
 * JSON log. The default drops them because the engine's Redis client reports the same failures itself
 * (build-deps.ts: one structured line per outage).
 */
export function createEngineQueue(
  connection: ConnectionOptions,
  config: EngineConfig,
  onError: (err: Error) => void = () => undefined,
): EngineQueue {
  const queue = new Queue<EngineJobData, unknown, string>(config.queueName, {
    connection,
    prefix: config.queuePrefix,
    defaultJobOptions: baseJobOptions(config),
  });
  queue.on('error', onError);
  return queue;
}
