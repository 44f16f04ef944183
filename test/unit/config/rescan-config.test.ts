import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDuration, parseRescanTiers } from '../../../src/config.ts';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseDuration', () => {
  it('reads minutes, hours and days, and a bare 0', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('15m')).toBe(15 * 60_000);
    expect(parseDuration(' 1h ')).toBe(3_600_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
  });

  it('refuses anything else', () => {
    for (const bad of ['', '5', '1w', '-1h', '1.5h', 'h', '1 h', 'off'])
      expect(parseDuration(bad), bad).toBeNull();
  });
});

describe('parseRescanTiers', () => {
  it('reads the default policy in increasing age', () => {
    expect(parseRescanTiers('2d=0,14d=1h,90d=6h')).toEqual([
      { maxAgeDays: 2, everyMs: 0 },
      { maxAgeDays: 14, everyMs: 3_600_000 },
      { maxAgeDays: 90, everyMs: 6 * 3_600_000 },
    ]);
    expect(parseRescanTiers(' 90d = 0 ')).toEqual([{ maxAgeDays: 90, everyMs: 0 }]);
  });

  it('says what is wrong with a malformed, zero-age or unordered list', () => {
    expect(parseRescanTiers('2d=0,14d')).toMatch(/"14d" is not <age>d=<period>/);
    expect(parseRescanTiers('2d=1w')).toMatch(/"2d=1w" is not <age>d=<period>/);
    expect(parseRescanTiers('0d=0')).toMatch(/at least 1 day/);
    expect(parseRescanTiers('14d=1h,2d=0')).toMatch(/increasing age/);
    expect(parseRescanTiers('2d=0,2d=1h')).toMatch(/increasing age/);
  });
});

describe('loadConfig: re-scan settings', () => {
  it('applies the documented defaults', () => {
    const { orders } = loadConfig({});
    expect(orders.rescanTiers).toEqual(parseRescanTiers('2d=0,14d=1h,90d=6h'));
    expect(orders.deepRescanEveryMs).toBe(7 * 86_400_000);
    expect(orders.deepRescanDays).toBe(180);
    expect(orders.deepRescanDaysPerRun).toBe(7);
  });

  it('turns the deep re-scan off with "off" and reads other values', () => {
    const { orders } = loadConfig({
      ORDERS_RESCAN_TIERS: '90d=0',
      ORDERS_DEEP_RESCAN_EVERY: 'OFF',
      ORDERS_DEEP_RESCAN_DAYS: '365',
      ORDERS_DEEP_RESCAN_DAYS_PER_RUN: '14',
    });
    expect(orders.rescanTiers).toEqual([{ maxAgeDays: 90, everyMs: 0 }]);
    expect(orders.deepRescanEveryMs).toBeNull();
    expect(orders.deepRescanDays).toBe(365);
    expect(orders.deepRescanDaysPerRun).toBe(14);
  });

  it('lists every bad re-scan setting with its name', () => {
    const problems = problemsOf({
      ORDERS_RESCAN_TIERS: '14d=1h,2d=0',
      ORDERS_DEEP_RESCAN_EVERY: '0',
      ORDERS_DEEP_RESCAN_DAYS_PER_RUN: '0',
    });
    expect(problems.join('\n')).toMatch(/ORDERS_RESCAN_TIERS.*increasing age/);
    expect(problems.join('\n')).toMatch(/ORDERS_DEEP_RESCAN_EVERY.*duration such as 1d or 7d, or off/);
    expect(problems.join('\n')).toMatch(/ORDERS_DEEP_RESCAN_DAYS_PER_RUN/);
    expect(problems).toHaveLength(3);
  });
});
