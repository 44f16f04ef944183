import { describe, expect, it } from 'vitest';
import { parseJsonKeepingBigIntegers, quoteUnsafeIntegers } from '../../../src/tiktok/big-int-json.ts';
import { parseEnvelope } from '../../../src/tiktok/envelope.ts';

// 2^63 - 25: a 19-digit order id, far beyond 2^53 (JSON.parse would read 7812345678901234000).
const BIG = '7812345678901234567';

describe('parseJsonKeepingBigIntegers', () => {
  it('keeps an id above 2^53 exact, as its digits', () => {
    const body = `{"data":{"orders":[{"id":${BIG},"create_time":1700000000}]}}`;
    expect(String((JSON.parse(body) as { data: { orders: { id: number }[] } }).data.orders[0]!.id)).not.toBe(
      BIG,
    );
    const parsed = parseJsonKeepingBigIntegers(body) as {
      data: { orders: { id: unknown; create_time: unknown }[] };
    };
    expect(parsed.data.orders[0]!.id).toBe(BIG);
    expect(parsed.data.orders[0]!.create_time).toBe(1700000000);
  });

  it('2^53 + 1 is quoted, 2^53 - 1 and negatives within range stay numbers', () => {
    expect(parseJsonKeepingBigIntegers('[9007199254740993,9007199254740991,-9007199254740991]')).toEqual([
      '9007199254740993',
      9007199254740991,
      -9007199254740991,
    ]);
    expect(parseJsonKeepingBigIntegers('[-9007199254740993]')).toEqual(['-9007199254740993']);
  });

  it('leaves strings (escaped quotes included), fractions and exponents alone', () => {
    const text = `{"a":"x\\"${BIG}\\"","b":"${BIG}","c":12345678901234567.5,"d":1e300,"e":[${BIG}]}`;
    expect(parseJsonKeepingBigIntegers(text)).toEqual({
      a: `x"${BIG}"`,
      b: BIG,
      c: Number('12345678901234567.5'),
      d: 1e300,
      e: [BIG],
    });
  });

  it('returns the very same text when nothing needs quoting, and malformed JSON still fails', () => {
    const text = '{"id":"1","n":[1,2,3]}';
    expect(quoteUnsafeIntegers(text)).toBe(text);
    expect(() => parseJsonKeepingBigIntegers(`{"id":${BIG}`)).toThrow(SyntaxError);
  });

  it('is what parseEnvelope uses when given as the endpoint parser', () => {
    const text = `{"code":0,"message":"Success","request_id":"r","data":{"orders":[{"id":${BIG}}]}}`;
    const ctx = { endpoint: 'x', secrets: [], pageTokenSent: false, scope: null, nowMs: 0 };
    const parsed = parseEnvelope(200, null, text, { ...ctx, parseJson: parseJsonKeepingBigIntegers });
    expect((parsed.data['orders'] as { id: unknown }[])[0]!.id).toBe(BIG);
  });
});
