/**
 * Runs chaos scenarios end to end and says what was survived and what differs from the ground truth.
 *
 * Per scenario: a fresh database on the suite's own Postgres, a fresh queue namespace on its own
 * Redis, an in-process sandbox, worker PROCESSES with the production stall settings. Every stream of
 * every connection is enqueued under the scenario's faults while its events (kill storms, Postgres
 * and Redis outages) fire; then faults stop, a clean pass syncs everything once more, and the
 * warehouse is compared with the ground truth (compare.ts).
 */
import { writeFileSync } from 'node:fs';
import type { Job } from 'bullmq';
import { STREAM_KIND, STREAM_READS, STREAMS, type StreamName } from '../../src/core/streams.ts';
import {
  buildEngineDeps,
  createEngineQueue,
  type OwnedEngineDeps,
  type RunSummary,
} from '../../src/jobs/index.ts';
import { type EngineJobData, SYNC_JOB, type SyncJobData, syncJobOptions } from '../../src/jobs/queues.ts';
import { runMigrations } from '../../src/load/migrate.ts';
import { createLogger } from '../../src/log.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import type { Sandbox, SandboxRequestLogEntry } from '../../src/sandbox/types.ts';
import { addSandboxConnections, type HarnessConnection, TEST_ENCRYPTION_KEY } from '../e2e/harness.ts';
import { compareStream, type StreamVerdict } from './compare.ts';
import type { ChaosEvent, ScenarioPlan } from './scenarios.ts';
import {
  type ChaosPostgres,
  type ChaosRedis,
  createChaosDatabase,
  startChaosPostgres,
  startChaosRedis,
} from './services.ts';
import { WorkerPool } from './workers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Check {
  /** 'before clean pass' (hostile records) or 'final'. */
  when: string;
  rowsCompared: number;
  moneyColumnsCompared: number;
  quarantinedAbsent: number;
  /** Raw payload cells that differ (the drift as received): information, not differences. */
  rawOnlyCells: number;
  /** NULL cells whose optional field the received record lacked (absent clears): information. */
  absentAsReceived: number;
  differences: number;
  /** Streams with differences, with their first samples. */
  failures: { stream: StreamName; owner: string; differences: number; samples: string[] }[];
}

export interface ScenarioReport {
  name: string;
  about: string;
  faults: string | null;
  durationMs: number;
  kills: number;
  postgresOutages: number;
  redisOutages: number;
  eventsPlanned: number;
  eventsFired: number;
  unexpectedWorkerExits: { code: number | null; lastLines: string[] }[];
  /** Requests answered with an injected fault, by kind (request log of the sandbox). */
  faultsServed: Record<string, number>;
  /** Requests the sandbox served, and how many of them the fault tally saw (they should match). */
  requests: number;
  requestsTallied: number;
  quarantined: { records: number; byReason: Record<string, number> };
  chaosJobs: Record<string, number>;
  cleanPassJobs: Record<string, number>;
  checks: Check[];
  /** Every difference: rows, keys, cells, money sums, and problems the run itself hit. */
  differences: number;
  problems: string[];
}

export interface ChaosReport {
  startedAt: string;
  short: boolean;
  seed: number;
  command: string;
  scenarios: ScenarioReport[];
  totals: {
    kills: number;
    outages: number;
    faultsServed: number;
    quarantined: number;
    rowsCompared: number;
    differences: number;
  };
}

export interface ChaosOptions {
  plans: ScenarioPlan[];
  short: boolean;
  seed: number;
  command: string;
  note: (line: string) => void;
  /** Where to write the JSON report (null = nowhere). */
  jsonPath: string | null;
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const startedAt = new Date().toISOString();
  const pg = await startChaosPostgres();
  let redis: ChaosRedis | null = null;
  const scenarios: ScenarioReport[] = [];
  try {
    redis = await startChaosRedis();
    opts.note(`chaos: own Postgres on port ${pg.port}, own Redis on port ${redis.port}`);
    for (const [i, plan] of opts.plans.entries()) {
      opts.note(`chaos: scenario ${plan.name}: ${plan.about}`);
      const report = await runScenario(plan, {
        pg,
        redis,
        seed: opts.seed + i,
        note: opts.note,
        index: i,
        short: opts.short,
      });
      opts.note(
        `chaos: scenario ${plan.name}: ${report.differences} difference(s) in ${report.durationMs} ms`,
      );
      scenarios.push(report);
      // Written after each scenario too: a long run interrupted keeps what it measured.
      if (opts.jsonPath)
        writeFileSync(opts.jsonPath, `${JSON.stringify(buildReport(opts, startedAt, scenarios), null, 2)}\n`);
    }
  } finally {
    await redis?.destroy();
    await pg.destroy();
  }
  const report = buildReport(opts, startedAt, scenarios);
  if (opts.jsonPath) writeFileSync(opts.jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

function buildReport(opts: ChaosOptions, startedAt: string, scenarios: ScenarioReport[]): ChaosReport {
  const sum = (f: (s: ScenarioReport) => number) => scenarios.reduce((n, s) => n + f(s), 0);
  const report: ChaosReport = {
    startedAt,
    short: opts.short,
    seed: opts.seed,
    command: opts.command,
    scenarios,
    totals: {
      kills: sum((s) => s.kills),
      outages: sum((s) => s.postgresOutages + s.redisOutages),
      faultsServed: sum((s) => Object.values(s.faultsServed).reduce((a, b) => a + b, 0)),
      quarantined: sum((s) => s.quarantined.records),
      rowsCompared: sum((s) => s.checks.reduce((n, c) => n + c.rowsCompared, 0)),
      differences: sum((s) => s.differences),
    },
  };
  return report;
}

/**
 * Tallies the sandbox's injected faults by kind from its request log (a bounded ring, so it is read
 * often; entries are the same objects between reads, which is how new ones are told apart).
 */
class FaultTally {
  readonly byKind: Record<string, number> = {};
  tallied = 0;
  private readonly seen = new WeakSet<SandboxRequestLogEntry>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly sandbox: Sandbox) {
    this.timer = setInterval(() => this.read(), 50);
  }

  read(): void {
    for (const e of this.sandbox.requestLog()) {
      if (this.seen.has(e)) continue;
      this.seen.add(e);
      this.tallied++;
      // Two injected faults answer with an error code and no fault label: an expired access token
      // (105002, token_expiry_after) and an expired page token (36009004, page_token_expired).
      const kind =
        e.fault?.replace(/:.*$/, '') ??
        (e.code === 105002
          ? 'token_expired(105002)'
          : e.code === 36009004
            ? 'page_token_expired(36009004)'
            : null);
      if (kind) this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.read();
  }
}

interface ScenarioServices {
  pg: ChaosPostgres;
  redis: ChaosRedis;
  seed: number;
  index: number;
  short: boolean;
  note: (line: string) => void;
}

async function runScenario(plan: ScenarioPlan, s: ScenarioServices): Promise<ScenarioReport> {
  const t0 = Date.now();
  const short = s.short;
  const problems: string[] = [];
  const log = createLogger({ level: 'silent' });
  const dbName = `chaos_${s.index}_${plan.name.replace(/[^a-z0-9]+/g, '_')}`;
  const databaseUrl = await createChaosDatabase(s.pg.url, dbName);
  await runMigrations(databaseUrl, { log });
  const sandbox = await startSandbox({ scale: 'small', seed: s.seed, latencyMs: plan.latencyMs });
  const id = `${plan.name}-${s.seed}`;
  const prefix = `chaos:${id}:`;
  const windows = {
    windowDays: plan.windowDays,
    overlapMs: 10 * 60_000,
    safetyLagMs: 0,
    maturityDays: 90,
    startDate: null,
  };
  const deps = buildEngineDeps({
    databaseUrl,
    redisUrl: s.redis.url,
    apiBaseUrl: sandbox.url,
    authBaseUrl: sandbox.authUrl,
    encryptionKey: TEST_ENCRYPTION_KEY,
    log,
    clock: { now: () => new Date(sandbox.clock.nowMs()) },
    config: {
      queueName: `engine-${id}`,
      queuePrefix: `chaos-${id}`,
      windows,
      backoffMs: 200,
      busyDelayMs: 300,
    },
    ratePerSecond: 40,
    redisKeyPrefix: prefix,
  });
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: s.redis.url,
    SANDBOX_URL: sandbox.url,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    REDIS_KEY_PREFIX: prefix,
    QUEUE_NAME: deps.config.queueName,
    QUEUE_PREFIX: deps.config.queuePrefix,
    WINDOW_DAYS: String(plan.windowDays),
    CLOCK_OFFSET_MS: String(sandbox.clock.nowMs() - Date.now()),
    // Under the sandbox's 50 requests/s per key: every 429 the run sees is an injected one.
    RATE_PER_SECOND: '40',
    CONCURRENCY: '2',
    STALL_SETTINGS: 'production',
    LOG_LEVEL: 'info',
  };
  const pool = new WorkerPool(env, plan.workers, s.note);
  const queue = createEngineQueue(deps.redis, deps.config);
  let tally: FaultTally | null = null;
  const report: ScenarioReport = {
    name: plan.name,
    about: plan.about,
    faults: plan.faults,
    durationMs: 0,
    kills: 0,
    postgresOutages: 0,
    redisOutages: 0,
    eventsPlanned: plan.events.length,
    eventsFired: 0,
    unexpectedWorkerExits: [],
    faultsServed: {},
    requests: 0,
    requestsTallied: 0,
    quarantined: { records: 0, byReason: {} },
    chaosJobs: {},
    cleanPassJobs: {},
    checks: [],
    differences: 0,
    problems,
  };
  try {
    const connections = await addSandboxConnections(deps, sandbox);
    const all = connections.flatMap((c) =>
      STREAMS.filter((st) => STREAM_KIND[st] === c.kind).map((stream) => ({ conn: c, stream })),
    );
    await pool.fill();
    if (plan.preload) {
      // Every stream is loaded cleanly first, so the hostile pass meets stored good rows everywhere
      // (order re-scans re-read stored days). The streams another one reads (the creator's orders name
      // the shops its invitations are searched in) go first, as in a full sync.
      const read = new Set(Object.values(STREAM_READS));
      const prerequisites = all.filter((x) => read.has(x.stream));
      const rest = all.filter((x) => !read.has(x.stream));
      for (const phase of [prerequisites, rest]) {
        if (phase.length === 0) continue;
        const outcome = await runJobs(queue, deps, phase, 'cli', plan.deadlineMs);
        const bad = Object.keys(outcome).filter((k) => k !== 'succeeded');
        if (bad.length > 0) problems.push(`the clean preload did not succeed: ${JSON.stringify(outcome)}`);
      }
    }

    sandbox.resetStats();
    tally = new FaultTally(sandbox);
    sandbox.setFaults(plan.faults);
    const chaos = enqueue(queue, deps, all, 'schedule');
    const events = fireEvents(plan, { pool, pg: s.pg, redis: s.redis, queue, note: s.note }, chaos, report);
    report.chaosJobs = await waitJobs(queue, await chaos, plan.deadlineMs);
    await events;
    // A chaos job that failed for good or vanished is a finding even when the clean pass repairs
    // the data; an unfinished one too, unless the short run's deadline is below the production
    // stall recovery (30 s lock + stalled check) it would need.
    for (const [outcome, n] of Object.entries(report.chaosJobs)) {
      if (outcome.startsWith('failed') || outcome === 'lost from the queue')
        problems.push(`${n} chaos job(s) ${outcome}`);
      if (outcome === 'unfinished' && !short)
        problems.push(`${n} chaos job(s) still unfinished after ${plan.deadlineMs} ms`);
    }
    sandbox.setFaults(null);
    tally.stop();
    report.faultsServed = tally.byKind;
    report.requests = sandbox.stats().requests;
    report.requestsTallied = tally.tallied;
    if (report.requestsTallied !== report.requests)
      problems.push(
        `fault tally saw ${report.requestsTallied} of ${report.requests} requests: faults by kind are a lower bound`,
      );

    if (plan.checkBeforeCleanPass) report.checks.push(await check('before clean pass', deps, sandbox, all));

    await pool.fill();
    report.cleanPassJobs = await runJobs(queue, deps, all, 'cli', 5 * 60_000);
    if (Object.keys(report.cleanPassJobs).some((k) => k !== 'succeeded'))
      problems.push(`clean pass jobs: ${JSON.stringify(report.cleanPassJobs)}`);
    report.checks.push(await check('final', deps, sandbox, all));

    const q = await deps.db.sql<{ reason: string; n: number }[]>`
      select split_part(reason, ':', 1) as reason, count(*)::int as n from etl.rejected_records group by 1 order by 1`;
    for (const r of q) report.quarantined.byReason[r.reason] = r.n;
    report.quarantined.records = q.reduce((n, r) => n + r.n, 0);
    // A hostile-records scenario that quarantined nothing proved nothing.
    if (plan.faults?.includes('drift.') && report.quarantined.records === 0)
      problems.push('hostile records were served but none reached quarantine');
    if (report.eventsFired < report.eventsPlanned)
      problems.push(
        `only ${report.eventsFired} of ${report.eventsPlanned} events fired before the chaos jobs finished`,
      );
  } catch (err) {
    problems.push(`the run itself failed: ${(err as Error).stack ?? String(err)}`);
  } finally {
    tally?.stop();
    await pool.close();
    report.kills = pool.killed;
    report.unexpectedWorkerExits = pool.unexpectedExits.map((e) => ({
      code: e.code,
      lastLines: e.lastLines,
    }));
    for (const e of pool.unexpectedExits) {
      // The crash's own message (plain stderr), not a JSON log line that mentions an error class.
      const why =
        e.lastLines.find((l) => !l.startsWith('{') && /Error\b/.test(l)) ?? e.lastLines.at(-1) ?? '';
      problems.push(`a worker exited on its own (code ${e.code}): ${why.trim().slice(0, 200)}`);
    }
    await queue.close().catch(() => undefined);
    await deps.close().catch(() => undefined);
    await sandbox.close();
  }
  report.durationMs = Date.now() - t0;
  report.differences = report.checks.reduce((n, c) => n + c.differences, 0) + problems.length;
  return report;
}

type Target = { conn: HarnessConnection; stream: StreamName };

async function enqueue(
  queue: ReturnType<typeof createEngineQueue>,
  deps: OwnedEngineDeps,
  targets: Target[],
  trigger: SyncJobData['trigger'],
): Promise<Job<EngineJobData>[]> {
  const jobs: Job<EngineJobData>[] = [];
  for (const { conn, stream } of targets) {
    const data: SyncJobData = { connectionId: conn.id, stream, trigger };
    const jobId = `chaos.${trigger}.${stream}.${conn.id}.${Date.now()}`;
    jobs.push(await queue.add(SYNC_JOB, data, { ...syncJobOptions(deps.config), jobId }));
  }
  return jobs;
}

async function runJobs(
  queue: ReturnType<typeof createEngineQueue>,
  deps: OwnedEngineDeps,
  targets: Target[],
  trigger: SyncJobData['trigger'],
  deadlineMs: number,
): Promise<Record<string, number>> {
  return waitJobs(queue, await enqueue(queue, deps, targets, trigger), deadlineMs);
}

/**
 * Polls the jobs (not QueueEvents: events may be missed across a Redis restart) until each is
 * completed or failed; outcome -> count ('succeeded', 'skipped', 'failed: <reason>', 'unfinished').
 */
async function waitJobs(
  queue: ReturnType<typeof createEngineQueue>,
  jobs: Job<EngineJobData>[],
  deadlineMs: number,
): Promise<Record<string, number>> {
  const deadline = Date.now() + deadlineMs;
  const outcome = new Map<string, string>();
  while (outcome.size < jobs.length && Date.now() < deadline) {
    for (const job of jobs) {
      if (outcome.has(job.id!)) continue;
      try {
        const j = await queue.getJob(job.id!);
        const state = j ? await j.getState() : 'missing';
        if (state === 'completed') {
          // Read again: `j` may predate the completion, without its return value yet.
          const done = await queue.getJob(job.id!);
          outcome.set(job.id!, (done?.returnvalue as RunSummary | undefined)?.status ?? 'completed');
        } else if (state === 'failed')
          outcome.set(job.id!, `failed: ${(j?.failedReason ?? '').slice(0, 120)}`);
        else if (state === 'missing') outcome.set(job.id!, 'lost from the queue');
      } catch {
        // Redis is down (an outage event): ask again on the next round.
      }
    }
    if (outcome.size < jobs.length) await sleep(300);
  }
  const counts: Record<string, number> = {};
  for (const job of jobs) {
    const o = outcome.get(job.id!) ?? 'unfinished';
    counts[o] = (counts[o] ?? 0) + 1;
  }
  return counts;
}

interface EventTargets {
  pool: WorkerPool;
  pg: ChaosPostgres;
  redis: ChaosRedis;
  queue: ReturnType<typeof createEngineQueue>;
  note: (line: string) => void;
}

/** Fires the plan's events in order, each once some job is running, until the chaos jobs are done. */
async function fireEvents(
  plan: ScenarioPlan,
  t: EventTargets,
  chaos: Promise<Job<EngineJobData>[]>,
  report: ScenarioReport,
): Promise<void> {
  const jobs = await chaos;
  const unfinished = async () => {
    for (const job of jobs) {
      const state = await t.queue
        .getJob(job.id!)
        .then((j) => j?.getState())
        .catch(() => 'unknown');
      if (state !== 'completed' && state !== 'failed') return true;
    }
    return false;
  };
  const someActive = async () => (await t.queue.getActiveCount().catch(() => 0)) > 0;
  for (const [i, event] of plan.events.entries()) {
    const until = Date.now() + (i === 0 ? plan.firstEventMs : plan.gapMs);
    while (Date.now() < until || !(await someActive())) {
      if (!(await unfinished())) return;
      await sleep(200);
    }
    await fire(event, t, report);
    report.eventsFired++;
  }
}

async function fire(event: ChaosEvent, t: EventTargets, report: ScenarioReport): Promise<void> {
  if (event.kind === 'kill-storm') {
    const n = await t.pool.killStorm();
    t.note(`chaos: kill storm: ${n} worker(s) SIGKILLed and replaced`);
    return;
  }
  if (event.kind === 'postgres-stop') {
    await t.pg.stopImmediate();
    t.note(`chaos: Postgres stopped (immediate) for ${event.downMs} ms`);
    await sleep(event.downMs);
    await t.pg.start();
    report.postgresOutages++;
    return;
  }
  await t.redis.kill();
  t.note(`chaos: Redis SIGKILLed for ${event.downMs} ms`);
  await sleep(event.downMs);
  await t.redis.start();
  report.redisOutages++;
}

async function check(when: string, deps: OwnedEngineDeps, sandbox: Sandbox, all: Target[]): Promise<Check> {
  const verdicts: StreamVerdict[] = [];
  const now = deps.clock.now();
  for (const { conn, stream } of all) {
    // The marketplace search is shared by a seller's shops: one owner names it.
    const owners = stream === 'open_collaboration_products' ? conn.owners.slice(0, 1) : conn.owners;
    for (const owner of owners)
      verdicts.push(await compareStream(deps.db, sandbox, { connectionId: conn.id, stream, owner, now }));
  }
  const tables = verdicts.flatMap((v) => v.tables);
  return {
    when,
    rowsCompared: tables.reduce((n, t) => n + t.compared, 0),
    moneyColumnsCompared: tables.reduce((n, t) => n + t.moneyColumns, 0),
    quarantinedAbsent: tables.reduce((n, t) => n + t.quarantinedAbsent, 0),
    rawOnlyCells: tables.reduce((n, t) => n + t.rawOnlyCells, 0),
    absentAsReceived: tables.reduce((n, t) => n + t.absentAsReceived, 0),
    differences: verdicts.reduce((n, v) => n + v.differences, 0),
    failures: verdicts
      .filter((v) => v.differences > 0)
      .map((v) => ({
        stream: v.stream,
        owner: v.owner,
        differences: v.differences,
        samples: v.tables.flatMap((t) => [
          ...t.samples.map((x) => `${t.table}: ${x}`),
          ...t.moneyMismatches.map(
            (m) => `${t.table}: sum(${m.column}) expected ${m.expected}, got ${m.actual}`,
          ),
        ]),
      })),
  };
}
