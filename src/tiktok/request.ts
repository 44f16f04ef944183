/**
 * Building one HTTP request: path parameters, the common query (docs/tiktok-api.md#common-parameters), the declared
 * cipher only, the JSON body serialized ONCE and the signature over exactly those bytes (docs/tiktok-api.md#signing).
 */
import { type EndpointDef, endpointLabel } from './endpoints/catalog.ts';
import { InvalidRequestError } from './errors.ts';
import { computeSign } from './sign.ts';
import type { ConnectionAuth } from './types.ts';

export type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined;

/** Keys the client owns; a caller passing one is a bug (ciphers: docs/tiktok-api.md#common-parameters 36009004). */
const RESERVED_QUERY_KEYS = new Set([
  'app_key',
  'timestamp',
  'sign',
  'access_token',
  'shop_cipher',
  'category_asset_cipher',
]);

export interface BuiltRequest {
  url: string;
  init: { method: string; headers: Record<string, string>; body?: string };
  /** Secret values present in this request (scrubbed from any echo). */
  secrets: string[];
  pageTokenSent: boolean;
}

export function fillPath(endpoint: EndpointDef, params: Readonly<Record<string, string>> = {}): string {
  return endpoint.path.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = params[key];
    if (typeof value !== 'string' || value === '') {
      throw new InvalidRequestError({
        endpoint: endpointLabel(endpoint),
        code: null,
        httpStatus: null,
        requestId: null,
        detail: `path parameter "${key}" is missing or empty`,
      });
    }
    return encodeURIComponent(value);
  });
}

/** Query values as strings; arrays comma-joined, which is also what gets signed (docs/tiktok-api.md#common-parameters). */
export function serializeQuery(query: Readonly<Record<string, QueryValue>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    out[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}

/**
 * The body text to send and sign, or null for no body. Serialized ONCE per call: the signed bytes
 * are exactly the sent bytes.
 *
 * An empty object is sent as NO body. How the server signs a body of exactly `{}` is not
 * documented: over its bytes (the signing guide appends the raw body), or as no body at all (the
 * official Node SDK leaves an empty-object body out of the string it signs while still sending it).
 * A request without a body signs the same under both, so it can never be refused with 106001 for
 * that reason, and no run has to spend a bad signature learning which it is. That is allowed where
 * it happens: the searches that send no filter (the seller's open collaborations and the
 * open-collaboration product search) mark their whole body optional, and "no filter" is what an
 * absent body means. The alternative, a non-empty body holding a field set to its documented
 * default, does not exist there: none of those body fields has a documented default (the sort
 * defaults are query parameters).
 */
export function serializeBody(body: unknown): string | null {
  if (body === undefined) return null;
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0)
    return null;
  return JSON.stringify(body);
}

/** The one cipher this endpoint declares, taken from `auth`; never any other (docs/tiktok-api.md#common-parameters). */
export function cipherParam(endpoint: EndpointDef, auth: ConnectionAuth | null): Record<string, string> {
  if (endpoint.cipher === 'none') return {};
  const value = endpoint.cipher === 'shop_cipher' ? auth?.shopCipher : auth?.categoryAssetCipher;
  if (value) return { [endpoint.cipher]: value };
  if (!endpoint.cipherRequired) return {};
  // docs/tiktok-api.md#error-codes: the API would answer 106013 (missing shop_cipher); fail before sending.
  throw new InvalidRequestError({
    endpoint: endpointLabel(endpoint),
    code: null,
    httpStatus: null,
    requestId: null,
    detail: `this endpoint requires ${endpoint.cipher} but the connection has none`,
  });
}

function checkReserved(endpoint: EndpointDef, query: Record<string, string>): void {
  if (endpoint.host === 'auth') return; // token endpoints carry app_key/app_secret themselves (docs/tiktok-api.md#tokens)
  for (const key of Object.keys(query)) {
    if (!RESERVED_QUERY_KEYS.has(key)) continue;
    throw new InvalidRequestError({
      endpoint: endpointLabel(endpoint),
      code: null,
      httpStatus: null,
      requestId: null,
      detail: `query parameter "${key}" is set by the client; the caller must not pass it`,
    });
  }
}

export interface BuildInput {
  baseUrl: string;
  endpoint: EndpointDef;
  path: string;
  query: Record<string, string>;
  /** The JSON text to send (already serialized once), or null for no body. */
  rawBody: string | null;
  auth: ConnectionAuth | null;
  accessToken: string | null;
  nowMs: number;
  extraSecrets: readonly string[];
}

export function buildRequest(input: BuildInput): BuiltRequest {
  const { endpoint, auth } = input;
  checkReserved(endpoint, input.query);
  const secrets = [...input.extraSecrets];
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  let params: Record<string, string> = { ...input.query };

  if (endpoint.host === 'api') {
    if (!auth) throw new Error(`${endpointLabel(endpoint)} needs connection credentials`);
    params = {
      ...params,
      ...cipherParam(endpoint, auth),
      app_key: auth.appKey,
      // 10-digit seconds; valid within [now-300 s, now+30 s] (docs/tiktok-api.md#common-parameters). Fresh per attempt.
      timestamp: String(Math.floor(input.nowMs / 1000)),
    };
    const sign = computeSign(auth.appSecret, input.path, params, input.rawBody);
    params.sign = sign;
    secrets.push(sign, auth.appSecret);
    if (input.accessToken !== null) {
      // docs/tiktok-api.md#common-parameters: versions >= 202309 take the token in this header, never in the query.
      headers['x-tts-access-token'] = input.accessToken;
      secrets.push(input.accessToken);
    }
  }

  const search = new URLSearchParams(params).toString();
  const url = `${input.baseUrl.replace(/\/+$/, '')}${input.path}${search ? `?${search}` : ''}`;
  const init: BuiltRequest['init'] = { method: endpoint.method, headers };
  if (input.rawBody !== null) init.body = input.rawBody;
  return {
    url,
    init,
    secrets,
    pageTokenSent: typeof params.page_token === 'string' && params.page_token !== '',
  };
}
