/**
 * docs/architecture.md#invariant-2-kill-and-resume: worker PROCESSES killed with SIGKILL at >= 10 different points of a
 * backfill, then restarted, end with exactly the rows of the ground truth: no gap, no duplicate, every
 * window of the ledger done. Each kill lands after the victim committed at least one page of its own,
 * so every kill interrupts a different position. The next worker is started before the kill, so its
 * start-up overlaps the dead worker's lock expiry (BullMQ stalled-job recovery).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillJobId, createEngineQueue, type RunSummary } from '../../src/jobs/index.ts';
import { BACKFILL_JOB, backfillJobOptions, type BackfillJobData } from '../../src/jobs/queues.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { type ChildWorker, spawnWorker, workerEnv } from './spawn-worker.ts';
import { diffAgainstTruth } from './truth.ts';

let h: EngineHarness;
const DAY = 86_400_000;

beforeAll(async () => {
  h = await startHarness({
    sandbox: { scale: 'small', seed: 21, latencyMs: 25 },
    engine: { windows: { windowDays: 2, overlapMs: 0, safetyLagMs: 0, maturityDays: 90, startDate: null } },
    label: 'kill',
  });
});
afterAll(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let lastChild: ChildWorker | null = null;

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}; worker said:\n${lastChild?.lines.slice(-15).join('\n')}`,
      );
    await sleep(50);
  }
}

describe('kill -9 during a backfill', () => {
  it('ends equal to the ground truth after >= 10 SIGKILLs at different points', async () => {
    const seller = h.connections.find((c) => c.kind === 'seller' && c.owners.length === 2)!;
    const nowMs = h.deps.clock.now().getTime();
    const from = new Date(Math.floor((nowMs - 185 * DAY) / DAY) * DAY);
    const to = new Date(Math.floor(nowMs / 1000) * 1000);
    const queue = createEngineQueue(h.deps.redis, h.deps.config);
    const data: BackfillJobData = {
      connectionId: seller.id,
      stream: 'seller_affiliate_orders',
      from: from.toISOString(),
      to: to.toISOString(),
    };
    const job = await queue.add(BACKFILL_JOB, data, {
      ...backfillJobOptions(h.deps.config),
      jobId: backfillJobId('seller_affiliate_orders', seller.id, data.from, data.to),
    });
    const progress = async () => {
      const [row] = await h.deps.db.sql<{ pages: string }[]>`
        select coalesce(sum(pages), 0) as pages from etl.sync_windows where connection_id = ${seller.id} and kind = 'backfill'`;
      return Number(row!.pages);
    };
    const env = workerEnv(h, { LOG_LEVEL: 'info' });
    const killedAt: number[] = [];
    let summary: RunSummary | undefined;
    // Two live workers at all times: the one holding the job is killed, the other recovers it.
    const live: ChildWorker[] = [spawnWorker(env), spawnWorker(env)];
    const holder = async () => {
      const j = await queue.getJob(job.id!);
      return live.find((w) => j?.processedBy === `worker-${w.proc.pid}`) ?? null;
    };
    const t0 = Date.now();
    try {
      await Promise.all(live.map((w) => w.started));
      while (killedAt.length < 10) {
        const base = await progress();
        await until(
          async () => (await progress()) > base || (await job.getState()) === 'completed',
          30_000,
          'backfill progress',
        );
        if ((await job.getState()) === 'completed') break;
        await sleep(Math.floor(Math.random() * 100));
        const victim = await holder();
        if (!victim) continue;
        victim.proc.kill('SIGKILL');
        await victim.exited;
        killedAt.push(await progress());
        live.splice(live.indexOf(victim), 1);
        const replacement = spawnWorker(env);
        live.push(replacement);
        lastChild = replacement;
      }
      await until(async () => (await job.getState()) === 'completed', 60_000, 'backfill completion');
      summary = (await queue.getJob(job.id!))?.returnvalue as RunSummary | undefined;
      console.log(
        `kill-resume: ${killedAt.length} kills at pages ${killedAt.join(',')}, done in ${Date.now() - t0} ms`,
      );
    } finally {
      for (const w of live) w.proc.kill('SIGTERM');
      await Promise.all(live.map((w) => w.exited));
      await queue.close();
    }
    expect(killedAt.length).toBeGreaterThanOrEqual(10);
    expect(new Set(killedAt).size).toBe(killedAt.length);

    const windows = await h.deps.db.sql<{ status: string; n: string }[]>`
      select status, count(*) as n from etl.sync_windows where connection_id = ${seller.id} and kind = 'backfill' group by status`;
    expect(windows.map((w) => w.status)).toEqual(['done']);
    expect(summary?.status).toBe('succeeded');
    for (const shop of seller.owners) {
      const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, 'seller_affiliate_orders', shop, {
        now: h.deps.clock.now(),
        createdBefore: to,
      });
      expect(diffs, `shop ${shop}`).toEqual([]);
    }
    // Every killed run was closed as abandoned by the run that resumed after it; one run succeeded.
    const runs = await h.deps.db.sql<{ status: string; error_class: string | null; n: string }[]>`
      select status, error_class, count(*) as n from etl.sync_runs where connection_id = ${seller.id}
      group by status, error_class order by status`;
    expect(runs.map((r) => [r.status, r.error_class])).toEqual([
      ['failed', 'AbandonedRun'],
      ['succeeded', null],
    ]);
    expect(Number(runs[0]!.n)).toBeGreaterThanOrEqual(killedAt.length);
    // The watermark of the incremental sync was never touched by the backfill.
    const [state] = await h.deps.db.sql<{ n: string }[]>`
      select count(*) as n from etl.sync_state where connection_id = ${seller.id} and watermark is not null`;
    expect(Number(state!.n)).toBe(0);
  }, 170_000);
});
