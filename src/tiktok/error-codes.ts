/**
 * API `code` -> error kind, one table (docs/tiktok-api.md#error-codes). Anything not listed is an invalid request:
 * an unknown code is never retried blindly (CONTRIBUTING.md#conventions).
 * S-PHP treats every 105xxx/360xxxxx code as an auth problem; that is too broad (36009003 is
 * retryable, docs/tiktok-api.md#error-codes), hence the explicit table.
 */
export type ApiErrorKind =
  | 'rate_limited'
  | 'transient'
  | 'token_expired'
  | 'token_revoked'
  | 'permission'
  | 'invalid_request'
  | 'response_shape';

export const API_CODE_TABLE: Readonly<Record<number, ApiErrorKind>> = {
  // Throttling (docs/tiktok-api.md#error-codes, docs/tiktok-api.md#rate-limits). 600001001 is an endpoint-specific "too many" (Remove Target Collaboration).
  36009002: 'rate_limited',
  600001001: 'rate_limited',
  // Retryable server-side faults (docs/tiktok-api.md#error-codes).
  36009003: 'transient',
  36009007: 'transient',
  45101001: 'transient',
  // Token lifecycle (docs/tiktok-api.md#token-response, docs/tiktok-api.md#error-codes).
  105002: 'token_expired',
  105001: 'token_revoked',
  36004001: 'token_revoked', // "rt has expired" (auth host)
  36004005: 'token_revoked', // "can not find related auth record" (auth host)
  // Permission / identity (docs/tiktok-api.md#token-types, docs/tiktok-api.md#error-codes).
  105005: 'permission',
  101000: 'permission',
  16032007: 'permission',
  16032012: 'permission',
  36009033: 'permission',
  50001700: 'permission',
  // Rejected requests: client bugs or bad input (docs/tiktok-api.md#error-codes). Listed for documentation; the
  // default for unknown codes is the same kind.
  106001: 'invalid_request', // bad signature
  36009004: 'invalid_request', // missing sign, bad app_key/timestamp, unexpected cipher, bad page_token
  106013: 'invalid_request', // missing shop_cipher
  36009009: 'invalid_request',
  36009010: 'invalid_request',
  36009022: 'invalid_request',
  36009023: 'invalid_request',
  16015001: 'invalid_request',
  16032001: 'invalid_request',
  16032005: 'invalid_request', // campaign not found
  98001004: 'invalid_request',
  // Daily quota of one endpoint (docs/tiktok-api.md#rate-limits): waiting seconds does not help; fail fast.
  45101004: 'invalid_request',
};

/** The kind of a non-zero API code (unknown codes are invalid requests). */
export function classifyApiCode(code: number): ApiErrorKind {
  return API_CODE_TABLE[code] ?? 'invalid_request';
}

/** The kind of an HTTP failure that carried no usable envelope (docs/tiktok-api.md#http-status-of-errors is open). */
export function classifyHttpStatus(status: number): ApiErrorKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500 || status === 408) return 'transient';
  if (status === 403) return 'permission';
  return 'invalid_request';
}
