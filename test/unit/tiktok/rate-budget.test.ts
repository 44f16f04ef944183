import { describe, expect, it } from 'vitest';
import { createMemoryRateBudget } from '../../../src/tiktok/rate-budget.ts';
import {
  applyThrottle,
  effectiveRate,
  type GcraParams,
  initialState,
  tryAcquire,
} from '../../../src/tiktok/rate-gcra.ts';

const P: GcraParams = {
  ratePerSecond: 50,
  graceMs: 10,
  burst: 1,
  minRatePerSecond: 1,
  recoveryPerSecond: 50 / 30,
  decreaseFactor: 0.5,
  defaultCooldownMs: 1000,
};

/** Drive the algorithm with a virtual clock: grant times of `n` requests sent as early as allowed. */
function grants(
  n: number,
  p: GcraParams,
  start = 1_000_000,
  setup?: (s: ReturnType<typeof initialState>) => void,
) {
  const s = initialState();
  setup?.(s);
  const out: number[] = [];
  let now = start;
  while (out.length < n) {
    const wait = tryAcquire(s, now, p);
    if (wait === 0) out.push(now);
    else now += wait;
  }
  return out;
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

describe('GCRA pacing (rate-gcra.ts)', () => {
  it('spaces requests evenly: never more than the rate in any 1 s window', () => {
    const t = grants(200, P);
    expect(maxInAnyWindow(t, 1000)).toBe(50);
    expect((t.at(-1) ?? 0) - (t[0] ?? 0)).toBeCloseTo(199 * 20, 0);
  });

  it('a burst allowance lets that many go back to back, and no more than rate + burst per window', () => {
    const t = grants(200, { ...P, burst: 5 });
    expect(t.slice(0, 5).every((x) => x === t[0])).toBe(true);
    expect(maxInAnyWindow(t, 1000)).toBeLessThanOrEqual(55);
  });

  it('waiters that wake a little late (timers, Redis round trip) lose no capacity', () => {
    const s = initialState();
    const out: number[] = [];
    let now = 1_000_000;
    while (out.length < 200) {
      const wait = tryAcquire(s, now, P);
      if (wait === 0) out.push(now);
      else now += wait + 7; // every wake-up 7 ms late (interval 20 ms)
    }
    const spanS = ((out.at(-1) ?? 0) - (out[0] ?? 0)) / 1000;
    expect(199 / spanS).toBeGreaterThan(49);
    expect(maxInAnyWindow(out, 1000)).toBeLessThanOrEqual(51);
  });

  it('an idle key starts afresh: no saved-up burst after a pause', () => {
    const s = initialState();
    expect(tryAcquire(s, 1000, P)).toBe(0);
    expect(tryAcquire(s, 60_000, P)).toBe(0);
    expect(tryAcquire(s, 60_000, P)).toBe(20);
  });

  it('a throttle cools the key down, halves the rate, and the rate recovers linearly', () => {
    const s = initialState();
    applyThrottle(s, 0, 500, P);
    expect(tryAcquire(s, 100, P)).toBe(400);
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
    expect(elapsed).toBeLessThan(1000);
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(190);
  });

  it('keys are independent', async () => {
    const budget = createMemoryRateBudget({ ratePerSecond: 10 });
    await budget.acquire('a');
    const started = performance.now();
    await budget.acquire('b');
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('a throttled key waits out the Retry-After', async () => {
    const budget = createMemoryRateBudget({ ratePerSecond: 100 });
    await budget.throttled('k', 120);
    const waited = await budget.acquire('k');
    expect(waited).toBeGreaterThanOrEqual(110);
  });

  it('acquire is abortable', async () => {
    const budget = createMemoryRateBudget({ ratePerSecond: 100 });
    await budget.throttled('k', 10_000);
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(new Error('abort wait')), 20);
    await expect(budget.acquire('k', ctrl.signal)).rejects.toThrow('abort wait');
  });
});
