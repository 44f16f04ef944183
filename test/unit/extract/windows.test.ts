import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  needsClosingRead,
  capWindow,
  DAY_MS,
  DISCOVERY_HORIZON_DAYS,
  DUE_SLACK,
  dayStartMs,
  daysReadBy,
  planSteadyRescan,
  type RescanPolicy,
  wholeDaysIn,
  halveWindow,
  planDiscoveryProbes,
  planIncrementalWindows,
  planRescanWindows,
  splitRange,
  type WindowPolicy,
  windowLength,
  windowToApiBounds,
} from '../../../src/extract/windows.ts';

const policy: WindowPolicy = {
  windowDays: 7,
  overlapMs: 10 * 60_000,
  safetyLagMs: 3 * 60_000,
  maturityDays: 90,
  startDate: null,
};
const now = new Date('2026-06-30T12:00:30.500Z');

describe('splitRange', () => {
  it('covers [start, end) exactly with contiguous chunks of at most windowDays', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 * 86_400 }),
        fc.integer({ min: 1, max: 400 * 86_400 }),
        fc.integer({ min: 1, max: 60 }),
        (offset, length, days) => {
          const start = new Date(Date.UTC(2025, 0, 1) + offset * 1000);
          const end = new Date(start.getTime() + length * 1000);
          const ws = splitRange(start, end, days);
          expect(ws[0]?.start).toEqual(start);
          expect(ws.at(-1)?.end).toEqual(end);
          for (let i = 0; i < ws.length; i++) {
            const w = ws[i]!;
            expect(w.end.getTime() - w.start.getTime()).toBeLessThanOrEqual(days * DAY_MS);
            expect(w.end > w.start).toBe(true);
            if (i > 0) expect(w.start).toEqual(ws[i - 1]!.end);
          }
        },
      ),
    );
  });

  it('returns nothing for an empty or inverted range and rejects a bad size', () => {
    expect(splitRange(now, now, 7)).toEqual([]);
    expect(splitRange(now, new Date(now.getTime() - 1000), 7)).toEqual([]);
    expect(() => splitRange(now, now, 0)).toThrow(/windowDays/);
  });
});

describe('planIncrementalWindows', () => {
  it('first sync without a start date: bounded windows from the discovered start, never an open one', () => {
    const discovered = new Date('2026-06-10T00:00:00Z');
    const ws = planIncrementalWindows(null, now, policy, discovered);
    expect(ws[0]!.start).toEqual(discovered);
    expect(ws.at(-1)!.end).toEqual(new Date('2026-06-30T11:57:30.000Z'));
    for (const w of ws) expect(w.end.getTime() - w.start.getTime()).toBeLessThanOrEqual(7 * DAY_MS);
    expect(windowToApiBounds(ws[0]!)).toEqual({
      createTimeGe: Date.parse('2026-06-10T00:00:00Z') / 1000,
      createTimeLt: Date.parse('2026-06-17T00:00:00Z') / 1000,
    });
  });

  it('first sync when discovery found no orders: only the newest window (it sets the watermark)', () => {
    expect(planIncrementalWindows(null, now, policy, null)).toEqual([
      { start: new Date('2026-06-23T11:57:30.000Z'), end: new Date('2026-06-30T11:57:30.000Z') },
    ]);
  });

  it('a window without a start is refused rather than sent as an open range', () => {
    expect(() => windowToApiBounds({ start: null as unknown as Date, end: now })).toThrow(/needs a start/);
  });

  it('first sync with a start date: chunks from it', () => {
    const ws = planIncrementalWindows(null, now, { ...policy, startDate: new Date('2026-06-01T00:00:00Z') });
    expect(ws).toHaveLength(5);
    expect(ws[0]!.start).toEqual(new Date('2026-06-01T00:00:00Z'));
    expect(ws[0]!.end).toEqual(new Date('2026-06-08T00:00:00Z'));
    expect(ws.at(-1)!.end).toEqual(new Date('2026-06-30T11:57:30Z'));
  });

  it('later syncs start at watermark - overlap', () => {
    const wm = new Date('2026-06-30T11:00:00Z');
    const ws = planIncrementalWindows(wm, now, policy);
    expect(ws).toEqual([{ start: new Date('2026-06-30T10:50:00Z'), end: new Date('2026-06-30T11:57:30Z') }]);
    expect(windowToApiBounds(ws[0]!)).toEqual({
      createTimeGe: Date.parse('2026-06-30T10:50:00Z') / 1000,
      createTimeLt: Date.parse('2026-06-30T11:57:30Z') / 1000,
    });
  });

  it('plans nothing when the watermark is already at the horizon', () => {
    const wm = new Date(now.getTime() + policy.overlapMs);
    expect(planIncrementalWindows(wm, now, policy)).toEqual([]);
  });
});

describe('planRescanWindows', () => {
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
  const opts = { now, before: new Date('2026-06-30T10:50:00Z'), maturityDays: 90, windowDays: 7 };

  it('merges consecutive days into windows of at most windowDays, never across a day not listed', () => {
    const ws = planRescanWindows(
      [
        day('2026-06-01'),
        day('2026-06-02'),
        day('2026-06-04'),
        ...Array.from({ length: 9 }, (_, i) => new Date(day('2026-06-10').getTime() + i * DAY_MS)),
      ],
      opts,
    );
    expect(ws).toEqual([
      { start: day('2026-06-01'), end: day('2026-06-03') },
      { start: day('2026-06-04'), end: day('2026-06-05') },
      { start: day('2026-06-10'), end: day('2026-06-17') },
      { start: day('2026-06-17'), end: day('2026-06-19') },
    ]);
  });

  it('drops days beyond the maturity horizon and caps at the incremental start', () => {
    const ws = planRescanWindows([day('2026-03-01'), day('2026-06-30')], opts);
    expect(ws).toEqual([{ start: day('2026-06-30'), end: new Date('2026-06-30T10:50:00Z') }]);
  });

  it('clips a day straddling the horizon to the horizon', () => {
    const horizon = new Date(now.getTime() - 90 * DAY_MS);
    const d = new Date(Math.floor(horizon.getTime() / DAY_MS) * DAY_MS);
    const ws = planRescanWindows([d], opts);
    expect(ws[0]!.start!.getTime()).toBe(Math.floor(horizon.getTime() / 1000) * 1000);
    expect(ws[0]!.end.getTime()).toBe(d.getTime() + DAY_MS);
  });

  it('every open day inside the horizon is covered exactly once', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 85 }), { maxLength: 40 }), (offsets) => {
        const days = offsets.map((o) => new Date(Date.UTC(2026, 3, 5) + o * DAY_MS));
        const ws = planRescanWindows(days, opts);
        for (const d of days) {
          const hits = ws.filter((w) => w.start <= d && d < w.end);
          expect(hits).toHaveLength(1);
        }
        for (const w of ws) expect(w.end.getTime() - w.start.getTime()).toBeLessThanOrEqual(7 * DAY_MS);
        for (const w of ws)
          for (const d of daysReadBy(w)) expect(days.some((x) => x.getTime() === d)).toBe(true);
      }),
    );
  });
});

describe('planSteadyRescan (re-scan policy by age)', () => {
  const HOUR = 3_600_000;
  const RUN = 15 * 60_000;
  const start = Date.parse('2026-06-01T00:05:00Z');
  const dayAgo = (at: number, days: number) => dayStartMs(at - days * DAY_MS);
  const steady: RescanPolicy = {
    tiers: [
      { maxAgeDays: 2, everyMs: 0 },
      { maxAgeDays: 14, everyMs: HOUR },
      { maxAgeDays: 90, everyMs: 6 * HOUR },
    ],
    deepEveryMs: null,
    deepDays: 180,
    deepDaysPerRun: 7,
  };

  /** Runs at `times` with every day of the last 100 open; returns when each day was read. */
  function simulate(times: number[], policy: RescanPolicy, open: (day: number) => boolean) {
    const lastRead = new Map<number, number>();
    const reads = new Map<number, number[]>();
    for (const t of times) {
      const openDays: Date[] = [];
      for (let d = dayStartMs(t - 100 * DAY_MS); d < t; d += DAY_MS) if (open(d)) openDays.push(new Date(d));
      const plan = planSteadyRescan({
        openDays,
        lastRead,
        now: new Date(t),
        before: new Date(t - 10 * 60_000),
        maturityDays: 90,
        windowDays: 7,
        policy,
      });
      for (const w of plan.windows)
        for (const d of daysReadBy(w)) {
          lastRead.set(d, t);
          reads.set(d, [...(reads.get(d) ?? []), t]);
        }
    }
    return reads;
  }

  it('a retry day (a quarantined record) is read now whatever its tier, settled or past the horizon', () => {
    const now = start;
    const settled = dayAgo(now, 40);
    const old = dayAgo(now, 120);
    const plan = planSteadyRescan({
      openDays: [],
      lastRead: new Map([
        [settled, now - 60_000],
        [old, now - 60_000],
      ]),
      now: new Date(now),
      before: new Date(now - 10 * 60_000),
      maturityDays: 90,
      windowDays: 7,
      policy: steady,
      retryDays: [settled, old, dayStartMs(now)],
    });
    // Today is inside the incremental range: not planned here.
    expect(plan.retryDays).toBe(2);
    const read = plan.windows.flatMap((w) => daysReadBy(w));
    expect(read).toEqual(expect.arrayContaining([settled, old]));
    expect(plan.dueByTier).toEqual([0, 0, 0]);
  });

  it('an open day that crossed the horizon since its last read gets one closing read, then only the deep re-scan', () => {
    const day = dayAgo(start, 85);
    const plan = (now: number, lastRead: Map<number, number>) =>
      planSteadyRescan({
        openDays: [new Date(day)],
        lastRead,
        now: new Date(now),
        before: new Date(now - 10 * 60_000),
        maturityDays: 90,
        windowDays: 7,
        policy: steady,
      });
    // Read at 85 days old; the next run comes 10 days later (an outage): the day is 95 days old.
    const later = start + 10 * DAY_MS;
    const closing = plan(later, new Map([[day, start]]));
    expect(closing.closingDays).toBe(1);
    expect(closing.windows.flatMap(daysReadBy)).toEqual([day]);
    // Read once past the horizon: no tier reads it again (the deep re-scan is off here).
    const after = plan(later + RUN, new Map([[day, later]]));
    expect(after.closingDays).toBe(0);
    expect(after.windows).toEqual([]);
    // Never read at all (a record lost or older than the upgrade): read once as well.
    expect(plan(later, new Map()).closingDays).toBe(1);
  });

  it('needsClosingRead: only past the horizon, and only when the last read was inside it', () => {
    const day = Date.parse('2026-03-01T00:00:00Z');
    const crossed = day + DAY_MS + 90 * DAY_MS;
    expect(needsClosingRead(day, day + DAY_MS, new Date(crossed - 1), 90)).toBe(false);
    expect(needsClosingRead(day, day + DAY_MS, new Date(crossed), 90)).toBe(true);
    expect(needsClosingRead(day, undefined, new Date(crossed + DAY_MS), 90)).toBe(true);
    expect(needsClosingRead(day, crossed, new Date(crossed + DAY_MS), 90)).toBe(false);
  });

  const runs = (from: number, count: number, every = RUN) =>
    Array.from({ length: count }, (_, i) => from + i * every);

  it('a change in each tier is seen within its period (every run, hourly, every 6 hours)', () => {
    const times = runs(start, 4 * 96);
    const reads = simulate(times, steady, () => true);
    const end = times.at(-1) as number;
    // A day of each tier during the last simulated day: 1, 5 and 40 days old.
    for (const [age, period] of [
      [1, RUN],
      [5, HOUR],
      [40, 6 * HOUR],
    ] as const) {
      const d = dayAgo(end, age);
      const seen = (reads.get(d) ?? []).filter((t) => t >= end - DAY_MS + 7 * HOUR);
      expect(seen.length).toBeGreaterThan(1);
      // Any change between two reads is seen by the second one: the gap is the worst lag.
      for (let i = 1; i < seen.length; i++)
        expect((seen[i] as number) - (seen[i - 1] as number)).toBeLessThanOrEqual(period);
    }
  });

  it('a missed or slow run never skips a tier: the next run re-reads every overdue day', () => {
    const first = runs(start, 96);
    // The worker is down for 6 h 7 min (longer than every period), then runs start 40 s late each.
    const resumeAt = (first.at(-1) as number) + 6 * HOUR + 7 * 60_000;
    const later = Array.from({ length: 30 }, (_, i) => resumeAt + i * (RUN + 40_000));
    const reads = simulate([...first, ...later], steady, () => true);
    for (const age of [5, 40]) {
      const d = dayAgo(first.at(-1) as number, age);
      expect(reads.get(d)).toContain(resumeAt);
    }
    // Hourly days keep their hour despite the drift: never more than one run later than due.
    const hourly = (reads.get(dayAgo(resumeAt, 5)) ?? []).filter((t) => t >= resumeAt);
    for (let i = 1; i < hourly.length; i++)
      expect((hourly[i] as number) - (hourly[i - 1] as number)).toBeLessThanOrEqual(HOUR + RUN);
  });

  it('a day with no open order is never re-read by the tiers, however young', () => {
    const settled = dayAgo(start + DAY_MS, 6);
    const reads = simulate(runs(start, 2 * 96), steady, (d) => d !== settled);
    expect(reads.get(settled)).toBeUndefined();
    expect(reads.get(settled + DAY_MS)?.length).toBeGreaterThan(40);
  });

  it('the deep re-scan reads settled days and days past the horizon once per period, a few per run', () => {
    const deep: RescanPolicy = { ...steady, deepEveryMs: DAY_MS, deepDays: 150, deepDaysPerRun: 5 };
    const times = runs(start, 3 * 96);
    const reads = simulate(times, deep, () => false);
    const pastHorizon = dayAgo(start, 120);
    const got = reads.get(pastHorizon) ?? [];
    // Read once in the first day, then again about a day later, never more than once a period.
    expect(got.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < got.length; i++)
      expect((got[i] as number) - (got[i - 1] as number)).toBeGreaterThanOrEqual(DAY_MS * (1 - DUE_SLACK));
    // Never more than deepDaysPerRun days in one run.
    const perRun = new Map<number, number>();
    for (const ts of reads.values()) for (const t of ts) perRun.set(t, (perRun.get(t) ?? 0) + 1);
    expect(Math.max(...perRun.values())).toBeLessThanOrEqual(5);
    // Without the deep re-scan, nothing settled or past the horizon is ever read.
    expect(simulate(times, steady, () => false).size).toBe(0);
  });

  it('today\'s policy is the single tier "every run up to the horizon"', () => {
    const today: RescanPolicy = { ...steady, tiers: [{ maxAgeDays: 90, everyMs: 0 }] };
    const t = start + 10 * DAY_MS;
    const openDays = Array.from({ length: 95 }, (_, i) => new Date(dayAgo(t, i + 1)));
    const lastRead = new Map(openDays.map((d) => [d.getTime(), t - RUN] as const));
    const plan = planSteadyRescan({
      openDays,
      lastRead,
      now: new Date(t),
      before: new Date(t - 10 * 60_000),
      maturityDays: 90,
      windowDays: 7,
      policy: today,
    });
    // Every open day inside the horizon, as the old single re-scan read them, plus the one day that
    // crossed the horizon since the previous run 15 minutes ago (its closing read).
    const old = planRescanWindows(openDays, {
      now: new Date(t),
      before: new Date(t - 600_000),
      maturityDays: 90,
      windowDays: 7,
    });
    const crossed = dayAgo(t, 91);
    expect(plan.closingDays).toBe(1);
    expect(new Set(plan.windows.flatMap(daysReadBy))).toEqual(new Set([crossed, ...old.flatMap(daysReadBy)]));
    expect(plan.windows.at(-1)?.end).toEqual(old.at(-1)?.end);
  });
});

describe('wholeDaysIn', () => {
  it('lists only the days an incremental range covers in full', () => {
    const d0 = Date.parse('2026-06-01T00:00:00Z');
    expect(wholeDaysIn(new Date(d0), new Date(d0 + 2 * DAY_MS))).toEqual([d0, d0 + DAY_MS]);
    expect(wholeDaysIn(new Date(d0 + 1000), new Date(d0 + 2 * DAY_MS + 5))).toEqual([d0 + DAY_MS]);
    expect(wholeDaysIn(new Date(d0 + 1000), new Date(d0 + 20 * 60_000))).toEqual([]);
  });
});

describe('planDiscoveryProbes', () => {
  it('goes back from the end in contiguous 30-day probes down to the 3-year horizon', () => {
    const end = new Date('2026-06-30T11:57:30.500Z');
    const probes = planDiscoveryProbes(end);
    expect(probes).toHaveLength(Math.ceil(DISCOVERY_HORIZON_DAYS / 30));
    expect(probes[0]).toEqual({
      start: new Date('2026-05-31T11:57:30Z'),
      end: new Date('2026-06-30T11:57:30Z'),
    });
    for (const [i, p] of probes.entries()) {
      expect(p.end.getTime() - p.start.getTime()).toBeLessThanOrEqual(30 * DAY_MS);
      if (i > 0) expect(p.end).toEqual(probes[i - 1]!.start);
    }
    expect(probes.at(-1)!.start).toEqual(
      new Date(Date.parse('2026-06-30T11:57:30Z') - DISCOVERY_HORIZON_DAYS * DAY_MS),
    );
  });
});

describe('halveWindow and capWindow', () => {
  it('halves on a whole second and refuses windows under two seconds', () => {
    const w = { start: new Date('2026-06-01T00:00:00Z'), end: new Date('2026-06-01T00:00:03Z') };
    expect(halveWindow(w)).toEqual([
      { start: w.start, end: new Date('2026-06-01T00:00:01Z') },
      { start: new Date('2026-06-01T00:00:01Z'), end: w.end },
    ]);
    expect(halveWindow({ start: w.start, end: new Date('2026-06-01T00:00:01Z') })).toBeNull();
  });

  it('cuts a window into contiguous pieces no longer than the limit', () => {
    const w = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-06-01T00:00:00Z') };
    const pieces = capWindow(w, 45 * DAY_MS);
    expect(pieces[0]!.start).toEqual(w.start);
    expect(pieces.at(-1)!.end).toEqual(w.end);
    for (const [i, p] of pieces.entries()) {
      expect(windowLength(p)).toBeLessThanOrEqual(45 * DAY_MS);
      if (i > 0) expect(p.start).toEqual(pieces[i - 1]!.end);
    }
    expect(capWindow(w, 365 * DAY_MS)).toEqual([w]);
  });
});
