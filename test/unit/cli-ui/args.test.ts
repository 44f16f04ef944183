import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  collect,
  parseConnectionId,
  parseCron,
  parseDate,
  parseDuration,
  parseEpochSeconds,
  parseKind,
  parseStream,
} from '../../../src/cli/common/args.ts';
import { cronProblem } from '../../../src/cli/common/cron.ts';

const rejects = (fn: () => unknown, message: RegExp) => {
  expect(fn).toThrow(InvalidArgumentError);
  expect(fn).toThrow(message);
};

describe('parseDuration', () => {
  it('reads the units operators type', () => {
    expect(parseDuration('15m')).toBe(15 * 60_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('6h')).toBe(6 * 3_600_000);
    expect(parseDuration('1h30m')).toBe(90 * 60_000);
    expect(parseDuration('1h 30m')).toBe(90 * 60_000);
    expect(parseDuration('2d')).toBe(2 * 86_400_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration(' 1H ')).toBe(3_600_000);
  });
  it('refuses garbage and out-of-range intervals with an example of a good one', () => {
    rejects(() => parseDuration('15'), /write it like 15m, 1h/);
    rejects(() => parseDuration('15 minutes'), /not a duration/);
    rejects(() => parseDuration('1h-5m'), /not a duration/);
    rejects(() => parseDuration('30s'), /from 1m to 30d/);
    rejects(() => parseDuration('31d'), /from 1m to 30d/);
    rejects(() => parseDuration(''), /not a duration/);
  });
});

describe('cron', () => {
  it.each([
    '*/15 * * * *',
    '0 3 * * *',
    '0 */6 * * *',
    '0 9-17 * * MON-FRI',
    '30 2 1,15 * ?',
    '0 0 1 JAN *',
    '0 0 * * 7',
    '0 */5 * * * *',
    '@hourly',
    '@daily',
    '5,10-20/5 * * * *',
  ])('accepts %s', (expr) => {
    expect(cronProblem(expr)).toBeNull();
    expect(parseCron(expr)).toBe(expr);
  });
  it.each([
    ['* * *', /3 fields/],
    ['61 * * * *', /minute field "61"/],
    ['0 24 * * *', /hour field "24"/],
    ['0 0 0 * *', /day of month field "0"/],
    ['0 0 * 13 *', /month field "13"/],
    ['0 0 * * 8', /day of week field "8"/],
    ['*/0 * * * *', /step must be at least 1/],
    ['5-1 * * * *', /runs backwards/],
    ['1,,2 * * * *', /empty list item/],
    ['? * * * *', /minute field "\?"/],
    ['@every5m', /unknown alias/],
    ['0 0 * FOO *', /month field "FOO"/],
  ])('refuses %s', (expr, why) => {
    expect(cronProblem(expr)).toMatch(why);
    rejects(() => parseCron(expr), /not a valid cron expression/);
  });
  it('normalizes whitespace', () => {
    expect(parseCron('  0   3 * *  * ')).toBe('0 3 * * *');
  });
});

describe('parseDate', () => {
  it('reads calendar dates as UTC midnight and zoned instants as given', () => {
    expect(parseDate('2024-02-29').toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(parseDate('2024-01-31T12:00:00Z').toISOString()).toBe('2024-01-31T12:00:00.000Z');
    expect(parseDate('2024-01-31T12:00+02:00').toISOString()).toBe('2024-01-31T10:00:00.000Z');
  });
  it('refuses impossible dates and instants without a zone', () => {
    rejects(() => parseDate('2023-02-29'), /not a real calendar date/);
    rejects(() => parseDate('2024-13-01'), /not a real calendar date/);
    rejects(() => parseDate('2024-01-31T12:00:00'), /ISO instant like/);
    rejects(() => parseDate('31/01/2024'), /use YYYY-MM-DD/);
  });
});

describe('the other parsers', () => {
  it('epoch seconds, with milliseconds converted', () => {
    expect(parseEpochSeconds('1767225600')).toBe(1_767_225_600);
    expect(parseEpochSeconds('1767225600123')).toBe(1_767_225_600);
    rejects(() => parseEpochSeconds('tomorrow'), /absolute expiry in Unix seconds/);
    rejects(() => parseEpochSeconds('12'), /epoch timestamp/);
  });
  it('streams, kinds and connection ids', () => {
    expect(parseStream(' seller_affiliate_orders ')).toBe('seller_affiliate_orders');
    rejects(
      () => parseStream('orders'),
      /expected one of: seller_affiliate_orders, creator_affiliate_orders/,
    );
    expect(parseKind('Partner')).toBe('partner');
    rejects(() => parseKind('shop'), /seller, creator or partner/);
    expect(parseConnectionId('42')).toBe(42);
    for (const bad of ['0', '-1', '1.5', 'abc', '99999999999'])
      rejects(() => parseConnectionId(bad), /not a connection id/);
  });
  it('collect accumulates repeated options', () => {
    const c = collect(parseConnectionId);
    expect(c('2', c('1', undefined))).toEqual([1, 2]);
  });
});
