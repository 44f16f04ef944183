/**
 * Errors are classified by the body's `code` whatever the HTTP status: the API documents that
 * success is `code == 0`, documents only 429 (throttled) and 503 (overloaded) as statuses, and
 * leaves open which status the other errors carry (200 or a 4xx). So every status the client may
 * meet is crossed with every kind of body, and each cell names the error kind it must produce.
 * The ambiguous cells say why they are decided as they are.
 */
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/tiktok/client.ts';
import { type EnvelopeContext, parseEnvelope } from '../../../src/tiktok/envelope.ts';
import type { ApiErrorKind, TikTokApiError } from '../../../src/tiktok/errors.ts';
import { FAST_RETRY, NOW, ordersCall } from './helpers/client-setup.ts';
import {
  ACCESS_TOKEN,
  fakeFetch,
  jsonResponse,
  REFRESHED_TOKEN,
  type Responder,
  sequence,
  testAuth,
} from './helpers/fake-api.ts';

const STATUSES = [200, 400, 401, 403, 404, 429, 500, 503] as const;
type Status = (typeof STATUSES)[number];
type Outcome = ApiErrorKind | 'success';

const ctx: EnvelopeContext = {
  endpoint: 'POST /affiliate_seller/202410/orders/search',
  secrets: [],
  pageTokenSent: false,
  scope: null,
  nowMs: NOW,
};

const envelope = (code: number, message: string, data?: unknown) =>
  JSON.stringify({ code, message, request_id: 'RID-M', ...(data === undefined ? {} : { data }) });

const BODIES: Record<string, string> = {
  'code 0 with data': envelope(0, 'Success', { orders: [] }),
  '105002 expired': envelope(105002, 'access token is expired, please refresh it'),
  '105001 deauthorized': envelope(105001, 'access token is invalid; detail:your token has been deauthorized'),
  '36009002 throttled': envelope(36009002, 'Too many requests'),
  '36009003 internal': envelope(36009003, 'Internal error. Please try again.'),
  '106001 bad sign': envelope(106001, 'Invalid credentials. The `sign` query parameter is invalid.'),
  '36009004 param': envelope(36009004, 'Invalid credentials. The `app_key` query parameter is invalid.'),
  'unknown code': envelope(77777777, 'something new'),
  'HTML, no envelope': '<html><body><h1>Gateway</h1></body></html>',
};

/** The status alone, for the cells where the body has nothing to say (no envelope, unknown code). */
const BY_STATUS: Record<Status, ApiErrorKind> = {
  200: 'invalid_request', // replaced per row below: a 2xx has no status verdict of its own
  400: 'invalid_request',
  401: 'invalid_request', // without a code nothing says the token expired: refreshing would be a guess
  403: 'permission',
  404: 'invalid_request',
  429: 'rate_limited',
  500: 'transient',
  503: 'transient',
};
const byStatus = (at200: Outcome): Outcome[] => STATUSES.map((s) => (s === 200 ? at200 : BY_STATUS[s]));
const everywhere = (kind: ApiErrorKind): Outcome[] => STATUSES.map(() => kind);

/** Expected outcome per body, in the order of STATUSES. */
const MATRIX: Record<keyof typeof BODIES, Outcome[]> = {
  // Code 0 on a non-2xx contradicts itself; the data of an error response is never stored, so the
  // status decides (a 4xx/5xx with `code: 0` is what a proxy that rewrites statuses would send).
  'code 0 with data': byStatus('success'),
  // A known code decides on every status. On a 429 too: a body that says the token expired (or was
  // deauthorized, or the request is malformed) will say so again after any throttle wait, so
  // waiting would only delay the refresh or the verdict.
  '105002 expired': everywhere('token_expired'),
  '105001 deauthorized': everywhere('token_revoked'),
  '36009002 throttled': everywhere('rate_limited'),
  // A retryable code stays retryable on a 4xx: the server said "try again".
  '36009003 internal': everywhere('transient'),
  // A non-retryable code stays fatal on a 5xx: the server judged the request itself, and the same
  // bytes would be judged the same way; retrying would hide a client bug behind backoff.
  '106001 bad sign': everywhere('invalid_request'),
  '36009004 param': everywhere('invalid_request'),
  // An unknown code on a 2xx is never retried blindly; on an error status the status is the only
  // meaning left, so it decides (5xx retried, 429 throttled, 403 permission).
  'unknown code': byStatus('invalid_request'),
  // No envelope: on a 2xx a proxy's page or a cut body, which sending again can cure; otherwise
  // the status decides.
  'HTML, no envelope': byStatus('transient'),
};

function outcome(status: number, body: string): Outcome {
  try {
    parseEnvelope(status, null, body, ctx);
    return 'success';
  } catch (err) {
    const e = err as TikTokApiError;
    if (typeof e.kind !== 'string') throw err;
    return e.kind;
  }
}

describe('error kind by HTTP status x body (the body code decides whatever the status)', () => {
  for (const [name, body] of Object.entries(BODIES)) {
    it(`${name}: ${STATUSES.map((s, i) => `${s}->${MATRIX[name]?.[i]}`).join(' ')}`, () => {
      expect(STATUSES.map((s) => `${s}:${outcome(s, body)}`)).toEqual(
        STATUSES.map((s, i) => `${s}:${MATRIX[name]?.[i]}`),
      );
    });
  }

  it('every cell keeps the status and the code it came with', () => {
    for (const status of STATUSES.filter((s) => s !== 200)) {
      let err: TikTokApiError | undefined;
      try {
        parseEnvelope(status, null, BODIES['105002 expired'] as string, ctx);
      } catch (e) {
        err = e as TikTokApiError;
      }
      expect({ status: err?.httpStatus, code: err?.code, requestId: err?.requestId }).toEqual({
        status,
        code: 105002,
        requestId: 'RID-M',
      });
    }
  });
});

describe('the client acts on the classification, whatever the status', () => {
  const client = (responder: Responder) => {
    const fake = fakeFetch(responder);
    const api = createApiClient({
      apiBaseUrl: 'https://api.test',
      authBaseUrl: 'https://auth.test',
      fetch: fake.fetch,
      now: () => NOW,
      retry: FAST_RETRY,
      maxThrottleWaitMs: 5_000,
    });
    return { api, requests: fake.requests };
  };
  const answer =
    (status: number, body: string, headers: Record<string, string> = {}): Responder =>
    () =>
      new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });
  const success = () => jsonResponse({ code: 0, message: 'Success', request_id: 'ok', data: { y: 1 } });

  it.each(STATUSES)(
    '105002 on HTTP %i: one refresh, then the call succeeds with the new token',
    async (status) => {
      const auth = testAuth();
      const { api, requests } = client(sequence(answer(status, BODIES['105002 expired'] as string), success));
      await expect(api.call(ordersCall(auth))).resolves.toMatchObject({ data: { y: 1 } });
      expect(auth.tokens.refreshCalls).toEqual([ACCESS_TOKEN]);
      expect(requests.map((r) => r.headers['x-tts-access-token'])).toEqual([ACCESS_TOKEN, REFRESHED_TOKEN]);
    },
  );

  it.each(STATUSES)('106001 on HTTP %i: thrown at once, one request, no wait', async (status) => {
    // A 429's Retry-After would hold the call for a minute if it were taken as throttling.
    const { api, requests } = client(
      answer(status, BODIES['106001 bad sign'] as string, { 'retry-after': '60' }),
    );
    const started = performance.now();
    const err = (await api.call(ordersCall()).catch((e: unknown) => e)) as TikTokApiError;
    expect({ kind: err.kind, requests: requests.length }).toEqual({ kind: 'invalid_request', requests: 1 });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it.each(STATUSES)('36009003 on HTTP %i: retried, then the call succeeds', async (status) => {
    const { api, requests } = client(
      sequence(answer(status, BODIES['36009003 internal'] as string), success),
    );
    await expect(api.call(ordersCall())).resolves.toMatchObject({ data: { y: 1 } });
    expect(requests).toHaveLength(2);
  });
});
