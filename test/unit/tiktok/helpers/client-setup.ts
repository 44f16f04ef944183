/** A client over the scripted fetch, with a fixed clock and fast retries, plus a typical call. */
import { createApiClient } from '../../../../src/tiktok/client.ts';
import { ENDPOINTS } from '../../../../src/tiktok/endpoints/catalog.ts';
import type { ApiCallObserver } from '../../../../src/tiktok/types.ts';
import { fakeFetch, type Responder, testAuth } from './fake-api.ts';

export const NOW = 1_750_000_000_123;
export const FAST_RETRY = { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 5 };

export function setup(responder: Responder, extra: Partial<Parameters<typeof createApiClient>[0]> = {}) {
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

export const ordersCall = (auth = testAuth(), signal?: AbortSignal) => ({
  endpoint: ENDPOINTS.sellerOrdersSearch,
  auth,
  query: { page_size: 50, page_token: 'tok-1' },
  body: { create_time_ge: 1719807456, create_time_lt: 1722485856 },
  ...(signal ? { signal } : {}),
});
