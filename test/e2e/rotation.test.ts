/**
 * The refresh race across two worker PROCESSES, against a server that deauthorizes a rotated-away
 * access token at once (sandbox quirk rotated_access_token=105001).
 *
 * Every connection's access token is set to enter the refresh-ahead margin a moment after the syncs
 * start. Both workers run syncs of the same connections at the same time, so when one of them
 * refreshes (rotating the pair), the other one, and its own other runs, still have requests in
 * flight with the old token: those are refused with 105001. A refused token that is no longer the
 * connection's current one must be replaced by the current one, never taken as a revocation: every
 * sync succeeds, equals the ground truth, every connection stays active, there are no bad
 * signatures, and each connection is refreshed exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_KIND, STREAMS, type StreamName } from '../../src/core/streams.ts';
import { enqueueAndWait, type SyncRequest } from '../../src/jobs/index.ts';
import { listCheckpoints } from '../../src/load/checkpoints.ts';
import { getConnection } from '../../src/load/connections.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { type ChildWorker, spawnWorker, workerEnv } from './spawn-worker.ts';
import { diffAgainstTruth } from './truth.ts';

let h: EngineHarness;
/** Seconds after the syncs start at which every access token enters the refresh-ahead margin. */
const CROSSING_S = 2;

beforeAll(async () => {
  h = await startHarness({
    sandbox: { scale: 'small', seed: 47, latencyMs: 20, quirks: { rotatedAccessToken: '105001' } },
    label: 'rotation',
  });
});
afterAll(async () => {
  await h?.close();
});

async function expectTruth(connectionId: number, stream: StreamName, owners: string[]) {
  for (const owner of stream === 'open_collaboration_products' ? owners.slice(0, 1) : owners) {
    const state = (await listCheckpoints(h.deps.db.sql, { connectionId, stream })).find(
      (s) => s.scope === owner,
    );
    const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, stream, owner, {
      now: h.deps.clock.now(),
      searchId: `default:${connectionId}`,
      ...(state?.watermark ? { createdBefore: state.watermark } : {}),
    });
    expect(diffs, `${stream} ${owner}`).toEqual([]);
  }
}

const DAY = 86_400_000;
const ORDERS: Partial<Record<string, StreamName>> = {
  seller: 'seller_affiliate_orders',
  creator: 'creator_affiliate_orders',
};

describe('token rotation while two worker processes sync the same connections', () => {
  it('in-flight requests refused with 105001 after a refresh elsewhere re-read the pair: no revocation', async () => {
    // A low per-key budget: each backfill keeps many order windows in flight, whose calls hold the
    // token they took while they wait for the budget, so many of them are still waiting when the
    // token is rotated. The other streams of the same connections run at the same time, in either
    // worker.
    const env = workerEnv(h, {
      RATE_PER_SECOND: '5',
      CONCURRENCY: '6',
      LOCK_DURATION_MS: '15000',
      STALLED_INTERVAL_MS: '5000',
    });
    const workers: ChildWorker[] = [spawnWorker(env), spawnWorker(env)];
    try {
      await Promise.all(workers.map((w) => w.started));
      const racing = h.connections.filter((c) => ORDERS[c.kind] !== undefined);
      const nowMs = h.deps.clock.now().getTime();
      const from = new Date(Math.floor((nowMs - 185 * DAY) / DAY) * DAY);
      const to = new Date(Math.floor(nowMs / 1000) * 1000);
      const backfills = racing.map((c) => ({ connectionId: c.id, stream: ORDERS[c.kind]!, from, to }));
      const syncs: SyncRequest[] = racing.flatMap((c) =>
        STREAMS.filter((s) => STREAM_KIND[s] === c.kind && s !== ORDERS[c.kind]).map((stream) => ({
          connectionId: c.id,
          stream,
        })),
      );
      const crossing = new Date(
        h.sandbox.clock.nowMs() + (h.deps.config.refreshAheadSeconds + CROSSING_S) * 1000,
      );
      const ids = racing.map((c) => c.id);
      await h.deps.db
        .sql`update etl.connections set access_token_expires_at = ${crossing} where id = any(${ids})`;
      // Transient faults: a call retried after its backoff resends the token it started with, so
      // calls begun just before the crossing reach the server after the rotation.
      h.sandbox.setFaults('5xx=0.3');
      h.sandbox.resetStats();
      const startedMs = Date.now();
      const summaries = await enqueueAndWait(h.deps, { syncs, backfills, processInline: false });
      const elapsedS = (Date.now() - startedMs) / 1000;
      const raced = h.sandbox.stats();
      h.sandbox.setFaults(null);
      // Then every stream of these connections once more (incremental syncs, now past the crossing):
      // a connection whose runs all ended before its token crossed refreshes here, so each one
      // is refreshed exactly once in total whatever the timing of the first batch.
      const again: SyncRequest[] = racing.flatMap((c) =>
        STREAMS.filter((s) => STREAM_KIND[s] === c.kind).map((stream) => ({ connectionId: c.id, stream })),
      );
      summaries.push(...(await enqueueAndWait(h.deps, { syncs: again, processInline: false })));
      const stats = h.sandbox.stats();
      console.log(
        `rotation: ${elapsedS} s, ${stats.byCode['105001'] ?? 0} requests refused with 105001, ${stats.refreshes} refreshes`,
      );

      // The race happened: old tokens were refused after a rotation, and the runs outlived the crossing.
      expect(elapsedS).toBeGreaterThan(CROSSING_S);
      expect(raced.byCode['105001'] ?? 0).toBeGreaterThan(0);
      expect(summaries.map((s) => `${s.stream}:${s.status}:${s.errorClass ?? ''}`).sort()).toEqual(
        [...backfills, ...syncs, ...again].map((s) => `${s.stream}:succeeded:`).sort(),
      );
      for (const conn of h.connections) {
        expect((await getConnection(h.deps.db.sql, conn.id))?.status, `connection ${conn.id}`).toBe('active');
      }
      expect(stats.badSignatures).toBe(0);
      // One refresh per connection whose token crossed into the margin; none for the others.
      expect(stats.refreshes).toBe(racing.length);
      for (const conn of racing) {
        for (const owner of conn.owners) {
          const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, ORDERS[conn.kind]!, owner, {
            now: h.deps.clock.now(),
            createdBefore: to,
          });
          expect(diffs, `${ORDERS[conn.kind]} ${owner}`).toEqual([]);
        }
        for (const { stream } of again.filter((s) => s.connectionId === conn.id))
          await expectTruth(conn.id, stream, conn.owners);
      }
    } finally {
      for (const w of workers) w.proc.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
    }
  }, 120_000);
});
