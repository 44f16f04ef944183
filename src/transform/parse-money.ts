/**
 * Money amounts -> exact decimal strings (decimal.js, never floats), docs/tiktok-api.md#field-conventions.
 *
 * The API sends `{amount: string, currency}`, usually a plain decimal ("12.21", "1000"), but the
 * official creator-orders example (docs/tiktok-api.md#creator-orders) carries LOCALIZED display strings for IDR: "Rp9.900"
 * (= 9900 IDR, '.' as thousands separator) next to "Rp1.00" (= 1.00). The rule, applied after removing
 * an optional sign and a currency marker (letters and currency symbols, e.g. "Rp", "$", "US$", "₫",
 * "VND ", before or after the digits):
 *
 * | numeric part                         | reading                                  | example            |
 * |--------------------------------------|------------------------------------------|--------------------|
 * | `d+`                                 | integer                                  | "1000" = 1000      |
 * | `d{1,3}(.ddd)+` and the currency has | '.' groups thousands                     | "Rp9.900" = 9900   |
 * |   0 minor units (IDR, VND, JPY, ...) |                                          | "1.234.567" IDR    |
 * | `d{1,3}(.ddd){2,}` any currency      | '.' groups thousands (cannot be decimal) | "1.234.567" = 1234567 |
 * | `d+.d+` otherwise                    | '.' is the decimal point                 | "Rp1.00" = 1, "9.900" USD = 9.9 |
 * | `d{1,3}(,ddd)+(.d+)?`                | ',' groups thousands, '.' decimal        | "1,234.56"         |
 * | `d{1,3}(.ddd)+,d+`                   | '.' groups thousands, ',' decimal        | "1.234,56"         |
 * | `d+,d+` otherwise                    | ',' is the decimal point                 | "9,90" = 9.9       |
 * | anything else (empty, "1.2.3", "abc")| rejected, never read as zero             |                    |
 *
 * Limitation: a lone group of three after a single separator is ambiguous by nature; "1,234" reads as
 * 1234 (en-US grouping) and "9.900" reads as 9.9 unless the currency has 0 minor units. When the
 * currency is missing, the marker "Rp" / "₫" / "¥" / "₩" stands in for IDR / VND / JPY / KRW.
 * The result is rounded half away from zero to 4 places (exactly what numeric(20,4) stores) and must
 * satisfy |x| < 1e16 (numeric(20,4) holds 16 integer digits); output always has 4 decimals: "9900.0000".
 */
import { Decimal } from 'decimal.js';
import { reject } from './errors.ts';

/** ISO 4217 currencies with 0 minor units, plus IDR which TikTok formats without decimals (docs/tiktok-api.md#creator-orders). */
export const ZERO_MINOR_UNIT_CURRENCIES: ReadonlySet<string> = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'IDR',
  'ISK',
  'JPY',
  'KMF',
  'KRW',
  'PYG',
  'RWF',
  'UGX',
  'UYI',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);

function isZeroMinor(currency: string): boolean {
  return ZERO_MINOR_UNIT_CURRENCIES.has(currency.toUpperCase());
}

const MARKER_CURRENCY: Record<string, string> = { RP: 'IDR', '₫': 'VND', '¥': 'JPY', '₩': 'KRW' };

export const MONEY_LIMIT = new Decimal('1e16');
export const MONEY_SCALE = 4;

export type MoneyParse = { ok: true; value: string } | { ok: false; why: string };

const MARKER = /^[\p{L}\p{Sc}\s]*/u;
const MARKER_END = /[\p{L}\p{Sc}\s]*$/u;

/** The overwhelmingly common shape ("12.21", "-3", "1000"): canonicalized without decimal.js. */
const PLAIN = /^(-?)(\d{1,16})(?:\.(\d{1,4}))?$/;

/** In a 0-minor-unit currency "9.900" means 9900 (table above): such strings take the general path. */
const GROUPED_THOUSAND = /^-?\d{1,3}\.\d{3}$/;

function fastPlain(s: string, currency: string | null): MoneyParse | null {
  const m = PLAIN.exec(s);
  if (m === null) return null;
  if (currency !== null && GROUPED_THOUSAND.test(s) && isZeroMinor(currency)) return null;
  const whole = (m[2] ?? '').replace(/^0+(?=\d)/, '');
  const frac = (m[3] ?? '').padEnd(MONEY_SCALE, '0');
  if (whole === '0' && frac === '0000') return { ok: true, value: '0.0000' };
  return { ok: true, value: `${m[1]}${whole}.${frac}` };
}

export function parseMoneyAmount(input: unknown, currency: string | null): MoneyParse {
  if (typeof input === 'string') {
    // Same result as the general path below (a property test checks it), only faster: a page of
    // order lines carries ~10 amounts per line.
    const fast = fastPlain(input, currency);
    if (fast !== null) return fast;
  }
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, why: 'not a finite number' };
    return finish(new Decimal(input));
  }
  if (typeof input !== 'string') return { ok: false, why: `expected a decimal string, got ${typeof input}` };
  let s = input.trim();
  if (s === '') return { ok: false, why: 'empty amount' };
  let negative = false;
  if (s.startsWith('-')) {
    negative = true;
    s = s.slice(1);
  }
  const lead = MARKER.exec(s)?.[0] ?? '';
  s = s.slice(lead.length);
  if (!negative && s.startsWith('-')) {
    negative = true; // "Rp-9.900"
    s = s.slice(1);
  }
  const trail = MARKER_END.exec(s)?.[0] ?? '';
  s = s.slice(0, s.length - trail.length);
  const marker = (lead + trail).trim().toUpperCase();
  const effectiveCurrency = currency ?? MARKER_CURRENCY[marker] ?? null;
  const plain = toPlainDecimal(s, effectiveCurrency);
  if (plain === null) return { ok: false, why: `unrecognised amount format ${JSON.stringify(input)}` };
  return finish(new Decimal(negative ? `-${plain}` : plain));
}

/** Applies the separator table above; returns a plain "123.45" string or null. */
function toPlainDecimal(s: string, currency: string | null): string | null {
  if (/^\d+$/.test(s)) return s;
  const zeroMinor = currency !== null && isZeroMinor(currency);
  if (/^\d{1,3}(\.\d{3}){2,}$/.test(s)) return s.replaceAll('.', '');
  if (zeroMinor && /^\d{1,3}(\.\d{3})+$/.test(s)) return s.replaceAll('.', '');
  if (/^\d+\.\d+$/.test(s) || /^\.\d+$/.test(s)) return s;
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) return s.replaceAll(',', '');
  if (/^\d{1,3}(\.\d{3})+,\d+$/.test(s)) return s.replaceAll('.', '').replace(',', '.');
  if (/^\d+,\d+$/.test(s)) return s.replace(',', '.');
  return null;
}

function finish(d: Decimal): MoneyParse {
  if (!d.isFinite()) return { ok: false, why: 'not a finite number' };
  const rounded = d.toDecimalPlaces(MONEY_SCALE, Decimal.ROUND_HALF_UP);
  if (rounded.abs().gte(MONEY_LIMIT))
    return { ok: false, why: `absurd amount ${d.toString()} (|x| >= 1e16)` };
  // "-0.0000" would differ textually from "0.0000"; money has no signed zero.
  return { ok: true, value: rounded.isZero() ? '0.0000' : rounded.toFixed(MONEY_SCALE) };
}

/**
 * Sum of decimal strings, exact; null if any is null (an unknown part makes the total unknown).
 * Rejects (`what` names the total) when the sum no longer fits numeric(20,4).
 */
export function sumAmounts(values: (string | null)[], what: string): string | null {
  if (values.includes(null)) return null;
  const amounts = values as string[];
  const small = sumCanonical(amounts);
  if (small !== null) return small;
  let total = new Decimal(0);
  for (const v of amounts) total = total.plus(v);
  if (total.abs().gte(MONEY_LIMIT))
    reject(`bad_money:${what}`, `absurd total ${total.toString()} (|x| >= 1e16)`);
  return total.isZero() ? '0.0000' : total.toFixed(MONEY_SCALE);
}

/** A canonical amount (what parseMoneyAmount returns) of at most 15 digits: exact as an integer double. */
const CANONICAL_SMALL = /^-?\d{1,11}\.\d{4}$/;

/**
 * The sum in integers of 1/10,000 when every value is canonical and small enough that the integers
 * and every partial sum stay below 2^53 (exact in a double); null otherwise (decimal.js decides).
 * Order totals add a handful of such amounts per order, ~10 totals per order: decimal.js cost ~2 ms
 * of a ~20 ms page here, this a few microseconds. Same results (a property test checks it).
 */
function sumCanonical(values: readonly string[]): string | null {
  let total = 0;
  for (const v of values) {
    if (!CANONICAL_SMALL.test(v)) return null;
    const dot = v.length - 5;
    total += Number(v.slice(0, dot) + v.slice(dot + 1));
    if (!Number.isSafeInteger(total)) return null;
  }
  if (total === 0) return '0.0000';
  const abs = Math.abs(total);
  const frac = abs % 10_000;
  const whole = (abs - frac) / 10_000;
  return `${total < 0 ? '-' : ''}${whole}.${String(frac).padStart(MONEY_SCALE, '0')}`;
}
