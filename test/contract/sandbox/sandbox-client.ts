/**
 * A minimal signed HTTP client for exercising the sandbox in tests and the benchmark, written
 * straight from docs/tiktok-api.md#signing (it deliberately does not use the pipeline's client).
 */
import { computeSign } from '../../../src/tiktok/sign.ts';

export interface SignedTarget {
  url: string;
  appKey: string;
  appSecret: string;
  nowMs: () => number;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  query?: Record<string, string | number>;
  /** Object bodies are JSON-encoded; strings are sent as-is (and signed as-is). */
  body?: unknown;
  token?: string | null;
  /** Override the timestamp (epoch s). */
  timestampS?: number;
  /** Tamper with the computed signature before sending. */
  alterSign?: (sign: string) => string;
  /** Change the body after signing (to prove the body is signed). */
  alterBodyAfterSign?: (body: string) => string;
  omitSign?: boolean;
}

export interface CallResult {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test helper returns loosely typed JSON
  json: any;
  headers: Headers;
}

export function signedRequest(
  target: SignedTarget,
  path: string,
  opts: CallOptions = {},
): { url: string; init: RequestInit } {
  const method = opts.method ?? (opts.body !== undefined ? 'POST' : 'GET');
  const query: Record<string, string> = {
    app_key: target.appKey,
    timestamp: String(opts.timestampS ?? Math.floor(target.nowMs() / 1000)),
  };
  for (const [k, v] of Object.entries(opts.query ?? {})) query[k] = String(v);
  const body =
    opts.body === undefined ? '' : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  let sign = computeSign(target.appSecret, path, query, body === '' ? null : body);
  if (opts.alterSign) sign = opts.alterSign(sign);
  const params = new URLSearchParams(query);
  if (!opts.omitSign) params.set('sign', sign);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.token) headers['x-tts-access-token'] = opts.token;
  const sent = opts.alterBodyAfterSign ? opts.alterBodyAfterSign(body) : body;
  return {
    url: `${target.url}${path}?${params.toString()}`,
    init: { method, headers, body: method === 'POST' ? sent : undefined },
  };
}

export async function call(target: SignedTarget, path: string, opts: CallOptions = {}): Promise<CallResult> {
  const { url, init } = signedRequest(target, path, opts);
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, text, json, headers: res.headers };
}
