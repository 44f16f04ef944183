import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMoneyAmount, sumAmounts } from '../../../src/transform/parse-money.ts';
import { RecordRejection } from '../../../src/transform/errors.ts';

const ok = (value: string) => ({ ok: true, value });

describe('parseMoneyAmount: documented forms (docs/tiktok-api.md#seller-orders, docs/tiktok-api.md#creator-orders, docs/tiktok-api.md#field-conventions)', () => {
  it.each([
    // plain decimals as most endpoints send them
    ['12.21', 'USD', '12.2100'],
    ['100.00', 'USD', '100.0000'],
    ['1000', 'VND', '1000.0000'],
    ['3.00', 'USD', '3.0000'],
    ['0', 'USD', '0.0000'],
    // localized IDR strings from the official creator-orders example
    ['Rp9.900', 'IDR', '9900.0000'],
    ['Rp1.980', 'IDR', '1980.0000'],
    ['Rp8.000', 'IDR', '8000.0000'],
    ['Rp1.00', 'IDR', '1.0000'],
    ['Rp250', 'IDR', '250.0000'],
    ['Rp1.234.567', 'IDR', '1234567.0000'],
    // the same digits in a currency WITH minor units: '.' is a decimal point
    ['9.900', 'USD', '9.9000'],
    ['9.900', 'IDR', '9900.0000'],
    ['1.500', 'VND', '1500.0000'],
    ['1.500', 'JPY', '1500.0000'],
    ['₩12.000', 'KRW', '12000.0000'],
    // unambiguous grouping in any currency
    ['1.234.567', 'USD', '1234567.0000'],
    ['1,234.56', 'USD', '1234.5600'],
    ['1,234,567', 'USD', '1234567.0000'],
    ['1.234,56', 'EUR', '1234.5600'],
    ['9,90', 'EUR', '9.9000'],
    // markers before or after, with or without spaces
    ['$12.50', 'USD', '12.5000'],
    ['US$ 12.50', 'USD', '12.5000'],
    ['12.50 USD', 'USD', '12.5000'],
    ['  7.5  ', 'USD', '7.5000'],
    // signs
    ['-5.25', 'USD', '-5.2500'],
    ['-Rp9.900', 'IDR', '-9900.0000'],
    ['Rp-9.900', 'IDR', '-9900.0000'],
    // rounding to numeric(20,4), half away from zero like Postgres
    ['1.23455', 'USD', '1.2346'],
    ['-1.23455', 'USD', '-1.2346'],
    ['0.00004', 'USD', '0.0000'],
    ['-0.00004', 'USD', '0.0000'],
    // the largest amount numeric(20,4) holds
    ['9999999999999999.9999', 'USD', '9999999999999999.9999'],
  ])('%s %s -> %s', (input, currency, expected) => {
    expect(parseMoneyAmount(input, currency)).toEqual(ok(expected));
  });

  it('infers the zero-decimal currency from the marker when the currency is missing', () => {
    expect(parseMoneyAmount('Rp9.900', null)).toEqual(ok('9900.0000'));
    expect(parseMoneyAmount('₫1.000', null)).toEqual(ok('1000.0000'));
    expect(parseMoneyAmount('9.900', null)).toEqual(ok('9.9000'));
  });

  it('accepts finite JSON numbers exactly as written', () => {
    expect(parseMoneyAmount(12.21, 'USD')).toEqual(ok('12.2100'));
    expect(parseMoneyAmount(0.1, 'USD')).toEqual(ok('0.1000'));
    expect(parseMoneyAmount(9900, 'IDR')).toEqual(ok('9900.0000'));
  });
});

describe('parseMoneyAmount: rejections (never a zero)', () => {
  it.each([
    ['', 'empty amount'],
    ['   ', 'empty amount'],
    ['Rp', 'unrecognised'],
    ['abc', 'unrecognised'],
    ['NaN', 'unrecognised'],
    ['Infinity', 'unrecognised'],
    ['1e5', 'unrecognised'],
    ['1.2.3', 'unrecognised'],
    ['1,2,3', 'unrecognised'],
    ['12 345', 'unrecognised'],
    ['--5', 'unrecognised'],
    ['0x10', 'unrecognised'],
    ['10000000000000000', 'absurd'],
    ['-10000000000000000', 'absurd'],
    ['9999999999999999.99995', 'absurd'],
  ])('%j is rejected (%s)', (input, why) => {
    const r = parseMoneyAmount(input, 'USD');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.why).toContain(why);
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY], [1e16], [-1e17], [true], [{}], [[]]])(
    'non-string %j is rejected',
    (input) => {
      expect(parseMoneyAmount(input, 'USD').ok).toBe(false);
    },
  );
});

describe('parseMoneyAmount: properties', () => {
  const amount = fc
    .tuple(fc.bigInt({ min: -(10n ** 16n) + 1n, max: 10n ** 16n - 1n }), fc.integer({ min: 0, max: 9999 }))
    .map(([whole, frac]) => new Decimal(`${whole}.${String(frac).padStart(4, '0')}`))
    .filter((d) => d.abs().lt('1e16'));

  it('round-trips every 4-decimal amount written plainly', () => {
    fc.assert(
      fc.property(amount, (d) => {
        expect(parseMoneyAmount(d.toFixed(4), 'USD')).toEqual(ok(d.isZero() ? '0.0000' : d.toFixed(4)));
      }),
    );
  });

  it('the plain-decimal fast path agrees with decimal.js (leading zeros, 0-4 decimals, signs)', () => {
    const plain = fc
      .tuple(
        fc.boolean(),
        fc.stringMatching(/^\d{1,16}$/),
        fc.option(fc.stringMatching(/^\d{1,4}$/), { nil: undefined }),
      )
      .map(([neg, whole, frac]) => `${neg ? '-' : ''}${whole}${frac === undefined ? '' : `.${frac}`}`);
    fc.assert(
      fc.property(plain, (s) => {
        const d = new Decimal(s);
        expect(parseMoneyAmount(s, 'USD')).toEqual(ok(d.isZero() ? '0.0000' : d.toFixed(4)));
        // and in a 0-minor-unit currency only "d{1,3}.ddd" reads differently (thousands)
        const grouped = /^-?\d{1,3}\.\d{3}$/.test(s);
        const idr = grouped ? new Decimal(s.replace('.', '')) : d;
        expect(parseMoneyAmount(s, 'IDR')).toEqual(ok(idr.isZero() ? '0.0000' : idr.toFixed(4)));
      }),
    );
  });

  it('round-trips integers in localized zero-decimal form ("Rp" + dot thousands)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (n) => {
        const grouped = n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
        expect(parseMoneyAmount(`Rp${grouped}`, 'IDR')).toEqual(ok(`${n}.0000`));
      }),
    );
  });

  it('round-trips en-US grouped amounts', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 99 }), (n, cents) => {
        const grouped = n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        const c = String(cents).padStart(2, '0');
        expect(parseMoneyAmount(`${grouped}.${c}`, 'USD')).toEqual(ok(`${n}.${c}00`));
      }),
    );
  });

  it('never throws and never returns a non-canonical value on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.anything()), fc.option(fc.string()), (input, cur) => {
        const r = parseMoneyAmount(input, cur);
        if (r.ok) {
          expect(r.value).toMatch(/^-?\d{1,16}\.\d{4}$/);
          expect(new Decimal(r.value).abs().lt('1e16')).toBe(true);
        }
      }),
    );
  });
});

describe('sumAmounts', () => {
  it('adds exactly (no float drift)', () => {
    expect(sumAmounts(['0.1000', '0.2000'], 't')).toBe('0.3000');
    expect(sumAmounts(['9999999999999.9999', '0.0001'], 't')).toBe('10000000000000.0000');
  });
  it('is unknown when a part is unknown', () => {
    expect(sumAmounts(['1.0000', null], 't')).toBeNull();
  });
  it('rejects a total that numeric(20,4) cannot hold', () => {
    expect(() => sumAmounts(['9999999999999999.0000', '1.0000'], 'total_x')).toThrow(RecordRejection);
  });
  it('agrees with decimal.js on every list of canonical amounts, small, large and mixed', () => {
    const canonical = fc
      .tuple(
        fc.boolean(),
        fc.oneof(fc.bigInt({ min: 0n, max: 999n }), fc.bigInt({ min: 0n, max: 10n ** 16n - 1n })),
        fc.integer({ min: 0, max: 9999 }),
      )
      .map(
        ([neg, whole, frac]) =>
          `${neg && (whole > 0n || frac > 0) ? '-' : ''}${whole}.${String(frac).padStart(4, '0')}`,
      );
    fc.assert(
      fc.property(fc.array(canonical, { minLength: 1, maxLength: 12 }), (values) => {
        const exact = values.reduce((t, v) => t.plus(v), new Decimal(0));
        if (exact.abs().gte('1e16')) {
          expect(() => sumAmounts(values, 't')).toThrow(RecordRejection);
          return;
        }
        expect(sumAmounts(values, 't')).toBe(exact.isZero() ? '0.0000' : exact.toFixed(4));
      }),
      { numRuns: 2_000 },
    );
    // Partial sums crossing 2^53 (in 1/10,000) and cancelling: the integer path must hand over.
    const big = '99999999999.9999';
    expect(sumAmounts([...Array(10).fill(big), `-${big}`], 't')).toBe('899999999999.9991');
    expect(sumAmounts(['-0.0001', '0.0001'], 't')).toBe('0.0000');
  });
});
