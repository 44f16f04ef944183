import { afterAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/tiktok/client.ts';
import { createRedisMutex } from '../../../src/tiktok/redis-mutex.ts';
import { createTokenSource } from '../../../src/tiktok/token-source.ts';
import { APP_KEY, APP_SECRET, fakeFetch, jsonResponse } from '../../unit/tiktok/helpers/fake-api.ts';
import { memoryStore, rotatingTokenHost } from '../../unit/tiktok/helpers/token-fixtures.ts';
import { cleanup, connections, uniquePrefix } from './redis-helpers.ts';

const redis = connections(4);
const prefix = uniquePrefix('tokens');

afterAll(async () => {
  const [first] = redis;
  if (first) await cleanup(first, prefix);
  for (const r of redis) r.disconnect();
});

const NOW_MS = 1_750_000_000_000;

describe('token refresh across processes (Redis mutex + shared store)', () => {
  it('four "processes" hitting an expiring token refresh it exactly once', async () => {
    const host = rotatingTokenHost(() => NOW_MS / 1000);
    const fake = fakeFetch(async (req) => {
      await new Promise((r) => setTimeout(r, 30)); // a slow token host widens the race window
      return jsonResponse(host.respond(req.url.searchParams.get('refresh_token')));
    });
    const store = memoryStore({
      accessToken: 'TTP_access-0-DO-NOT-LEAK-abcdef',
      accessTokenExpiresAt: NOW_MS / 1000 + 60,
      refreshToken: 'TTP_refresh-0-DO-NOT-LEAK-abcdef',
      refreshTokenExpiresAt: NOW_MS / 1000 + 86400,
    });
    const sources = redis.map((r) =>
      createTokenSource({
        connectionId: 'conn-x',
        appKey: APP_KEY,
        appSecret: APP_SECRET,
        // Each process has its own client, mutex connection and token cache; only Redis and the store are shared.
        api: createApiClient({
          apiBaseUrl: 'https://api.test',
          authBaseUrl: 'https://auth.test',
          fetch: fake.fetch,
        }),
        store,
        mutex: createRedisMutex(r, { prefix, minWaitStepMs: 5, maxWaitStepMs: 20 }),
        now: () => NOW_MS,
      }),
    );
    const got = await Promise.all(sources.flatMap((s) => [s.accessToken(), s.accessToken()]));
    expect(new Set(got)).toEqual(new Set(['TTP_access-1-DO-NOT-LEAK-abcdef']));
    expect(host.refreshes()).toBe(1);
    expect(store.saves).toBe(1);

    // 105002 reported by two processes for the same token: still one refresh.
    const rejected = 'TTP_access-1-DO-NOT-LEAK-abcdef';
    const [a, b] = sources;
    const after = await Promise.all([a?.refreshAfterExpiry(rejected), b?.refreshAfterExpiry(rejected)]);
    expect(after).toEqual(['TTP_access-2-DO-NOT-LEAK-abcdef', 'TTP_access-2-DO-NOT-LEAK-abcdef']);
    expect(host.refreshes()).toBe(2);
  });
});
