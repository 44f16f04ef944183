/**
 * Workers SIGKILLed under a backfill more often than BullMQ's production maxStalledCount (3): BullMQ
 * then fails the job ("job stalled more than allowable limit"). The worker that sees it closes the
 * dead runs, returns their ledger windows to pending and enqueues the work again, so the backfill
 * still ends with every window done; once the re-enqueues are spent, the job stays failed with every run closed and
 * no window left 'running'. Production stall settings, not the kill/resume test's 1000.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamName } from '../../src/core/streams.ts';
import { backfillJobId, createEngineQueue } from '../../src/jobs/index.ts';
import { BACKFILL_JOB, type BackfillJobData, backfillJobOptions } from '../../src/jobs/queues.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { type ChildWorker, spawnWorker, workerEnv } from './spawn-worker.ts';

let h: EngineHarness;
const DAY = 86_400_000;

beforeAll(async () => {
  h = await startHarness({
    sandbox: { scale: 'small', seed: 51, latencyMs: 25 },
    engine: { windows: { windowDays: 2, overlapMs: 0, safetyLagMs: 0, maturityDays: 90, startDate: null } },
    label: 'stall',
  });
});
afterAll(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface KillRun {
  jobId: string;
  kills: number;
  lines: string[];
  state: string;
}

/**
 * Three workers (a replacement boots while two others stand by); the one holding the job is
 * SIGKILLed `kills` times, each after fresh progress.
 */
async function killHolder(
  connectionId: number,
  stream: StreamName,
  kills: number,
  final: 'completed' | 'failed',
  extraEnv: Record<string, string>,
): Promise<KillRun> {
  const nowMs = h.deps.clock.now().getTime();
  const from = new Date(Math.floor((nowMs - 60 * DAY) / DAY) * DAY);
  const to = new Date(Math.floor(nowMs / 1000) * 1000);
  const queue = createEngineQueue(h.deps.redis, h.deps.config);
  const data: BackfillJobData = { connectionId, stream, from: from.toISOString(), to: to.toISOString() };
  const jobId = backfillJobId(stream, connectionId, data.from, data.to);
  await queue.add(BACKFILL_JOB, data, { ...backfillJobOptions(h.deps.config), jobId });
  const env = workerEnv(h, { LOG_LEVEL: 'info', MAX_STALLED_COUNT: 'default', ...extraEnv });
  const all: ChildWorker[] = [];
  const spawn = () => {
    const w = spawnWorker(env);
    // A replacement still starting when the test ends is stopped: that is no failure.
    w.started.catch(() => undefined);
    all.push(w);
    return w;
  };
  const live = [spawn(), spawn(), spawn()];
  const t0 = Date.now();
  const state = async () => (await queue.getJob(jobId))?.getState() ?? 'missing';
  const progress = async () => {
    const [row] = await h.deps.db.sql<{ pages: string }[]>`
      select coalesce(sum(pages), 0) as pages from etl.sync_windows
      where connection_id = ${connectionId} and stream = ${stream}`;
    return Number(row!.pages);
  };
  const until = async (check: () => Promise<boolean>, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}:\n${all.flatMap((w) => w.lines.slice(-6)).join('\n')}`,
        );
      await sleep(50);
    }
  };
  let done = 0;
  try {
    await Promise.all(live.map((w) => w.started));
    while (done < kills) {
      const base = await progress();
      // A job BullMQ failed may be enqueued again at once: only the expected end counts.
      await until(async () => (await progress()) > base || (await state()) === final, 30_000, 'progress');
      if ((await state()) === final) break;
      const j = await queue.getJob(jobId);
      const victim = live.find((w) => j?.processedBy === `worker-${w.proc.pid}`);
      if (!victim || (await state()) !== 'active') continue;
      victim.proc.kill('SIGKILL');
      await victim.exited;
      done += 1;
      live.splice(live.indexOf(victim), 1);
      live.push(spawn());
    }
    await until(async () => (await state()) === final, 90_000, `the job to end ${final}`);
    console.log(`stall: ${done} kills, job ${final} after ${Date.now() - t0} ms`);
    // The failed handler runs in a worker after BullMQ moved the job: let it finish its writes.
    await sleep(500);
    return { jobId, kills: done, lines: all.flatMap((w) => w.lines), state: await state() };
  } finally {
    for (const w of live) w.proc.kill('SIGTERM');
    await Promise.all(live.map((w) => w.exited));
    await queue.close();
  }
}

const events = (lines: string[]) =>
  lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as { event?: string; requeues?: number }];
    } catch {
      return [];
    }
  });

describe('more SIGKILLs than maxStalledCount', () => {
  it('the work is enqueued again and the backfill ends complete, every run closed', async () => {
    const seller = h.connections.find((c) => c.kind === 'seller' && c.owners.length === 2)!;
    const run = await killHolder(seller.id, 'seller_affiliate_orders', 5, 'completed', {});
    expect(run.kills).toBe(5);
    expect(run.state).toBe('completed');
    expect(events(run.lines).filter((e) => e.event === 'job_requeued')).toHaveLength(1);

    const windows = await h.deps.db.sql<{ status: string }[]>`
      select distinct status from etl.sync_windows where connection_id = ${seller.id}`;
    expect(windows.map((w) => w.status)).toEqual(['done']);
    const runs = await h.deps.db.sql<{ status: string; n: string }[]>`
      select status, count(*) as n from etl.sync_runs where connection_id = ${seller.id} group by status order by status`;
    expect(runs.map((r) => r.status)).toEqual(['failed', 'succeeded']);
    // Row-level equality after kills is the kill/resume test's subject; here: every window done by
    // the run that succeeded, and the work was not lost with the job BullMQ failed.
    const [succeeded] = await h.deps.db.sql<{ pages: number }[]>`
      select pages from etl.sync_runs where connection_id = ${seller.id} and status = 'succeeded'`;
    expect(succeeded?.pages).toBeGreaterThan(0);
  }, 150_000);

  it('once the re-enqueues are spent, the job stays failed with its runs closed and no window running', async () => {
    const creator = h.connections.find((c) => c.kind === 'creator')!;
    const run = await killHolder(creator.id, 'creator_affiliate_orders', 4, 'failed', {
      MAX_REQUEUES: '0',
    });
    expect(run.kills).toBe(4);
    expect(run.state).toBe('failed');
    const running = await h.deps.db.sql`
      select id from etl.sync_runs where connection_id = ${creator.id} and status = 'running'`;
    expect(running).toHaveLength(0);
    const windows = await h.deps.db.sql<{ status: string }[]>`
      select distinct status from etl.sync_windows where connection_id = ${creator.id} and status = 'running'`;
    expect(windows).toHaveLength(0);
    expect(events(run.lines).map((e) => e.event)).toContain('job_abandoned');
  }, 150_000);
});
