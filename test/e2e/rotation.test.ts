/**
 * The refresh race across worker PROCESSES, against a server that deauthorizes a rotated-away
 * access token at once (sandbox quirk rotated_access_token=105001).
 *
 * Two worker processes sync every stream of every connection (order backfills included) at the
 * same time. The sandbox judges each business request only after it has waited
 * (latencyBeforeAuthMs), and lists the requests in that wait. As soon as a request carrying a
 * connection's token is waiting, the engine's own token source refreshes that connection from this
 * (third) process, through the shared lock and store: the pair rotates while the request waits, so
 * the request is refused with 105001 when it is judged. That happens on every run, not by chance.
 * A refused token that is no longer the connection's current one must be replaced by the current
 * one, never taken as a revocation: every sync succeeds and equals the ground truth, every
 * connection stays active, there are no bad signatures, and each connection is refreshed exactly
 * once (the workers re-read the rotated pair, they do not refresh it again).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_KIND, STREAMS, type StreamName } from '../../src/core/streams.ts';
import { enqueueAndWait, type SyncRequest } from '../../src/jobs/index.ts';
import { connectionTokens } from '../../src/jobs/run-result.ts';
import { getConnection } from '../../src/load/connections.ts';
import { ENDPOINT_ALIASES } from '../../src/sandbox/endpoints.ts';
import { expectAllTruth } from './full-sync.ts';
import { type EngineHarness, type HarnessConnection, startHarness } from './harness.ts';
import { type ChildWorker, spawnWorker, workerEnv } from './spawn-worker.ts';
import { diffAgainstTruth } from './truth.ts';

let h: EngineHarness;
/**
 * How long each business request waits before the sandbox judges its token: far longer than a
 * refresh takes here (a lock, a store read, one token-host call, a store write), so the refresh
 * started when a request is seen waiting always lands before that request is judged.
 */
const WAIT_BEFORE_AUTH_MS = 400;

beforeAll(async () => {
  h = await startHarness({
    sandbox: {
      scale: 'tiny',
      seed: 47,
      latencyBeforeAuthMs: WAIT_BEFORE_AUTH_MS,
      quirks: { rotatedAccessToken: '105001' },
    },
    label: 'rotation',
  });
});
afterAll(async () => {
  await h?.close();
});

const DAY = 86_400_000;
const ORDERS: Partial<Record<string, StreamName>> = {
  seller: 'seller_affiliate_orders',
  creator: 'creator_affiliate_orders',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The connection's access token as the sandbox knows it now (its listing follows refreshes). */
function currentToken(conn: HarnessConnection): string {
  const account = h.sandbox.accounts.find((a) => a.openId === conn.account.openId);
  if (!account) throw new Error(`no sandbox account for connection ${conn.id}`);
  return account.accessToken;
}

/**
 * Waits until a business request with the connection's current token is waiting to be judged,
 * then refreshes the connection with the engine's token source (from this process: the lock and
 * the store are the workers'). Returns the old and new tokens and whether the request was still
 * waiting once the new pair was stored.
 */
async function rotateWhileWaiting(conn: HarnessConnection, deadline: number) {
  const old = currentToken(conn);
  while (!h.sandbox.awaitingAuth().some((w) => w.accessToken === old)) {
    if (Date.now() > deadline) throw new Error(`no request of connection ${conn.id} seen waiting`);
    await sleep(2);
  }
  const stored = await h.deps.store.getConnection(conn.id);
  if (!stored) throw new Error(`connection ${conn.id} not in the store`);
  return { old, next: await connectionTokens(h.deps, stored, h.deps.log).refreshAfterExpiry(old) };
}

/** The sandbox endpoints a connection of this kind calls (the kinds share none). */
const KIND_ENDPOINTS: Record<string, readonly string[]> = {
  seller: ENDPOINT_ALIASES.seller ?? [],
  creator: ENDPOINT_ALIASES.creator ?? [],
  partner: ENDPOINT_ALIASES.partner ?? [],
};

describe('token rotation while two worker processes sync the same connections', () => {
  it('in-flight requests refused with 105001 after a refresh elsewhere re-read the pair: no revocation', async () => {
    const env = workerEnv(h, { CONCURRENCY: '4', LOCK_DURATION_MS: '15000', STALLED_INTERVAL_MS: '5000' });
    const workers: ChildWorker[] = [spawnWorker(env), spawnWorker(env)];
    try {
      await Promise.all(workers.map((w) => w.started));
      // Warm this process's paths to the store and the lock, so the refreshes below take their
      // usual fraction of the wait.
      for (const conn of h.connections) {
        const stored = await h.deps.store.getConnection(conn.id);
        await h.deps.mutex.withLock(`warm-up:${conn.id}`, async () => stored);
      }
      const racing = h.connections;
      const withOrders = racing.filter((c) => ORDERS[c.kind] !== undefined);
      const nowMs = h.deps.clock.now().getTime();
      const from = new Date(Math.floor((nowMs - 185 * DAY) / DAY) * DAY);
      const to = new Date(Math.floor(nowMs / 1000) * 1000);
      const backfills = withOrders.map((c) => ({ connectionId: c.id, stream: ORDERS[c.kind]!, from, to }));
      const syncs: SyncRequest[] = racing.flatMap((c) =>
        STREAMS.filter((s) => STREAM_KIND[s] === c.kind && s !== ORDERS[c.kind]).map((stream) => ({
          connectionId: c.id,
          stream,
        })),
      );
      h.sandbox.resetStats();
      const startedMs = Date.now();
      const running = enqueueAndWait(h.deps, { syncs, backfills, processInline: false });
      const rotations = await Promise.all(racing.map((c) => rotateWhileWaiting(c, startedMs + 60_000)));
      // Every pair is rotated; the requests still in their wait are judged against the new pairs.
      // The rest of the syncs need no wait.
      await sleep(WAIT_BEFORE_AUTH_MS);
      h.sandbox.setLatencyBeforeAuthMs(0);
      const raced = h.sandbox.requestLog();
      const summaries = await running;
      const elapsedS = (Date.now() - startedMs) / 1000;
      // Then every stream once more: the new pairs serve incremental syncs without a refresh.
      const again: SyncRequest[] = racing.flatMap((c) =>
        STREAMS.filter((s) => STREAM_KIND[s] === c.kind).map((stream) => ({ connectionId: c.id, stream })),
      );
      summaries.push(...(await enqueueAndWait(h.deps, { syncs: again, processInline: false })));
      const stats = h.sandbox.stats();
      console.log(
        `rotation: ${elapsedS} s, ${stats.byCode['105001'] ?? 0} requests refused with 105001, ${stats.refreshes} refreshes`,
      );

      // The race happened: every connection's pair rotated while one of its requests waited, and
      // requests of every connection were refused with 105001.
      expect(rotations.every((r) => r.next !== r.old)).toBe(true);
      for (const conn of racing) {
        const refused = raced.filter(
          (e) => e.code === 105001 && KIND_ENDPOINTS[conn.kind]?.includes(e.endpoint),
        );
        expect(refused.length, `requests of connection ${conn.id} (${conn.kind}) refused`).toBeGreaterThan(0);
      }
      expect(stats.byCode['105001'] ?? 0).toBeGreaterThanOrEqual(racing.length);
      expect(summaries.map((s) => `${s.stream}:${s.status}:${s.errorClass ?? ''}`).sort()).toEqual(
        [...backfills, ...syncs, ...again].map((s) => `${s.stream}:succeeded:`).sort(),
      );
      for (const conn of h.connections) {
        expect((await getConnection(h.deps.db.sql, conn.id))?.status, `connection ${conn.id}`).toBe('active');
      }
      expect(stats.badSignatures).toBe(0);
      // One refresh per connection: the workers re-read the rotated pair instead of refreshing it.
      expect(stats.refreshes).toBe(racing.length);
      for (const conn of withOrders) {
        for (const owner of conn.owners) {
          const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, ORDERS[conn.kind]!, owner, {
            now: h.deps.clock.now(),
            createdBefore: to,
          });
          expect(diffs, `${ORDERS[conn.kind]} ${owner}`).toEqual([]);
        }
      }
      await expectAllTruth(h);
    } finally {
      for (const w of workers) w.proc.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
    }
  }, 120_000);
});
