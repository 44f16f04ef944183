/**
 * Error codes and messages of the simulated API (docs/tiktok-api.md#error-codes). The HTTP status of non-throttling
 * errors is undocumented (docs/tiktok-api.md#http-status-of-errors): by default the sandbox answers HTTP 200 with a non-zero `code`;
 * in `4xx` mode it maps each error class to a 4xx status so clients are tested on both.
 */

export type ErrorClass =
  | 'auth'
  | 'forbidden'
  | 'param'
  | 'not_found'
  | 'path'
  | 'method'
  | 'throttle'
  | 'internal';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly errorClass: ErrorClass,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type ErrorStatusMode = '200' | '4xx';

const STATUS_4XX: Record<ErrorClass, number> = {
  auth: 401,
  forbidden: 403,
  param: 400,
  not_found: 404,
  path: 404,
  method: 405,
  throttle: 429,
  internal: 500,
};

export function httpStatusFor(error: ApiError, mode: ErrorStatusMode): number {
  if (error.errorClass === 'throttle') return 429; // documented (docs/tiktok-api.md#rate-limits)
  return mode === '4xx' ? STATUS_4XX[error.errorClass] : 200;
}

const e = (code: number, message: string, cls: ErrorClass) => new ApiError(code, message, cls);

/** Constructors for every error the sandbox emits; messages follow docs/tiktok-api.md#error-codes where given. */
export const Errors = {
  badSign: () => e(106001, 'Invalid credentials. The `sign` query parameter is invalid.', 'auth'),
  missingSign: () => e(36009004, 'Invalid credentials. The `sign` query parameter is missing.', 'auth'),
  badAppKey: () => e(36009004, 'Invalid credentials. The `app_key` query parameter is invalid.', 'auth'),
  badTimestamp: () =>
    e(
      36009004,
      'Invalid timestamp. The `timestamp` query parameter must be a Unix time in seconds within [now - 300 s, now + 30 s].',
      'auth',
    ),
  missingToken: () => e(36009004, 'Invalid credentials. The `x-tts-access-token` header is missing.', 'auth'),
  badToken: () => e(36009004, 'Invalid credentials. The `x-tts-access-token` header is invalid.', 'auth'),
  revoked: () => e(105001, 'access token is invalid; detail:your token has been deauthorized', 'auth'),
  expired: () =>
    e(105002, 'Expired credentials. The `access_token` or `x-tts-access-token` header has expired.', 'auth'),
  /**
   * An access token that a refresh rotated away: what it answers is undocumented, so the
   * rotated_access_token quirk picks one of the three plausible answers.
   */
  rotated: (answer: '105002' | '105001' | '36009004'): ApiError =>
    answer === '105001'
      ? Errors.revoked()
      : answer === '36009004'
        ? e(
            36009004,
            'Invalid credentials. Invalid access_token / x-tts-access-token: the token was replaced by a refresh.',
            'auth',
          )
        : Errors.expired(),
  scope: (scope: string) =>
    e(
      105005,
      `Access denied. The scopes granted to this token do not contain the required access scope \`${scope}\`.`,
      'forbidden',
    ),
  wrongUserType: () =>
    e(
      101000,
      'Invalid credentials. The `category_asset_cipher` query parameter or `x-tts-access-token` header is invalid: the token has an invalid user_type for this endpoint.',
      'forbidden',
    ),
  cipherMismatch: (param: string) =>
    e(
      101000,
      `Invalid credentials. The \`${param}\` query parameter or \`x-tts-access-token\` header is invalid: the token is not associated with this ${param === 'shop_cipher' ? 'shop' : 'category asset'}.`,
      'forbidden',
    ),
  missingShopCipher: () =>
    e(106013, 'Missing identifier. The `shop_cipher` query parameter is required.', 'param'),
  missingAssetCipher: () =>
    e(36009004, 'Missing identifier. The `category_asset_cipher` query parameter is required.', 'param'),
  unexpectedCipher: (param: string) =>
    e(
      36009004,
      `Unexpected identifier. The \`${param}\` query parameter is not required for this request.`,
      'param',
    ),
  /**
   * The docs list no code for a rejected page_token (docs/tiktok-api.md#open-questions is silent): the sandbox answers
   * 36009004 (the generic invalid-parameter family of docs/tiktok-api.md#error-codes) with a message naming page_token.
   */
  pageToken: (why: string) =>
    e(36009004, `Invalid request. The \`page_token\` query parameter is invalid: ${why}.`, 'param'),
  /** Family-specific "invalid parameter" codes (docs/tiktok-api.md#error-codes): seller 98001004, creator/partner 16015001. */
  param: (family: 'seller' | 'creator' | 'partner' | 'auth', detail: string) =>
    family === 'seller'
      ? e(98001004, `invalid params: ${detail}`, 'param')
      : family === 'auth'
        ? e(36009004, `Invalid request. ${detail}`, 'param')
        : e(16015001, `Invalid parameter: ${detail}`, 'param'),
  /** orderRangeCap 90d: the limit third parties report for the order searches (undocumented). */
  orderRange: (days: number) =>
    e(
      36009004,
      `Invalid request. The create_time range (create_time_lt - create_time_ge) must not exceed 90 days; got ${days} days.`,
      'param',
    ),
  badBody: () => e(36009022, 'Invalid request format. The request body must be a JSON object.', 'param'),
  badPath: () => e(36009009, 'Invalid path. The requested API path or version does not exist.', 'path'),
  badMethod: () => e(36009010, 'Invalid method. The HTTP method is not allowed for this API path.', 'method'),
  throttled: () =>
    e(
      36009002,
      'Too many requests. The request rate limit was exceeded, please try again later.',
      'throttle',
    ),
  internal: () =>
    e(
      36009003,
      'Internal error. Please try again. If the issue persists, contact TikTok Shop support.',
      'internal',
    ),
  campaignNotFound: () => e(16032005, 'Campaign not found', 'not_found'),
  targetNotFound: () => e(50001700, 'seller cannot access this target collaboration', 'not_found'),
  // Auth host (docs/tiktok-api.md#tokens, S-ISSUES): codes seen in practice.
  authRecordNotFound: () => e(36004005, 'can not find related auth record', 'auth'),
  refreshExpired: () => e(36004001, 'rt has expired', 'auth'),
  badAppCredentials: () =>
    e(36009004, 'Invalid credentials. The `app_key` or `app_secret` is invalid.', 'auth'),
};
