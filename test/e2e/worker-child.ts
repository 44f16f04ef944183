/**
 * A worker process for the kill/resume and two-worker tests: the real engine (buildEngineDeps +
 * startWorker) configured from the environment by the parent test, logging JSON lines to stdout.
 * Run: node --import tsx test/e2e/worker-child.ts (the same as `npx tsx test/e2e/worker-child.ts`).
 */
import { buildEngineDeps, startWorker } from '../../src/jobs/index.ts';
import { createLogger, installLastResort } from '../../src/log.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`worker-child: ${name} is required`);
  return value;
}

const offsetMs = Number(process.env.CLOCK_OFFSET_MS ?? '0');
const log = createLogger({ level: process.env.LOG_LEVEL ?? 'info', name: `worker-${process.pid}` });
// As `affiliate-etl worker`: a crash is one structured line and exit code 1.
installLastResort(log, process, (code) => process.exit(code));
const deps = buildEngineDeps({
  databaseUrl: env('DATABASE_URL'),
  redisUrl: env('REDIS_URL'),
  apiBaseUrl: env('SANDBOX_URL'),
  authBaseUrl: env('SANDBOX_URL'),
  encryptionKey: env('ENCRYPTION_KEY'),
  log,
  clock: { now: () => new Date(Date.now() + offsetMs) },
  ratePerSecond: Number(process.env.RATE_PER_SECOND ?? '1000'),
  redisKeyPrefix: env('REDIS_KEY_PREFIX'),
  retry: { retries: 6, minTimeoutMs: 10, maxTimeoutMs: 100 },
  config: {
    queueName: env('QUEUE_NAME'),
    queuePrefix: env('QUEUE_PREFIX'),
    windows: {
      windowDays: Number(process.env.WINDOW_DAYS ?? '30'),
      overlapMs: 10 * 60_000,
      safetyLagMs: 0,
      maturityDays: 90,
      startDate: null,
    },
    busyDelayMs: 200,
    backoffMs: 200,
    shutdownTimeoutMs: 5_000,
    outageDelayMs: Number(process.env.OUTAGE_DELAY_MS ?? '300'),
    dependencyProbeMs: Number(process.env.DEPENDENCY_PROBE_MS ?? '200'),
    reapIntervalMs: Number(process.env.REAP_INTERVAL_MS ?? '60000'),
  },
});
// STALL_SETTINGS=production (the chaos suite): startWorker's own defaults for the stalled-job
// check, the lock and maxStalledCount, i.e. exactly what a deployed worker runs with. Otherwise the
// fast recovery the kill/resume tests need.
const stall =
  process.env.STALL_SETTINGS === 'production'
    ? {}
    : {
        stalledIntervalMs: Number(process.env.STALLED_INTERVAL_MS ?? '300'),
        lockDurationMs: Number(process.env.LOCK_DURATION_MS ?? '1000'),
        // 1000 by default: the kill/resume test isolates resumption from BullMQ's give-up. The stall
        // tests say 'default' to run with the production value (startWorker's own default).
        ...(process.env.MAX_STALLED_COUNT === 'default'
          ? {}
          : { maxStalledCount: Number(process.env.MAX_STALLED_COUNT ?? '1000') }),
      };
const worker = await startWorker(deps, {
  concurrency: Number(process.env.CONCURRENCY ?? '1'),
  schedule: process.env.SCHEDULE === '1',
  name: `worker-${process.pid}`,
  ...stall,
  ...(process.env.MAX_REQUEUES ? { maxRequeues: Number(process.env.MAX_REQUEUES) } : {}),
  reap: process.env.REAP === '1',
});
const stop = async () => {
  await worker.close();
  await deps.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
// Spawned with an IPC channel by the test: if the test process dies, do not outlive it.
process.once('disconnect', () => void stop());
process.once('SIGINT', () => void stop());
