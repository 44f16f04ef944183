import { afterEach, describe, expect, it } from 'vitest';
import { searchCreatorOrders } from '../../../src/tiktok/endpoints/creator.ts';
import { exchangeAuthCode, refreshTokens } from '../../../src/tiktok/endpoints/token.ts';
import { searchSellerOrders } from '../../../src/tiktok/endpoints/seller.ts';
import { TikTokApiError, TokenRevokedError } from '../../../src/tiktok/errors.ts';
import { createTokenSource } from '../../../src/tiktok/token-source.ts';
import type { ConnectionAuth } from '../../../src/tiktok/types.ts';
import { memoryMutex, memoryStore } from '../../unit/tiktok/helpers/token-fixtures.ts';
import { type Fixture, ids, startFixture, walk } from './fixture.ts';

let f: Fixture | null = null;
afterEach(async () => {
  await f?.sb.close();
  f = null;
});

/** A connection backed by a real token source over a store seeded with the sandbox grant. */
function storedConnection(fx: Fixture, kind: 'seller' | 'creator') {
  const account = fx.sb.accounts.find((a) => a.kind === kind);
  if (!account) throw new Error(`no ${kind} account`);
  const store = memoryStore({
    accessToken: account.accessToken,
    accessTokenExpiresAt: account.accessTokenExpiresAt,
    refreshToken: account.refreshToken,
    refreshTokenExpiresAt: account.refreshTokenExpiresAt,
  });
  const tokens = createTokenSource({
    connectionId: `${kind}-1`,
    appKey: fx.sb.app.appKey,
    appSecret: fx.sb.app.appSecret,
    api: fx.api,
    store,
    mutex: memoryMutex(),
    now: () => fx.sb.clock.nowMs(),
  });
  const base = kind === 'seller' ? fx.seller : fx.creator;
  const auth: ConnectionAuth = { ...base, tokens };
  // A snapshot: the sandbox's account listing follows refreshes of its token family.
  return { auth, store, account: { ...account } };
}

describe('token host (docs/tiktok-api.md#tokens)', () => {
  it('exchanges a single-use auth code, and refresh rotates the pair', async () => {
    f = await startFixture();
    const seller = f.sb.accounts.find((a) => a.kind === 'seller');
    if (!seller) throw new Error('no seller');
    const app = { appKey: f.sb.app.appKey, appSecret: f.sb.app.appSecret };
    const pair = await exchangeAuthCode(
      f.api,
      { ...app, authCode: seller.authCode },
      { nowMs: f.sb.clock.nowMs() },
    );
    expect(pair.userType).toBe(0);
    expect(pair.openId).toBe(seller.openId);
    // Absolute epoch seconds, about 7 days ahead of the virtual now (docs/tiktok-api.md#token-response).
    const nowS = f.sb.clock.nowMs() / 1000;
    expect(pair.accessTokenExpiresAt - nowS).toBeGreaterThan(6 * 86400);
    expect(pair.accessTokenExpiresAt - nowS).toBeLessThan(8 * 86400);
    const reuse = await exchangeAuthCode(f.api, { ...app, authCode: seller.authCode }).catch(
      (e: unknown) => e,
    );
    expect(reuse).toBeInstanceOf(TikTokApiError);
    expect((reuse as TikTokApiError).isRetryable()).toBe(false);

    const next = await refreshTokens(f.api, { ...app, refreshToken: pair.refreshToken });
    expect(next.accessToken).not.toBe(pair.accessToken);
    expect(next.refreshToken).not.toBe(pair.refreshToken);
    // The old refresh token died with the rotation.
    await expect(refreshTokens(f.api, { ...app, refreshToken: pair.refreshToken })).rejects.toBeInstanceOf(
      TokenRevokedError,
    );
  });

  it('a wrong app secret on the token host is rejected and not retried', async () => {
    f = await startFixture();
    const seller = f.sb.accounts.find((a) => a.kind === 'seller');
    const err = await exchangeAuthCode(f.api, {
      appKey: f.sb.app.appKey,
      appSecret: 'wrong-secret',
      authCode: seller?.authCode ?? '',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TikTokApiError);
    expect(f.sb.stats().requests).toBe(1);
  });
});

describe('tokens during a sync', () => {
  it('an access token expiring mid-run is refreshed once and the walk completes (fault token_expiry_after)', async () => {
    f = await startFixture({ faults: 'token_expiry_after=3' });
    const fx = f;
    const { auth, store, account } = storedConnection(fx, 'seller');
    const got = await walk((pageToken) => searchSellerOrders(fx.api, auth, { pageSize: 20, pageToken }));
    const truth = await fx.sb.groundTruth('seller_affiliate_orders', fx.shopId);
    expect(ids(got.records).sort()).toEqual(ids(truth.groups.flatMap((g) => g.records)).sort());
    expect(store.saves).toBe(1);
    expect(store.value.accessToken).not.toBe(account.accessToken);
    expect(fx.sb.stats().byCode['105002']).toBe(1);
  });

  it('sandbox.expire(): the next call gets 105002, refreshes and succeeds', async () => {
    f = await startFixture();
    const { auth, store, account } = storedConnection(f, 'creator');
    await searchCreatorOrders(f.api, auth, { pageSize: 5 });
    f.sb.expire(account.accessToken);
    const page = await searchCreatorOrders(f.api, auth, { pageSize: 5 });
    expect(page.records).toHaveLength(5);
    expect(store.saves).toBe(1);
  });

  it('the token source refreshes ahead of expiry when the virtual clock nears it', async () => {
    f = await startFixture();
    const { auth, store, account } = storedConnection(f, 'seller');
    f.sb.clock.advance((account.accessTokenExpiresAt - 1800) * 1000 - f.sb.clock.nowMs());
    await searchSellerOrders(f.api, auth, { pageSize: 5 });
    expect(store.saves).toBe(1);
    expect(f.sb.stats().byCode['105002'] ?? 0).toBe(0);
  });

  it('a revoked token is a TokenRevokedError (105001) once the current pair is refused too: one re-read, no loop', async () => {
    f = await startFixture();
    const seller = f.sb.accounts.find((a) => a.kind === 'seller');
    f.sb.revoke(seller?.accessToken ?? '');
    const err = await searchSellerOrders(f.api, f.seller, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRevokedError);
    expect((err as TokenRevokedError).code).toBe(105001);
    expect((err as Error).message).toMatch(/re-authorize/);
    // The fixture's token source has no newer pair: the re-read hands back the same token, which
    // is refused again, and that is the verdict.
    expect(f.sb.stats().requests).toBe(2);
  });

  it('an expired refresh token asks for re-authorization instead of calling the token host', async () => {
    f = await startFixture();
    const { auth, account } = storedConnection(f, 'seller');
    f.sb.clock.advance((account.refreshTokenExpiresAt + 60) * 1000 - f.sb.clock.nowMs());
    const err = await searchSellerOrders(f.api, auth, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRevokedError);
    expect((err as Error).message).toMatch(/re-authorize/);
    expect(f.sb.stats().requests).toBe(0);
  });

  it('a rejected refresh (old refresh token) surfaces as TokenRevokedError, never a loop', async () => {
    f = await startFixture();
    const { auth, store } = storedConnection(f, 'seller');
    // Someone rotated the pair behind our back and the store was not updated.
    await refreshTokens(f.api, {
      appKey: f.sb.app.appKey,
      appSecret: f.sb.app.appSecret,
      refreshToken: store.value.refreshToken,
    });
    const err = await searchSellerOrders(f.api, auth, {}).catch((e: unknown) => e);
    // 105002 on the dead access token -> one refresh attempt -> 36004005 from the token host.
    expect(err).toBeInstanceOf(TokenRevokedError);
    expect((err as Error).message).toMatch(/re-authorize/);
    expect(f.sb.stats().byCode).toEqual({ '0': 1, '105002': 1, '36004005': 1 });
  });
});
