import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  growthPaidOff,
  runWindowPool,
  SATURATED_SHARE,
  windowsToFill,
} from '../../../src/jobs/window-pool.ts';

describe('windowsToFill (Little: windows = rate x cycle)', () => {
  it('sizes an owner below its budget from the measured cycle, at most doubling per step', () => {
    // 8 windows, 50 pages/s... 4 windows at 25 pages/s: a cycle of 160 ms; 50/s needs 8 windows.
    expect(windowsToFill(50, 4, { pagesPerSecond: 25, averageInFlight: 4 })).toBe(8);
    expect(windowsToFill(50, 8, { pagesPerSecond: 40, averageInFlight: 8 })).toBe(10);
    // 2 windows at 12.5 pages/s also call for 8, but one step only doubles.
    expect(windowsToFill(50, 2, { pagesPerSecond: 12.5, averageInFlight: 2 })).toBe(4);
  });

  it('keeps the count of a saturated owner (its cycle then holds the budget waits)', () => {
    expect(windowsToFill(50, 10, { pagesPerSecond: 50 * SATURATED_SHARE, averageInFlight: 10 })).toBe(10);
    expect(windowsToFill(50, 10, { pagesPerSecond: 49, averageInFlight: 10 })).toBe(10);
  });

  it('never shrinks, and doubles when no page was measured', () => {
    expect(windowsToFill(50, 6, { pagesPerSecond: 40, averageInFlight: 1 })).toBe(6);
    expect(windowsToFill(50, 3, { pagesPerSecond: 0, averageInFlight: 3 })).toBe(6);
  });
});

describe('growthPaidOff', () => {
  it('needs at least half the proportional gain in pages/s', () => {
    expect(growthPaidOff({ windows: 2, pagesPerSecond: 12 }, { windows: 4, pagesPerSecond: 23 })).toBe(true);
    expect(growthPaidOff({ windows: 2, pagesPerSecond: 12 }, { windows: 4, pagesPerSecond: 18 })).toBe(true);
    expect(growthPaidOff({ windows: 2, pagesPerSecond: 12 }, { windows: 4, pagesPerSecond: 17 })).toBe(false);
    expect(growthPaidOff({ windows: 8, pagesPerSecond: 40 }, { windows: 10, pagesPerSecond: 45 })).toBe(true);
    expect(growthPaidOff({ windows: 8, pagesPerSecond: 40 }, { windows: 10, pagesPerSecond: 41 })).toBe(
      false,
    );
  });
});

/**
 * A fake API per owner on the fake clock: every page takes `latencyMs`, and the owner's key admits
 * at most `rate` pages/s (evenly spaced, like the shared budget). Records what was in flight.
 */
function fakeOwners(opts: {
  owners: string[];
  windows: number;
  pagesPerWindow: number;
  latencyMs: number;
  rate: number;
  /** A shared database committing one page at a time, this long each (all owners). */
  commitMs?: number;
}) {
  const inFlight = new Map<string, number>();
  const peak = new Map<string, number>();
  const pages = new Map<string, number>();
  let total = 0;
  let peakTotal = 0;
  const nextSlot = new Map<string, number>();
  let dbFreeAt = 0;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const work = async ({ owner }: { owner: string }, pageDone: () => void) => {
    inFlight.set(owner, (inFlight.get(owner) ?? 0) + 1);
    peak.set(owner, Math.max(peak.get(owner) ?? 0, inFlight.get(owner) ?? 0));
    total += 1;
    peakTotal = Math.max(peakTotal, total);
    try {
      for (let p = 0; p < opts.pagesPerWindow; p++) {
        const slot = Math.max(Date.now(), nextSlot.get(owner) ?? 0);
        nextSlot.set(owner, slot + 1000 / opts.rate);
        await sleep(slot - Date.now() + opts.latencyMs);
        if (opts.commitMs) {
          const begin = Math.max(Date.now(), dbFreeAt);
          dbFreeAt = begin + opts.commitMs;
          await sleep(dbFreeAt - Date.now());
        }
        pages.set(owner, (pages.get(owner) ?? 0) + 1);
        pageDone();
      }
    } finally {
      inFlight.set(owner, (inFlight.get(owner) ?? 0) - 1);
      total -= 1;
    }
  };
  const groups = opts.owners.map((owner) => ({
    owner,
    tasks: Array.from({ length: opts.windows }, () => ({ owner })),
  }));
  return { work, groups, peak, pages, peakTotal: () => peakTotal };
}

describe('runWindowPool', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('grows each owner to the windows its budget needs at the observed latency, and no further', async () => {
    // 150 ms per page, 50 pages/s per owner: ~8 windows per owner fill the budget.
    const f = fakeOwners({
      owners: ['a', 'b', 'c', 'd'],
      windows: 30,
      pagesPerWindow: 20,
      latencyMs: 150,
      rate: 50,
    });
    const started = Date.now();
    const done = runWindowPool(
      f.groups,
      { ratePerSecond: 50, maxInFlight: 64, now: () => Date.now() },
      f.work,
    );
    await vi.advanceTimersByTimeAsync(12_000);
    const elapsedS = (Date.now() - started) / 1000;
    for (const owner of ['a', 'b', 'c', 'd']) {
      // Every owner at once (not owner after owner), each near its budget after a 1 s ramp.
      expect((f.pages.get(owner) ?? 0) / elapsedS).toBeGreaterThan(0.85 * 50);
      expect(f.peak.get(owner)).toBeGreaterThanOrEqual(8);
      // Saturated owners keep their count: the pool does not run up to maxInFlight.
      expect(f.peak.get(owner)).toBeLessThanOrEqual(12);
    }
    await vi.runAllTimersAsync();
    await done;
  });

  it('where the database is the bottleneck, a growth step that brings nothing stops the growth', async () => {
    // One commit at a time, 25 ms each: 40 pages/s for both owners together, far below 2 x 50.
    const f = fakeOwners({
      owners: ['a', 'b'],
      windows: 40,
      pagesPerWindow: 20,
      latencyMs: 150,
      rate: 50,
      commitMs: 25,
    });
    const done = runWindowPool(
      f.groups,
      { ratePerSecond: 50, maxInFlight: 64, now: () => Date.now() },
      f.work,
    );
    await vi.advanceTimersByTimeAsync(10_000);
    // Without the probe each owner would grow towards the 32 windows its cycle asks for.
    expect(f.peakTotal()).toBeLessThanOrEqual(16);
    await vi.runAllTimersAsync();
    await done;
  });

  it('the total bound holds, shared fairly between owners', async () => {
    const f = fakeOwners({ owners: ['a', 'b'], windows: 20, pagesPerWindow: 10, latencyMs: 200, rate: 50 });
    const done = runWindowPool(
      f.groups,
      { ratePerSecond: 50, maxInFlight: 6, now: () => Date.now() },
      f.work,
    );
    await vi.advanceTimersByTimeAsync(5_000);
    expect(f.peakTotal()).toBe(6);
    // Each owner gets a share (the one furthest below its own target goes first), not all six.
    expect(f.peak.get('a')).toBeGreaterThanOrEqual(2);
    expect(f.peak.get('b')).toBeGreaterThanOrEqual(2);
    expect(f.peak.get('a')).toBeLessThanOrEqual(4);
    expect(f.peak.get('b')).toBeLessThanOrEqual(4);
    await vi.runAllTimersAsync();
    await done;
    expect(f.pages.get('a')).toBe(200);
    expect(f.pages.get('b')).toBe(200);
  });

  it('runs every task once; the first failure stops new windows, lets running ones settle, and is thrown', async () => {
    vi.useRealTimers();
    const ran: number[] = [];
    let settled = 0;
    const tasks = Array.from({ length: 20 }, (_, i) => i);
    const boom = new Error('window 3 failed');
    const run = runWindowPool(
      [{ owner: 'a', tasks }],
      { ratePerSecond: 50, maxInFlight: 4, initialPerOwner: 4 },
      async (i) => {
        ran.push(i);
        await new Promise((r) => setTimeout(r, i === 3 ? 5 : 20));
        settled += 1;
        if (i === 3) throw boom;
      },
    );
    await expect(run).rejects.toBe(boom);
    expect(ran).toEqual([0, 1, 2, 3]);
    expect(settled).toBe(4);

    const all: number[] = [];
    await runWindowPool(
      [
        { owner: 'a', tasks },
        { owner: 'b', tasks: [] },
      ],
      { ratePerSecond: 50, maxInFlight: 3 },
      async (i) => {
        all.push(i);
      },
    );
    expect(all.sort((x, y) => x - y)).toEqual(tasks);
  });

  it('an abort stops starting windows and surfaces as the abort reason', async () => {
    vi.useRealTimers();
    const ac = new AbortController();
    const started: number[] = [];
    const run = runWindowPool(
      [{ owner: 'a', tasks: [0, 1, 2, 3, 4, 5] }],
      { ratePerSecond: 50, maxInFlight: 2, initialPerOwner: 2, signal: ac.signal },
      async (i) => {
        started.push(i);
        if (i === 1) ac.abort(new Error('stop'));
        await new Promise((r) => setTimeout(r, 5));
      },
    );
    await expect(run).rejects.toThrow('stop');
    expect(started).toEqual([0, 1]);
  });
});
