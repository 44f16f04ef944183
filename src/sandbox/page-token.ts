/**
 * Opaque page tokens: base64url of a versioned, HMAC-tagged cursor `[v, fingerprint, issuedAtMs, key]`.
 * The fingerprint binds the token to one query (endpoint, owner, filters); `key` is the keyset
 * position (last index or last sort key served). Real tokens look like base64 of "offset=N" or of
 * a JSON array (docs/tiktok-api.md#pagination); clients must treat them as opaque either way.
 * A token from another query, a tampered token, or one older than the max age (2 h of virtual
 * time) is rejected with 36009004 naming page_token (undocumented, see errors.ts).
 */
import { createHash, createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { Errors } from './errors.ts';

export type CursorKey = (string | number)[];
const VERSION = 1;
export const PAGE_TOKEN_MAX_AGE_MS = 2 * 3600 * 1000;

/** Entries kept by the two memos below (a paging client asks the same few queries over and over). */
const MEMO_SIZE = 1024;

/** Adds to an insertion-ordered memo, dropping the oldest entry when it is full. */
function remember<V>(memo: Map<string, V>, key: string, value: V): void {
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  memo.set(key, value);
}

const fingerprints = new Map<string, string>();

/** Stable fingerprint of a query: endpoint + owner + canonical JSON of the filters. */
export function fingerprint(endpoint: string, owner: string, filters: unknown): string {
  const query = `${endpoint}\n${owner}\n${JSON.stringify(filters)}`;
  let fp = fingerprints.get(query);
  if (fp === undefined) {
    fp = createHash('sha1').update(query).digest('base64url').slice(0, 16);
    remember(fingerprints, query, fp);
  }
  return fp;
}

interface Issued {
  fp: string;
  issuedAt: number;
  key: CursorKey;
}

export class PageTokenCodec {
  /** The secret imported once, not on every tag. */
  private readonly key: KeyObject;
  /**
   * Tokens this codec issued recently: the next page's request brings one back, and a token found
   * here needs no tag check (it is exactly the string that was issued). Anything else, tampered
   * tokens included, takes the full check.
   */
  private readonly issued = new Map<string, Issued>();

  constructor(
    secret: string,
    private readonly maxAgeMs = PAGE_TOKEN_MAX_AGE_MS,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  private tag(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
  }

  encode(fp: string, key: CursorKey, nowMs: number): string {
    const body = JSON.stringify([VERSION, fp, nowMs, key]);
    const token = Buffer.from(`${body}~${this.tag(body)}`, 'utf8').toString('base64url');
    remember(this.issued, token, { fp, issuedAt: nowMs, key });
    return token;
  }

  /** The keyset position of a valid token for this query; throws ApiError otherwise. */
  decode(token: string, fp: string, nowMs: number): CursorKey {
    const hit = this.issued.get(token);
    if (hit) return this.check(hit.fp, hit.issuedAt, hit.key, fp, nowMs);
    const text = Buffer.from(token, 'base64url').toString('utf8');
    const sep = text.lastIndexOf('~');
    if (sep < 0) throw Errors.pageToken('malformed token');
    const body = text.slice(0, sep);
    const tag = Buffer.from(text.slice(sep + 1));
    const expected = Buffer.from(this.tag(body));
    if (tag.length !== expected.length || !timingSafeEqual(tag, expected))
      throw Errors.pageToken('tampered token');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw Errors.pageToken('malformed token');
    }
    if (!Array.isArray(parsed) || parsed[0] !== VERSION || !Array.isArray(parsed[3])) {
      throw Errors.pageToken('unsupported token version');
    }
    const [, tokenFp, issuedAt, key] = parsed as [number, string, number, CursorKey];
    return this.check(tokenFp, issuedAt, key, fp, nowMs);
  }

  private check(tokenFp: string, issuedAt: number, key: CursorKey, fp: string, nowMs: number): CursorKey {
    if (tokenFp !== fp) throw Errors.pageToken('the token belongs to a different query');
    if (typeof issuedAt !== 'number' || nowMs - issuedAt > this.maxAgeMs)
      throw Errors.pageToken('the token has expired');
    return key;
  }
}
