/**
 * One worker process of the scale benchmark (bench/scale.bench.ts): the real engine (buildEngineDeps
 * + startWorker: dispatcher election, queue, pair freeing) with a fixed-time job body instead of a
 * sync, so what is measured is the scheduling layer. Prints JSON lines: `first_job` once, then on
 * SIGTERM a `summary` (each run's due and start time; peak RSS).
 */
import { buildEngineDeps, startWorker } from '../src/jobs/index.ts';
import type { SyncJobData } from '../src/jobs/queues.ts';
import { emptyCounts, type RunSummary } from '../src/jobs/run-summary.ts';
import { createLogger } from '../src/log.ts';

const env = (k: string) => {
  const v = process.env[k];
  if (!v) throw new Error(`scale-worker: ${k} is required`);
  return v;
};
const jobMs = Number(process.env.JOB_MS ?? '30');
const deps = buildEngineDeps({
  databaseUrl: env('DATABASE_URL'),
  redisUrl: env('REDIS_URL'),
  apiBaseUrl: 'http://127.0.0.1:9',
  authBaseUrl: 'http://127.0.0.1:9',
  encryptionKey: Buffer.alloc(32, 7).toString('base64'),
  log: createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: `scale-${process.pid}` }),
  config: { queueName: env('QUEUE_NAME'), queuePrefix: env('QUEUE_PREFIX'), watchdogIntervalMs: 60_000 },
  dbPoolSize: 4,
});
/** [due, started] (ms) of every run. */
const runs: [number, number][] = [];
let first = false;
let peakRss = 0;
const rssTimer = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 1_000);
// Installed before the worker starts: its first jobs can run before startWorker returns.
let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
let starting: Promise<unknown> = Promise.resolve();
process.once('SIGTERM', async () => {
  clearInterval(rssTimer);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await starting;
  await worker?.close();
  await deps.close();
  // A pipe is written asynchronously: exit only once the summary is out.
  process.stdout.write(`${JSON.stringify({ event: 'summary', runs, peakRss })}\n`, () => process.exit(0));
});
const startingWorker = startWorker(deps, {
  concurrency: Number(process.env.CONCURRENCY ?? '4'),
  name: `scale-${process.pid}`,
  reap: false,
  processor: async (job) => {
    const started = Date.now();
    if (!first) {
      first = true;
      process.stdout.write(`${JSON.stringify({ event: 'first_job', at: started })}\n`);
    }
    const d = job.data as SyncJobData;
    const due = d.dueAt ? Date.parse(d.dueAt) : started;
    runs.push([due, started]);
    await new Promise((r) => setTimeout(r, jobMs));
    return {
      runId: null,
      connectionId: d.connectionId,
      stream: d.stream,
      trigger: 'schedule',
      status: 'succeeded',
      windows: 0,
      durationMs: jobMs,
      errorClass: null,
      errorMessage: null,
      ...emptyCounts(),
    } satisfies RunSummary;
  },
});
starting = startingWorker;
worker = await startingWorker;
process.stdout.write(`${JSON.stringify({ event: 'ready', at: Date.now() })}\n`);
