import { describe, expect, it } from 'vitest';
import { cronIntervalMs } from '../../../src/metrics/connection-health.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('cronIntervalMs (the interval "not succeeded for N intervals" is measured in)', () => {
  it('reads fires per day from the minute and hour fields of a daily rule', () => {
    expect(cronIntervalMs('*/15 * * * *')).toBe(15 * MIN);
    expect(cronIntervalMs('0 */6 * * *')).toBe(6 * HOUR);
    expect(cronIntervalMs('0 9,17 * * *')).toBe(12 * HOUR);
    expect(cronIntervalMs('30 2 * * ?')).toBe(DAY);
    expect(cronIntervalMs('0 0-11 * * *')).toBe(2 * HOUR);
    expect(cronIntervalMs('0 */5 * * * *')).toBe(5 * MIN);
  });

  it('weekly and monthly rules, aliases, and a rule it cannot read (daily)', () => {
    expect(cronIntervalMs('0 3 * * MON')).toBe(7 * DAY);
    expect(cronIntervalMs('0 3 1 * *')).toBe(31 * DAY);
    expect(cronIntervalMs('@hourly')).toBe(HOUR);
    expect(cronIntervalMs('@weekly')).toBe(7 * DAY);
    expect(cronIntervalMs('0 L * * *')).toBe(DAY);
    expect(cronIntervalMs('* *')).toBe(DAY);
  });
});
