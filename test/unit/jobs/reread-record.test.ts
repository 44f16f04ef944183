/** The re-read record kept in an order stream's checkpoint cursor, and its line in `status`. */
import { describe, expect, it } from 'vitest';
import { rescanLine } from '../../../src/cli/common/status-render.ts';
import type { StreamStatus } from '../../../src/cli/common/status-data.ts';
import { RereadRecord } from '../../../src/jobs/windowed-sync.ts';

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const DAY = 86_400_000;

describe('RereadRecord', () => {
  it('round-trips through the cursor, with the oldest open day', () => {
    const r = new RereadRecord(
      new Map([[day('2026-06-25'), day('2026-06-30')]]),
      new Map(),
      day('2026-04-02'),
    );
    const stamped = r.stamped([day('2026-06-26')], ['<14d'], Date.parse('2026-06-30T12:00:00Z'));
    const back = RereadRecord.fromCursor(stamped.toCursor());
    expect([...back.days.keys()]).toEqual([day('2026-06-25'), day('2026-06-26')]);
    expect(back.last.get('<14d')).toBe(Date.parse('2026-06-30T12:00:00Z'));
    expect(back.oldestOpen).toBe(day('2026-04-02'));
    // Stamping never moves a time back (a resumed older run cannot undo a newer read).
    expect(back.stamped([day('2026-06-26')], [], 0).days.get(day('2026-06-26'))).toBe(
      Date.parse('2026-06-30T12:00:00Z'),
    );
  });

  it('retry days: one attempt per run, every run at first then daily, cleared by a clean read', () => {
    const t0 = Date.parse('2026-06-30T12:00:00Z');
    const r = new RereadRecord();
    const run1 = new Set<number>();
    // Two pages of one run quarantine records of the same day: one attempt.
    r.markRetry([day('2026-06-20')], t0, run1);
    r.markRetry([day('2026-06-20'), day('2026-06-21')], t0, run1);
    expect([...r.retry.values()].map((x) => x.attempts)).toEqual([1, 1]);
    let back = RereadRecord.fromCursor(r.toCursor());
    expect(back.dueRetryDays(t0)).toEqual([day('2026-06-20'), day('2026-06-21')]);
    // Attempts 2 and 3 in the next runs; past RETRY_EVERY_RUN the day waits a day.
    for (let i = 1; i <= 3; i++) back.markRetry([day('2026-06-20')], t0 + i * 60_000, new Set());
    expect(back.retry.get(day('2026-06-20'))?.attempts).toBe(4);
    expect(back.dueRetryDays(t0 + 4 * 60_000)).toEqual([day('2026-06-21')]);
    expect(back.dueRetryDays(t0 + 3 * 60_000 + DAY)).toContain(day('2026-06-20'));
    // A full read of both days where only 06-20 failed again clears 06-21 only.
    back = back.stamped([day('2026-06-20'), day('2026-06-21')], [], t0, new Set([day('2026-06-20')]));
    expect([...back.retry.keys()]).toEqual([day('2026-06-20')]);
    // Pruned with the other days once past every horizon.
    back.prune(day('2026-06-25'));
    expect(back.retry.size).toBe(0);
    expect(back.toCursor()).toBeNull();
  });

  it('an empty record writes no cursor (nothing in flight, nothing to keep)', () => {
    expect(new RereadRecord().toCursor()).toBeNull();
    expect(RereadRecord.fromCursor({ phase: 'rescan', start: 'x', end: 'y' }).days.size).toBe(0);
  });
});

describe('status: the re-scan line of an order stream', () => {
  it('lists the tiers by age with their last run, then the oldest open day', () => {
    const now = new Date('2026-06-30T12:00:00Z');
    const line = rescanLine(
      {
        connectionId: 3,
        stream: 'seller_affiliate_orders',
        rescan: {
          lastRuns: {
            deep: new Date('2026-06-28T12:00:00Z'),
            '<90d': new Date('2026-06-30T07:00:00Z'),
            '<2d': new Date('2026-06-30T11:55:00Z'),
            '<14d': new Date('2026-06-30T11:20:00Z'),
          },
          oldestOpenDay: new Date('2026-04-02T00:00:00Z'),
        },
      } as unknown as StreamStatus,
      now,
    );
    expect(line).toMatch(
      /^conn 3 seller_affiliate_orders: <2d .* · <14d .* · <90d .* · deep .*; oldest open day 2026-04-02$/,
    );
  });

  it('says how many days hold quarantined orders being read again', () => {
    const now = new Date('2026-06-30T12:00:00Z');
    const line = rescanLine(
      {
        connectionId: 3,
        stream: 'seller_affiliate_orders',
        rescan: { lastRuns: {}, oldestOpenDay: null, retryDays: 2 },
      } as unknown as StreamStatus,
      now,
    );
    expect(line).toMatch(/; 2 days with quarantined orders, read again until clean$/);
  });
});
