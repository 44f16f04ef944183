/**
 * A refresh elsewhere rotates the connection's pair while calls are in flight with the old access
 * token. However the API answers such a token (105002 expired, 105001 deauthorized, or 36009004
 * naming the access token; on HTTP 200 or 401), the call re-reads the current pair and succeeds
 * without a second refresh. Only a refusal of the CURRENT token, after one refresh, is a revocation.
 * Real token source (token-source.ts) over a fake store and lock, and a fake API in-process.
 */
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/tiktok/client.ts';
import { ENDPOINTS } from '../../../src/tiktok/endpoints/catalog.ts';
import { InvalidRequestError, TokenExpiredError, TokenRevokedError } from '../../../src/tiktok/errors.ts';
import { createTokenSource } from '../../../src/tiktok/token-source.ts';
import type { ConnectionAuth } from '../../../src/tiktok/types.ts';
import { APP_KEY, APP_SECRET, fakeFetch, jsonResponse } from './helpers/fake-api.ts';
import { memoryMutex, memoryStore, rotatingTokenHost } from './helpers/token-fixtures.ts';

const NOW_MS = 1_750_000_000_000;
const NOW_S = NOW_MS / 1000;
const T0 = 'TTP_access-0-DO-NOT-LEAK-abcdef';
const T1 = 'TTP_access-1-DO-NOT-LEAK-abcdef';

type RotatedAnswer = '105002' | '105001' | '36009004';

const REFUSAL: Record<RotatedAnswer, { code: number; message: string }> = {
  '105002': { code: 105002, message: 'Expired credentials. The `x-tts-access-token` header has expired.' },
  '105001': { code: 105001, message: 'access token is invalid; detail:your token has been deauthorized' },
  '36009004': { code: 36009004, message: 'Invalid credentials. The `x-tts-access-token` header is invalid.' },
};

interface WorldOptions {
  /** How a token rotated away (or deauthorized) answers. */
  rotated: RotatedAnswer;
  /** HTTP status of an error envelope. */
  status?: number;
  /** Tokens the API refuses although they are current (the grant is gone server-side). */
  deauthorized?: Set<string>;
  /** The refresh itself is refused (36004005). */
  refreshRefused?: boolean;
}

/** The API (business + token host) and two "processes": token sources sharing one store and lock. */
function world(opts: WorldOptions) {
  const host = rotatingTokenHost(() => NOW_S);
  let live = T0;
  const fake = fakeFetch((req) => {
    if (req.url.host === 'auth.test') {
      if (opts.refreshRefused)
        return jsonResponse({ code: 36004005, message: 'can not find related auth record', request_id: 'r' });
      const body = host.respond(req.url.searchParams.get('refresh_token')) as {
        data?: { access_token: string };
      };
      if (body.data) live = body.data.access_token;
      return jsonResponse(body);
    }
    const token = req.headers['x-tts-access-token'];
    if (token !== live || opts.deauthorized?.has(token)) {
      const { code, message } = REFUSAL[opts.rotated];
      return jsonResponse({ code, message, request_id: 'req-refused' }, opts.status ?? 200);
    }
    return jsonResponse({ code: 0, message: 'Success', request_id: 'req-ok', data: { served: token } });
  });
  const api = createApiClient({
    apiBaseUrl: 'https://api.test',
    authBaseUrl: 'https://auth.test',
    fetch: fake.fetch,
    now: () => NOW_MS,
    retry: { retries: 0 },
  });
  const store = memoryStore({
    accessToken: T0,
    accessTokenExpiresAt: NOW_S + 86400,
    refreshToken: 'TTP_refresh-0-DO-NOT-LEAK-abcdef',
    refreshTokenExpiresAt: NOW_S + 30 * 86400,
  });
  const mutex = memoryMutex();
  const auth = (): ConnectionAuth => ({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    tokens: createTokenSource({
      connectionId: 'c1',
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      api,
      store,
      mutex,
      now: () => NOW_MS,
    }),
    shopCipher: 'ROW_shop',
    budgetScope: 'shop-1',
  });
  const call = (a: ConnectionAuth) =>
    api.call({
      endpoint: ENDPOINTS.sellerOrdersSearch,
      auth: a,
      query: { page_size: 10 },
      body: { create_time_ge: 1 },
    });
  const business = () => fake.requests.filter((r) => r.url.host === 'api.test');
  return { host, store, auth, call, business };
}

describe('a token rotated away by a refresh in another process', () => {
  for (const rotated of ['105002', '105001', '36009004'] as const) {
    for (const status of [200, 401]) {
      it(`answered ${rotated} on HTTP ${status}: re-reads the current pair, no second refresh, no revocation`, async () => {
        const w = world({ rotated, status });
        const [a, b] = [w.auth(), w.auth()];
        // Both processes hold T0; B refreshes (as its refresh-ahead would), which rotates T0 away.
        expect(await a.tokens.accessToken()).toBe(T0);
        expect(await b.tokens.refreshAfterExpiry(T0)).toBe(T1);
        expect(w.host.refreshes()).toBe(1);
        // A's call goes out with T0, is refused, and is sent once more with the pair B stored.
        const res = await w.call(a);
        expect(res.data).toEqual({ served: T1 });
        expect(w.business().map((r) => r.headers['x-tts-access-token'])).toEqual([T0, T1]);
        expect(w.host.refreshes()).toBe(1);
        // And A's later calls use the current token straight away.
        await w.call(a);
        expect(w.business().at(-1)?.headers['x-tts-access-token']).toBe(T1);
        expect(w.host.refreshes()).toBe(1);
      });
    }
  }

  it('many calls in flight with the old token all recover with one refresh in total', async () => {
    const w = world({ rotated: '105001' });
    const [a, b] = [w.auth(), w.auth()];
    await a.tokens.accessToken();
    await b.tokens.refreshAfterExpiry(T0);
    const results = await Promise.all(Array.from({ length: 20 }, () => w.call(a)));
    expect(results.every((r) => r.data.served === T1)).toBe(true);
    expect(w.host.refreshes()).toBe(1);
    expect(w.business()).toHaveLength(40);
  });
});

describe('a refusal of the current token', () => {
  it('105001: one refresh; when the fresh token is accepted the call succeeds', async () => {
    const w = world({ rotated: '105001', deauthorized: new Set([T0]) });
    const res = await w.call(w.auth());
    expect(res.data).toEqual({ served: T1 });
    expect(w.host.refreshes()).toBe(1);
  });

  it('105001: the refresh itself refused is a revocation', async () => {
    const w = world({ rotated: '105001', deauthorized: new Set([T0]), refreshRefused: true });
    const err = await w.call(w.auth()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRevokedError);
    expect(w.business()).toHaveLength(1);
    // The verdict names the business call's refusal first, then the refresh's.
    expect((err as TokenRevokedError).code).toBe(105001);
    expect((err as Error).message).toMatch(
      /code 105001.*refreshing the token was refused too: .*code 36004005/,
    );
  });

  for (const rotated of ['105001', '36009004'] as const) {
    it(`${rotated}: the fresh token refused too is a revocation, after exactly one refresh and two sends`, async () => {
      const w = world({ rotated, deauthorized: new Set([T0, T1]) });
      const err = (await w.call(w.auth()).catch((e: unknown) => e)) as TokenRevokedError;
      expect(err).toBeInstanceOf(TokenRevokedError);
      expect(err.code).toBe(Number(rotated));
      expect(err.message).toMatch(/re-authorize/);
      expect(err.message).not.toContain('DO-NOT-LEAK');
      expect(w.host.refreshes()).toBe(1);
      expect(w.business()).toHaveLength(2);
    });
  }

  it('105002 twice stays an expiry (retried later by the job), never a revocation', async () => {
    const w = world({ rotated: '105002', deauthorized: new Set([T0, T1]) });
    const err = await w.call(w.auth()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenExpiredError);
    expect(w.host.refreshes()).toBe(1);
    expect(w.business()).toHaveLength(2);
  });
});

describe('36009004 about something else than the access token', () => {
  it('is an invalid request: no re-read, no refresh, no retry', async () => {
    const w = world({ rotated: '105002' });
    const a = w.auth();
    await a.tokens.accessToken();
    const fake = fakeFetch(() =>
      jsonResponse(
        { code: 36009004, message: 'Invalid timestamp: earlier than now - 5 min', request_id: 'r' },
        400,
      ),
    );
    const api = createApiClient({
      apiBaseUrl: 'https://api.test',
      authBaseUrl: 'https://auth.test',
      fetch: fake.fetch,
      retry: { retries: 0 },
    });
    const err = await api
      .call({ endpoint: ENDPOINTS.sellerOrdersSearch, auth: a, query: { page_size: 10 }, body: { x: 1 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(fake.requests).toHaveLength(1);
    expect(w.host.refreshes()).toBe(0);
  });
});
