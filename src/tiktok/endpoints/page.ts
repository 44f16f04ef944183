/**
 * Shared by the endpoint modules: page_size bounds (docs/tiktok-api.md#page-sizes) and turning `data` into a Page
 * (docs/tiktok-api.md#pagination) or a detail record, with shape checks at this boundary (CONTRIBUTING.md#validate-at-the-boundaries).
 */
import { ResponseShapeError } from '../errors.ts';
import { isPlainObject } from '../envelope.ts';
import type { ApiRecord, Page } from '../types.ts';
import { type EndpointDef, endpointLabel } from './catalog.ts';

/**
 * The page_size to send. Omitted -> the endpoint's default. Above the maximum -> clamped to it
 * (asking for more than allowed is never useful). Non-integers and values below the minimum are
 * rejected: they are caller bugs. For endpoints accepting only some sizes (docs/tiktok-api.md#target-collaborations: 20, 50 or
 * 100) the smallest allowed size >= the request is used.
 */
export function pageSizeFor(endpoint: EndpointDef, requested: number | undefined): number {
  const rule = endpoint.pageSize;
  if (!rule) throw new Error(`${endpointLabel(endpoint)} is not paginated`);
  if (requested === undefined) return rule.default;
  if (!Number.isInteger(requested) || requested < 1) {
    throw new RangeError(
      `${endpointLabel(endpoint)}: page_size must be an integer in [${rule.min}, ${rule.max}], got ${requested}`,
    );
  }
  if (rule.allowed) return rule.allowed.find((size) => size >= requested) ?? rule.max;
  return Math.min(rule.max, Math.max(rule.min, requested));
}

/** The paging query parameters of a list endpoint (docs/tiktok-api.md#pagination: query params even on POST). */
export function pagingQuery(
  endpoint: EndpointDef,
  params: { pageSize?: number | undefined; pageToken?: string | undefined },
): { page_size: number; page_token: string | undefined } {
  // An empty token means "first page": leave the parameter out rather than send `page_token=`.
  return { page_size: pageSizeFor(endpoint, params.pageSize), page_token: params.pageToken || undefined };
}

function shapeError(endpoint: EndpointDef, requestId: string, detail: string): ResponseShapeError {
  return new ResponseShapeError({
    endpoint: endpointLabel(endpoint),
    code: null,
    httpStatus: 200,
    requestId: requestId || null,
    detail,
  });
}

/** A non-negative integer count; tolerates a numeric string (docs/tiktok-api.md#field-conventions). */
function readCount(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

/**
 * Whether a `next_page_token` value means "this was the last page". The end marker is not
 * documented: clients stop on an empty or missing token, and the one example of a last page that
 * carries a non-empty token (the creator fulfillment status list) shows "0". "0" is safe to read as
 * the end: every continuation token the documentation shows is opaque base64 of the query state
 * ("b2Zmc2V0PTEw" is "offset=10", others encode a JSON array), and a single base64 character encodes
 * no byte at all, so "0" cannot be such a token. Following it would cost one more request per walk
 * that can only answer an empty page.
 */
export function isTerminalPageToken(token: string | null | undefined): token is '' | '0' | null | undefined {
  return token === undefined || token === null || token === '' || token === '0';
}

/**
 * `data` -> Page. Records: `data[recordsKey]`; missing or null means an empty page (every field is
 * optional in the spec, docs/tiktok-api.md#field-conventions), anything but an array is shape drift (fatal).
 * Decision: elements that are not JSON objects are passed through as they are, so the normalizer
 * quarantines that one record with its raw payload and the rest of the page still loads
 * (docs/architecture.md#invariant-6-bad-records-are-quarantined), instead of one bad element failing the whole run.
 * nextPageToken: null on every way the last page may say "no more": the key missing, null, "" or
 * "0" (isTerminalPageToken), so the walk stops without asking for an empty page.
 */
export function toPage(
  endpoint: EndpointDef,
  data: Record<string, unknown>,
  requestId: string,
  recordsKey: string,
  totalKey = 'total_count',
): Page {
  const raw = data[recordsKey];
  if (raw !== undefined && raw !== null && !Array.isArray(raw)) {
    throw shapeError(endpoint, requestId, `data.${recordsKey} is ${typeof raw}, expected an array`);
  }
  const token = data.next_page_token;
  if (token !== undefined && token !== null && typeof token !== 'string') {
    throw shapeError(endpoint, requestId, `data.next_page_token is ${typeof token}, expected a string`);
  }
  return {
    records: (raw ?? []) as ApiRecord[],
    nextPageToken: typeof token === 'string' && !isTerminalPageToken(token) ? token : null,
    totalCount: readCount(data[totalKey]),
    requestId,
  };
}

/** A single record at `data[key]` (or `data` itself when key is null); must be an object. */
export function toRecord(
  endpoint: EndpointDef,
  data: Record<string, unknown>,
  requestId: string,
  key: string | null,
): { record: ApiRecord; requestId: string } {
  const value = key === null ? data : data[key];
  if (!isPlainObject(value)) {
    const where = key === null ? 'data' : `data.${key}`;
    throw shapeError(endpoint, requestId, `${where} is missing or not an object`);
  }
  if (key === null && Object.keys(value).length === 0) {
    throw shapeError(endpoint, requestId, 'data is empty, expected the record');
  }
  return { record: value, requestId };
}

/** Drop undefined members so the signed body holds only the filters actually set. */
export function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined) out[k as keyof T] = v as T[keyof T];
  }
  return out;
}
