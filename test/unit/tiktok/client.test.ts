import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/tiktok/client.ts';
import { ENDPOINTS } from '../../../src/tiktok/endpoints/catalog.ts';
import {
  InvalidRequestError,
  RateLimitedError,
  TokenExpiredError,
  TransientError,
} from '../../../src/tiktok/errors.ts';
import { verifySign } from '../../../src/tiktok/sign.ts';
import type { ApiCallObserver } from '../../../src/tiktok/types.ts';
import {
  ACCESS_TOKEN,
  APP_KEY,
  APP_SECRET,
  apiError,
  fakeFetch,
  hang,
  jsonResponse,
  networkDown,
  ok,
  REFRESHED_TOKEN,
  raw,
  type Responder,
  SHOP_CIPHER,
  sequence,
  testAuth,
} from './helpers/fake-api.ts';

const NOW = 1_750_000_000_123;
const FAST_RETRY = { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 5 };

function setup(responder: Responder, extra: Partial<Parameters<typeof createApiClient>[0]> = {}) {
  const fake = fakeFetch(responder);
  const events: Parameters<ApiCallObserver['onCall']>[0][] = [];
  const api = createApiClient({
    apiBaseUrl: 'https://api.test/',
    authBaseUrl: 'https://auth.test',
    fetch: fake.fetch,
    now: () => NOW,
    retry: FAST_RETRY,
    observer: { onCall: (e) => events.push(e) },
    ...extra,
  });
  return { api, requests: fake.requests, events };
}

const ordersCall = (auth = testAuth(), signal?: AbortSignal) => ({
  endpoint: ENDPOINTS.sellerOrdersSearch,
  auth,
  query: { page_size: 50, page_token: 'tok-1' },
  body: { create_time_ge: 1719807456, create_time_lt: 1722485856 },
  ...(signal ? { signal } : {}),
});

describe('createApiClient: request building (api doc §1.1, §2)', () => {
  it('signs exactly the bytes it sends, with app_key, timestamp from now() and the header token', async () => {
    const { api, requests } = setup(ok({ orders: [] }));
    const res = await api.call(ordersCall());
    expect(res).toEqual({ data: { orders: [] }, requestId: 'req-ok' });
    const [req] = requests;
    if (!req) throw new Error('no request');
    expect(req.method).toBe('POST');
    expect(req.url.origin + req.url.pathname).toBe('https://api.test/affiliate_seller/202410/orders/search');
    const q = req.url.searchParams;
    expect(q.get('app_key')).toBe(APP_KEY);
    expect(q.get('timestamp')).toBe('1750000000');
    expect(q.get('shop_cipher')).toBe(SHOP_CIPHER);
    expect(q.get('page_size')).toBe('50');
    expect(q.get('access_token')).toBeNull();
    expect(req.headers['x-tts-access-token']).toBe(ACCESS_TOKEN);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toBe('{"create_time_ge":1719807456,"create_time_lt":1722485856}');
    expect(verifySign(APP_SECRET, req.url.pathname, q, req.body, q.get('sign') ?? '')).toBe(true);
  });

  it('attaches only the cipher the endpoint declares, never the other one (36009004)', async () => {
    const { api, requests } = setup(ok({}));
    const auth = testAuth();
    await api.call({ endpoint: ENDPOINTS.partnerCampaigns, auth, query: { page_size: 10 } });
    await api.call({ endpoint: ENDPOINTS.creatorOrdersSearch, auth, body: {} });
    await api.call({ endpoint: ENDPOINTS.authorizedShops, auth });
    const [partner, creator, shops] = requests.map((r) => r.url.searchParams);
    expect(partner?.get('category_asset_cipher')).toBe(auth.categoryAssetCipher);
    expect(partner?.has('shop_cipher')).toBe(false);
    for (const q of [creator, shops]) {
      expect(q?.has('shop_cipher')).toBe(false);
      expect(q?.has('category_asset_cipher')).toBe(false);
    }
  });

  it('an optional declared cipher is omitted when the connection has none; a required one fails before sending', async () => {
    const { api, requests } = setup(ok({}));
    const auth = testAuth({ shopCipher: undefined });
    await api.call({ endpoint: ENDPOINTS.openCollaborationProductsSearch, auth, body: {} });
    expect(requests[0]?.url.searchParams.has('shop_cipher')).toBe(false);
    await expect(api.call(ordersCall(auth))).rejects.toThrow(/requires shop_cipher/);
    expect(requests).toHaveLength(1);
  });

  it('refuses caller-supplied reserved parameters such as a cipher or sign', async () => {
    const { api, requests } = setup(ok({}));
    const call = api.call({
      endpoint: ENDPOINTS.creatorOrdersSearch,
      auth: testAuth(),
      query: { shop_cipher: 'x' },
    });
    await expect(call).rejects.toBeInstanceOf(InvalidRequestError);
    expect(requests).toHaveLength(0);
  });

  it('URL-encodes path parameters and signs the encoded path it sends', async () => {
    const { api, requests } = setup(ok({ id: 'c/1' }));
    await api.call({
      endpoint: ENDPOINTS.partnerCampaignDetail,
      auth: testAuth(),
      pathParams: { campaign_id: 'c/1 x' },
    });
    const req = requests[0];
    expect(req?.url.pathname).toBe('/affiliate_partner/202405/campaigns/c%2F1%20x');
    expect(
      verifySign(
        APP_SECRET,
        req?.url.pathname ?? '',
        req?.url.searchParams ?? {},
        null,
        req?.url.searchParams.get('sign') ?? '',
      ),
    ).toBe(true);
  });

  it('joins array query values with commas, and they are what gets signed (api doc §1.1)', async () => {
    const { api, requests } = setup(ok({}));
    await api.call({
      endpoint: ENDPOINTS.partnerCampaigns,
      auth: testAuth(),
      query: { product_ids: ['1', '2', '3'] },
    });
    const q = requests[0]?.url.searchParams;
    expect(q?.get('product_ids')).toBe('1,2,3');
  });

  it('token host calls are unsigned and carry no access token header (api doc §3)', async () => {
    const { api, requests } = setup(ok({}));
    await api.call({
      endpoint: ENDPOINTS.tokenGet,
      auth: null,
      query: { app_key: 'k', app_secret: APP_SECRET },
    });
    const req = requests[0];
    expect(req?.url.origin).toBe('https://auth.test');
    expect(req?.url.searchParams.has('sign')).toBe(false);
    expect(req?.url.searchParams.has('timestamp')).toBe(false);
    expect(req?.headers['x-tts-access-token']).toBeUndefined();
  });
});

describe('createApiClient: retries (ARCHITECTURE.md retry layers)', () => {
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
    await api.call(ordersCall());
    const [a, b] = fake.requests.map((r) => r.url.searchParams);
    expect(a?.get('timestamp')).not.toBe(b?.get('timestamp'));
    expect(a?.get('sign')).not.toBe(b?.get('sign'));
  });
});

describe('createApiClient: throttling (api doc §9.2)', () => {
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

describe('createApiClient: expired token (api doc §9.1 105002)', () => {
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

describe('createApiClient: observer', () => {
  it('reports every HTTP attempt with endpoint, code, status and attempt number', async () => {
    const { api, events } = setup(sequence(apiError(36009003, 'Internal', 500), ok({})));
    await api.call(ordersCall());
    expect(events).toMatchObject([
      { endpoint: 'seller_orders_search', status: 'error', code: 36009003, httpStatus: 500, attempt: 1 },
      { endpoint: 'seller_orders_search', status: 'ok', code: 0, httpStatus: 200, attempt: 2 },
    ]);
    for (const e of events) expect(e.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a JSON body with a non-zero code on HTTP 200 is an error (api doc §1.3)', async () => {
    const { api } = setup(() =>
      jsonResponse({ code: 16032005, message: 'Campaign not found', request_id: 'r9' }),
    );
    const err = await api.call(ordersCall()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).requestId).toBe('r9');
  });
});
