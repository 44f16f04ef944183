import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESPONSE_SCHEMAS } from '../../../src/sandbox/schemas.ts';
import { type Fixture, PATHS, plain, startFixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.sb.close();
});

function authUrl(path: string, query: Record<string, string>): string {
  return `${f.sb.authUrl}${path}?${new URLSearchParams(query).toString()}`;
}

function app() {
  return { app_key: f.sb.app.appKey, app_secret: f.sb.app.appSecret };
}

describe('auth host (docs/tiktok-api.md#tokens)', () => {
  it('exchanges an auth code once for a token pair with ABSOLUTE expiries (docs/tiktok-api.md#exchanging-an-auth-code, docs/tiktok-api.md#token-response)', async () => {
    const code = f.sb.issueGrant(f.seller.openId).authCode;
    const nowS = Math.floor(f.sb.clock.nowMs() / 1000);
    const res = await plain(
      authUrl(PATHS.tokenGet, { ...app(), auth_code: code, grant_type: 'authorized_code' }),
    );
    expect(RESPONSE_SCHEMAS.token_get.safeParse(res.json).success).toBe(true);
    const data = res.json.data;
    expect(data.user_type).toBe(0);
    expect(data.open_id).toBe(f.seller.openId);
    expect(data.access_token_expire_in).toBe(nowS + 7 * 86_400);
    expect(data.refresh_token_expire_in).toBeGreaterThan(data.access_token_expire_in);
    const shops = await f.call(PATHS.shops, { token: data.access_token });
    expect(shops.json.code).toBe(0);
    const again = await plain(
      authUrl(PATHS.tokenGet, { ...app(), auth_code: code, grant_type: 'authorized_code' }),
    );
    expect(again.json.code).toBe(36004005);
  });

  it('rejects an auth code older than 30 minutes of virtual time', async () => {
    const code = f.sb.issueGrant(f.creator.openId).authCode;
    f.sb.clock.advance(31 * 60_000);
    const res = await plain(
      authUrl(PATHS.tokenGet, { ...app(), auth_code: code, grant_type: 'authorized_code' }),
    );
    expect(res.json.code).toBe(36004005);
  });

  it('rejects a wrong app secret and a wrong grant_type', async () => {
    const code = f.sb.issueGrant(f.seller.openId).authCode;
    const bad = await plain(
      authUrl(PATHS.tokenGet, {
        app_key: f.sb.app.appKey,
        app_secret: 'nope',
        auth_code: code,
        grant_type: 'authorized_code',
      }),
    );
    expect(bad.json.code).toBe(36009004);
    const grant = await plain(
      authUrl(PATHS.tokenGet, { ...app(), auth_code: code, grant_type: 'refresh_token' }),
    );
    expect(grant.json.code).toBe(36009004);
    expect(grant.json.message).toContain('grant_type');
  });

  it('refresh rotates the pair and invalidates the old access AND refresh token (docs/tiktok-api.md#refreshing)', async () => {
    const g = f.sb.issueGrant(f.partner.openId);
    const res = await plain(
      authUrl(PATHS.tokenRefresh, { ...app(), refresh_token: g.refreshToken, grant_type: 'refresh_token' }),
    );
    expect(res.json.code).toBe(0);
    expect(res.json.data.access_token).not.toBe(g.accessToken);
    expect(res.json.data.refresh_token).not.toBe(g.refreshToken);
    const old = await f.call(PATHS.assets, { token: g.accessToken });
    expect(old.json.code).toBe(105002);
    const fresh = await f.call(PATHS.assets, { token: res.json.data.access_token });
    expect(fresh.json.code).toBe(0);
    const reuse = await plain(
      authUrl(PATHS.tokenRefresh, { ...app(), refresh_token: g.refreshToken, grant_type: 'refresh_token' }),
    );
    expect(reuse.json.code).toBe(36004005);
  });

  it("accepts the official Node SDK's grant_type=authorized_code on refresh (docs/tiktok-api.md#refreshing, docs/tiktok-api.md#refresh-grant-type)", async () => {
    const g = f.sb.issueGrant(f.seller.openId);
    const res = await plain(
      authUrl(PATHS.tokenRefresh, { ...app(), refresh_token: g.refreshToken, grant_type: 'authorized_code' }),
    );
    expect(res.json.code).toBe(0);
  });

  it('the account listing follows refreshes of its first token pair and always offers a usable auth code', async () => {
    const seller = f.sb.accounts.find((a) => a.kind === 'seller');
    if (!seller) throw new Error('no seller');
    const res = await plain(
      authUrl(PATHS.tokenRefresh, {
        ...app(),
        refresh_token: seller.refreshToken,
        grant_type: 'refresh_token',
      }),
    );
    expect(res.json.code).toBe(0);
    const listed = f.sb.accounts.find((a) => a.kind === 'seller');
    expect(listed?.accessToken).toBe(res.json.data.access_token);
    const code = listed?.authCode ?? '';
    await plain(authUrl(PATHS.tokenGet, { ...app(), auth_code: code, grant_type: 'authorized_code' }));
    expect(f.sb.accounts.find((a) => a.kind === 'seller')?.authCode).not.toBe(code);
  });

  it('revoked tokens answer 105001, forced expiry 105002, unknown tokens 36009004', async () => {
    const a = f.sb.issueGrant(f.seller.openId);
    f.sb.revoke(a.accessToken);
    expect((await f.call(PATHS.shops, { token: a.accessToken })).json.code).toBe(105001);
    const b = f.sb.issueGrant(f.seller.openId);
    f.sb.expire(b.accessToken);
    expect((await f.call(PATHS.shops, { token: b.accessToken })).json.code).toBe(105002);
    expect((await f.call(PATHS.shops, { token: 'TTP_unknown' })).json.code).toBe(36009004);
    expect((await f.call(PATHS.shops, {})).json.code).toBe(36009004);
  });

  it('a token without the read scope gets 105005 on affiliate endpoints', async () => {
    const g = f.sb.issueGrant(f.seller.openId, { scopes: [] });
    const res = await f.call(PATHS.sellerOrders, {
      token: g.accessToken,
      query: { shop_cipher: f.shop.cipher, page_size: 10 },
      body: {},
    });
    expect(res.json.code).toBe(105005);
    expect(res.json.message).toContain('seller.affiliate_collaboration.read');
  });
  // Last: it moves the clock past every pre-issued token's expiry.
  it('refresh tokens expire (36004001) and access tokens expire at their absolute time (105002)', async () => {
    const g = f.sb.issueGrant(f.seller.openId);
    f.sb.clock.advance((g.accessTokenExpiresAt - Math.floor(f.sb.clock.nowMs() / 1000)) * 1000 + 1000);
    const expired = await f.call(PATHS.shops, { token: g.accessToken });
    expect(expired.json.code).toBe(105002);
    f.sb.clock.advance((g.refreshTokenExpiresAt - Math.floor(f.sb.clock.nowMs() / 1000)) * 1000 + 1000);
    const res = await plain(
      authUrl(PATHS.tokenRefresh, { ...app(), refresh_token: g.refreshToken, grant_type: 'refresh_token' }),
    );
    expect(res.json.code).toBe(36004001);
  });
});
