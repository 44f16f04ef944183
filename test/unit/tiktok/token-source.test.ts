import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/tiktok/client.ts';
import { TokenRevokedError } from '../../../src/tiktok/errors.ts';
import { createTokenSource } from '../../../src/tiktok/token-source.ts';
import { APP_KEY, APP_SECRET, fakeFetch, jsonResponse } from './helpers/fake-api.ts';
import { memoryMutex, memoryStore, rotatingTokenHost } from './helpers/token-fixtures.ts';

const NOW_MS = 1_750_000_000_000;
const NOW_S = NOW_MS / 1000;

function setup(accessExpiresInS: number, opts: { refreshExpiresInS?: number; delayMs?: number } = {}) {
  const host = rotatingTokenHost(() => NOW_S);
  const fake = fakeFetch(async (req) => {
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    return jsonResponse(host.respond(req.url.searchParams.get('refresh_token')));
  });
  const api = createApiClient({
    apiBaseUrl: 'https://api.test',
    authBaseUrl: 'https://auth.test',
    fetch: fake.fetch,
    retry: { retries: 0 },
  });
  const store = memoryStore({
    accessToken: 'TTP_access-0-DO-NOT-LEAK-abcdef',
    accessTokenExpiresAt: NOW_S + accessExpiresInS,
    refreshToken: 'TTP_refresh-0-DO-NOT-LEAK-abcdef',
    refreshTokenExpiresAt: NOW_S + (opts.refreshExpiresInS ?? 30 * 86400),
  });
  const mutex = memoryMutex();
  const make = () =>
    createTokenSource({
      connectionId: 'conn-1',
      appKey: APP_KEY,
      appSecret: APP_SECRET,
      api,
      store,
      mutex,
      now: () => NOW_MS,
    });
  return { host, store, make, requests: fake.requests };
}

describe('createTokenSource', () => {
  it('returns the stored token while it is fresh, loading the store once', async () => {
    const { make, host, store } = setup(86400);
    let loads = 0;
    const load = store.load;
    store.load = () => {
      loads += 1;
      return load();
    };
    const tokens = make();
    expect(await tokens.accessToken()).toBe('TTP_access-0-DO-NOT-LEAK-abcdef');
    expect(await tokens.accessToken()).toBe('TTP_access-0-DO-NOT-LEAK-abcdef');
    expect(host.refreshes()).toBe(0);
    expect(loads).toBe(1);
  });

  it('refreshes ahead of expiry (default 1 h) and saves with compare-and-swap on the old refresh token', async () => {
    const { make, host, store, requests } = setup(1800);
    expect(await make().accessToken()).toBe('TTP_access-1-DO-NOT-LEAK-abcdef');
    expect(host.refreshes()).toBe(1);
    expect(store.saves).toBe(1);
    expect(store.value.refreshToken).toBe('TTP_refresh-1-DO-NOT-LEAK-abcdef');
    expect(requests[0]?.url.searchParams.get('grant_type')).toBe('refresh_token');
  });

  it('concurrent callers in one process share one refresh', async () => {
    const { make, host } = setup(10, { delayMs: 20 });
    const tokens = make();
    const got = await Promise.all(Array.from({ length: 10 }, () => tokens.accessToken()));
    expect(new Set(got)).toEqual(new Set(['TTP_access-1-DO-NOT-LEAK-abcdef']));
    expect(host.refreshes()).toBe(1);
  });

  it('two processes whose lock failed them (a Redis restart) both refresh: the refused one takes the rotated pair', async () => {
    const { host, store } = setup(10);
    // The first refresh is slow to answer: the second process sends its own with the same refresh
    // token, which the host then refuses (already rotated) while the first pair is being stored.
    let calls = 0;
    const slowFirst = fakeFetch(async (req) => {
      calls += 1;
      if (calls === 1) await new Promise((r) => setTimeout(r, 50));
      return jsonResponse(host.respond(req.url.searchParams.get('refresh_token')));
    });
    const source = () =>
      createTokenSource({
        connectionId: 'conn-1',
        appKey: APP_KEY,
        appSecret: APP_SECRET,
        api: createApiClient({
          apiBaseUrl: 'https://api.test',
          authBaseUrl: 'https://auth.test',
          fetch: slowFirst.fetch,
          retry: { retries: 0 },
        }),
        store,
        // Each process believes it holds the lock: the lock was lost.
        mutex: memoryMutex(),
        now: () => NOW_MS,
      });
    const [a, b] = [source(), source()];
    const pending = a.accessToken();
    await new Promise((r) => setTimeout(r, 10));
    const got = await Promise.all([pending, b.accessToken()]);
    expect(got).toEqual(['TTP_access-1-DO-NOT-LEAK-abcdef', 'TTP_access-1-DO-NOT-LEAK-abcdef']);
    expect(host.refreshes()).toBe(1);
    expect(calls).toBe(2);
  });

  it('a refresh token refused while no other process rotated the pair is a revocation', async () => {
    const { make, store } = setup(10);
    store.value.refreshToken = 'TTP_refresh-stale-DO-NOT-LEAK-abcdef';
    const started = Date.now();
    await expect(make().accessToken()).rejects.toBeInstanceOf(TokenRevokedError);
    // It waited for a rotated pair (about 2 s) before deciding.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
  });

  it('two token sources (two processes) sharing store and lock refresh once, the second re-loads', async () => {
    const { make, host } = setup(10, { delayMs: 20 });
    const [a, b] = [make(), make()];
    const got = await Promise.all([a.accessToken(), b.accessToken(), a.accessToken(), b.accessToken()]);
    expect(new Set(got)).toEqual(new Set(['TTP_access-1-DO-NOT-LEAK-abcdef']));
    expect(host.refreshes()).toBe(1);
  });

  it('refreshAfterExpiry refreshes a rejected token once; a later caller with the same rejected token reuses the new one', async () => {
    const { make, host } = setup(86400);
    const [a, b] = [make(), make()];
    const old = await a.accessToken();
    await b.accessToken();
    expect(await a.refreshAfterExpiry(old)).toBe('TTP_access-1-DO-NOT-LEAK-abcdef');
    expect(await b.refreshAfterExpiry(old)).toBe('TTP_access-1-DO-NOT-LEAK-abcdef');
    expect(await a.refreshAfterExpiry(old)).toBe('TTP_access-1-DO-NOT-LEAK-abcdef');
    expect(host.refreshes()).toBe(1);
  });

  it('an expired refresh token is a TokenRevokedError asking to re-authorize, without calling the API', async () => {
    const { make, requests } = setup(-5, { refreshExpiresInS: -1 });
    const err = (await make()
      .accessToken()
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(TokenRevokedError);
    expect(err.message).toMatch(/re-authorize/);
    expect(err.message).not.toContain('DO-NOT-LEAK');
    expect(requests).toHaveLength(0);
  });

  it('a lost compare-and-swap adopts the pair someone else stored meanwhile', async () => {
    const { make, store } = setup(10);
    const save = store.save;
    store.save = async (next, previous) => {
      // A re-authorization lands between our load and our save.
      store.value = {
        ...store.value,
        accessToken: 'TTP_reauthorized-DO-NOT-LEAK',
        refreshToken: 'TTP_r2',
        accessTokenExpiresAt: NOW_S + 86400,
      };
      return save(next, previous);
    };
    expect(await make().accessToken()).toBe('TTP_reauthorized-DO-NOT-LEAK');
  });

  it('a failing save with nothing newer stored is an error, not a silent success', async () => {
    const { make, store } = setup(10);
    store.save = async () => {
      throw new Error('database down');
    };
    await expect(make().accessToken()).rejects.toThrow('database down');
  });

  it('a caller can abort its wait for a refresh', async () => {
    const { make } = setup(10, { delayMs: 200 });
    const ctrl = new AbortController();
    const pending = make().accessToken(ctrl.signal);
    setTimeout(() => ctrl.abort(new Error('cancelled')), 10);
    await expect(pending).rejects.toThrow('cancelled');
  });
});
