/**
 * Lenient-but-safe decoding of the API's scalar fields (docs/tiktok-api.md#field-conventions): numeric-looking
 * fields arrive as int OR string, epochs as seconds OR milliseconds, ids as strings (rarely numbers).
 * Each function returns the decoded value or null for "absent" (undefined / null), and raises a
 * RecordRejection (via `reject`) for a value that is present but wrong. `path` names the field in
 * reasons, e.g. `skus[0].commission_rate`.
 */
import { preview, reject } from './errors.ts';

/** A single text field above this many UTF-8 bytes is absurd for this API (names, urls, descriptions). */
export const MAX_FIELD_BYTES = 64 * 1024;
/** An id or an enum value above this many UTF-8 bytes is absurd (ids are 64-bit numbers as text). */
export const MAX_ID_BYTES = 1024;
const INT4_MAX = 2_147_483_647;
/** 9999-12-31T23:59:59Z: a later instant is absurd and would not fit a timestamptz sensibly. */
const MAX_EPOCH_S = 253_402_300_799;
/** docs/tiktok-api.md#field-conventions [INF]: "For epoch fields, treat values > 1e12 as milliseconds". */
export const EPOCH_MS_THRESHOLD = 1e12;
export const BPS_MIN = 0;
/** 100 % in basis points; the documented commission ranges stay within [100, 8000]. */
export const BPS_MAX = 10_000;

function absent(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Ids stay strings (they are 64-bit). A number id is accepted only while it is still exact. */
export function parseId(v: unknown, path: string): string | null {
  if (absent(v)) return null;
  if (typeof v === 'string') {
    // [INF] An empty id means "no such link" (e.g. a line without campaign); required ids are checked by callers.
    if (v === '') return null;
    if (utf8Bytes(v) > MAX_ID_BYTES) reject(`too_large:${path}`, `id of ${utf8Bytes(v)} bytes`);
    return v;
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0)
      reject(`bad_id:${path}`, `id ${preview(v)} is not a non-negative integer`);
    // Beyond 2^53 the JSON parser already rounded the id: it may name another record. Never guess.
    if (!Number.isSafeInteger(v))
      reject(`unsafe_id:${path}`, `numeric id ${preview(v)} exceeds 2^53, precision lost`);
    return String(v);
  }
  return reject(`bad_id:${path}`, `expected a string id, got ${typeof v} ${preview(v)}`);
}

export function requireId(v: unknown, path: string): string {
  const id = parseId(v, path);
  if (id === null) reject(`missing_field:${path}`, `required id ${path} is missing or empty`);
  return id;
}

/**
 * Free text kept as sent (never truncated); absurd sizes rejected. A number or boolean where text is
 * documented is a wrong type like any other: stringified, a drifted `title: 12345` would replace the
 * stored title with "12345" (the record is quarantined instead, and the stored row keeps its value).
 */
export function parseText(v: unknown, path: string): string | null {
  if (absent(v)) return null;
  if (typeof v !== 'string')
    return reject(`wrong_type:${path}`, `expected text, got ${typeof v} ${preview(v)}`);
  const bytes = utf8Bytes(v);
  if (bytes > MAX_FIELD_BYTES) reject(`too_large:${path}`, `text field of ${bytes} bytes exceeds 64 KiB`);
  return v;
}

function toInteger(v: unknown, path: string, what: string): number | null {
  if (absent(v)) return null;
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) n = Number(v);
  else return reject(`bad_${what}:${path}`, `expected an integer (int or digit string), got ${preview(v)}`);
  if (!Number.isSafeInteger(n)) reject(`bad_${what}:${path}`, `${preview(v)} is not an exact integer`);
  return n;
}

/** Counts and quantities (integer columns): non-negative, within int4. */
export function parseCount(v: unknown, path: string): number | null {
  const n = toInteger(v, path, 'int');
  if (n === null) return null;
  if (n < 0 || n > INT4_MAX) reject(`bad_int:${path}`, `count ${n} out of range [0, ${INT4_MAX}]`);
  return n;
}

/** Basis points (docs/tiktok-api.md#field-conventions): int or digit string -> integer in [0, 10000]. */
export function parseBps(v: unknown, path: string): number | null {
  if (typeof v === 'string' && v.trim() === '') reject(`bad_bps:${path}`, 'empty rate');
  const n = toInteger(v, path, 'bps');
  if (n === null) return null;
  if (n < BPS_MIN || n > BPS_MAX)
    reject(`bad_bps:${path}`, `rate ${n} bps out of range [${BPS_MIN}, ${BPS_MAX}]`);
  return n;
}

/**
 * Epoch seconds or milliseconds, int or digit string -> Date (docs/tiktok-api.md#field-conventions: most fields are seconds,
 * fulfillment `effective_*_time` are string ms although documented as epoch; values > 1e12 are ms).
 * [INF] 0 means "not set" (e.g. an undelivered order's delivery_time) and becomes null.
 * Limitation of the threshold: a millisecond value at or below 1e12 (an instant before 2001-09-09) would
 * read as seconds beyond year 9999; it is rejected as absurd rather than silently misdated.
 */
export function parseEpoch(v: unknown, path: string): Date | null {
  if (typeof v === 'string' && v.trim() === '') reject(`bad_time:${path}`, 'empty timestamp');
  const n = toInteger(v, path, 'time');
  if (n === null || n === 0) return null;
  if (n < 0) reject(`bad_time:${path}`, `negative epoch ${n}`);
  const ms = n > EPOCH_MS_THRESHOLD ? n : n * 1000;
  if (ms > MAX_EPOCH_S * 1000 || (n <= EPOCH_MS_THRESHOLD && n > MAX_EPOCH_S)) {
    reject(`bad_time:${path}`, `epoch ${n} is beyond year 9999`);
  }
  return new Date(ms);
}

export function parseBool(v: unknown, path: string): boolean | null {
  if (absent(v)) return null;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return reject(`wrong_type:${path}`, `expected a boolean, got ${preview(v)}`);
}

/**
 * Enum values are kept as text, as sent. A value outside `known` is NOT a rejection (the API adds
 * values over time): it is returned and reported through `onUnknown` for the run summary.
 */
export function parseEnum(
  v: unknown,
  path: string,
  known: readonly string[],
  onUnknown: (value: string) => void,
): string | null {
  if (absent(v)) return null;
  if (typeof v !== 'string')
    return reject(`wrong_type:${path}`, `expected an enum string, got ${preview(v)}`);
  if (v === '') return null;
  if (utf8Bytes(v) > MAX_ID_BYTES) reject(`too_large:${path}`, `enum value of ${utf8Bytes(v)} bytes`);
  if (!known.includes(v)) onUnknown(v);
  return v;
}
