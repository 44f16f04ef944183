import { describe, expect, it } from 'vitest';
import { verifySign } from '../../../src/tiktok/sign.ts';
import { createApiClient } from '../../../src/tiktok/client.ts';
import {
  InvalidRequestError,
  RateLimitedError,
  TokenExpiredError,
  TransientError,
} from '../../../src/tiktok/errors.ts';
import {
  ACCESS_TOKEN,
  APP_SECRET,
  APP_KEY,
  apiError,
  fakeFetch,
  hang,
  networkDown,
  ok,
  REFRESHED_TOKEN,
  raw,
  sequence,
  testAuth,
} from './helpers/fake-api.ts';

import { FAST_RETRY, NOW, ordersCall, setup } from './helpers/client-setup.ts';

describe('createApiClient: retries (docs/architecture.md#retry-layers retry layers)', () => {
  it('retries transient faults (5xx, 36009003, network, broken JSON) and then succeeds', async () => {
    const { api, requests, events } = setup(
      sequence(
        raw('oops', 503),
        apiError(36009003, 'Internal error'),
        networkDown,
        raw('{"code":0,"da'),
        ok({ x: 1 }),
      ),
      { retry: { retries: 4, minTimeoutMs: 1, maxTimeoutMs: 2 } },
    );
    const res = await api.call(ordersCall());
    expect(res.data).toEqual({ x: 1 });
    expect(requests).toHaveLength(5);
    expect(events.map((e) => e.status)).toEqual(['error', 'error', 'error', 'error', 'ok']);
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5]);
  });

  it('gives up after the configured number of retries with the last TransientError', async () => {
    const { api, requests } = setup(raw('bad gateway', 502), {
      retry: { retries: 2, minTimeoutMs: 1, maxTimeoutMs: 1 },
    });
    const err = await api.call(ordersCall()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as TransientError).httpStatus).toBe(502);
    expect(requests).toHaveLength(3);
  });

  it('never retries an invalid request (106001), on HTTP 200 or HTTP 400', async () => {
    for (const status of [200, 400]) {
      const { api, requests } = setup(apiError(106001, 'The sign query parameter is invalid.', status));
      const err = await api.call(ordersCall()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as InvalidRequestError).code).toBe(106001);
      expect(requests).toHaveLength(1);
    }
  });

  it('times out a hanging request and retries it as transient', async () => {
    const { api, requests } = setup(sequence(hang, ok({ done: true })), { timeoutMs: 30 });
    const res = await api.call(ordersCall());
    expect(res.data).toEqual({ done: true });
    expect(requests).toHaveLength(2);
  });

  it('uses a fresh timestamp and signature on every attempt', async () => {
    let clock = NOW;
    const fake = fakeFetch(sequence(raw('x', 500), ok({})));
    const api = createApiClient({
      apiBaseUrl: 'https://api.test',
      authBaseUrl: 'https://auth.test',
      fetch: fake.fetch,
      now: () => {
        clock += 7000;
        return clock;
      },
      retry: FAST_RETRY,
    });
    let serialized = 0;
    const body = {
      toJSON: () => {
        serialized += 1;
        return { create_time_ge: 1719807456 };
      },
    };
    await api.call({ ...ordersCall(), body });
    const [a, b] = fake.requests.map((r) => r.url.searchParams);
    expect(a?.get('timestamp')).not.toBe(b?.get('timestamp'));
    expect(a?.get('sign')).not.toBe(b?.get('sign'));
    // The body is serialized once per call; every attempt signs and sends those same bytes.
    expect(serialized).toBe(1);
    expect(fake.requests.map((r) => r.body)).toEqual([
      '{"create_time_ge":1719807456}',
      '{"create_time_ge":1719807456}',
    ]);
    for (const r of fake.requests) {
      expect(
        verifySign(
          APP_SECRET,
          r.url.pathname,
          r.url.searchParams,
          r.body,
          r.url.searchParams.get('sign') ?? '',
        ),
      ).toBe(true);
    }
  });
});

describe('createApiClient: throttling (docs/tiktok-api.md#rate-limits)', () => {
  it('waits out a 429 (honouring Retry-After) without spending a retry, then succeeds', async () => {
    const { api, requests, events } = setup(
      sequence(
        apiError(36009002, 'Too many requests', 429, { 'retry-after': '0.05' }),
        apiError(36009002, 'request is limited', 200),
        ok({ ok: 1 }),
      ),
      { retry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 5 } },
    );
    const started = performance.now();
    const res = await api.call(ordersCall());
    expect(res.data).toEqual({ ok: 1 });
    expect(requests).toHaveLength(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(events[1]?.throttledMs).toBeGreaterThanOrEqual(45);
  });

  it('tells the shared budget about the 429 and acquires before every send', async () => {
    const calls: string[] = [];
    const budget = {
      acquire: async (key: string) => {
        calls.push(`acquire ${key}`);
        return 3;
      },
      throttled: async (key: string, retryAfterMs: number | null) => {
        calls.push(`throttled ${key} ${retryAfterMs}`);
      },
    };
    const { api, events } = setup(
      sequence(apiError(36009002, 'Too many', 429, { 'retry-after': '2' }), ok({})),
      {
        budget,
      },
    );
    await api.call(ordersCall());
    const key = `${APP_KEY}:shop-1:seller_orders_search`;
    expect(calls).toEqual([`acquire ${key}`, `throttled ${key} 2000`, `acquire ${key}`]);
    expect(events[0]?.throttledMs).toBe(3);
  });

  it('gives up with RateLimitedError when throttling lasts longer than maxThrottleWaitMs', async () => {
    const { api, requests } = setup(apiError(36009002, 'Too many', 429, { 'retry-after': '0.02' }), {
      maxThrottleWaitMs: 60,
    });
    const err = await api.call(ordersCall()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(20);
    expect(requests.length).toBeGreaterThan(2);
    expect(requests.length).toBeLessThan(10);
  });
});

describe('createApiClient: throttling bounds', () => {
  it('a Retry-After longer than the throttle bound fails at once instead of sleeping', async () => {
    const { api, requests } = setup(apiError(36009002, 'Too many', 429, { 'retry-after': '3600' }), {
      maxThrottleWaitMs: 1000,
    });
    const started = performance.now();
    const err = await api.call(ordersCall()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).isRetryable()).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
    expect(requests).toHaveLength(1);
  });
});

describe('createApiClient: expired token (docs/tiktok-api.md#error-codes 105002)', () => {
  it('refreshes once and retries the call once with the new token', async () => {
    const auth = testAuth();
    const { api, requests } = setup(sequence(apiError(105002, 'access token is expired'), ok({ y: 2 })), {});
    const res = await api.call(ordersCall(auth));
    expect(res.data).toEqual({ y: 2 });
    expect(auth.tokens.refreshCalls).toEqual([ACCESS_TOKEN]);
    expect(requests.map((r) => r.headers['x-tts-access-token'])).toEqual([ACCESS_TOKEN, REFRESHED_TOKEN]);
  });

  it('a second 105002 after the refresh is thrown, not looped on', async () => {
    const auth = testAuth();
    const { api, requests } = setup(apiError(105002, 'Expired credentials'));
    await expect(api.call(ordersCall(auth))).rejects.toBeInstanceOf(TokenExpiredError);
    expect(auth.tokens.refreshCalls).toHaveLength(1);
    expect(requests).toHaveLength(2);
  });
});

describe('createApiClient: abort', () => {
  it('an abort stops an in-flight fetch at once and rejects with the abort reason', async () => {
    const { api } = setup(hang);
    const ctrl = new AbortController();
    const pending = api.call(ordersCall(testAuth(), ctrl.signal));
    setTimeout(() => ctrl.abort(new Error('shutdown')), 10);
    await expect(pending).rejects.toThrow('shutdown');
  });

  it('an abort during retry backoff stops retrying', async () => {
    const { api, requests } = setup(raw('down', 503), {
      retry: { retries: 5, minTimeoutMs: 10_000, maxTimeoutMs: 10_000 },
    });
    const ctrl = new AbortController();
    const pending = api.call(ordersCall(testAuth(), ctrl.signal));
    setTimeout(() => ctrl.abort(new Error('stop')), 20);
    const started = performance.now();
    await expect(pending).rejects.toThrow('stop');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(requests).toHaveLength(1);
  });

  it('an abort during a throttle wait stops waiting', async () => {
    const { api } = setup(apiError(36009002, 'Too many', 429, { 'retry-after': '30' }));
    const ctrl = new AbortController();
    const pending = api.call(ordersCall(testAuth(), ctrl.signal));
    setTimeout(() => ctrl.abort(new Error('bye')), 20);
    await expect(pending).rejects.toThrow('bye');
  });

  it('an already aborted signal sends nothing', async () => {
    const { api, requests } = setup(ok({}));
    const ctrl = new AbortController();
    ctrl.abort(new Error('early'));
    await expect(api.call(ordersCall(testAuth(), ctrl.signal))).rejects.toThrow('early');
    expect(requests).toHaveLength(0);
  });
});
