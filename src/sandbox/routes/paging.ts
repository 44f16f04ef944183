/**
 * Shared request parsing: page_size bounds (docs/tiktok-api.md#page-sizes), page tokens (docs/tiktok-api.md#pagination), body fields.
 * page_size and page_token are QUERY params even on POST endpoints (docs/tiktok-api.md#pagination).
 */
import { Errors } from '../errors.ts';
import { type CursorKey, fingerprint } from '../page-token.ts';
import type { HandlerContext } from './context.ts';

export interface PageSizeRule {
  min: number;
  max: number;
  /** Used when the param is absent and not required. */
  fallback: number;
  required: boolean;
  /** Only these values are accepted (target collaboration search: 20, 50 or 100, docs/tiktok-api.md#target-collaborations). */
  allowed?: number[];
}

export function pageSize(ctx: HandlerContext, rule: PageSizeRule): number {
  const raw = ctx.query.get('page_size');
  if (raw === null || raw === '') {
    if (rule.required) throw Errors.param(ctx.family, 'page_size is required');
    return rule.fallback;
  }
  const n = Number(raw);
  if (rule.allowed) {
    if (!rule.allowed.includes(n))
      throw Errors.param(ctx.family, `page_size must be one of ${rule.allowed.join(', ')}`);
    return n;
  }
  if (!/^\d+$/.test(raw) || n < rule.min || n > rule.max) {
    throw Errors.param(ctx.family, `page_size must be an integer in [${rule.min}, ${rule.max}]`);
  }
  return n;
}

/**
 * The next_page_token of the last page under the terminal_page_token quirk: "" (default),
 * undefined (JSON.stringify then leaves the key out) or "0".
 */
export function terminalToken(ctx: HandlerContext): string | undefined {
  const mode = ctx.quirks.terminalPageToken;
  return mode === 'absent' ? undefined : mode === 'zero' ? '0' : '';
}

/**
 * Whether the request asks for the page after the last one: page_token "0" when the last page
 * answers "0" (a client that follows the token anyway gets an empty page ending the same way).
 */
export function pastTheEnd(ctx: HandlerContext): boolean {
  return ctx.quirks.terminalPageToken === 'zero' && ctx.query.get('page_token') === '0';
}

/** The keyset position carried by page_token, or null on the first page. */
export function cursor(ctx: HandlerContext, fp: string): CursorKey | null {
  const token = ctx.query.get('page_token');
  if (token === null || token === '') return null;
  if (ctx.pageTokenExpired) throw Errors.pageToken('the token has expired');
  return ctx.codec.decode(token, fp, ctx.nowMs);
}

export function queryFingerprint(ctx: HandlerContext, owner: string, filters: unknown): string {
  return fingerprint(ctx.endpoint, owner, filters);
}

function compareKeys(a: CursorKey, b: CursorKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/**
 * Keyset paging over a list already sorted by `keyOf` ascending (keys end with the id, so they
 * are unique): the page starts after the token's key, so items added or removed between pages
 * never shift the rest. The last page ends with terminalToken(): "" by default (the docs leave
 * the terminal value open), the key absent, or "0".
 */
export function keysetPage<T>(
  ctx: HandlerContext,
  sorted: T[],
  keyOf: (item: T) => CursorKey,
  size: number,
  fp: string,
): { items: T[]; nextPageToken: string | undefined } {
  if (pastTheEnd(ctx)) return { items: [], nextPageToken: terminalToken(ctx) };
  const after = cursor(ctx, fp);
  let start = 0;
  if (after !== null) {
    while (start < sorted.length && compareKeys(keyOf(sorted[start] as T), after) <= 0) start++;
  }
  const items = sorted.slice(start, start + size);
  const last = items[items.length - 1];
  const more = start + size < sorted.length;
  return {
    items,
    nextPageToken:
      more && last !== undefined ? ctx.codec.encode(fp, keyOf(last), ctx.nowMs) : terminalToken(ctx),
  };
}

/** Sorts by key ascending (stable, keys unique). */
export function sortByKey<T>(items: T[], keyOf: (item: T) => CursorKey): T[] {
  return items
    .map((item) => ({ item, key: keyOf(item) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((x) => x.item);
}

export function optInt(ctx: HandlerContext, obj: Record<string, unknown>, field: string): number | null {
  const v = obj[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw Errors.param(ctx.family, `${field} must be a non-negative integer (Unix seconds)`);
  }
  return v;
}

export function optString(ctx: HandlerContext, obj: Record<string, unknown>, field: string): string | null {
  const v = obj[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw Errors.param(ctx.family, `${field} must be a string`);
  return v;
}

export function optObject(
  ctx: HandlerContext,
  obj: Record<string, unknown>,
  field: string,
): Record<string, unknown> | null {
  const v = obj[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw Errors.param(ctx.family, `${field} must be an object`);
  return v as Record<string, unknown>;
}

export function optEnum(
  ctx: HandlerContext,
  value: string | null,
  field: string,
  allowed: readonly string[],
): string | null {
  if (value === null || value === '') return null;
  if (!allowed.includes(value))
    throw Errors.param(ctx.family, `${field} must be one of ${allowed.join(', ')}`);
  return value;
}
