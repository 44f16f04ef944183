import { describe, expect, it } from 'vitest';
import { createMemoryRateBudget } from '../../../src/tiktok/rate-budget.ts';
import {
  applyThrottle,
  effectiveRate,
  type GcraParams,
  initialState,
  reserve,
} from '../../../src/tiktok/rate-gcra.ts';

const P: GcraParams = {
  ratePerSecond: 50,
  burst: 1,
  horizonMs: 250,
  lateToleranceMs: 10,
  minRatePerSecond: 1,
  recoveryPerSecond: 50 / 30,
  decreaseFactor: 0.5,
  defaultCooldownMs: 1000,
};

/** Many callers arriving at `start` (virtual clock): the send times the schedule gives them. */
function grants(n: number, p: GcraParams, start = 1_000_000) {
  const s = initialState();
  const out: number[] = [];
  let now = start;
  while (out.length < n) {
    const r = reserve(s, now, p);
    if (r.reserved) out.push(now + r.waitMs);
    else now += r.waitMs - p.horizonMs; // come back when the slot enters the horizon
  }
  return out.sort((a, b) => a - b);
}

function maxInAnyWindow(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && (times[j] ?? Infinity) < (times[i] ?? 0) + windowMs) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

describe('GCRA reservation pacing (rate-gcra.ts)', () => {
  it('spaces requests evenly: never more than the rate in any 1 s window', () => {
    const t = grants(200, P);
    expect(maxInAnyWindow(t, 1000)).toBe(50);
    expect((t.at(-1) ?? 0) - (t[0] ?? 0)).toBe(199 * 20);
  });

  it('a burst allowance lets that many go back to back, and no more than rate + burst per window', () => {
    const t = grants(200, { ...P, burst: 5 });
    expect(t.slice(0, 5).every((x) => x === t[0])).toBe(true);
    expect(t[5]).toBeGreaterThan(t[0] ?? 0);
    expect(maxInAnyWindow(t, 1000)).toBeLessThanOrEqual(55);
  });

  it('reserves at most the horizon ahead; later callers are told when to ask again', () => {
    const s = initialState();
    const waits: number[] = [];
    for (;;) {
      const r = reserve(s, 0, P);
      if (!r.reserved) {
        expect(r.waitMs).toBe(260);
        break;
      }
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220, 240]);
  });

  it('a caller that wakes late loses no capacity: its slot was reserved', () => {
    const s = initialState();
    const sent: number[] = [];
    let now = 1_000_000;
    while (sent.length < 200) {
      const r = reserve(s, now, P);
      now += r.waitMs + 7; // every wake-up 7 ms late (interval 20 ms)
      sent.push(now);
    }
    const spanS = ((sent.at(-1) ?? 0) - (sent[0] ?? 0)) / 1000;
    expect(199 / spanS).toBeGreaterThan(49.9);
    expect(maxInAnyWindow(sent, 1000)).toBeLessThanOrEqual(50);
  });

  it('an idle key starts afresh: no saved-up burst after a pause', () => {
    const s = initialState();
    expect(reserve(s, 1000, P)).toEqual({ reserved: true, waitMs: 0 });
    expect(reserve(s, 60_000, P)).toEqual({ reserved: true, waitMs: 0 });
    expect(reserve(s, 60_000, P)).toEqual({ reserved: true, waitMs: 20 });
  });

  it('a throttle cools the key down, halves the rate, and the rate recovers linearly', () => {
    const s = initialState();
    applyThrottle(s, 0, 500, P);
    expect(reserve(s, 100, P)).toEqual({ reserved: false, waitMs: 400 });
    expect(reserve(s, 300, P)).toEqual({ reserved: true, waitMs: 200 });
    expect(reserve(s, 300, P)).toEqual({ reserved: true, waitMs: 240 });
    expect(effectiveRate(s, 500, P)).toBe(25);
    expect(effectiveRate(s, 500 + 6000, P)).toBeCloseTo(35, 5);
    expect(effectiveRate(s, 500 + 60_000, P)).toBe(50);
  });

  it('several 429s within one cool-down halve the rate only once but extend the cool-down', () => {
    const s = initialState();
    applyThrottle(s, 0, 1000, P);
    applyThrottle(s, 10, 2000, P);
    applyThrottle(s, 20, null, P);
    expect(effectiveRate(s, 2010, P)).toBe(25);
    expect(s.coolUntil).toBe(2010);
    applyThrottle(s, 2010, 100, P);
    expect(s.rate).toBeCloseTo(12.5, 5);
  });

  it('the reduced rate never falls below the floor', () => {
    const s = initialState();
    for (let i = 0; i < 20; i++) applyThrottle(s, i * 10, 1, P);
    expect(s.rate).toBe(1);
  });
});

describe('createMemoryRateBudget', () => {
  it('paces acquires to the rate and reports the waited ms', async () => {
    const budget = createMemoryRateBudget({ ratePerSecond: 100 });
    const started = performance.now();
    const waits = await Promise.all(Array.from({ length: 21 }, () => budget.acquire('k')));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(3000);
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(190);
  });

  it('keys are independent', async () => {
    const budget = createMemoryRateBudget({ ratePerSecond: 1 });
    await budget.acquire('a');
    const started = performance.now();
    await budget.acquire('b');
    // A shared key would wait ~1 s here.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('a throttled key waits out the Retry-After', async () => {
    const budget = createMemoryRateBudget({ ratePerSecond: 100 });
    await budget.throttled('k', 120);
    const waited = await budget.acquire('k');
    expect(waited).toBeGreaterThanOrEqual(110);
  });

  it('a 429 without Retry-After pauses the key a quarter second (then at half pace), not a whole one', async () => {
    const budget = createMemoryRateBudget({ ratePerSecond: 50 });
    await budget.acquire('k');
    await budget.throttled('k', null);
    const waited = await budget.acquire('k');
    expect(waited).toBeGreaterThanOrEqual(230);
    expect(waited).toBeLessThan(600);
    // Half pace afterwards: 48/s less the margin, halved, is ~42 ms a request.
    const started = performance.now();
    for (let i = 0; i < 5; i++) await budget.acquire('k');
    expect(performance.now() - started).toBeGreaterThanOrEqual(4 * 38);
  });

  it('acquire is abortable', async () => {
    const budget = createMemoryRateBudget({ ratePerSecond: 100 });
    await budget.throttled('k', 10_000);
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(new Error('abort wait')), 20);
    await expect(budget.acquire('k', ctrl.signal)).rejects.toThrow('abort wait');
  });
});
