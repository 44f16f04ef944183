/**
 * Auth host endpoints (docs/tiktok-api.md#exchanging-an-auth-code): not signed, credentials in the query string,
 * response `data` exactly as docs/tiktok-api.md#token-response with ABSOLUTE expiry epochs.
 */
import { Errors } from '../errors.ts';
import type { SandboxQuirks } from '../quirks.ts';
import type { IssuedPair, TokenStore } from '../tokens.ts';
import { USER_TYPE } from '../tokens.ts';

export interface AuthDeps {
  appKey: string;
  appSecret: string;
  tokens: TokenStore;
  refreshGrantType: SandboxQuirks['refreshGrantType'];
}

function checkApp(deps: AuthDeps, query: URLSearchParams): void {
  if (query.get('app_key') !== deps.appKey || query.get('app_secret') !== deps.appSecret) {
    throw Errors.badAppCredentials();
  }
}

function tokenData(deps: AuthDeps, pair: IssuedPair): Record<string, unknown> {
  const account = deps.tokens.account(pair.accountId);
  return {
    access_token: pair.accessToken,
    access_token_expire_in: pair.accessTokenExpiresAt,
    refresh_token: pair.refreshToken,
    refresh_token_expire_in: pair.refreshTokenExpiresAt,
    open_id: account.id,
    seller_name: account.name,
    seller_base_region: account.region,
    user_type: USER_TYPE[account.kind],
    granted_scopes: pair.scopes,
  };
}

export function tokenGet(deps: AuthDeps, query: URLSearchParams): Record<string, unknown> {
  checkApp(deps, query);
  if (query.get('grant_type') !== 'authorized_code')
    throw Errors.param('auth', 'grant_type must be authorized_code');
  const code = query.get('auth_code');
  if (!code) throw Errors.param('auth', 'auth_code is required');
  return tokenData(deps, deps.tokens.exchangeCode(code));
}

export function tokenRefresh(deps: AuthDeps, query: URLSearchParams): Record<string, unknown> {
  checkApp(deps, query);
  // The guide says grant_type=refresh_token; the official Node SDK sends authorized_code to this
  // path, and which the server takes is undocumented: both by default (`lenient`), or only the
  // one the refresh_grant_type quirk names.
  const mode = deps.refreshGrantType;
  const accepted = mode === 'lenient' ? ['refresh_token', 'authorized_code'] : [mode];
  const grant = query.get('grant_type') ?? '';
  if (!accepted.includes(grant)) {
    throw Errors.param('auth', `grant_type must be ${accepted.join(' or ')}`);
  }
  const refreshToken = query.get('refresh_token');
  if (!refreshToken) throw Errors.param('auth', 'refresh_token is required');
  return tokenData(deps, deps.tokens.refresh(refreshToken));
}
