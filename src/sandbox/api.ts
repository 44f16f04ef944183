/**
 * The request pipeline of the simulated API, independent of the HTTP server: route match,
 * injected faults, common-parameter checks (docs/tiktok-api.md#common-parameters, docs/sandbox.md), signature (docs/tiktok-api.md#signing), token and cipher
 * rules (docs/tiktok-api.md#token-types), scope, throttling (docs/tiktok-api.md#rate-limits), then the endpoint handler and the envelope (docs/tiktok-api.md#response-envelope).
 */
import { verifySign } from '../tiktok/sign.ts';
import { BufferPool } from './buffer-pool.ts';
import type { VirtualClock } from './clock.ts';
import type { AssetModel, ShopModel } from './data/model.ts';
import type { OrderPager } from './data/order-source.ts';
import type { World } from './data/world.ts';
import { applyDrift } from './drift.ts';
import type { EndpointId } from './endpoints.ts';
import { ApiError, Errors, httpStatusFor } from './errors.ts';
import type { FaultDecision, FaultEngine } from './faults.ts';
import type { PageTokenCodec } from './page-token.ts';
import type { SandboxQuirks } from './quirks.ts';
import type { RateLimiter } from './rate-limit.ts';
import { type AuthDeps, tokenGet, tokenRefresh } from './routes/auth.ts';
import type { HandlerContext, RouteDef } from './routes/context.ts';
import type { Router } from './routes/table.ts';
import type { StatsCollector } from './stats.ts';
import { type Principal, type TokenStore, USER_TYPE } from './tokens.ts';

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  rawBody: Buffer;
  accessToken: string | undefined;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON text, or its UTF-8 bytes on the order hot path. */
  body: string | Buffer;
  /** Call once the body has been written out: its buffer goes back to the pool. */
  release: (() => void) | null;
  /** Records (and order sku lines) in the body's list, for the served counters. */
  served: { records: number; lines: number };
  /** Fault: destroy the connection instead of answering. */
  reset: boolean;
  latencyMs: number;
  endpoint: string;
  pathKey: string;
  code: number | null;
  fault: string | null;
  badSignature: boolean;
  throttled: boolean;
  /** A token refresh rotated a pair (counted in stats.refreshes, even if the answer is then mangled). */
  refreshed: boolean;
}

export interface ApiDeps {
  world: World;
  clock: VirtualClock;
  tokens: TokenStore;
  stats: StatsCollector;
  limiter: RateLimiter;
  codec: PageTokenCodec;
  pager: OrderPager;
  router: Router;
  faults: () => FaultEngine;
  /** The ambiguity switches in force (they can change at run time: POST /__sandbox/quirks). */
  quirks: () => SandboxQuirks;
  baseLatencyMs: number;
}

const AUTH_PATHS: Record<string, EndpointId> = {
  '/api/v2/token/get': 'token_get',
  '/api/v2/token/refresh': 'token_refresh',
};
const JSON_HEADERS = { 'content-type': 'application/json' };

/** The token host's paths (its requests are not business API calls). */
export function isAuthPath(path: string): boolean {
  return path in AUTH_PATHS;
}
const NOTHING_SERVED = { records: 0, lines: 0 };

export class SandboxApi {
  private requestCounter = 0;
  /** Response buffers of the order hot path. */
  private readonly pool = new BufferPool();

  constructor(private readonly deps: ApiDeps) {}

  private stampSecond = -1;
  private stamp = '';

  /** Like the real ids ("202203070749000101890810281E8C70B7"): time stamp + a counter. */
  private requestId(): string {
    const second = Math.floor(this.deps.clock.nowMs() / 1000);
    if (second !== this.stampSecond) {
      this.stampSecond = second;
      this.stamp = new Date(second * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
    }
    return this.stamp + (++this.requestCounter).toString(16).toUpperCase().padStart(20, '0');
  }

  private respond(
    base: Partial<ApiResponse> & { endpoint: string; pathKey: string },
    status: number,
    body: string | Buffer,
  ): ApiResponse {
    return {
      status,
      headers: JSON_HEADERS,
      body,
      release: null,
      served: NOTHING_SERVED,
      reset: false,
      latencyMs: this.deps.baseLatencyMs,
      code: null,
      fault: null,
      badSignature: false,
      throttled: false,
      refreshed: false,
      ...base,
    };
  }

  private error(
    error: ApiError,
    endpoint: string,
    pathKey: string,
    extra: Partial<ApiResponse> = {},
  ): ApiResponse {
    // Error bodies carry code, message and request_id only, no data (docs/tiktok-api.md#response-envelope).
    const body = JSON.stringify({ code: error.code, message: error.message, request_id: this.requestId() });
    const status = httpStatusFor(error, this.deps.faults().spec.errorMode ?? this.deps.quirks().errorStatus);
    const headers: Record<string, string> = { ...JSON_HEADERS };
    const retryAfter = this.deps.faults().spec.retryAfterS;
    if (status === 429 && retryAfter !== null) headers['retry-after'] = String(retryAfter);
    return { ...this.respond({ endpoint, pathKey, code: error.code, headers, ...extra }, status, body) };
  }

  handle(req: ApiRequest): ApiResponse {
    const authEndpoint = AUTH_PATHS[req.path];
    if (authEndpoint) return this.handleAuth(req, authEndpoint);
    const matches = this.deps.router.match(req.path);
    const match = matches.find((m) => m.route.method === req.method);
    if (!match) {
      const error = matches.length > 0 ? Errors.badMethod() : Errors.badPath();
      return this.error(error, 'unknown', matches[0]?.route.path ?? 'unknown');
    }
    const { route, params } = match;
    const decision = this.deps.faults().decide(route.id, (req.query.get('page_token') ?? '') !== '');
    const injected = this.injected(decision, route.id, route.path);
    if (injected) return injected;
    let result: ApiResponse;
    try {
      result = this.business(req, route, params, decision);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      result = this.error(error, route.id, route.path, {
        badSignature: error.code === 106001,
        throttled: error.code === 36009002,
      });
    }
    result.latencyMs += decision.latencyMs;
    return this.mangle(result, decision);
  }

  private injected(d: FaultDecision, endpoint: EndpointId, pathKey: string): ApiResponse | null {
    const latencyMs = this.deps.baseLatencyMs + d.latencyMs;
    switch (d.action) {
      case 'none':
        return null;
      case 'reset':
        return { ...this.respond({ endpoint, pathKey, fault: 'reset', reset: true, latencyMs }, 0, '') };
      case '429':
        return this.error(Errors.throttled(), endpoint, pathKey, {
          fault: '429',
          throttled: true,
          latencyMs,
        });
      case 'internal':
        return this.error(Errors.internal(), endpoint, pathKey, { fault: 'internal', latencyMs });
      case 'timeout': {
        const e = new ApiError(36009007, 'Request timeout', 'internal');
        return this.error(e, endpoint, pathKey, { fault: 'timeout', latencyMs });
      }
      case '5xx': {
        const status = this.deps.faults().pick5xx();
        if (status === 500) {
          const e = Errors.internal();
          const body = JSON.stringify({ code: e.code, message: e.message, request_id: this.requestId() });
          return this.respond({ endpoint, pathKey, code: e.code, fault: '5xx', latencyMs }, 500, body);
        }
        const body = `<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Service Unavailable'}</h1></body></html>`;
        return this.respond(
          { endpoint, pathKey, fault: '5xx', latencyMs, headers: { 'content-type': 'text/html' } },
          status,
          body,
        );
      }
    }
  }

  private mangle(res: ApiResponse, d: FaultDecision): ApiResponse {
    if (d.body === 'truncate') {
      const bytes = typeof res.body === 'string' ? Buffer.from(res.body) : res.body;
      return {
        ...res,
        body: bytes.subarray(0, Math.floor(bytes.length / 2)),
        fault: 'truncate',
        served: NOTHING_SERVED,
      };
    }
    if (d.body === 'malformed') {
      return {
        ...res,
        body: res.body.toString().replace('"code":', '"code":NaN,"c":'),
        fault: 'malformed',
        served: NOTHING_SERVED,
      };
    }
    return res;
  }

  private authenticate(req: ApiRequest, route: RouteDef, d: FaultDecision): Principal {
    const { world } = this.deps;
    const q = req.query;
    if (q.get('app_key') !== world.appKey) throw Errors.badAppKey();
    const sign = q.get('sign');
    if (!sign) throw Errors.missingSign();
    const ts = q.get('timestamp') ?? '';
    const nowS = this.deps.clock.nowSeconds();
    // Window [now - 300 s, now + 30 s] on the virtual clock (docs/tiktok-api.md#common-parameters, docs/tiktok-api.md#signing).
    if (!/^\d{1,12}$/.test(ts) || Number(ts) < nowS - 300 || Number(ts) > nowS + 30)
      throw Errors.badTimestamp();
    // A body of exactly `{}` is signed as no body at all in `none` mode: the official Node SDK
    // leaves an empty object out of the string it signs while still sending it.
    const signedBody =
      this.deps.quirks().emptyBodySigning === 'none' && isEmptyObjectBody(req.rawBody) ? null : req.rawBody;
    if (!verifySign(world.appSecret, req.path, q, signedBody, sign)) throw Errors.badSign();
    if (d.expireToken && req.accessToken) {
      try {
        this.deps.tokens.expire(req.accessToken);
        // Disarm only now: a request answered by an injected fault before this point leaves
        // the expiry armed for the next one (faults.ts, token_expiry_after).
        this.deps.faults().confirmTokenExpiry(route.id);
      } catch {
        // Unknown token: authenticate() below reports it; the expiry stays armed.
      }
    }
    const principal = this.deps.tokens.authenticate(req.accessToken);
    if (USER_TYPE[principal.account.kind] !== USER_TYPE[route.kind]) throw Errors.wrongUserType();
    return principal;
  }

  /** Cipher rules (docs/tiktok-api.md#common-parameters, docs/sandbox.md): exactly the cipher the endpoint declares. */
  private ciphers(
    q: URLSearchParams,
    route: RouteDef,
    principal: Principal,
  ): { shop: ShopModel | null; asset: AssetModel | null } {
    const shopCipher = q.get('shop_cipher');
    const assetCipher = q.get('category_asset_cipher');
    const { world } = this.deps;
    if (route.cipher === 'shop_required' || route.cipher === 'shop_optional') {
      if (assetCipher !== null) throw Errors.unexpectedCipher('category_asset_cipher');
      if (shopCipher === null || shopCipher === '') {
        if (route.cipher === 'shop_required') throw Errors.missingShopCipher();
        return { shop: null, asset: null };
      }
      const shop = world.shopsByCipher.get(shopCipher);
      if (!shop || shop.sellerOpenId !== principal.account.id) throw Errors.cipherMismatch('shop_cipher');
      return { shop, asset: null };
    }
    if (route.cipher === 'asset_required') {
      if (shopCipher !== null) throw Errors.unexpectedCipher('shop_cipher');
      if (assetCipher === null || assetCipher === '') throw Errors.missingAssetCipher();
      const asset = world.assetsByCipher.get(assetCipher);
      if (!asset || world.partner.openId !== principal.account.id)
        throw Errors.cipherMismatch('category_asset_cipher');
      return { shop: null, asset };
    }
    if (shopCipher !== null) throw Errors.unexpectedCipher('shop_cipher');
    if (assetCipher !== null) throw Errors.unexpectedCipher('category_asset_cipher');
    return { shop: null, asset: null };
  }

  private business(
    req: ApiRequest,
    route: RouteDef,
    params: Record<string, string>,
    d: FaultDecision,
  ): ApiResponse {
    const principal = this.authenticate(req, route, d);
    const { shop, asset } = this.ciphers(req.query, route, principal);
    if (route.scope !== null && !principal.scopes.includes(route.scope)) throw Errors.scope(route.scope);
    const budgetKey = `${this.deps.world.appKey}|${shop?.id ?? asset?.cipher ?? principal.account.id}|${route.path}`;
    this.deps.stats.budgetKey(budgetKey);
    if (!this.deps.limiter.admit(budgetKey)) throw Errors.throttled();
    const reqBody = req.method === 'POST' ? parseBody(req.rawBody) : {};
    const nowMs = this.deps.clock.nowMs();
    const ctx: HandlerContext = {
      world: this.deps.world,
      nowMs,
      nowS: Math.floor(nowMs / 1000),
      query: req.query,
      body: reqBody,
      params,
      principal,
      shop,
      asset,
      codec: this.deps.codec,
      pager: this.deps.pager,
      family: route.family,
      endpoint: route.id,
      out: this.deps.world.pageSpace,
      pageTokenExpired: d.pageTokenExpired,
      quirks: this.deps.quirks(),
    };
    const prefix = `{"code":0,"message":"Success","request_id":"${this.requestId()}","data":`;
    const out = ctx.out;
    out.reset();
    out.text(prefix);
    const result = route.handler(ctx);
    let fault: string | null = d.pageTokenExpired ? 'page_token_expired' : null;
    let body: string | Buffer;
    let release: (() => void) | null = null;
    const served =
      'written' in result
        ? { records: result.records, lines: result.lines }
        : { records: result.records.length, lines: 0 };
    if ('written' in result && d.drift === null) {
      out.text('}');
      const buf = this.pool.acquire(out.length);
      body = buf.subarray(0, out.copyTo(buf));
      release = () => this.pool.release(buf);
    } else if ('written' in result) {
      const data = JSON.parse(out.toString().slice(prefix.length)) as Record<
        string,
        Record<string, unknown>[]
      >;
      fault = this.drift(d, data[result.listKey] ?? []) ?? fault;
      body = `${prefix}${JSON.stringify(data)}}`;
    } else {
      if (d.drift !== null) fault = this.drift(d, result.records) ?? fault;
      body = `${prefix}${JSON.stringify(result.data)}}`;
    }
    return this.respond(
      { endpoint: route.id, pathKey: route.path, code: 0, fault, release, served },
      200,
      body,
    );
  }

  private drift(d: FaultDecision, records: Record<string, unknown>[]): string | null {
    return d.drift === null ? null : applyDrift(d.drift, records, (n) => this.deps.faults().index(n));
  }

  private handleAuth(req: ApiRequest, endpoint: EndpointId): ApiResponse {
    const decision = this.deps.faults().decide(endpoint, false);
    const injected = this.injected(decision, endpoint, req.path);
    if (injected) return injected;
    if (req.method !== 'GET') return this.error(Errors.badMethod(), endpoint, req.path);
    const deps: AuthDeps = {
      appKey: this.deps.world.appKey,
      appSecret: this.deps.world.appSecret,
      tokens: this.deps.tokens,
      refreshGrantType: this.deps.quirks().refreshGrantType,
    };
    try {
      const data = endpoint === 'token_get' ? tokenGet(deps, req.query) : tokenRefresh(deps, req.query);
      // The auth host answers message "success" in lower case (docs/tiktok-api.md#token-response example).
      const body = JSON.stringify({ code: 0, message: 'success', data, request_id: this.requestId() });
      const refreshed = endpoint === 'token_refresh';
      return this.mangle(
        this.respond({ endpoint, pathKey: req.path, code: 0, refreshed }, 200, body),
        decision,
      );
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return this.error(error, endpoint, req.path);
    }
  }
}

/** The two bytes `{}` exactly (what JSON.stringify({}) sends). */
function isEmptyObjectBody(raw: Buffer): boolean {
  return raw.length === 2 && raw[0] === 0x7b && raw[1] === 0x7d;
}

function parseBody(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw Errors.badBody();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw Errors.badBody();
  return parsed as Record<string, unknown>;
}
