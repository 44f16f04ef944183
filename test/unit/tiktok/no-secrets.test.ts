/**
 * docs/architecture.md#invariant-7-no-secret-in-logs-or-errors: no token, secret or signature in any log line or error message.
 * Drives the client through its failure paths with a captured pino logger at debug level, then
 * greps every log line and every serialized error for every secret the test used.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/tiktok/client.ts';
import { ENDPOINTS } from '../../../src/tiktok/endpoints/catalog.ts';
import { searchSellerOrders } from '../../../src/tiktok/endpoints/seller.ts';
import { exchangeAuthCode, refreshTokens } from '../../../src/tiktok/endpoints/token.ts';
import {
  ACCESS_TOKEN,
  APP_KEY,
  APP_SECRET,
  apiError,
  fakeFetch,
  jsonResponse,
  REFRESHED_TOKEN,
  type Responder,
  raw,
  sequence,
  testAuth,
} from './helpers/fake-api.ts';

const AUTH_CODE = 'authcode-DO-NOT-LEAK-777';
const REFRESH_TOKEN = 'refresh-DO-NOT-LEAK-888';

/** Echoes the request back in the worst possible ways. */
const echoUrl: Responder = (req) => apiError(36009004, `bad request ${req.url.toString()}`)(req, undefined);
const echoHeaders: Responder = (req) =>
  apiError(105001, `token ${req.headers['x-tts-access-token']} deauthorized`)(req, undefined);
const echoHtml: Responder = (req) =>
  raw(`<html>502 for ${req.url.search} ${req.headers['x-tts-access-token']}</html>`, 502)(req, undefined);
const throwWithUrl: Responder = (req) => Promise.reject(new TypeError(`fetch failed: ${req.url.toString()}`));

describe('no secret in logs or errors', () => {
  it('holds across success, retries, throttling, refresh and every error path', async () => {
    const lines: string[] = [];
    const log = pino(
      { level: 'debug' },
      new Writable({
        write(chunk, _enc, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    const fake = fakeFetch(
      sequence(
        () => jsonResponse({ code: 0, message: 'ok', request_id: 'r', data: { orders: [] } }),
        apiError(36009002, 'Too many', 429, { 'retry-after': '0' }),
        throwWithUrl,
        echoHtml,
        apiError(105002, `expired ${ACCESS_TOKEN}`),
        () => jsonResponse({ code: 0, message: 'ok', request_id: 'r', data: {} }),
        echoUrl,
        echoHeaders,
        (req) =>
          apiError(
            36004001,
            `rt ${req.url.searchParams.get('refresh_token')} expired, app_secret=${APP_SECRET}`,
          )(req, undefined),
        (req) => raw(`not json ${req.url.search}`, 400)(req, undefined),
      ),
    );
    const api = createApiClient({
      apiBaseUrl: 'https://api.test',
      authBaseUrl: 'https://auth.test',
      fetch: fake.fetch,
      retry: { retries: 3, minTimeoutMs: 1, maxTimeoutMs: 2 },
      log,
    });
    const errors: unknown[] = [];
    const attempt = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (err) {
        errors.push(err);
      }
    };

    const auth = testAuth();
    await attempt(() => searchSellerOrders(api, auth, {})); // ok
    await attempt(() => searchSellerOrders(api, auth, {})); // 429 -> network (url in message) -> 502 echo -> 105002 -> refresh -> ok
    await attempt(() => api.call({ endpoint: ENDPOINTS.creatorOrdersSearch, auth, body: {} })); // echoes the URL
    await attempt(() => api.call({ endpoint: ENDPOINTS.creatorOrdersSearch, auth, body: {} })); // echoes the header
    await attempt(() =>
      refreshTokens(api, { appKey: APP_KEY, appSecret: APP_SECRET, refreshToken: REFRESH_TOKEN }),
    );
    await attempt(() =>
      exchangeAuthCode(api, { appKey: APP_KEY, appSecret: APP_SECRET, authCode: AUTH_CODE }),
    );

    expect(errors.length).toBeGreaterThanOrEqual(4);
    const signs = fake.requests.map((r) => r.url.searchParams.get('sign')).filter((s): s is string => !!s);
    expect(signs.length).toBeGreaterThan(5);
    // Sanity: the secrets really were on the wire, so the greps below are meaningful.
    const wire = fake.requests.map((r) => r.url.toString() + JSON.stringify(r.headers)).join('\n');
    for (const s of [APP_SECRET, ACCESS_TOKEN, REFRESHED_TOKEN, AUTH_CODE, REFRESH_TOKEN])
      expect(wire).toContain(s);

    const texts = [
      ...lines,
      ...errors.map((e) => {
        const err = e as Error;
        return [
          JSON.stringify(err),
          err.message,
          err.stack,
          String(err),
          JSON.stringify(Object.entries(err)),
        ].join('\n');
      }),
    ].join('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [APP_SECRET, ACCESS_TOKEN, REFRESHED_TOKEN, AUTH_CODE, REFRESH_TOKEN, ...signs]) {
      expect(texts.includes(secret), `leaked ${secret.slice(0, 6)}...`).toBe(false);
    }
  });
});
