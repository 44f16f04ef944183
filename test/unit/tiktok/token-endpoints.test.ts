import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/tiktok/client.ts';
import { exchangeAuthCode, refreshTokens } from '../../../src/tiktok/endpoints/token.ts';
import { InvalidRequestError, ResponseShapeError, TokenRevokedError } from '../../../src/tiktok/errors.ts';
import {
  APP_KEY,
  APP_SECRET,
  apiError,
  fakeFetch,
  ok,
  type Responder,
  sequence,
} from './helpers/fake-api.ts';

// The official sample of docs/tiktok-api.md#token-response.
const SAMPLE = {
  access_token:
    'TTP_Fw8rBwAAAAAkW03FYd09DG-9INtpw361hWthei8S3fHX8iPJ5AUv99fLSCYD9-UucaqxTgNRzKZxi5-tfFMtdWqglEt5_iCk',
  access_token_expire_in: 1660556783,
  refresh_token: 'TTP_NTUxZTNhYTQ2ZDk2YmRmZWNmYWY2YWY2YzkxNGYwNjQ3YjkzYTllYjA0YmNlMw',
  refresh_token_expire_in: 1691487031,
  open_id: '7010736057180325637',
  seller_name: 'Jjj test shop',
  seller_base_region: 'ID',
  user_type: 0,
  granted_scopes: ['seller.affiliate_collaboration.read', 'seller.affiliate_collaboration.write'],
};
const AUTH_CODE = 'auth-code-DO-NOT-LEAK';
const REFRESH = 'TTP_refresh-token-DO-NOT-LEAK-0123456789';

function setup(responder: Responder) {
  const fake = fakeFetch(responder);
  const api = createApiClient({
    apiBaseUrl: 'https://api.test',
    authBaseUrl: 'https://auth.test',
    fetch: fake.fetch,
    retry: { retries: 0 },
  });
  return { api, requests: fake.requests };
}

describe('token endpoints (docs/tiktok-api.md#exchanging-an-auth-code)', () => {
  it('exchangeAuthCode: GET on the auth host with grant_type=authorized_code; absolute expiries kept', async () => {
    const { api, requests } = setup(ok(SAMPLE));
    const pair = await exchangeAuthCode(api, { appKey: APP_KEY, appSecret: APP_SECRET, authCode: AUTH_CODE });
    expect(pair).toEqual({
      accessToken: SAMPLE.access_token,
      accessTokenExpiresAt: 1660556783,
      refreshToken: SAMPLE.refresh_token,
      refreshTokenExpiresAt: 1691487031,
      openId: '7010736057180325637',
      userType: 0,
      grantedScopes: SAMPLE.granted_scopes,
      sellerName: 'Jjj test shop',
      sellerBaseRegion: 'ID',
    });
    const req = requests[0];
    expect(req?.url.origin + (req?.url.pathname ?? '')).toBe('https://auth.test/api/v2/token/get');
    expect(Object.fromEntries(req?.url.searchParams ?? [])).toEqual({
      app_key: APP_KEY,
      app_secret: APP_SECRET,
      auth_code: AUTH_CODE,
      grant_type: 'authorized_code',
    });
  });

  it('refreshTokens: grant_type=refresh_token per the guide (docs/tiktok-api.md#refreshing)', async () => {
    const { api, requests } = setup(ok(SAMPLE));
    await refreshTokens(api, { appKey: APP_KEY, appSecret: APP_SECRET, refreshToken: REFRESH });
    expect(requests[0]?.url.pathname).toBe('/api/v2/token/refresh');
    expect(requests[0]?.url.searchParams.get('grant_type')).toBe('refresh_token');
    expect(requests[0]?.url.searchParams.get('refresh_token')).toBe(REFRESH);
  });

  it('falls back once to the SDK grant_type when the server rejects grant_type (docs/tiktok-api.md#refresh-grant-type)', async () => {
    const { api, requests } = setup(sequence(apiError(36009004, 'invalid grant_type'), ok(SAMPLE)));
    await refreshTokens(api, { appKey: APP_KEY, appSecret: APP_SECRET, refreshToken: REFRESH });
    expect(requests.map((r) => r.url.searchParams.get('grant_type'))).toEqual([
      'refresh_token',
      'authorized_code',
    ]);
  });

  for (const only of ['refresh_token', 'authorized_code'] as const) {
    it(`a server taking only grant_type=${only}: at most one refused refresh per client, then none`, async () => {
      const { api, requests } = setup((req) =>
        req.url.searchParams.get('grant_type') === only
          ? ok(SAMPLE)(req, undefined)
          : apiError(36009004, `Invalid request. grant_type must be ${only}`)(req, undefined),
      );
      for (let i = 0; i < 4; i++)
        await refreshTokens(api, { appKey: APP_KEY, appSecret: APP_SECRET, refreshToken: REFRESH });
      const sent = requests.map((r) => r.url.searchParams.get('grant_type'));
      const refused = sent.filter((g) => g !== only).length;
      expect(refused).toBe(only === 'refresh_token' ? 0 : 1);
      expect(sent.slice(-3)).toEqual([only, only, only]);
      // Another client (another process) learns on its own.
      const other = setup(ok(SAMPLE));
      await refreshTokens(other.api, { appKey: APP_KEY, appSecret: APP_SECRET, refreshToken: REFRESH });
      expect(other.requests[0]?.url.searchParams.get('grant_type')).toBe('refresh_token');
    });
  }

  it('a remembered grant_type that the server stops taking falls back once and is replaced', async () => {
    let accepted = 'authorized_code';
    const { api, requests } = setup((req) =>
      req.url.searchParams.get('grant_type') === accepted
        ? ok(SAMPLE)(req, undefined)
        : apiError(36009004, 'invalid grant_type')(req, undefined),
    );
    const refresh = () =>
      refreshTokens(api, { appKey: APP_KEY, appSecret: APP_SECRET, refreshToken: REFRESH });
    await refresh();
    accepted = 'refresh_token';
    await refresh();
    await refresh();
    expect(requests.map((r) => r.url.searchParams.get('grant_type'))).toEqual([
      'refresh_token',
      'authorized_code',
      'authorized_code',
      'refresh_token',
      'refresh_token',
    ]);
  });

  it('other rejections are not retried with another grant_type', async () => {
    const { api, requests } = setup(apiError(36009004, 'invalid app_key'));
    await expect(
      refreshTokens(api, { appKey: APP_KEY, appSecret: APP_SECRET, refreshToken: REFRESH }),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    expect(requests).toHaveLength(1);
  });

  it('36004001 "rt has expired" is a revoked token, and its message carries no secret', async () => {
    const { api } = setup(apiError(36004001, `rt has expired: ${REFRESH} app_secret=${APP_SECRET}`));
    const pending = refreshTokens(api, { appKey: APP_KEY, appSecret: APP_SECRET, refreshToken: REFRESH });
    const err = (await pending.catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(TokenRevokedError);
    expect(err.message).toMatch(/re-authorize/);
    expect(JSON.stringify(err) + err.message + err.stack).not.toMatch(new RegExp(`${REFRESH}|${APP_SECRET}`));
  });

  it('reads an expiry that arrives as a duration as relative to now (defensive, docs/tiktok-api.md#token-response)', async () => {
    const { api } = setup(
      ok({ ...SAMPLE, access_token_expire_in: 604800, refresh_token_expire_in: '1691487031' }),
    );
    const pair = await refreshTokens(
      api,
      { appKey: APP_KEY, appSecret: APP_SECRET, refreshToken: REFRESH },
      { nowMs: 1_700_000_000_000 },
    );
    expect(pair.accessTokenExpiresAt).toBe(1_700_000_000 + 604800);
    expect(pair.refreshTokenExpiresAt).toBe(1691487031);
  });

  it('a token response without tokens or with an unknown user_type is shape drift', async () => {
    const p = { appKey: APP_KEY, appSecret: APP_SECRET, authCode: AUTH_CODE };
    await expect(exchangeAuthCode(setup(ok({ ...SAMPLE, access_token: '' })).api, p)).rejects.toBeInstanceOf(
      ResponseShapeError,
    );
    await expect(exchangeAuthCode(setup(ok({ ...SAMPLE, user_type: 2 })).api, p)).rejects.toBeInstanceOf(
      ResponseShapeError,
    );
    await expect(
      exchangeAuthCode(setup(ok({ ...SAMPLE, access_token_expire_in: 'x' })).api, p),
    ).rejects.toBeInstanceOf(ResponseShapeError);
  });
});
