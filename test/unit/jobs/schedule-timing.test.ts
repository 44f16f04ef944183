import { describe, expect, it } from 'vitest';
import type { StreamName } from '../../../src/core/streams.ts';
import {
  CronRuleError,
  nextCronTime,
  nextIntervalSlot,
  nextRunAfter,
  pairOffsetMs,
  parseCron,
} from '../../../src/jobs/schedule-timing.ts';

const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);

describe('interval slots', () => {
  it('a pair keeps one phase inside its interval: the next slot is strictly after, one interval apart', () => {
    const offset = pairOffsetMs(42, 'seller_affiliate_orders', 15 * MINUTE);
    expect(offset).toBe(pairOffsetMs(42, 'seller_affiliate_orders', 15 * MINUTE));
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThan(15 * MINUTE);
    const t = at('2026-03-01T10:00:00Z');
    const first = nextIntervalSlot(15 * MINUTE, offset, t);
    expect(first).toBeGreaterThan(t);
    expect(first - t).toBeLessThanOrEqual(15 * MINUTE);
    expect(nextIntervalSlot(15 * MINUTE, offset, first)).toBe(first + 15 * MINUTE);
    expect((first - offset) % (15 * MINUTE)).toBe(0);
  });

  it('10,000 connections on one interval are spread over it, not due in one burst', () => {
    const t = at('2026-03-01T10:00:00Z');
    const perSecond = new Map<number, number>();
    const streams: StreamName[] = ['seller_affiliate_orders', 'open_collaborations'];
    for (let c = 1; c <= 10_000; c++) {
      for (const stream of streams) {
        const due = nextRunAfter({ everyMs: MINUTE, cron: null }, { connectionId: c, stream }, t);
        expect(due - t).toBeGreaterThan(0);
        expect(due - t).toBeLessThanOrEqual(MINUTE);
        const second = Math.floor((due - t - 1) / 1000);
        perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
      }
    }
    // 20,000 pairs over 60 s: about 333 a second; a burst would put them all in one.
    expect(perSecond.size).toBe(60);
    expect(Math.max(...perSecond.values())).toBeLessThan(500);
  });
});

describe('cron', () => {
  it('finds the next instant of common rules (UTC), strictly after the given one', () => {
    const t = at('2026-03-01T10:07:30Z');
    expect(nextCronTime(parseCron('*/15 * * * *'), t)).toBe(at('2026-03-01T10:15:00Z'));
    expect(nextCronTime(parseCron('0 */6 * * *'), t)).toBe(at('2026-03-01T12:00:00Z'));
    expect(nextCronTime(parseCron('0 3 * * *'), t)).toBe(at('2026-03-02T03:00:00Z'));
    expect(nextCronTime(parseCron('@hourly'), at('2026-03-01T10:00:00Z'))).toBe(at('2026-03-01T11:00:00Z'));
    expect(nextCronTime(parseCron('0 0 * * MON'), t)).toBe(at('2026-03-02T00:00:00Z'));
    expect(nextCronTime(parseCron('30 0 0 1 JAN *'), t)).toBe(at('2027-01-01T00:00:30Z'));
    // Both day fields restricted: either matches (the 13th, or any Friday).
    expect(nextCronTime(parseCron('0 0 13 * 5'), t)).toBe(at('2026-03-06T00:00:00Z'));
    expect(nextCronTime(parseCron('0 0 29 2 *'), t)).toBe(at('2028-02-29T00:00:00Z'));
  });

  it('rejects what it cannot read, with the reason', () => {
    expect(() => parseCron('* * *')).toThrow(CronRuleError);
    expect(() => parseCron('61 * * * *')).toThrow(/out of 0-59/);
    expect(() => parseCron('*/0 * * * *')).toThrow(/bad step/);
    expect(() => nextCronTime(parseCron('0 0 31 2 *'), at('2026-01-01T00:00:00Z'))).toThrow(/no instant/);
  });

  it('a cron rule is not spread: it runs when it says', () => {
    const t = at('2026-03-01T10:07:30Z');
    const rule = { everyMs: null, cron: '0 * * * *' } as const;
    expect(nextRunAfter(rule, { connectionId: 1, stream: 'partner_campaigns' }, t)).toBe(
      nextRunAfter(rule, { connectionId: 2, stream: 'partner_campaigns' }, t),
    );
  });
});
