/**
 * Test doubles for the API client: an injected `fetch` that records every request and answers
 * from a script, envelope builders, and a ConnectionAuth with a scripted token source.
 * Shared by the unit and integration tests of src/tiktok.
 */
import type { ConnectionAuth, TokenSource } from '../../../../src/tiktok/types.ts';

export interface RecordedRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

export type Responder = (
  req: RecordedRequest,
  signal: AbortSignal | undefined,
) => Response | Promise<Response>;

/** Well-known secret values: the no-secrets tests grep everything for them. */
export const APP_KEY = 'appkey-29a39d';
export const APP_SECRET = 'appsecret-e59af819cc-DO-NOT-LEAK';
export const ACCESS_TOKEN = 'TTP_access-token-one-DO-NOT-LEAK';
export const REFRESHED_TOKEN = 'TTP_access-token-two-DO-NOT-LEAK';
export const SHOP_CIPHER = 'ROW_shopcipher123';
export const ASSET_CIPHER = 'TTP_assetcipher456';

export function fakeFetch(responder: Responder): { fetch: typeof fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const signal = init?.signal ?? undefined;
    signal?.throwIfAborted();
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const req: RecordedRequest = {
      url: new URL(String(input)),
      method: init?.method ?? 'GET',
      headers,
      body: typeof init?.body === 'string' ? init.body : null,
    };
    requests.push(req);
    return responder(req, signal);
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}

/** Answers with each responder in turn; the last one repeats. */
export function sequence(...responders: Responder[]): Responder {
  let i = 0;
  return (req, signal) => {
    const r = responders[Math.min(i, responders.length - 1)];
    i += 1;
    if (!r) throw new Error('sequence() needs at least one responder');
    return r(req, signal);
  };
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export const ok =
  (data: unknown, requestId = 'req-ok'): Responder =>
  () =>
    jsonResponse({ code: 0, message: 'Success', request_id: requestId, data });

export const apiError =
  (code: number, message: string, status = 200, headers: Record<string, string> = {}): Responder =>
  () =>
    jsonResponse({ code, message, request_id: `req-${code}` }, status, headers);

export const raw =
  (text: string, status = 200): Responder =>
  () =>
    new Response(text, { status });

/** Never answers; rejects like undici when the request's signal aborts. */
export const hang: Responder = (_req, signal) =>
  new Promise<Response>((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

/** Rejects like undici on a refused connection. */
export const networkDown: Responder = () => {
  const err = new TypeError('fetch failed');
  (err as { cause?: unknown }).cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
    code: 'ECONNREFUSED',
  });
  return Promise.reject(err);
};

export interface ScriptedTokens extends TokenSource {
  current: string;
  refreshCalls: string[];
}

export function scriptedTokens(initial = ACCESS_TOKEN, next = REFRESHED_TOKEN): ScriptedTokens {
  const tokens: ScriptedTokens = {
    current: initial,
    refreshCalls: [],
    accessToken: async () => tokens.current,
    refreshAfterExpiry: async (rejected: string) => {
      tokens.refreshCalls.push(rejected);
      tokens.current = next;
      return next;
    },
  };
  return tokens;
}

export function testAuth(
  overrides: Partial<ConnectionAuth> = {},
): ConnectionAuth & { tokens: ScriptedTokens } {
  return {
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    tokens: scriptedTokens(),
    shopCipher: SHOP_CIPHER,
    categoryAssetCipher: ASSET_CIPHER,
    budgetScope: 'shop-1',
    ...overrides,
  } as ConnectionAuth & { tokens: ScriptedTokens };
}
