/**
 * Token host endpoints (docs/tiktok-api.md#exchanging-an-auth-code): GET, NOT signed, no access token header, and the app
 * secret travels in the query string. Every value of that query (app_secret, auth_code,
 * refresh_token) is handed to the client as a secret, so it is scrubbed from every error and log.
 */
import type { ApiClient } from '../client.ts';
import { isApiError, InvalidRequestError, ResponseShapeError } from '../errors.ts';
import type { CallOptions, TokenPair } from '../types.ts';
import { type EndpointDef, ENDPOINTS, endpointLabel } from './catalog.ts';

export interface TokenCallOptions extends CallOptions {
  /** Epoch ms (virtual clock); only used if an expiry arrives as a duration (see parseTokenPair). */
  nowMs?: number;
}

/** Absolute epoch seconds before this (2001) cannot be an expiry date: read as a duration. */
const MIN_ABSOLUTE_EXPIRY_S = 1e9;

function expiry(value: unknown, nowMs: number): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) return null;
  // docs/tiktok-api.md#token-response: `*_expire_in` are ABSOLUTE epoch seconds despite the name. A small value would
  // be a TTL (what the name suggests); accept it as one rather than expiring the token in 1970.
  return n >= MIN_ABSOLUTE_EXPIRY_S ? n : Math.floor(nowMs / 1000) + n;
}

/** `data` of a token response -> TokenPair; drift in a credential field is fatal. */
export function parseTokenPair(
  endpoint: EndpointDef,
  data: Record<string, unknown>,
  requestId: string,
  nowMs: number,
): TokenPair {
  const fail = (detail: string) =>
    new ResponseShapeError({
      endpoint: endpointLabel(endpoint),
      code: null,
      httpStatus: 200,
      requestId: requestId || null,
      detail,
    });
  const accessExp = expiry(data.access_token_expire_in, nowMs);
  const refreshExp = expiry(data.refresh_token_expire_in, nowMs);
  if (typeof data.access_token !== 'string' || data.access_token === '') throw fail('no access_token');
  if (typeof data.refresh_token !== 'string' || data.refresh_token === '') throw fail('no refresh_token');
  if (accessExp === null) throw fail('access_token_expire_in is not an epoch-seconds integer');
  const userType = data.user_type;
  if (userType !== 0 && userType !== 1 && userType !== 3) throw fail(`unknown user_type ${String(userType)}`);
  const scopes = Array.isArray(data.granted_scopes)
    ? data.granted_scopes.filter((s): s is string => typeof s === 'string')
    : [];
  return {
    accessToken: data.access_token,
    accessTokenExpiresAt: accessExp,
    refreshToken: data.refresh_token,
    // Lifetime undocumented (docs/tiktok-api.md#refresh-token-lifetime); absent -> treat as expiring with the access token.
    refreshTokenExpiresAt: refreshExp ?? accessExp,
    openId: typeof data.open_id === 'string' ? data.open_id : '',
    userType,
    grantedScopes: scopes,
    sellerName: typeof data.seller_name === 'string' ? data.seller_name : null,
    sellerBaseRegion: typeof data.seller_base_region === 'string' ? data.seller_base_region : null,
  };
}

async function tokenCall(
  api: ApiClient,
  endpoint: EndpointDef,
  query: Record<string, string>,
  secrets: string[],
  opts: TokenCallOptions,
): Promise<TokenPair> {
  const { data, requestId } = await api.call({
    endpoint,
    auth: null,
    query,
    secrets,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return parseTokenPair(endpoint, data, requestId, opts.nowMs ?? Date.now());
}

/** GET /api/v2/token/get: a single-use auth code (valid 30 min) -> tokens (docs/tiktok-api.md#exchanging-an-auth-code). */
export function exchangeAuthCode(
  api: ApiClient,
  p: { appKey: string; appSecret: string; authCode: string },
  opts: TokenCallOptions = {},
): Promise<TokenPair> {
  return tokenCall(
    api,
    ENDPOINTS.tokenGet,
    { app_key: p.appKey, app_secret: p.appSecret, auth_code: p.authCode, grant_type: 'authorized_code' },
    [p.appSecret, p.authCode],
    opts,
  );
}

type RefreshGrantType = 'refresh_token' | 'authorized_code';

/**
 * The grant_type the token host accepted last, per client (one client per process). Which value
 * the server takes is not documented: the guide says refresh_token, the official Node SDK sends
 * authorized_code. Remembering the one that worked means a server that takes only the SDK's value
 * costs one refused refresh per process, not one per refresh.
 */
const acceptedGrantType = new WeakMap<ApiClient, RefreshGrantType>();

/** The server refused the grant_type value itself (not the refresh token, not the app). */
function grantTypeRefused(err: unknown): boolean {
  return isApiError(err, InvalidRequestError) && /grant[_ ]?type/i.test(err.detail);
}

/**
 * GET /api/v2/token/refresh. The guide's grant_type (refresh_token) first, or the value this
 * client's last successful refresh used; if the server refuses the grant_type itself, the other
 * value once, and that one is remembered.
 */
export async function refreshTokens(
  api: ApiClient,
  p: { appKey: string; appSecret: string; refreshToken: string },
  opts: TokenCallOptions = {},
): Promise<TokenPair> {
  const secrets = [p.appSecret, p.refreshToken];
  const attempt = async (grantType: RefreshGrantType) => {
    const query = {
      app_key: p.appKey,
      app_secret: p.appSecret,
      refresh_token: p.refreshToken,
      grant_type: grantType,
    };
    const pair = await tokenCall(api, ENDPOINTS.tokenRefresh, query, secrets, opts);
    acceptedGrantType.set(api, grantType);
    return pair;
  };
  const first = acceptedGrantType.get(api) ?? 'refresh_token';
  try {
    return await attempt(first);
  } catch (err) {
    if (!grantTypeRefused(err)) throw err;
    return await attempt(first === 'refresh_token' ? 'authorized_code' : 'refresh_token');
  }
}
