/**
 * Which API errors are a refusal of the access token the request carried, and how.
 *
 * When a refresh rotates a connection's pair, the API may stop honouring the old access token at
 * once, and which answer it gives then is not documented: "expired" (105002), "your token has been
 * deauthorized" (105001), or 36009004 with a message about the access token. Requests in flight
 * with the old token at that moment meet whichever it is. The client therefore treats the three
 * alike: re-read the connection's current pair (refreshing only if the refused token is still the
 * current one) and send once more. Only a refusal that survives that is a verdict on the connection.
 */
import {
  InvalidRequestError,
  isApiError,
  type TikTokApiError,
  TokenExpiredError,
  TokenRevokedError,
} from './errors.ts';

export type TokenRefusal = 'expired' | 'deauthorized' | 'invalid';

/** 36009004 covers many cases (sign, app_key, timestamp, cipher, page token...): only the token's. */
const ACCESS_TOKEN_MESSAGE = /access[\s_-]?token/i;

/** The kind of refusal of the request's access token, or null when `err` is something else. */
export function tokenRefusal(err: unknown): TokenRefusal | null {
  if (isApiError(err, TokenExpiredError)) return 'expired';
  // 36004001 / 36004005 are revocations too, but of a refresh token on the auth host.
  if (isApiError(err, TokenRevokedError)) return err.code === 105001 ? 'deauthorized' : null;
  if (isApiError(err, InvalidRequestError) && err.code === 36009004 && ACCESS_TOKEN_MESSAGE.test(err.detail))
    return 'invalid';
  return null;
}

/**
 * The verdict after the current token (freshly refreshed where that was possible) was refused too:
 * the connection's grant is gone and its owner must authorize the app again.
 */
export function revokedAfterRetry(err: InvalidRequestError | TokenRevokedError): TokenRevokedError {
  if (isApiError(err, TokenRevokedError)) return err;
  return new TokenRevokedError({
    endpoint: err.endpoint,
    code: err.code,
    httpStatus: err.httpStatus,
    requestId: err.requestId,
    detail: `${err.detail}; the connection's current access token is refused even after a refresh`,
    hint: 're-authorize the connection',
  });
}

/**
 * The refused token could not be replaced because the refresh itself was refused (the refresh token
 * is revoked or expired): the verdict names the business call's refusal first, then the refresh's,
 * so an operator reads what happened in order. Anything else the refresh threw (a transient fault,
 * an abort) is passed on as it is.
 */
export function refreshRefused(refused: TikTokApiError, refreshErr: unknown): unknown {
  if (!isApiError(refreshErr, TokenRevokedError)) return refreshErr;
  return new TokenRevokedError({
    endpoint: refused.endpoint,
    code: refused.code,
    httpStatus: refused.httpStatus,
    requestId: refused.requestId,
    detail: `${refused.detail}; refreshing the token was refused too: ${refreshErr.message}`,
    hint: 're-authorize the connection',
  });
}
