/**
 * API `code` -> error kind, one table (api doc §9.1). Anything not listed is an invalid request:
 * an unknown code is never retried blindly (STYLE.md "Not to copy: retrying every error").
 * S-PHP treats every 105xxx/360xxxxx code as an auth problem; that is too broad (36009003 is
 * retryable, api doc §9.1), hence the explicit table.
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
  // Throttling (api doc §9.1, §9.2). 600001001 is an endpoint-specific "too many" (Remove Target Collaboration).
  36009002: 'rate_limited',
  600001001: 'rate_limited',
  // Retryable server-side faults (api doc §9.1).
  36009003: 'transient',
  36009007: 'transient',
  45101001: 'transient',
  // Token lifecycle (api doc §3.3, §9.1).
  105002: 'token_expired',
  105001: 'token_revoked',
  36004001: 'token_revoked', // "rt has expired" (auth host)
  36004005: 'token_revoked', // "can not find related auth record" (auth host)
  // Permission / identity (api doc §1.2, §9.1).
  105005: 'permission',
  101000: 'permission',
  16032007: 'permission',
  16032012: 'permission',
  36009033: 'permission',
  50001700: 'permission',
  // Rejected requests: client bugs or bad input (api doc §9.1). Listed for documentation; the
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
  // Daily quota of one endpoint (api doc §9.2): waiting seconds does not help; fail fast.
  45101004: 'invalid_request',
};

/** The kind of a non-zero API code (unknown codes are invalid requests). */
export function classifyApiCode(code: number): ApiErrorKind {
  return API_CODE_TABLE[code] ?? 'invalid_request';
}

/** The kind of an HTTP failure that carried no usable envelope (api doc §12.2 is open). */
export function classifyHttpStatus(status: number): ApiErrorKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500 || status === 408) return 'transient';
  if (status === 403) return 'permission';
  return 'invalid_request';
}
