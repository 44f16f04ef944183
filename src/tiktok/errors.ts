/**
 * The client's typed error hierarchy (CONTRIBUTING.md#typed-errors, docs/architecture.md#retry-layers).
 * Matched by class AND `name` (BullMQ style), so a check survives duplicated module instances:
 * `err instanceof TokenExpiredError || err.name === 'TokenExpiredError'`.
 *
 * Messages carry the endpoint, the API code and message and the request_id, and never a secret:
 * the fields are scrubbed when the error is built (guideline 5), not when it is logged.
 */
import type { ApiErrorKind } from './error-codes.ts';
import { scrubSecrets } from './redact.ts';

export type { ApiErrorKind } from './error-codes.ts';

export interface ApiErrorInit {
  endpoint: string;
  /** The API's `code` (non-zero), or null when there was no envelope (network, HTTP-only error). */
  code: number | null;
  httpStatus: number | null;
  requestId: string | null;
  /** What went wrong, in the API's or the client's words. Scrubbed before it is stored. */
  detail: string;
  retryAfterMs?: number | null;
  /** Exact secret values used by the failing call: scrubbed from the message wherever they appear. */
  secrets?: readonly (string | null | undefined)[];
  /** Extra guidance appended to the message (e.g. which scope package to request). */
  hint?: string;
}

export class TikTokApiError extends Error {
  override name: string = 'TikTokApiError';
  readonly kind: ApiErrorKind = 'invalid_request';
  readonly endpoint: string;
  readonly code: number | null;
  readonly httpStatus: number | null;
  readonly requestId: string | null;
  readonly retryAfterMs: number | null;
  /** The scrubbed API/client message without the endpoint/code decoration. */
  readonly detail: string;

  constructor(init: ApiErrorInit) {
    const detail = scrubSecrets(init.detail, init.secrets ?? []);
    const parts = [`TikTok API ${init.endpoint} failed`];
    if (init.code !== null) parts.push(`code ${init.code}`);
    if (init.httpStatus !== null) parts.push(`HTTP ${init.httpStatus}`);
    let message = `${parts.join(', ')}: ${detail}`;
    if (init.hint) message += ` (${scrubSecrets(init.hint, init.secrets ?? [])})`;
    message += ` [request_id ${init.requestId ?? 'none'}]`;
    super(message);
    this.endpoint = init.endpoint;
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.detail = detail;
  }

  /** Whether trying the same call again later may succeed. */
  isRetryable(): boolean {
    return false;
  }

  /** Plain fields for structured logs (never includes a secret: every field was scrubbed). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      message: this.message,
      endpoint: this.endpoint,
      code: this.code,
      httpStatus: this.httpStatus,
      requestId: this.requestId,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

/** 36009002 / HTTP 429 (docs/tiktok-api.md#rate-limits): wait on the shared budget, then try again. */
export class RateLimitedError extends TikTokApiError {
  override name = 'RateLimitedError';
  override readonly kind = 'rate_limited';
  override isRetryable(): boolean {
    return true;
  }
}

/** Network errors, timeouts, 5xx, 36009003/36009007/45101001, truncated or malformed JSON. */
export class TransientError extends TikTokApiError {
  override name = 'TransientError';
  override readonly kind = 'transient';
  override isRetryable(): boolean {
    return true;
  }
}

/** 105002: refresh the token once, then retry the call once (docs/tiktok-api.md#error-codes). */
export class TokenExpiredError extends TikTokApiError {
  override name = 'TokenExpiredError';
  override readonly kind = 'token_expired';
  override isRetryable(): boolean {
    return true;
  }
}

/** 105001 / 36004001 / 36004005 or an expired refresh token: the owner must re-authorize the app. */
export class TokenRevokedError extends TikTokApiError {
  override name = 'TokenRevokedError';
  override readonly kind = 'token_revoked';
}

/** Missing scope (105005), wrong token type/cipher (101000, 16032012), IP allow-list, no access. */
export class PermissionError extends TikTokApiError {
  override name = 'PermissionError';
  override readonly kind = 'permission';
}

export interface InvalidRequestInit extends ApiErrorInit {
  pageTokenRejected?: boolean;
}

/** The API rejected the request as built (bad sign, params, unknown code...): a bug or bad input. */
export class InvalidRequestError extends TikTokApiError {
  override name = 'InvalidRequestError';
  override readonly kind = 'invalid_request';
  /**
   * True when the request carried a page_token and the API rejected it (expired, tampered, from
   * another query): the engine restarts the window instead of failing (docs/architecture.md).
   */
  readonly pageTokenRejected: boolean;

  constructor(init: InvalidRequestInit) {
    super(init);
    this.pageTokenRejected = init.pageTokenRejected ?? false;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), pageTokenRejected: this.pageTokenRejected };
  }
}

/** The envelope or `data` is not the documented shape (docs/tiktok-api.md#response-envelope): fatal, never retried. */
export class ResponseShapeError extends TikTokApiError {
  override name = 'ResponseShapeError';
  override readonly kind = 'response_shape';
}

type ErrorClass = new (init: InvalidRequestInit) => TikTokApiError;

const CLASS_BY_KIND: Record<ApiErrorKind, ErrorClass> = {
  rate_limited: RateLimitedError,
  transient: TransientError,
  token_expired: TokenExpiredError,
  token_revoked: TokenRevokedError,
  permission: PermissionError,
  invalid_request: InvalidRequestError,
  response_shape: ResponseShapeError,
};

/** Build the error of a kind (the one place that maps kind -> class). */
export function createApiError(kind: ApiErrorKind, init: InvalidRequestInit): TikTokApiError {
  return new CLASS_BY_KIND[kind](init);
}

/** True for a TikTokApiError of `cls`, matched by class or by name (across module copies). */
export function isApiError<T extends TikTokApiError>(
  err: unknown,
  cls: abstract new (...args: never[]) => T,
): err is T {
  if (err instanceof cls) return true;
  return err instanceof Error && err.name === cls.name;
}

export { API_CODE_TABLE, classifyApiCode, classifyHttpStatus } from './error-codes.ts';

/**
 * True when the API rejected the page_token a request carried (expired, tampered, from another
 * query). Not a bad request and nothing an operator must fix: the list is read again from its first
 * page. Matched by name and field so it survives duplicated module instances.
 */
export function isPageTokenRejection(err: unknown): boolean {
  const e = err as { name?: unknown; pageTokenRejected?: unknown } | null;
  return e?.name === 'InvalidRequestError' && e.pageTokenRejected === true;
}

// "create_time", "time range", "date range": the wordings a create-time range refusal is seen with.
const TIME_RANGE_MESSAGE = /create[\s_-]?time|time[\s_-]?range|date[\s_-]?range/i;

/**
 * True when the API refused a request's parameters: an invalid-request answer that is neither a
 * rejected page token nor a signature failure (106001: the request's parameters were never looked at).
 * `timeRange` narrows it to refusals whose message names the create time or a time range.
 */
export function isParameterRefusal(err: unknown, opts: { timeRange?: boolean } = {}): boolean {
  const e = err as { name?: unknown; code?: unknown; detail?: unknown } | null;
  if (e?.name !== 'InvalidRequestError' || isPageTokenRejection(err) || e.code === 106001) return false;
  return !opts.timeRange || (typeof e.detail === 'string' && TIME_RANGE_MESSAGE.test(e.detail));
}
