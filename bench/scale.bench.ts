/**
 * `npm run bench -- scale`: the schedule at agency scale. SCALE_BENCH_PAIRS (connection x stream)
 * pairs (default 70,000: 10,000 seller connections x 4 streams + 7,500 partner connections x 4),
 * laid out in a database of its own and a redis-server of its own (so its memory is the schedule's
 * alone), run by worker processes of the real engine (bench/scale-worker.ts) whose job body takes
 * JOB_MS (30 ms), so the figures are those of the scheduling layer, not of the API.
 *
 * Measured: worker start to first job with 1 and 4 workers; over SCALE_BENCH_MINUTES (5) at a
 * 1-minute interval and at the default intervals, the fraction of due runs started within one
 * interval of their due time, overdue p50 / p95 (start - due); Redis memory above an empty server;
 * peak RSS per worker; a watchdog pass over every pair; `schedule set` over every pair.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { STREAM_KIND, STREAMS, type StreamName } from '../src/core/streams.ts';
import { buildEngineDeps, checkQueuedJobs, createEngineQueue, DEFAULT_EVERY_MS } from '../src/jobs/index.ts';
import { reconcileSchedules } from '../src/jobs/schedules.ts';
import { nextRunAfter } from '../src/jobs/schedule-timing.ts';
import { runMigrations } from '../src/load/migrate.ts';
import { createLogger } from '../src/log.ts';
import { startLocalRedis } from '../src/services/local-redis.ts';
import { setSchedules } from '../src/cli/common/schedule-store.ts';
import { describePairs } from '../src/cli/commands/schedule/run.ts';

const here = dirname(fileURLToPath(import.meta.url));
const DEV_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const MINUTE = 60_000;

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

interface Child {
  firstJobAt: Promise<number>;
  stop(): Promise<{ runs: [number, number][]; peakRss: number }>;
}

function spawnWorker(env: Record<string, string>): Child {
  const child = spawn(process.execPath, [...process.execArgv, join(here, 'scale-worker.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffer = '';
  let resolveFirst: (t: number) => void = () => undefined;
  let resolveSummary: (s: { runs: [number, number][]; peakRss: number }) => void = () => undefined;
  const firstJobAt = new Promise<number>((r) => {
    resolveFirst = r;
  });
  const summary = new Promise<{ runs: [number, number][]; peakRss: number }>((r) => {
    resolveSummary = r;
  });
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    let i = buffer.indexOf('\n');
    while (i >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      i = buffer.indexOf('\n');
      if (!line.startsWith('{')) continue;
      const msg = JSON.parse(line) as {
        event: string;
        at?: number;
        runs?: [number, number][];
        peakRss?: number;
      };
      if (msg.event === 'first_job') resolveFirst(msg.at as number);
      if (msg.event === 'summary') resolveSummary({ runs: msg.runs ?? [], peakRss: msg.peakRss ?? 0 });
    }
  });
  // A worker that dies without its summary must not hang the benchmark.
  child.once('exit', () => resolveSummary({ runs: [], peakRss: 0 }));
  return {
    firstJobAt,
    async stop() {
      child.kill('SIGTERM');
      return summary;
    },
  };
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);

export async function runScaleBench(): Promise<Record<string, number>> {
  const pairsWanted = Number(process.env.SCALE_BENCH_PAIRS ?? 70_000);
  const minutes = Number(process.env.SCALE_BENCH_MINUTES ?? 5);
  const concurrency = Number(process.env.SCALE_BENCH_CONCURRENCY ?? 4);
  const log = (line: string) => console.log(line);
  const serverUrl = process.env.DATABASE_URL ?? DEV_URL;
  const dbName = `scale_bench_${process.pid}_${Date.now()}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const url = withDatabase(serverUrl, dbName);
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  const redisServer = await startLocalRedis({
    mode: 'test',
    projectDir: process.cwd(),
    log: createLogger({ level: 'warn' }),
    executable: 'redis-server',
  });
  const redis = new Redis(redisServer.url);
  const figures: Record<string, number> = {};
  try {
    await runMigrations(url);
    // Connections: half the pairs from seller connections (4 streams), half from partner ones (4).
    const perKind = Math.round(pairsWanted / 8);
    await sql`
      insert into etl.connections (kind, name, app_key, app_secret_enc, access_token_enc, refresh_token_enc,
        access_token_expires_at)
      select case when g % 2 = 0 then 'seller' else 'partner' end, 'bench ' || g, 'k', 'x', 'x', 'x', now() + interval '1 day'
      from generate_series(1, ${perKind * 2}) g`;
    const baseMemory = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    const engineEnv = {
      DATABASE_URL: url,
      REDIS_URL: redisServer.url,
      QUEUE_NAME: 'scale',
      QUEUE_PREFIX: '{affiliate-etl}',
      CONCURRENCY: String(concurrency),
      JOB_MS: process.env.JOB_MS ?? '30',
    };
    const deps = buildEngineDeps({
      databaseUrl: url,
      redisUrl: redisServer.url,
      apiBaseUrl: 'http://127.0.0.1:9',
      authBaseUrl: 'http://127.0.0.1:9',
      encryptionKey: Buffer.alloc(32, 7).toString('base64'),
      log: createLogger({ level: 'warn' }),
      config: { queueName: 'scale', queuePrefix: '{affiliate-etl}' },
    });
    const queue = createEngineQueue(deps.redis, deps.config);
    const allPairs = (
      await sql<{ id: number; kind: string }[]>`select id, kind from etl.connections order by id`
    ).flatMap((c) =>
      STREAMS.filter((s) => STREAM_KIND[s] === c.kind).map((stream) => ({ connectionId: c.id, stream })),
    );
    figures.pairs = allPairs.length;
    log(`scale: ${allPairs.length} pairs`);

    // `schedule set --every 1m` over every pair: one statement, then the schedule laid out again.
    let t = performance.now();
    await setSchedules(sql, allPairs, { everyMs: MINUTE, cron: null });
    const reconciled = await reconcileSchedules(sql, DEFAULT_EVERY_MS, Date.now());
    figures.schedule_set_all_s = (performance.now() - t) / 1000;
    figures.schedule_set_line_chars = describePairs(allPairs).length;
    log(
      `schedule set over all pairs: ${figures.schedule_set_all_s.toFixed(2)} s (${reconciled.created} laid out)`,
    );

    const resetQueue = async () => {
      await queue.obliterate({ force: true });
      await sql`update etl.schedule_dispatch set queued_job = null, queued_at = null`;
    };

    // Start to first job: the schedule laid out (as by the previous deploy), workers spawned.
    for (const n of [1, 4]) {
      await resetQueue();
      const t0 = Date.now();
      const children = Array.from({ length: n }, () => spawnWorker(engineEnv));
      const first = await Promise.race(children.map((c) => c.firstJobAt));
      figures[`start_to_first_job_s_${n}_worker${n === 1 ? '' : 's'}`] = (first - t0) / 1000;
      await Promise.all(children.map((c) => c.stop()));
      log(`start to first job, ${n} worker(s): ${((first - t0) / 1000).toFixed(2)} s`);
    }

    const measure = async (label: string, intervalOf: (s: StreamName) => number) => {
      await resetQueue();
      // Laid out afresh at the start of the window, as a deploy that has been running would have it.
      const start = Date.now();
      await sql`delete from etl.schedule_dispatch`;
      await reconcileSchedules(sql, DEFAULT_EVERY_MS, start);
      const children = Array.from({ length: 4 }, () => spawnWorker(engineEnv));
      let peakMemory = 0;
      const end = start + minutes * MINUTE;
      while (Date.now() < end) {
        await new Promise((r) => setTimeout(r, 5_000));
        peakMemory = Math.max(peakMemory, Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]));
      }
      const summaries = await Promise.all(children.map((c) => c.stop()));
      const runs = summaries.flatMap((s) => s.runs);
      // Due runs whose whole interval fits in the window, and whether each started within it.
      let due = 0;
      let onTime = 0;
      const lateness: number[] = [];
      for (const [dueMs, startedMs] of runs) lateness.push((startedMs - dueMs) / 1000);
      const startedByDue = new Map<number, number[]>();
      for (const [dueMs, startedMs] of runs)
        startedByDue.set(dueMs, [...(startedByDue.get(dueMs) ?? []), startedMs]);
      for (const p of allPairs) {
        const every = intervalOf(p.stream);
        for (let d = nextRunAfter({ everyMs: every, cron: null }, p, start); d + every <= end; d += every) {
          due += 1;
          const list = startedByDue.get(d);
          if (list?.some((s) => s - d <= every)) onTime += 1;
        }
      }
      lateness.sort((a, b) => a - b);
      const rss = summaries.map((s) => s.peakRss / 1_048_576);
      log(
        `${label}: ${runs.length} runs, ${due} due with their whole interval in the window, ${onTime} started within it`,
      );
      return {
        fraction: due === 0 ? 1 : onTime / due,
        p50: quantile(lateness, 0.5),
        p95: quantile(lateness, 0.95),
        redisMb: (peakMemory - baseMemory) / 1_048_576,
        rssMb: Math.max(...rss),
        runs: runs.length,
        due,
      };
    };

    const oneMinute = await measure('1-minute interval', () => MINUTE);
    figures.due_runs_started_within_interval = oneMinute.fraction;
    figures.overdue_p50_s = oneMinute.p50;
    figures.overdue_p95_s = oneMinute.p95;
    figures.due_runs_1m = oneMinute.due;
    figures.runs_1m = oneMinute.runs;
    figures.redis_schedule_mb = oneMinute.redisMb;
    figures.worker_rss_mb = oneMinute.rssMb;

    await sql`delete from etl.schedules`;
    const defaults = await measure('default intervals', (s) => DEFAULT_EVERY_MS[s]);
    figures.due_runs_started_within_interval_defaults = defaults.fraction;
    figures.overdue_p50_s_defaults = defaults.p50;
    figures.overdue_p95_s_defaults = defaults.p95;
    figures.due_runs_defaults = defaults.due;
    figures.redis_schedule_mb_defaults = defaults.redisMb;
    figures.worker_rss_mb = Math.max(figures.worker_rss_mb, defaults.rssMb);

    // Watchdog: a pass over every pair holding a job that is not in Redis (all owed again).
    await sql`update etl.schedule_dispatch set queued_job = 'sched.gone.' || connection_id || '.' || stream, queued_at = now() - interval '1 hour'`;
    t = performance.now();
    const pass = await checkQueuedJobs(deps, queue, { nowMs: Date.now(), graceMs: 0 });
    figures.watchdog_pass_s = (performance.now() - t) / 1000;
    figures.watchdog_pairs_checked = pass.checked;
    log(`watchdog pass over ${pass.checked} pairs: ${figures.watchdog_pass_s.toFixed(3)} s`);
    await queue.close();
    await deps.close();
  } finally {
    redis.disconnect();
    await redisServer.stop();
    await sql.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end({ timeout: 5 });
  }
  return figures;
}
