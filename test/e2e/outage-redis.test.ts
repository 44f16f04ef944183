/**
 * Redis stops (connections refused) while a worker PROCESS runs a backfill, then comes back: the
 * worker stays up, pauses and resumes, every line it writes stays JSON (ioredis prints plain-text
 * "Unhandled error event" lines to stderr for a client without an 'error' listener), it says Redis was
 * down and up once each, and the backfill completes. A throwaway Redis: the shared one is never stopped.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillJobId, createEngineQueue } from '../../src/jobs/index.ts';
import { BACKFILL_JOB, type BackfillJobData, backfillJobOptions } from '../../src/jobs/queues.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { type OutageServer, sleep, throwawayRedis, untilWorker as until } from './outage-services.ts';
import { spawnWorker, workerEnv } from './spawn-worker.ts';

let redis: OutageServer;
let h: EngineHarness;
const DAY = 86_400_000;

beforeAll(async () => {
  redis = await throwawayRedis();
  h = await startHarness({
    sandbox: { scale: 'small', seed: 41, latencyMs: 20 },
    // Month-long windows: the schedulers' first syncs take a second or two, not ten, so the backfill
    // (a lower priority than syncs) starts within the progress deadline.
    engine: { windows: { windowDays: 30, overlapMs: 0, safetyLagMs: 0, maturityDays: 90, startDate: null } },
    label: 'outage-redis',
  });
});
afterAll(async () => {
  await h?.close();
  await redis?.destroy();
});

describe('Redis stops mid-backfill', () => {
  it('the worker survives, logs JSON only, and finishes the backfill once Redis is back', async () => {
    const seller = h.connections.find((c) => c.kind === 'seller' && c.owners.length === 2)!;
    const nowMs = h.deps.clock.now().getTime();
    const from = new Date(Math.floor((nowMs - 185 * DAY) / DAY) * DAY);
    const to = new Date(Math.floor(nowMs / 1000) * 1000);
    // The test's own client of the throwaway Redis: it must not fail while Redis is away either.
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    const queue = createEngineQueue(client, h.deps.config);
    const data: BackfillJobData = {
      connectionId: seller.id,
      stream: 'seller_affiliate_orders',
      from: from.toISOString(),
      to: to.toISOString(),
    };
    // Queued before the worker starts: its schedulers' first syncs (a first sync of every stream,
    // seconds each) then wait behind the backfill instead of delaying it past the progress deadline.
    const job = await queue.add(BACKFILL_JOB, data, {
      ...backfillJobOptions(h.deps.config),
      jobId: backfillJobId('seller_affiliate_orders', seller.id, data.from, data.to),
    });
    const worker = spawnWorker(
      workerEnv(h, {
        REDIS_URL: redis.url,
        LOG_LEVEL: 'info',
        // As `affiliate-etl worker` runs: schedulers registered (their queue client is one more
        // source of Redis errors).
        SCHEDULE: '1',
        CONCURRENCY: '2',
        // Production-like lock: a 1.5 s outage must not make the job look stalled.
        LOCK_DURATION_MS: '10000',
        STALLED_INTERVAL_MS: '5000',
      }),
    );
    try {
      await worker.started;
      const pages = async () => {
        const [row] = await h.deps.db.sql<{ pages: string }[]>`
          select coalesce(sum(pages), 0) as pages from etl.sync_windows where connection_id = ${seller.id}`;
        return Number(row!.pages);
      };
      await until(async () => (await pages()) >= 3, 30_000, 'backfill progress', worker);
      await redis.stop();
      await until(
        async () => worker.lines.some((l) => l.includes('"dependency_down"') && l.includes('redis')),
        15_000,
        'the worker to notice the outage',
        worker,
      );
      await sleep(1_500);
      expect(worker.proc.exitCode).toBeNull();
      await redis.start();
      await until(async () => (await job.getState()) === 'completed', 60_000, 'backfill completion', worker);
      expect(worker.proc.exitCode).toBeNull();
      const windows = await h.deps.db.sql<{ status: string }[]>`
        select distinct status from etl.sync_windows where connection_id = ${seller.id}`;
      expect(windows.map((w) => w.status)).toEqual(['done']);
    } finally {
      worker.proc.kill('SIGTERM');
      await worker.exited;
      await queue.close();
      client.disconnect();
    }
    const notJson = worker.lines.filter((l) => {
      try {
        return typeof JSON.parse(l) !== 'object';
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    const outage = worker.lines
      .map((l) => JSON.parse(l) as { event?: string; dependency?: string })
      .filter((l) => l.dependency === 'redis')
      .map((l) => l.event);
    expect(outage).toEqual(['dependency_down', 'dependency_up']);
  }, 120_000);
});
