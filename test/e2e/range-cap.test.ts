/**
 * With the sandbox refusing order searches over 90 days (orderRangeCap), a first sync of every order
 * stream equals the ground truth without a single request over the cap, and a window configured
 * larger than the cap (sync or backfill) is halved once and never sent that large again in the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_KIND, type StreamName } from '../../src/core/streams.ts';
import { runBackfill, runSync } from '../../src/jobs/index.ts';
import { listCheckpoints } from '../../src/load/checkpoints.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { diffAgainstTruth } from './truth.ts';

const ORDER_STREAMS: StreamName[] = ['seller_affiliate_orders', 'creator_affiliate_orders'];
let h: EngineHarness;

beforeAll(async () => {
  h = await startHarness({
    sandbox: { scale: 'small', seed: 29, quirks: { orderRangeCap: '90d' } },
    label: 'range-cap',
  });
});
afterAll(async () => {
  await h?.close();
});

async function expectTruth(connectionId: number, stream: StreamName, owners: string[]) {
  const states = await listCheckpoints(h.deps.db.sql, { connectionId, stream });
  for (const owner of owners) {
    const state = states.find((s) => s.scope === owner);
    expect(state?.watermark, `${stream} ${owner}`).toBeTruthy();
    const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, stream, owner, {
      now: h.deps.clock.now(),
      createdBefore: state!.watermark!,
    });
    expect(diffs, `${stream} ${owner}`).toEqual([]);
  }
}

describe('order range cap', () => {
  it('a first sync of every order stream equals the truth and no request exceeds the cap', async () => {
    h.sandbox.resetStats();
    for (const conn of h.connections) {
      for (const stream of ORDER_STREAMS.filter((s) => STREAM_KIND[s] === conn.kind)) {
        const s = await runSync(h.deps, { connectionId: conn.id, stream, trigger: 'cli' });
        expect(s.status, `${stream}: ${s.errorMessage}`).toBe('succeeded');
        await expectTruth(conn.id, stream, conn.owners);
      }
    }
    const stats = h.sandbox.stats();
    // Over the cap the sandbox answers 36009004 (and nothing else does here).
    expect(stats.byCode['36009004'] ?? 0).toBe(0);
    expect(stats.orderLinesServed).toBeGreaterThan(1000);
  });

  it('a backfill whose windows exceed the cap halves them and completes', async () => {
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    const windowDays = h.deps.config.windows.windowDays;
    h.deps.config.windows.windowDays = 200;
    h.sandbox.resetStats();
    try {
      const now = h.deps.clock.now();
      const summary = await runBackfill(h.deps, {
        connectionId: seller.id,
        stream: 'seller_affiliate_orders',
        from: new Date(now.getTime() - 190 * 86_400_000),
        to: now,
      });
      expect(summary.status).toBe('succeeded');
    } finally {
      h.deps.config.windows.windowDays = windowDays;
    }
    const refused = h.sandbox.stats().byCode['36009004'] ?? 0;
    // One 190-day window per owner, side by side: each is refused at 190 and 95 days before 47.5 days
    // passes; every later window of the run is cut to the size learned, never refused again.
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(seller.owners.length * 2);
    await expectTruth(seller.id, 'seller_affiliate_orders', seller.owners);
  });
});
