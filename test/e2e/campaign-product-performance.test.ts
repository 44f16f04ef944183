/**
 * campaign_product_performance end to end: per campaign of each category asset, the product
 * statistics list (strings everywhere, last page token "0", no cipher) lands equal to the sandbox's
 * ground truth; after sandbox.mutate(days) the current state follows the grown counters and the
 * daily history keeps one row per product per day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/jobs/index.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { countRows, diffAgainstTruth } from './truth.ts';

const STREAM = 'campaign_product_performance';
let h: EngineHarness;

beforeAll(async () => {
  h = await startHarness({ sandbox: { scale: 'tiny', seed: 43 }, label: 'product-performance' });
});
afterAll(async () => {
  await h?.close();
});

function partner() {
  const conn = h.connections.find((c) => c.kind === 'partner');
  if (!conn) throw new Error('the sandbox has no partner account');
  return conn;
}

async function syncAndCompare(): Promise<void> {
  const s = await runSync(h.deps, { connectionId: partner().id, stream: STREAM, trigger: 'cli' });
  expect(s.status, s.errorMessage ?? '').toBe('succeeded');
  expect(s.rowsRejected).toBe(0);
  for (const owner of partner().owners) {
    const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, STREAM, owner, { now: h.deps.clock.now() });
    expect(diffs, owner).toEqual([]);
    expect(await countRows(h.deps.db, STREAM, owner)).toBeGreaterThan(0);
  }
}

describe('campaign_product_performance', () => {
  it('a first sync equals the ground truth, reading the "0" last page token as the end', async () => {
    h.sandbox.resetStats();
    await syncAndCompare();
    const stats = h.sandbox.stats();
    const calls = Object.entries(stats.byPath)
      .filter(([path]) => path.endsWith('/products/performance') && path.includes('/202501/'))
      .reduce((n, [, c]) => n + c, 0);
    const campaigns = partner().owners.length * 3; // tiny: 3 campaigns per asset, one page each
    expect(calls).toBe(campaigns);
  });

  it('after mutate(days) the state follows the counters and the history gains a day', async () => {
    const [before] = await h.deps.db.sql<{ sales: string }[]>`
      select sum(paid_order_num) as sales from tiktok_affiliate.campaign_product_performance`;
    await h.sandbox.mutate(20);
    await syncAndCompare();
    const [after] = await h.deps.db.sql<{ sales: string; days: string }[]>`
      select sum(paid_order_num) as sales,
        (select count(distinct snapshot_date) from tiktok_affiliate.campaign_product_performance_daily) as days
      from tiktok_affiliate.campaign_product_performance`;
    expect(Number(after?.sales)).toBeGreaterThan(Number(before?.sales));
    expect(Number(after?.days)).toBe(2);
  });
});
