/**
 * partner_affiliate_orders end to end: a partner's TAP orders (skus served as one object for a
 * one-line order, as documented, and as a list otherwise) land equal to the sandbox's ground truth,
 * without a single request over the 90-day range the sandbox enforces on this search; after
 * sandbox.mutate(days) the next sync catches the settlements through the re-scan of open windows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/jobs/index.ts';
import { listCheckpoints } from '../../src/load/checkpoints.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { countRows, diffAgainstTruth } from './truth.ts';

const STREAM = 'partner_affiliate_orders';
const PATH = '/affiliate_partner/202411/orders/search';
let h: EngineHarness;

beforeAll(async () => {
  h = await startHarness({ sandbox: { scale: 'tiny', seed: 41 }, label: 'partner-orders' });
});
afterAll(async () => {
  await h?.close();
});

function partner() {
  const conn = h.connections.find((c) => c.kind === 'partner');
  if (!conn) throw new Error('the sandbox has no partner account');
  return conn;
}

async function expectTruth(): Promise<void> {
  const conn = partner();
  const states = await listCheckpoints(h.deps.db.sql, { connectionId: conn.id, stream: STREAM });
  for (const owner of conn.owners) {
    const watermark = states.find((s) => s.scope === owner)?.watermark;
    expect(watermark, owner).toBeTruthy();
    const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, STREAM, owner, {
      now: h.deps.clock.now(),
      createdBefore: watermark!,
    });
    expect(diffs, owner).toEqual([]);
    expect(await countRows(h.deps.db, STREAM, owner)).toBeGreaterThan(0);
  }
}

async function openOrders(): Promise<number> {
  const [row] = await h.deps.db.sql<{ n: string }[]>`
    select count(*) as n from tiktok_affiliate.partner_orders
    where status not in ('COMPLETED', 'CANCELLED', 'DEDUCTED')`;
  return Number(row?.n ?? 0);
}

describe('partner_affiliate_orders', () => {
  it('the sandbox serves skus in both shapes', async () => {
    const truth = await h.sandbox.groundTruth(STREAM, partner().owners[0]!);
    const skus = truth.groups.flatMap((g) => g.records.map((r) => r['skus']));
    expect(skus.filter((s) => Array.isArray(s)).length).toBeGreaterThan(0);
    expect(
      skus.filter((s) => s !== null && typeof s === 'object' && !Array.isArray(s)).length,
    ).toBeGreaterThan(0);
  });

  it('a first sync equals the ground truth, with no request over the range cap', async () => {
    h.sandbox.resetStats();
    const s = await runSync(h.deps, { connectionId: partner().id, stream: STREAM, trigger: 'cli' });
    expect(s.status, s.errorMessage ?? '').toBe('succeeded');
    expect(s.rowsRejected).toBe(0);
    await expectTruth();
    const stats = h.sandbox.stats();
    expect(stats.byPath[PATH] ?? 0).toBeGreaterThan(0);
    expect(stats.byCode['36009004'] ?? 0).toBe(0);
  });

  it('after mutate(days) the next sync catches the settlements and still equals the truth', async () => {
    const openBefore = await openOrders();
    expect(openBefore).toBeGreaterThan(0);
    await h.sandbox.mutate(20);
    const s = await runSync(h.deps, { connectionId: partner().id, stream: STREAM, trigger: 'cli' });
    expect(s.status, s.errorMessage ?? '').toBe('succeeded');
    expect(s.rowsUpdated).toBeGreaterThan(0);
    await expectTruth();
  });
});
