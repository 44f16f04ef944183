/**
 * One HTTP response -> `data` or a typed error (docs/tiktok-api.md#response-envelope, docs/tiktok-api.md#errors, docs/tiktok-api.md#http-status-of-errors).
 *
 * - Success is `code == 0` in the body, not the HTTP status (docs/tiktok-api.md#response-envelope); a 200 with a non-zero
 *   code is an error.
 * - Which HTTP status accompanies non-throttling errors is undocumented (docs/tiktok-api.md#http-status-of-errors): a known envelope
 *   code decides whatever the status (429 and 5xx included); a 4xx/5xx WITHOUT a usable envelope,
 *   with code 0 or with a code we do not know is classified by its status (429 throttled, 5xx
 *   transient, 403 permission, other 4xx invalid).
 * - A body that is not JSON (truncated, HTML from a proxy) on a 2xx is transient: the request can
 *   simply be sent again. JSON that is not the documented envelope is a ResponseShapeError (fatal).
 */
import { API_CODE_TABLE, classifyApiCode, classifyHttpStatus } from './error-codes.ts';
import { type ApiErrorKind, createApiError, type TikTokApiError } from './errors.ts';
import { scrubSecrets } from './redact.ts';

export interface EnvelopeContext {
  endpoint: string;
  /** Secret values used by the call, scrubbed from any echoed text. */
  secrets: readonly (string | null | undefined)[];
  /** Whether the request carried a page_token (InvalidRequestError.pageTokenRejected). */
  pageTokenSent: boolean;
  /** Scope package of the endpoint, for the 105005 hint. */
  scope: string | null;
  /** Epoch ms, to turn an HTTP-date Retry-After into a delay. */
  nowMs: number;
  /** The body's JSON parser (JSON.parse unless the endpoint carries 64-bit ids as numbers). */
  parseJson?: (text: string) => unknown;
}

export interface ParsedEnvelope {
  data: Record<string, unknown>;
  requestId: string;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Retry-After is either delay-seconds or an HTTP-date (RFC 9110 docs/tiktok-api.md#field-conventions). */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

// The sandbox and real-world messages say "page_token" / "page token" / "pageToken" (docs/tiktok-api.md#open-questions leaves it open).
const PAGE_TOKEN_MESSAGE = /page[\s_-]?token/i;

function hintFor(kind: ApiErrorKind, code: number | null, ctx: EnvelopeContext): string | undefined {
  if (code === 105005 && ctx.scope) return `the app needs the scope package "${ctx.scope}"`;
  if (kind === 'token_revoked') return 're-authorize the connection';
  return undefined;
}

function fail(
  kind: ApiErrorKind,
  ctx: EnvelopeContext,
  fields: { code: number | null; httpStatus: number; requestId: string | null; detail: string },
  retryAfterMs: number | null,
): TikTokApiError {
  const pageTokenRejected =
    kind === 'invalid_request' && ctx.pageTokenSent && PAGE_TOKEN_MESSAGE.test(fields.detail);
  const hint = hintFor(kind, fields.code, ctx);
  return createApiError(kind, {
    endpoint: ctx.endpoint,
    ...fields,
    retryAfterMs,
    secrets: ctx.secrets,
    pageTokenRejected,
    ...(hint ? { hint } : {}),
  });
}

function snippet(text: string, secrets: EnvelopeContext['secrets']): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const short = flat.length > 120 ? `${flat.slice(0, 120)}...` : flat;
  return scrubSecrets(short, secrets) || '(empty body)';
}

/** Classify a response; returns `data` of a successful envelope or throws a TikTokApiError. */
export function parseEnvelope(
  httpStatus: number,
  retryAfterHeader: string | null,
  text: string,
  ctx: EnvelopeContext,
): ParsedEnvelope {
  const retryAfterMs = parseRetryAfter(retryAfterHeader, ctx.nowMs);
  const ok = httpStatus >= 200 && httpStatus < 300;
  let body: unknown;
  try {
    body = (ctx.parseJson ?? JSON.parse)(text);
  } catch {
    const kind: ApiErrorKind = ok ? 'transient' : classifyHttpStatus(httpStatus);
    const detail = ok
      ? `malformed or truncated JSON body (${text.length} bytes): ${snippet(text, ctx.secrets)}`
      : `HTTP ${httpStatus} without a JSON envelope: ${snippet(text, ctx.secrets)}`;
    throw fail(kind, ctx, { code: null, httpStatus, requestId: null, detail }, retryAfterMs);
  }

  const envelope = isPlainObject(body) ? body : null;
  const code = envelope && Number.isInteger(envelope.code) ? (envelope.code as number) : null;
  const requestId = envelope && typeof envelope.request_id === 'string' ? envelope.request_id : null;
  const message = envelope && typeof envelope.message === 'string' ? envelope.message : '';

  if (code === null) {
    const kind: ApiErrorKind = ok ? 'response_shape' : classifyHttpStatus(httpStatus);
    const detail = ok
      ? `response is not the documented envelope (no integer "code"): ${snippet(text, ctx.secrets)}`
      : `HTTP ${httpStatus} without a usable envelope: ${snippet(text, ctx.secrets)}`;
    throw fail(kind, ctx, { code: null, httpStatus, requestId, detail }, retryAfterMs);
  }

  if (code !== 0 || !ok) {
    // A code we know decides on every status, 429 included: a body saying the token expired or the
    // request is malformed says so again after any throttle wait, and a non-retryable code on a
    // 5xx is the server's verdict on the request itself. Code 0 on an error status, or a code we
    // do not know on one, leaves the status as the only meaning (on a 2xx an unknown code is an
    // invalid request, never retried blindly).
    const known = code !== 0 && API_CODE_TABLE[code] !== undefined;
    const kind: ApiErrorKind = known || ok ? classifyApiCode(code) : classifyHttpStatus(httpStatus);
    const detail = message || `code ${code} without a message`;
    throw fail(kind, ctx, { code: code === 0 ? null : code, httpStatus, requestId, detail }, retryAfterMs);
  }

  // Success. Every response field is optional in the spec (docs/tiktok-api.md#field-conventions): a missing `data` is read
  // as an empty object; a `data` of the wrong type is shape drift.
  const data = envelope?.data;
  if (data === undefined || data === null) return { data: {}, requestId: requestId ?? '' };
  if (!isPlainObject(data)) {
    throw fail(
      'response_shape',
      ctx,
      {
        code: null,
        httpStatus,
        requestId,
        detail: `"data" is ${Array.isArray(data) ? 'an array' : typeof data}, expected an object`,
      },
      null,
    );
  }
  return { data, requestId: requestId ?? '' };
}
