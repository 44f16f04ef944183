/**
 * The client against the sandbox under each answer to the API's open questions (the sandbox's
 * quirk switches): how the last page ends, which HTTP status errors carry, how an empty JSON body
 * is signed, and which refresh grant_type the token host takes. Counted at the server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pages } from '../../../src/extract/paginate.ts';
import { searchCreatorOrders } from '../../../src/tiktok/endpoints/creator.ts';
import {
  searchOpenCollaborationProducts,
  searchOpenCollaborations,
  searchSellerOrders,
} from '../../../src/tiktok/endpoints/seller.ts';
import { refreshTokens } from '../../../src/tiktok/endpoints/token.ts';
import { InvalidRequestError, TokenRevokedError } from '../../../src/tiktok/errors.ts';
import { createTokenSource } from '../../../src/tiktok/token-source.ts';
import type { ConnectionAuth, Page } from '../../../src/tiktok/types.ts';
import type { SandboxQuirks } from '../../../src/sandbox/types.ts';
import { memoryMutex, memoryStore } from '../../unit/tiktok/helpers/token-fixtures.ts';
import { type Fixture, ids, startFixture } from './fixture.ts';

let f: Fixture | null = null;
afterEach(async () => {
  await f?.sb.close();
  f = null;
});

const REFRESH_PATH = '/api/v2/token/refresh';

/** Every page through the engine's iterator; the number of requests is the server's count. */
async function walkAll(fetchPage: (token: string | undefined) => Promise<Page>) {
  const records: Record<string, unknown>[] = [];
  for await (const page of pages((token) => fetchPage(token))) records.push(...page.records);
  return records;
}

/** A connection whose tokens come from a real token source over a store seeded with the grant. */
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
  const auth: ConnectionAuth = { ...(kind === 'seller' ? fx.seller : fx.creator), tokens };
  return { auth, store, accessToken: account.accessToken };
}

describe('terminal_page_token: one request per page of data, whatever the last page says', () => {
  const PAGE_SIZE = 7;
  for (const terminalPageToken of ['empty', 'absent', 'zero'] as const) {
    it(`${terminalPageToken}: seller and creator orders walk to the end without an extra request`, async () => {
      f = await startFixture({ quirks: { terminalPageToken } });
      const fx = f;
      const truth = await fx.sb.groundTruth('seller_affiliate_orders', fx.shopId);
      const expected = ids(truth.groups.flatMap((g) => g.records)).sort();
      const creatorTruth = await fx.sb.groundTruth('creator_affiliate_orders', fx.creatorOpenId);
      const creatorExpected = ids(creatorTruth.groups.flatMap((g) => g.records)).sort();
      expect(expected.length).toBeGreaterThan(PAGE_SIZE);

      fx.sb.resetStats();
      const got = await walkAll((pageToken) =>
        searchSellerOrders(fx.api, fx.seller, { pageSize: PAGE_SIZE, ...(pageToken ? { pageToken } : {}) }),
      );
      expect(ids(got).sort()).toEqual(expected);
      expect(fx.sb.stats().requests).toBe(Math.ceil(expected.length / PAGE_SIZE));

      fx.sb.resetStats();
      const creatorGot = await walkAll((pageToken) =>
        searchCreatorOrders(fx.api, fx.creator, { pageSize: PAGE_SIZE, ...(pageToken ? { pageToken } : {}) }),
      );
      expect(ids(creatorGot).sort()).toEqual(creatorExpected);
      expect(fx.sb.stats().requests).toBe(Math.ceil(creatorExpected.length / PAGE_SIZE));
    });
  }
});

describe('error_status=4xx: errors on a 4xx are judged by their code', () => {
  it('an expired token answered with HTTP 401 + 105002 is refreshed once and the call succeeds', async () => {
    f = await startFixture({ quirks: { errorStatus: '4xx' } });
    const { auth, store, accessToken } = storedConnection(f, 'creator');
    f.sb.expire(accessToken);
    f.sb.resetStats();
    const page = await searchCreatorOrders(f.api, auth, { pageSize: 5 });
    expect(page.records).toHaveLength(5);
    expect(store.saves).toBe(1);
    const log = f.sb.requestLog().map((e) => `${e.endpoint}:${e.httpStatus}:${e.code}`);
    expect(log).toEqual(['creator_orders:401:105002', 'token_refresh:200:0', 'creator_orders:200:0']);
    expect(f.sb.stats().refreshes).toBe(1);
  });

  it('a revoked token answered with HTTP 401 + 105001 is a revocation after one re-read, no refresh loop', async () => {
    f = await startFixture({ quirks: { errorStatus: '4xx' } });
    const { auth, accessToken } = storedConnection(f, 'seller');
    f.sb.revoke(accessToken);
    f.sb.resetStats();
    const err = await searchSellerOrders(f.api, auth, { pageSize: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRevokedError);
    expect((err as TokenRevokedError).httpStatus).toBe(401);
    expect(f.sb.stats().requests).toBeLessThanOrEqual(3);
  });

  it('a refused request parameter on HTTP 400 is an InvalidRequestError, sent once', async () => {
    f = await startFixture({ quirks: { errorStatus: '4xx', orderRangeCap: '90d' } });
    f.sb.resetStats();
    const nowS = Math.floor(f.sb.clock.nowMs() / 1000);
    const err = await searchSellerOrders(f.api, f.seller, {
      pageSize: 5,
      createTimeGe: nowS - 91 * 86_400,
      createTimeLt: nowS,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).httpStatus).toBe(400);
    expect(f.sb.stats().requests).toBe(1);
  });
});

describe('empty_body_signing: the searches without a filter are signed right both ways', () => {
  for (const emptyBodySigning of ['bytes', 'none'] as const) {
    it(`${emptyBodySigning}: zero bad signatures over unfiltered searches`, async () => {
      f = await startFixture({ quirks: { emptyBodySigning } });
      const fx = f;
      fx.sb.resetStats();
      const collabs = await walkAll((pageToken) =>
        searchOpenCollaborations(fx.api, fx.seller, { pageSize: 10, ...(pageToken ? { pageToken } : {}) }),
      );
      const products = await searchOpenCollaborationProducts(fx.api, fx.seller, {
        pageSize: 10,
        criteria: {},
      });
      const orders = await searchSellerOrders(fx.api, fx.seller, { pageSize: 10 });
      expect(collabs.length).toBeGreaterThan(0);
      expect(products.records.length + orders.records.length).toBeGreaterThan(0);
      const stats = fx.sb.stats();
      expect(stats.requests).toBeGreaterThan(2);
      expect(stats.badSignatures).toBe(0);
    });
  }
});

describe('refresh_grant_type: a refresh works whichever grant_type the token host takes', () => {
  // The client tries the guide's refresh_token first and remembers what worked: a host that takes
  // only the SDK's value costs one refused request per client, not one per refresh.
  const CASES: { mode: SandboxQuirks['refreshGrantType']; requests: number }[] = [
    { mode: 'lenient', requests: 2 },
    { mode: 'refresh_token', requests: 2 },
    { mode: 'authorized_code', requests: 3 },
  ];
  for (const { mode, requests } of CASES) {
    it(`${mode}: two refreshes in a row succeed with ${requests} requests to the token host`, async () => {
      f = await startFixture({ quirks: { refreshGrantType: mode } });
      const seller = f.sb.accounts.find((a) => a.kind === 'seller');
      if (!seller) throw new Error('no seller');
      const app = { appKey: f.sb.app.appKey, appSecret: f.sb.app.appSecret };
      const api = f.client();
      f.sb.resetStats();
      const first = await refreshTokens(api, { ...app, refreshToken: seller.refreshToken });
      const second = await refreshTokens(api, { ...app, refreshToken: first.refreshToken });
      expect(second.accessToken).not.toBe(first.accessToken);
      const stats = f.sb.stats();
      expect({ refreshes: stats.refreshes, requests: stats.byPath[REFRESH_PATH] }).toEqual({
        refreshes: 2,
        requests,
      });
      // The session goes on with the new token.
      const page = await searchSellerOrders(
        f.api,
        { ...f.seller, tokens: fixedTokens(second.accessToken) },
        {
          pageSize: 3,
        },
      );
      expect(page.records).toHaveLength(3);
    });
  }
});

function fixedTokens(token: string) {
  return { accessToken: async () => token, refreshAfterExpiry: async () => token };
}
