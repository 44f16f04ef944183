/**
 * Creator orders' settlements through the trace search by SETTLE_TIME, end to end: sandbox, HTTP
 * client, engine and Postgres. Runs every 4 hours for a day, settlements happening between them:
 *   - granted: after EVERY run the warehouse holds every settlement of the ground truth (the
 *     14-90 day days are not re-read at 4-hour runs, so only the trace search can bring them), and
 *     a run once the daily tier is due leaves it equal to the ground truth;
 *   - refused (creator_trace_orders=refused): the refusal is remembered on the checkpoint, the
 *     search is asked again only after a day, the re-scans by age carry settlement, and the
 *     warehouse ends equal to the ground truth too;
 *   - the trace path reads fewer orders than the re-scans over the same schedule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RESCAN_POLICY } from '../../src/extract/windows.ts';
import { runSync } from '../../src/jobs/index.ts';
import { listCheckpoints } from '../../src/load/checkpoints.ts';
import type { SandboxQuirks } from '../../src/sandbox/quirks.ts';
import { type EngineHarness, type HarnessConnection, startHarness } from './harness.ts';
import { diffAgainstTruth } from './truth.ts';

const HOUR = 3_600_000;
const STREAM = 'creator_affiliate_orders' as const;
const TRACE_PATH = '/affiliate_creator/202505/orders/trace/search';
const SETTLED = new Set(['SETTLED', 'DEDUCTED']);

async function harness(label: string, quirks: Partial<SandboxQuirks>): Promise<EngineHarness> {
  return startHarness({
    sandbox: { scale: 'medium', seed: 77, quirks },
    label,
    engine: {
      windows: {
        windowDays: 30,
        overlapMs: 10 * 60_000,
        safetyLagMs: 0,
        maturityDays: 90,
        startDate: null,
        rescan: { ...DEFAULT_RESCAN_POLICY, deepEveryMs: null },
      },
    },
  });
}

interface Schedule {
  /** Orders served by every run after the first sync. */
  ordersServed: number;
  traceRequests: number;
  /** Settled (SETTLED/DEDUCTED) orders of the ground truth missing or different after each run. */
  settlementsBehind: number[];
}

async function sync(h: EngineHarness, c: HarnessConnection): Promise<void> {
  const s = await runSync(h.deps, { connectionId: c.id, stream: STREAM, trigger: 'schedule' });
  expect(s.status, s.errorMessage ?? '').toBe('succeeded');
}

async function diffs(h: EngineHarness, c: HarnessConnection) {
  const states = await listCheckpoints(h.deps.db.sql, { connectionId: c.id, stream: STREAM });
  const owner = c.owners[0]!;
  const state = states.find((s) => s.scope === owner)!;
  return {
    state,
    diffs: await diffAgainstTruth(h.deps.db, h.sandbox, STREAM, owner, {
      now: h.deps.clock.now(),
      createdBefore: state.watermark!,
    }),
  };
}

/** Orders of the truth that are settled and that the warehouse lacks or holds with another status. */
async function settlementsBehind(h: EngineHarness, c: HarnessConnection): Promise<number> {
  const owner = c.owners[0]!;
  const truth = await h.sandbox.groundTruth(STREAM, owner);
  const settled = truth.groups
    .flatMap((g) => g.records)
    .filter((r) => SETTLED.has(String(r['status'])))
    .map((r) => ({ id: String(r['id']), status: String(r['status']) }));
  expect(settled.length).toBeGreaterThan(100);
  const rows = await h.deps.db.sql<{ order_id: string; status: string }[]>`
    select order_id, status from tiktok_affiliate.creator_orders where creator_id = ${owner}`;
  const stored = new Map(rows.map((r) => [r.order_id, r.status]));
  return settled.filter((o) => stored.get(o.id) !== o.status).length;
}

async function runSchedule(h: EngineHarness, c: HarnessConnection): Promise<Schedule> {
  await sync(h, c);
  h.sandbox.resetStats();
  const settlementsBehindAfter: number[] = [];
  for (let i = 0; i < 6; i++) {
    h.sandbox.clock.advance(4 * HOUR);
    await sync(h, c);
    settlementsBehindAfter.push(await settlementsBehind(h, c));
  }
  const stats = h.sandbox.stats();
  return {
    ordersServed: stats.recordsServed,
    traceRequests: stats.byPath[TRACE_PATH] ?? 0,
    settlementsBehind: settlementsBehindAfter,
  };
}

describe('creator settlements through trace orders by SETTLE_TIME', () => {
  let granted: EngineHarness;
  let refused: EngineHarness;
  let viaTrace: Schedule;
  let viaRescan: Schedule;

  beforeAll(async () => {
    granted = await harness('trace-granted', {});
    refused = await harness('trace-refused', { creatorTraceOrders: 'refused' });
  }, 120_000);
  afterAll(async () => {
    await granted?.close();
    await refused?.close();
  });

  it('granted: every settlement is in the warehouse after every run, and a daily run leaves it equal to the ground truth', async () => {
    const creator = granted.connections.find((c) => c.kind === 'creator')!;
    viaTrace = await runSchedule(granted, creator);
    expect(viaTrace.settlementsBehind).toEqual([0, 0, 0, 0, 0, 0]);
    expect(viaTrace.traceRequests).toBeGreaterThanOrEqual(6);
    // The daily tier (open days older than a week) is due a day after the first re-scan.
    granted.sandbox.clock.advance(2 * HOUR);
    await sync(granted, creator);
    const { diffs: d, state } = await diffs(granted, creator);
    expect(d.flatMap((x) => [...x.missing, ...x.extra, ...x.different.map((y) => y.key)])).toEqual([]);
    const cursor = state.cursor as { trace?: { settledTo?: string; refusedAt?: string } };
    expect(cursor.trace?.settledTo).toBeDefined();
    expect(cursor.trace?.refusedAt).toBeUndefined();
  }, 120_000);

  it('refused: the refusal is remembered and re-probed after a day; re-scans carry settlement; the warehouse ends equal to the ground truth', async () => {
    const creator = refused.connections.find((c) => c.kind === 'creator')!;
    viaRescan = await runSchedule(refused, creator);
    // The first run after the first sync asks and is refused; the 5 runs of the next 20 hours do not ask.
    expect(viaRescan.traceRequests).toBe(1);
    const refusedAt = async () => {
      const { state } = await diffs(refused, creator);
      return Date.parse((state.cursor as { trace?: { refusedAt?: string } }).trace?.refusedAt ?? '');
    };
    // (The virtual clock also moves with real time: a run takes a few seconds.)
    const ago = () => refused.deps.clock.now().getTime() - HOUR / 60;
    expect(await refusedAt()).toBeGreaterThan(ago() - 20 * HOUR);
    expect(await refusedAt()).toBeLessThan(ago() - 19 * HOUR);
    // A day after the refusal the next run asks again (and is refused again).
    refused.sandbox.clock.advance(6 * HOUR);
    refused.sandbox.resetStats();
    await sync(refused, creator);
    expect(refused.sandbox.stats().byPath[TRACE_PATH]).toBe(1);
    expect(await refusedAt()).toBeGreaterThan(ago());
    const { diffs: d } = await diffs(refused, creator);
    expect(d.flatMap((x) => [...x.missing, ...x.extra, ...x.different.map((y) => y.key)])).toEqual([]);
  }, 120_000);

  it('the trace path reads fewer orders than the re-scans over the same schedule', () => {
    expect(viaTrace.ordersServed).toBeLessThan(viaRescan.ordersServed * 0.8);
    // Without the trace search some settlements wait for the 6-hour tier.
    expect(Math.max(...viaRescan.settlementsBehind)).toBeGreaterThan(0);
  });
});
