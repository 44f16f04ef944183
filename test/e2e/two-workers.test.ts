/**
 * Two worker PROCESSES on one queue: one (connection, stream) is never synced by both at once
 * (docs/architecture.md#invariant-4-one-sync-per-stream-at-a-time: runs of a stream never overlap in etl.sync_runs, duplicates are
 * delayed, not failed), and together they stay under the shared per-key rate budget (invariant 5:
 * the sandbox's peakRpsPerKey, measured over 1 s windows, stays at the budget).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_KIND, STREAMS } from '../../src/core/streams.ts';
import { createEngineQueue, enqueueAndWait, type SyncRequest } from '../../src/jobs/index.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { type ChildWorker, spawnWorker, workerEnv } from './spawn-worker.ts';

let h: EngineHarness;
const BUDGET = 20;

beforeAll(async () => {
  // The sandbox would throttle at 50/s; the shared budget must keep every key at BUDGET/s by itself.
  h = await startHarness({ sandbox: { scale: 'small', seed: 31, latencyMs: 15 }, label: 'two-workers' });
});
afterAll(async () => {
  await h?.close();
});

describe('two workers on one queue', () => {
  it('never run the same stream at once and together stay under the shared budget', async () => {
    // A generous job lock: a CPU-starved worker must not lose its job to the other one (that would
    // be a legitimate second run, but this test counts runs).
    const env = workerEnv(h, {
      RATE_PER_SECOND: String(BUDGET),
      CONCURRENCY: '3',
      LOCK_DURATION_MS: '15000',
      STALLED_INTERVAL_MS: '5000',
    });
    const workers: ChildWorker[] = [spawnWorker(env), spawnWorker(env)];
    try {
      await Promise.all(workers.map((w) => w.started));
      h.sandbox.resetStats();
      const syncs: SyncRequest[] = [];
      for (const conn of h.connections) {
        for (const stream of STREAMS.filter((s) => STREAM_KIND[s] === conn.kind)) {
          // Each stream twice: the second copy must wait for the first, wherever it runs.
          syncs.push({ connectionId: conn.id, stream }, { connectionId: conn.id, stream });
        }
      }
      const summaries = await enqueueAndWait(h.deps, { syncs, processInline: false });
      expect(summaries.map((s) => `${s.stream}:${s.status}`)).toEqual(
        syncs.map((s) => `${s.stream}:succeeded`),
      );
      const stats = h.sandbox.stats();
      expect(stats.throttled).toBe(0);
      expect(stats.peakRpsPerKey).toBeLessThanOrEqual(BUDGET + 1);
      expect(stats.peakRpsPerKey).toBeGreaterThanOrEqual(BUDGET / 2);

      const overlaps = await h.deps.db.sql<{ n: string }[]>`
        select count(*) as n from etl.sync_runs a join etl.sync_runs b
          on a.connection_id = b.connection_id and a.stream = b.stream and a.id < b.id
         and a.started_at < b.finished_at and b.started_at < a.finished_at`;
      expect(Number(overlaps[0]!.n)).toBe(0);
      const [runs] = await h.deps.db.sql<
        { n: string }[]
      >`select count(*) as n from etl.sync_runs where status = 'succeeded'`;
      expect(Number(runs!.n)).toBe(syncs.length);

      const queue = createEngineQueue(h.deps.redis, h.deps.config);
      try {
        const done = await queue.getCompleted();
        expect(new Set(done.map((j) => j.processedBy)).size).toBe(2);
      } finally {
        await queue.close();
      }
    } finally {
      for (const w of workers) w.proc.kill('SIGTERM');
      const codes = await Promise.all(workers.map((w) => w.exited));
      // Graceful shutdown on SIGTERM: close() and a clean exit.
      expect(codes).toEqual([0, 0]);
    }
  }, 120_000);
});
