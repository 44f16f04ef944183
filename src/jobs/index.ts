/** The sync engine's public entry points (CLI, worker entry, tests, benchmarks). */
export { readScheduleBacklog, type StreamBacklog } from './backlog.ts';
export { BackfillInputError, type BackfillProgress, planBackfill, runBackfill } from './backfill.ts';
export {
  type BuildEngineDepsOptions,
  buildEngineDeps,
  engineConfigFrom,
  type OwnedEngineDeps,
} from './build-deps.ts';
export {
  type Clock,
  DEFAULT_EVERY_MS,
  DEFAULT_QUEUE_PREFIX,
  defaultEngineConfig,
  type EngineConfig,
  type EngineDeps,
  systemClock,
} from './deps.ts';
export {
  type BackfillRequest,
  DEFAULT_TAKEOVER_AFTER_MS,
  type EnqueueAndWaitInput,
  enqueueAndWait,
  hasActiveWorkers,
  type JobProgressEvent,
  type SyncRequest,
  type TakeoverEvent,
  type WaitStatus,
} from './enqueue.ts';
export { ConnectionUnavailableError, isPermanentFailure, SyncRunError } from './failure.ts';
export {
  type DispatchOptions,
  dispatchDue,
  type RunningDispatcher,
  removeLegacySchedulers,
  startDispatcher,
} from './dispatcher.ts';
export { backfillJobId, createEngineQueue, dispatchJobId, type EngineRedis } from './queues.ts';
export type { RunSummary } from './run-summary.ts';
export { type ReconcileResult, reconcileSchedules } from './schedules.ts';
export { StreamBusyError } from './stream-lock.ts';
export { runSync } from './sync-job.ts';
export { checkQueuedJobs, type WatchdogPass } from './watchdog.ts';
export { type RunningWorker, type StartWorkerOptions, startWorker } from './worker.ts';
