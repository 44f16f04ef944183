/**
 * `npm run bench -- scale`: the schedule at agency scale. SCALE_BENCH_PAIRS (connection x stream)
 * pairs (default 70,000: 10,000 seller connections x 4 streams + 7,500 partner connections x 4),
 * laid out in a database of its own and a redis-server of its own (so its memory is the schedule's
 * alone), run by worker processes of the real engine (bench/scale-worker.ts) whose job body takes
 * JOB_MS (30 ms), so the figures are those of the scheduling layer, not of the API.
 *
 * Measured: worker start to first job with 1 and 4 workers, as production runs them (`node
 * dist/cli.js worker`, the package's build, made here first; the first job is the worker's
 * `job_started` debug line), and 4 through tsx as a checkout runs them; over SCALE_BENCH_MINUTES (5)
 * at a 1-minute interval and at the default intervals, the fraction of due runs started within one
 * interval of their due time, overdue p50 / p95 (start - due); Redis memory above an empty server;
 * peak RSS per worker; a watchdog pass over every pair; `schedule set` over every pair; the load
 * average at start and end (the machine is shared).
 *
 * Each headline figure is printed against a baseline measured in the same run (what the figure
 * cannot go below on this machine) and against the target where it states one.
 */
import { execFileSync, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { STREAM_KIND, STREAMS, type StreamName } from '../src/core/streams.ts';
import {
  buildEngineDeps,
  checkQueuedJobs,
  createEngineQueue,
  DEFAULT_EVERY_MS,
  dispatchDue,
} from '../src/jobs/index.ts';
import { reconcileSchedules } from '../src/jobs/schedules.ts';
import { nextRunAfter } from '../src/jobs/schedule-timing.ts';
import { runMigrations } from '../src/load/migrate.ts';
import { createLogger } from '../src/log.ts';
import { startLocalRedis } from '../src/services/local-redis.ts';
import { setSchedules } from '../src/cli/common/schedule-store.ts';
import { describePairs } from '../src/cli/commands/schedule/run.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
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

/**
 * `node dist/cli.js worker` x n, started together; resolves when the first of them takes a job
 * (its `job_started` line, at the time the worker logged it), then stops them all.
 */
async function productionStart(
  n: number,
  env: Record<string, string>,
  entry: string[] = [join(root, 'dist', 'cli.js')],
): Promise<number> {
  const t0 = Date.now();
  const children = Array.from({ length: n }, () =>
    spawn(process.execPath, [...entry, 'worker'], {
      cwd: root,
      env: { ...process.env, ...env, LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  try {
    const first = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no job started within 120 s')), 120_000);
      for (const child of children) {
        let buffer = '';
        child.stderr.on('data', (d: Buffer) => {
          buffer += d.toString();
          const lines = buffer.split('\n');
          buffer = lines.pop() ?? '';
          for (const line of lines) {
            if (!line.includes('"event":"job_started"')) continue;
            clearTimeout(timer);
            resolve(new Date((JSON.parse(line) as { time: string | number }).time).getTime());
          }
        });
        child.once('exit', (code) => {
          if (code !== null && code !== 0) reject(new Error(`worker exited with ${code}`));
        });
      }
    });
    return (first - t0) / 1000;
  } finally {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null) return resolve();
            const kill = setTimeout(() => c.kill('SIGKILL'), 30_000);
            c.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  }
}

/** n processes of `node dist/cli.js --version` started together: the boot no change of ours removes. */
async function bootOnly(n: number): Promise<number> {
  const t0 = Date.now();
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve, reject) => {
          const c = spawn(process.execPath, [join(root, 'dist', 'cli.js'), '--version'], { stdio: 'ignore' });
          c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`--version exited ${code}`))));
        }),
    ),
  );
  return (Date.now() - t0) / 1000;
}

/** Peak RSS of a bare node process (what every worker's RSS starts from). */
function bareNodeRssMb(): number {
  const out = execFileSync(process.execPath, [
    '-e',
    'process.stdout.write(String(process.memoryUsage().rss))',
  ]);
  return Number(out.toString()) / 1_048_576;
}

interface Headline {
  figure: string;
  baseline: string;
  /** The target: the figure must stay below (max) or reach (min) it. */
  target?: { max: number } | { min: number };
}

const HEADLINES: Headline[] = [
  { figure: 'start_to_first_job_s_1_worker', baseline: 'boot_s_1_process', target: { max: 5 } },
  { figure: 'start_to_first_job_s_4_workers', baseline: 'boot_s_4_processes', target: { max: 5 } },
  // Against what the workers could do: runs started per second over runs due per second.
  {
    figure: 'due_runs_started_within_interval',
    baseline: 'capacity_over_demand_1m',
    target: { min: 0.99 },
  },
  // An interval the workers can keep up with (demand under capacity): the issue's "whenever the
  // worker capacity allows it".
  {
    figure: 'due_runs_started_within_interval_fit',
    baseline: 'demand_over_capacity_fit',
    target: { min: 0.99 },
  },
  { figure: 'overdue_p95_s', baseline: 'dispatch_tick_s' },
  { figure: 'overdue_p95_s_fit', baseline: 'dispatch_tick_s' },
  { figure: 'overdue_p95_s_defaults', baseline: 'dispatch_tick_s' },
  { figure: 'redis_schedule_mb', baseline: 'redis_empty_mb', target: { max: 50 } },
  { figure: 'redis_schedule_mb_fit', baseline: 'redis_empty_mb', target: { max: 50 } },
  { figure: 'redis_schedule_mb_defaults', baseline: 'redis_empty_mb', target: { max: 50 } },
  { figure: 'worker_rss_mb', baseline: 'bare_node_rss_mb' },
  { figure: 'watchdog_pass_s', baseline: 'watchdog_pass_s_empty', target: { max: 1 } },
  { figure: 'watchdog_pass_s_backlog', baseline: 'watchdog_pass_s_empty', target: { max: 1 } },
  { figure: 'watchdog_pass_s_all_lost', baseline: 'watchdog_pass_s_empty', target: { max: 1 } },
];

function printHeadlines(figures: Record<string, number>, log: (line: string) => void): void {
  const rows = HEADLINES.filter((h) => figures[h.figure] !== undefined).map((h) => {
    const value = figures[h.figure] as number;
    const base = figures[h.baseline];
    const target = h.target ? ('max' in h.target ? h.target.max : h.target.min) : undefined;
    const met = h.target ? ('max' in h.target ? value < h.target.max : value >= h.target.min) : undefined;
    return {
      figure: h.figure,
      value: Number(value.toFixed(3)),
      baseline: `${h.baseline} = ${base === undefined ? '?' : Number(base.toFixed(3))}`,
      'x baseline': base ? Number((value / base).toFixed(2)) : '-',
      target:
        target === undefined ? 'none stated' : `${h.target && 'max' in h.target ? '<' : '>='} ${target}`,
      'x target': target ? Number((value / target).toFixed(2)) : '-',
      met: met === undefined ? '-' : met ? 'yes' : 'NO',
    };
  });
  log('scale: headline figures against their baseline (same run) and the issue target');
  console.table(rows);
}

const quantile = (sorted: number[], q: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);

export async function runScaleBench(): Promise<Record<string, number>> {
  const pairsWanted = Number(process.env.SCALE_BENCH_PAIRS ?? 70_000);
  const minutes = Number(process.env.SCALE_BENCH_MINUTES ?? 5);
  const concurrency = Number(process.env.SCALE_BENCH_CONCURRENCY ?? 4);
  const log = (line: string) => console.log(line);
  const figures: Record<string, number> = {};
  // The machine is shared: what else ran is part of every figure.
  figures.load_avg_1m_start = loadavg()[0] as number;
  log(`scale: load average (1 min) at start ${figures.load_avg_1m_start.toFixed(2)}`);
  // Production runs the package's build (`node dist/cli.js worker`): build it as `npm pack` would.
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
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
    figures.redis_empty_mb = baseMemory / 1_048_576;
    figures.bare_node_rss_mb = bareNodeRssMb();
    figures.dispatch_tick_s = 1;
    const encryptionKey = Buffer.alloc(32, 7).toString('base64');
    // The production worker's environment (its queue has the default name, as the bench's workers).
    const productionEnv = {
      DATABASE_URL: url,
      REDIS_URL: redisServer.url,
      QUEUE_PREFIX: '{affiliate-etl}',
      ETL_ENCRYPTION_KEY: encryptionKey,
      WORKER_CONCURRENCY: String(concurrency),
      TIKTOK_API_BASE_URL: 'http://127.0.0.1:9',
      TIKTOK_AUTH_BASE_URL: 'http://127.0.0.1:9',
    };
    const engineEnv = {
      DATABASE_URL: url,
      REDIS_URL: redisServer.url,
      QUEUE_NAME: 'affiliate-etl',
      QUEUE_PREFIX: '{affiliate-etl}',
      CONCURRENCY: String(concurrency),
      JOB_MS: process.env.JOB_MS ?? '30',
    };
    const deps = buildEngineDeps({
      databaseUrl: url,
      redisUrl: redisServer.url,
      apiBaseUrl: 'http://127.0.0.1:9',
      authBaseUrl: 'http://127.0.0.1:9',
      encryptionKey,
      log: createLogger({ level: 'warn' }),
      config: { queuePrefix: '{affiliate-etl}' },
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

    // Start to first job: the schedule laid out (as by the previous deploy), workers spawned. The
    // production workers run the real job body on these fake connections (it fails at once): only the
    // start is timed, and whatever their runs left is undone before the next measurement.
    const undoRuns = async () => {
      await resetQueue();
      await sql`update etl.connections set status = 'active'`;
      await sql`delete from etl.sync_state`;
    };
    figures.boot_s_1_process = await bootOnly(1);
    figures.boot_s_4_processes = await bootOnly(4);
    log(
      `boot (node dist/cli.js --version), 1 / 4 processes at once: ${figures.boot_s_1_process.toFixed(2)} s / ${figures.boot_s_4_processes.toFixed(2)} s`,
    );
    for (const n of [1, 4]) {
      await undoRuns();
      const s = await productionStart(n, productionEnv);
      figures[`start_to_first_job_s_${n}_worker${n === 1 ? '' : 's'}`] = s;
      log(`start to first job, ${n} worker(s), node dist/cli.js worker: ${s.toFixed(2)} s`);
    }
    await undoRuns();
    figures.start_to_first_job_s_4_workers_tsx = await productionStart(4, productionEnv, [
      join(root, 'bin', 'affiliate-etl.js'),
    ]);
    log(
      `start to first job, 4 workers through tsx (a checkout): ${figures.start_to_first_job_s_4_workers_tsx.toFixed(2)} s`,
    );
    await undoRuns();

    const measure = async (
      label: string,
      intervalOf: (s: StreamName) => number,
      afterStop?: () => Promise<void>,
    ) => {
      await resetQueue();
      // Laid out afresh at the start of the window, as a deploy that has been running would have it:
      // every pair synced before (a checkpoint), so each keeps its spread phase instead of all
      // coming due at once as pairs never synced do (that burst is a first deploy, not the steady state).
      const start = Date.now();
      await sql`insert into etl.sync_state (connection_id, stream)
        select connection_id, stream from etl.schedule_dispatch on conflict do nothing`;
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
      await afterStop?.();
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

    // Right after the 1-minute window the queue holds its backlog: a watchdog pass as the leader
    // would run it then (every pair holding a job, most of them alive in the queue).
    const oneMinute = await measure(
      '1-minute interval',
      () => MINUTE,
      async () => {
        const p = await checkQueuedJobs(deps, queue, { nowMs: Date.now(), graceMs: 0 });
        figures.watchdog_pass_s_backlog = p.ms / 1000;
        figures.watchdog_backlog_pairs_checked = p.checked;
        log(
          `watchdog pass with the backlog in the queue (${p.checked} pairs held): ${(p.ms / 1000).toFixed(3)} s`,
        );
      },
    );
    figures.due_runs_started_within_interval = oneMinute.fraction;
    figures.overdue_p50_s = oneMinute.p50;
    figures.overdue_p95_s = oneMinute.p95;
    figures.due_runs_1m = oneMinute.due;
    figures.runs_1m = oneMinute.runs;
    figures.runs_per_s_1m = oneMinute.runs / (minutes * 60);
    figures.capacity_over_demand_1m = figures.runs_per_s_1m / (allPairs.length / 60);
    figures.redis_schedule_mb = oneMinute.redisMb;
    figures.worker_rss_mb = oneMinute.rssMb;

    // The same pairs at an interval the workers can keep up with (the 1-minute one asks ~3x their
    // capacity): the "whenever the capacity allows it" case. Only due runs whose whole interval fits
    // in the window count, so an interval under the window's length samples a share of the pairs.
    const fitMinutes = Number(process.env.SCALE_BENCH_FIT_MINUTES ?? 4);
    await setSchedules(sql, allPairs, { everyMs: fitMinutes * MINUTE, cron: null });
    const fit = await measure(`${fitMinutes}-minute interval`, () => fitMinutes * MINUTE);
    figures.fit_interval_min = fitMinutes;
    figures.due_runs_started_within_interval_fit = fit.fraction;
    figures.overdue_p50_s_fit = fit.p50;
    figures.overdue_p95_s_fit = fit.p95;
    figures.due_runs_fit = fit.due;
    figures.demand_over_capacity_fit = allPairs.length / (fitMinutes * 60) / figures.runs_per_s_1m;
    figures.redis_schedule_mb_fit = fit.redisMb;
    figures.worker_rss_mb = Math.max(figures.worker_rss_mb, fit.rssMb);

    await sql`delete from etl.schedules`;
    const defaults = await measure('default intervals', (s) => DEFAULT_EVERY_MS[s]);
    figures.due_runs_started_within_interval_defaults = defaults.fraction;
    figures.overdue_p50_s_defaults = defaults.p50;
    figures.overdue_p95_s_defaults = defaults.p95;
    figures.due_runs_defaults = defaults.due;
    figures.redis_schedule_mb_defaults = defaults.redisMb;
    figures.worker_rss_mb = Math.max(figures.worker_rss_mb, defaults.rssMb);

    // Watchdog: a pass with nothing held (its fixed cost: the baseline); every pair holding a job
    // that waits in the queue (nothing to repair: the most a healthy pass reads); then every pair
    // holding a job that is not in Redis (all owed again: the worst case, every row rewritten).
    await resetQueue();
    figures.watchdog_pass_s_empty =
      (await checkQueuedJobs(deps, queue, { nowMs: Date.now(), graceMs: 0 })).ms / 1000;
    await sql`update etl.schedule_dispatch set next_run_at = now() - interval '1 minute'`;
    const handed = await dispatchDue(deps, queue, { nowMs: Date.now(), maxRuns: allPairs.length });
    const healthy = await checkQueuedJobs(deps, queue, { nowMs: Date.now(), graceMs: 0 });
    figures.watchdog_pass_s = healthy.ms / 1000;
    figures.watchdog_pass_pairs_held = healthy.checked;
    log(
      `watchdog pass, ${handed} pairs each holding a job waiting in the queue (${healthy.lost} repaired): ${figures.watchdog_pass_s.toFixed(3)} s`,
    );
    await resetQueue();
    await sql`update etl.schedule_dispatch set queued_job = 'sched.gone.' || connection_id || '.' || stream, queued_at = now() - interval '1 hour'`;
    t = performance.now();
    const pass = await checkQueuedJobs(deps, queue, { nowMs: Date.now(), graceMs: 0 });
    figures.watchdog_pass_s_all_lost = (performance.now() - t) / 1000;
    figures.watchdog_pairs_repaired = pass.lost;
    log(`watchdog pass repairing all ${pass.lost} pairs: ${figures.watchdog_pass_s_all_lost.toFixed(3)} s`);
    await queue.close();
    await deps.close();
    figures.load_avg_1m_end = loadavg()[0] as number;
    log(`scale: load average (1 min) at end ${figures.load_avg_1m_end.toFixed(2)}`);
    printHeadlines(figures, log);
  } finally {
    redis.disconnect();
    await redisServer.stop();
    await sql.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end({ timeout: 5 });
  }
  return figures;
}
