/**
 * The re-scan policy by age end to end: sandbox, HTTP client, engine and Postgres. After a first sync,
 * hourly runs re-read only the days whose tier is due (the every-6-hours days are left alone), and a
 * run once every tier is due brings the warehouse to the sandbox's ground truth, statuses and
 * deliveries of older orders included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RESCAN_POLICY } from '../../src/extract/windows.ts';
import { runSync } from '../../src/jobs/index.ts';
import { listCheckpoints } from '../../src/load/checkpoints.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { diffAgainstTruth } from './truth.ts';

const HOUR = 3_600_000;
const STREAM = 'seller_affiliate_orders' as const;
let h: EngineHarness;

beforeAll(async () => {
  h = await startHarness({
    sandbox: { scale: 'small', seed: 41 },
    label: 'steady',
    engine: {
      windows: {
        windowDays: 30,
        overlapMs: 10 * 60_000,
        safetyLagMs: 0,
        maturityDays: 90,
        startDate: null,
        rescan: DEFAULT_RESCAN_POLICY,
      },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

async function syncOnce(connectionId: number): Promise<number> {
  h.sandbox.resetStats();
  const s = await runSync(h.deps, { connectionId, stream: STREAM, trigger: 'schedule' });
  expect(s.status, s.errorMessage ?? '').toBe('succeeded');
  return h.sandbox.stats().orderLinesServed;
}

describe('steady state: re-scan by age', () => {
  it('hourly runs skip the 6-hour tier; once every tier is due the warehouse equals the ground truth', async () => {
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    await syncOnce(seller.id);
    // The first re-scan after the first sync: 6 h later every tier is due.
    h.sandbox.clock.advance(6 * HOUR);
    const allDue = await syncOnce(seller.id);
    const hourly: number[] = [];
    for (let i = 0; i < 3; i++) {
      h.sandbox.clock.advance(HOUR);
      hourly.push(await syncOnce(seller.id));
    }
    // Only the days under 14 days old are re-read each hour: most open days are older.
    for (const served of hourly) expect(served).toBeLessThan(allDue * 0.5);
    // 6 h after the full re-read every tier is due again: the warehouse catches up with everything.
    h.sandbox.clock.advance(3 * HOUR);
    expect(await syncOnce(seller.id)).toBeGreaterThan(hourly[0]! * 2);
    const states = await listCheckpoints(h.deps.db.sql, { connectionId: seller.id, stream: STREAM });
    for (const owner of seller.owners) {
      const state = states.find((s) => s.scope === owner)!;
      const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, STREAM, owner, {
        now: h.deps.clock.now(),
        createdBefore: state.watermark!,
      });
      expect(diffs, owner).toEqual([]);
      // The record of re-reads rides on the checkpoint, with a last run per tier (and of the deep
      // re-scan, which reads once the days of its reach that no sync has read yet).
      const reread = (state.cursor as { reread?: { last: Record<string, string> } } | null)?.reread;
      expect(Object.keys(reread?.last ?? {}).sort()).toEqual(['<14d', '<2d', '<90d', 'deep']);
    }
  });
});
