import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordRejection } from '../../../src/transform/errors.ts';
import {
  parseBool,
  parseBps,
  parseCount,
  parseEnum,
  parseEpoch,
  parseId,
  parseText,
  requireId,
} from '../../../src/transform/parse-values.ts';

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof RecordRejection) return err.reason;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('ids (docs/tiktok-api.md#field-conventions: always strings, 64-bit)', () => {
  it('keeps strings as they are, including 64-bit values beyond 2^53', () => {
    expect(parseId('579125529499110202', 'id')).toBe('579125529499110202');
    expect(parseId('18446744073709551615', 'id')).toBe('18446744073709551615');
    expect(parseId('uACafQAAAABmUU2qon4R0vUYvUVS3QC6CICP2m5A2-wd77j8R9G0yg', 'id')).toBe(
      'uACafQAAAABmUU2qon4R0vUYvUVS3QC6CICP2m5A2-wd77j8R9G0yg',
    );
  });
  it('turns an exact numeric id (category.id is an int, docs/tiktok-api.md#authorized-category-assets) into a string', () => {
    expect(parseId(3, 'category.id')).toBe('3');
    expect(parseId(Number.MAX_SAFE_INTEGER, 'id')).toBe('9007199254740991');
  });
  it('rejects numeric ids whose precision JSON.parse already lost', () => {
    const parsed: unknown = JSON.parse('{"id": 579125529499110202}').id;
    expect(reasonOf(() => parseId(parsed, 'id'))).toBe('unsafe_id:id');
    expect(reasonOf(() => parseId(2 ** 53, 'id'))).toBe('unsafe_id:id');
  });
  it('rejects non-integer, negative and non-scalar ids', () => {
    expect(reasonOf(() => parseId(1.5, 'id'))).toBe('bad_id:id');
    expect(reasonOf(() => parseId(-1, 'id'))).toBe('bad_id:id');
    expect(reasonOf(() => parseId({ id: 1 }, 'id'))).toBe('bad_id:id');
    expect(reasonOf(() => parseId(true, 'id'))).toBe('bad_id:id');
  });
  it('treats absent and empty optional ids as null, but requires required ones', () => {
    expect(parseId(undefined, 'campaign_id')).toBeNull();
    expect(parseId(null, 'campaign_id')).toBeNull();
    expect(parseId('', 'campaign_id')).toBeNull();
    expect(reasonOf(() => requireId(undefined, 'id'))).toBe('missing_field:id');
    expect(reasonOf(() => requireId('', 'id'))).toBe('missing_field:id');
  });
  it('rejects absurdly long ids', () => {
    expect(reasonOf(() => parseId('9'.repeat(2000), 'id'))).toBe('too_large:id');
  });
});

describe('basis points (docs/tiktok-api.md#field-conventions: int or string)', () => {
  it.each([
    [1000, 1000],
    ['1550', 1550],
    ['5000', 5000],
    [' 100 ', 100],
    [0, 0],
    ['0', 0],
    [10000, 10000],
  ])('%j -> %d', (input, expected) => {
    expect(parseBps(input, 'commission_rate')).toBe(expected);
  });
  it('absent -> null', () => {
    expect(parseBps(undefined, 'r')).toBeNull();
    expect(parseBps(null, 'r')).toBeNull();
  });
  it.each([[12.5], ['12.5'], ['1e3'], [''], ['abc'], [-1], ['-5'], [10001], ['99999999999'], [true], [{}]])(
    '%j is rejected',
    (input) => {
      expect(reasonOf(() => parseBps(input, 'commission_rate'))).toBe('bad_bps:commission_rate');
    },
  );
});

describe('epoch timestamps (docs/tiktok-api.md#field-conventions: seconds or milliseconds, int or string)', () => {
  it('reads int and string seconds', () => {
    expect(parseEpoch(1722420186, 't')).toEqual(new Date('2024-07-31T10:03:06Z'));
    expect(parseEpoch('1715654330', 't')).toEqual(new Date('2024-05-14T02:38:50Z'));
  });
  it('reads values > 1e12 as milliseconds (fulfillment effective_*_time, docs/tiktok-api.md#creator-fulfillment)', () => {
    expect(parseEpoch('1731019880391', 't')).toEqual(new Date('2024-11-07T22:51:20.391Z'));
    expect(parseEpoch(1731020040687, 't')).toEqual(new Date(1731020040687));
  });
  it('the same instant in s and in ms gives the same Date (any instant after 2001-09-09)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000_001, max: 4_102_444_800 }), (s) => {
        expect(parseEpoch(s, 't')).toEqual(parseEpoch(String(s * 1000), 't'));
      }),
    );
  });
  it('an ms value at or below 1e12 (before 2001-09-09) reads as seconds beyond year 9999: rejected, not misdated', () => {
    expect(reasonOf(() => parseEpoch(1_000_000_000_000, 't'))).toBe('bad_time:t');
  });
  it('0 means "not set" and absent means null', () => {
    expect(parseEpoch(0, 't')).toBeNull();
    expect(parseEpoch('0', 't')).toBeNull();
    expect(parseEpoch(undefined, 't')).toBeNull();
  });
  it.each([[-1], ['-100'], [1.5], ['1.5'], [''], ['soon'], [9e11], [1e20], [true], [[1]]])(
    '%j is rejected',
    (input) => {
      expect(reasonOf(() => parseEpoch(input, 'create_time'))).toBe('bad_time:create_time');
    },
  );
});

describe('counts', () => {
  it('accepts ints and digit strings, null when absent', () => {
    expect(parseCount(12123, 'n')).toBe(12123);
    expect(parseCount('80', 'n')).toBe(80);
    expect(parseCount(undefined, 'n')).toBeNull();
  });
  it.each([[-1], [1.5], ['x'], [2 ** 31], [Number.NaN]])('%j is rejected', (input) => {
    expect(reasonOf(() => parseCount(input, 'quantity'))).toBe('bad_int:quantity');
  });
});

describe('text', () => {
  it('keeps unicode as sent', () => {
    expect(parseText('Hộp quà 🎁 — 東京', 'name')).toBe('Hộp quà 🎁 — 東京');
    expect(parseText('', 'tag')).toBe('');
  });
  it('rejects a number or boolean where text is documented (a drifted type, never stringified)', () => {
    expect(reasonOf(() => parseText(12345, 'title'))).toBe('wrong_type:title');
    expect(reasonOf(() => parseText(true, 'tag'))).toBe('wrong_type:tag');
  });
  it('rejects objects and fields above 64 KiB (UTF-8 bytes, not characters)', () => {
    expect(reasonOf(() => parseText({ a: 1 }, 'name'))).toBe('wrong_type:name');
    expect(parseText('a'.repeat(64 * 1024), 'd')).toHaveLength(64 * 1024);
    expect(reasonOf(() => parseText('a'.repeat(64 * 1024 + 1), 'd'))).toBe('too_large:d');
    expect(reasonOf(() => parseText('é'.repeat(40 * 1024), 'd'))).toBe('too_large:d');
  });
});

describe('booleans and enums', () => {
  it('booleans accept true/false and their strings only', () => {
    expect(parseBool(true, 'b')).toBe(true);
    expect(parseBool('false', 'b')).toBe(false);
    expect(reasonOf(() => parseBool(1, 'b'))).toBe('wrong_type:b');
  });
  it('unknown enum values are kept and reported, not rejected', () => {
    const unknown: string[] = [];
    expect(parseEnum('COMPLETED', 'status', ['COMPLETED'], (v) => unknown.push(v))).toBe('COMPLETED');
    expect(parseEnum('BRAND_NEW', 'status', ['COMPLETED'], (v) => unknown.push(v))).toBe('BRAND_NEW');
    expect(unknown).toEqual(['BRAND_NEW']);
    expect(reasonOf(() => parseEnum(7, 'status', [], () => {}))).toBe('wrong_type:status');
  });
});
