/**
 * Request signing, exactly per docs/tiktok-api.md#signing (proven by test vectors A, B and C in test/unit/tiktok/sign.test.ts).
 *
 *   string = path + concat(sorted(query without sign/access_token) as key+value) + rawBody
 *   sign   = hex(HMAC-SHA256(key = app_secret, app_secret + string + app_secret))
 *
 * Pure and shared: the client signs with it and the sandbox verifies with it. Keys sort in byte order
 * (Go's `<`, PHP's ksort), values are the decoded first value of each key, and the body is the exact
 * bytes sent (omitted for multipart, which this pipeline never sends).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Query keys never part of the signature (docs/tiktok-api.md#signing step 1; S-PHP also drops x-tts-access-token). */
const UNSIGNED_KEYS = new Set(['sign', 'access_token', 'x-tts-access-token']);

export type QueryInput = Record<string, string> | URLSearchParams | Iterable<[string, string]>;

function firstValues(query: QueryInput): Map<string, string> {
  const values = new Map<string, string>();
  const entries =
    query instanceof URLSearchParams
      ? query.entries()
      : Symbol.iterator in query
        ? (query as Iterable<[string, string]>)
        : Object.entries(query);
  for (const [key, value] of entries as Iterable<[string, string]>) {
    if (!values.has(key)) values.set(key, value);
  }
  return values;
}

/** The string that is wrapped in the app secret and HMAC'd (exposed for tests and diagnostics). */
export function stringToSign(path: string, query: QueryInput, rawBody: string | Buffer | null): string {
  const values = firstValues(query);
  const keys = [...values.keys()].filter((k) => !UNSIGNED_KEYS.has(k));
  // Byte-order sort: JS default sort compares UTF-16 code units, identical to bytes for ASCII keys.
  keys.sort();
  let out = path;
  for (const key of keys) out += key + values.get(key);
  if (rawBody !== null && rawBody.length > 0)
    out += typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  return out;
}

export function computeSign(
  appSecret: string,
  path: string,
  query: QueryInput,
  rawBody: string | Buffer | null,
): string {
  const wrapped = appSecret + stringToSign(path, query, rawBody) + appSecret;
  return createHmac('sha256', appSecret).update(wrapped, 'utf8').digest('hex');
}

/** Constant-time comparison of a received signature with the expected one. */
export function verifySign(
  appSecret: string,
  path: string,
  query: QueryInput,
  rawBody: string | Buffer | null,
  received: string,
): boolean {
  const expected = Buffer.from(computeSign(appSecret, path, query, rawBody), 'utf8');
  const got = Buffer.from(received, 'utf8');
  return expected.length === got.length && timingSafeEqual(expected, got);
}
