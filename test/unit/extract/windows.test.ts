import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  capWindow,
  DAY_MS,
  DISCOVERY_HORIZON_DAYS,
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

  it('merges nearby open days into windows of at most windowDays', () => {
    const ws = planRescanWindows(
      [day('2026-06-01'), day('2026-06-03'), day('2026-06-07'), day('2026-06-20')],
      opts,
    );
    expect(ws).toEqual([
      { start: day('2026-06-01'), end: day('2026-06-08') },
      { start: day('2026-06-20'), end: day('2026-06-21') },
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
      }),
    );
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
