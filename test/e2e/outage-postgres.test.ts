/**
 * Postgres stops in the middle of a backfill that a worker PROCESS is running, and comes back: the
 * worker stays up (no uncaught TypeError from postgres.js), writes only JSON lines, says Postgres is
 * down and up again, puts the job back without spending an attempt, and the backfill then finishes
 * equal to the ground truth. A throwaway Postgres of this test's own: the shared one is never stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillJobId, createEngineQueue } from '../../src/jobs/index.ts';
import { BACKFILL_JOB, type BackfillJobData, backfillJobOptions } from '../../src/jobs/queues.ts';
import { runMigrations } from '../../src/load/migrate.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { type OutageServer, sleep, throwawayPostgres, untilWorker as until } from './outage-services.ts';
import { spawnWorker, workerEnv } from './spawn-worker.ts';
import { diffAgainstTruth } from './truth.ts';

let pg: OutageServer;
let h: EngineHarness;
const DAY = 86_400_000;

beforeAll(async () => {
  pg = await throwawayPostgres();
  await runMigrations(pg.url);
  h = await startHarness({
    sandbox: { scale: 'small', seed: 31, latencyMs: 20 },
    engine: { windows: { windowDays: 2, overlapMs: 0, safetyLagMs: 0, maturityDays: 90, startDate: null } },
    databaseUrl: pg.url,
    label: 'outage-pg',
  });
});
afterAll(async () => {
  await h?.close();
  await pg?.destroy();
});

describe('Postgres stops mid-backfill', () => {
  it('the worker survives, pauses, resumes when Postgres is back, and the backfill ends complete', async () => {
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
    const worker = spawnWorker(
      workerEnv(h, {
        DATABASE_URL: pg.url,
        LOG_LEVEL: 'info',
        OUTAGE_DELAY_MS: '300',
        DEPENDENCY_PROBE_MS: '200',
      }),
    );
    try {
      await worker.started;
      const job = await queue.add(BACKFILL_JOB, data, {
        ...backfillJobOptions(h.deps.config),
        jobId: backfillJobId('seller_affiliate_orders', seller.id, data.from, data.to),
      });
      const pages = async () => {
        const [row] = await h.deps.db.sql<{ pages: string }[]>`
          select coalesce(sum(pages), 0) as pages from etl.sync_windows where connection_id = ${seller.id}`;
        return Number(row!.pages);
      };
      await until(async () => (await pages()) >= 3, 30_000, 'backfill progress', worker);
      await pg.stop();
      await until(
        async () => worker.lines.some((l) => l.includes('"dependency_down"') && l.includes('postgres')),
        15_000,
        'the worker to notice the outage',
        worker,
      );
      await sleep(1_000);
      expect(worker.proc.exitCode).toBeNull();
      await pg.start();
      await until(async () => (await job.getState()) === 'completed', 60_000, 'backfill completion', worker);
      expect(worker.proc.exitCode).toBeNull();

      // The outage cost the job no attempt: it was put back, not failed (the one attempt counted
      // is the one that completed).
      const done = await queue.getJob(job.id!);
      expect(done?.stacktrace ?? []).toEqual([]);
      expect(done?.attemptsMade).toBe(1);
      for (const shop of seller.owners) {
        const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, 'seller_affiliate_orders', shop, {
          now: h.deps.clock.now(),
          createdBefore: to,
        });
        expect(diffs, `shop ${shop}`).toEqual([]);
      }
      const windows = await h.deps.db.sql<{ status: string }[]>`
        select distinct status from etl.sync_windows where connection_id = ${seller.id}`;
      expect(windows.map((w) => w.status)).toEqual(['done']);
      const running = await h.deps.db.sql`select id from etl.sync_runs where status = 'running'`;
      expect(running).toHaveLength(0);
    } finally {
      worker.proc.kill('SIGTERM');
      await worker.exited;
      await queue.close();
    }
    // Every line the worker wrote is a JSON object; the outage was logged as down, then up.
    const notJson = worker.lines.filter((l) => {
      try {
        return typeof JSON.parse(l) !== 'object';
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    const events = worker.lines.map((l) => JSON.parse(l).event as string | undefined);
    expect(events).toContain('job_postponed');
    expect(events.indexOf('dependency_up')).toBeGreaterThan(events.indexOf('dependency_down'));
  }, 120_000);
});
