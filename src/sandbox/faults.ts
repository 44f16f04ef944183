/**
 * Fault injection, driven by a spec string (the `--faults` flag, `setFaults()`, POST /__sandbox/faults).
 *
 * Grammar:  spec   := clause (';' clause)*          (empty clauses and spaces are ignored)
 *           clause := [scope ':'] kind '=' value
 *           scope  := an endpoint id (seller_orders, creator_orders, open_collaborations,
 *                     open_collaboration_products, target_collaborations, target_collaboration_detail,
 *                     campaigns, campaign_detail, campaign_products, fulfillment, shops,
 *                     category_assets, token_get, token_refresh) or a group (orders, auth,
 *                     authorization, seller, creator, partner, target, products). No scope = all.
 * Kinds (P is a probability in [0, 1] per matching request):
 *   5xx=P                  HTTP 500/502/503 (JSON 36009003 body or a plain-text gateway page)
 *   internal=P             code 36009003 "Internal error" (HTTP 200, or 500 in 4xx mode)
 *   timeout=P              code 36009007 "Request timeout" (retryable, docs/tiktok-api.md#error-codes)
 *   429=P                  a single HTTP 429 {"code":36009002}
 *   429burst=PxN           with probability P, start a burst of N consecutive 429s
 *   latency=DIST           added delay: 120 | fixed(120) | uniform(50,200) | normal(150,30) | exp(100)
 *   reset=P                destroy the connection without any response
 *   truncate=P             send only the first half of the JSON body
 *   malformed=P            send a body that is not JSON
 *   page_token_expired=once|P   reject a request carrying a page_token as expired (once, or P)
 *   token_expiry_after=N   after N matching requests, the access token in use expires (105002), once;
 *                          the expiry stays armed until a request carrying an access token passes
 *                          the signature check (a request that draws a 5xx/429/reset, an auth
 *                          request or one with a bad signature does not use it up)
 *   drift.extra=P | drift.missing=P | drift.type=P
 *                          schema drift in one record of the page: an unknown extra field, a
 *                          missing field, or a field of the wrong type
 *   retry_after=S          add `Retry-After: S` to every 429 (none by default)
 *   errors=4xx|200         HTTP status of non-throttling errors; overrides the error_status quirk
 *                          (quirks.ts), whose default is 200
 * Examples:
 *   5xx=0.1;429burst=0.05x20;latency=normal(150,30);reset=0.01;truncate=0.01
 *   page_token_expired=once;token_expiry_after=200;drift.extra=0.02;orders:5xx=0.2
 * Decisions come from a PRNG seeded with (sandbox seed, spec), so a run is reproducible for a
 * given request sequence.
 */
import type { EndpointId } from './endpoints.ts';
import { isEndpointScope, scopeIncludes } from './endpoints.ts';
import { Rng, hashString } from './prng.ts';

export type LatencyDist =
  | { type: 'fixed'; ms: number }
  | { type: 'uniform'; min: number; max: number }
  | { type: 'normal'; mean: number; sd: number }
  | { type: 'exp'; mean: number };

type ProbKind =
  | '5xx'
  | 'internal'
  | 'timeout'
  | '429'
  | 'reset'
  | 'truncate'
  | 'malformed'
  | 'drift.extra'
  | 'drift.missing'
  | 'drift.type';
const PROB_KINDS: ProbKind[] = [
  '5xx',
  'internal',
  'timeout',
  '429',
  'reset',
  'truncate',
  'malformed',
  'drift.extra',
  'drift.missing',
  'drift.type',
];
const OTHER_KINDS = [
  '429burst',
  'latency',
  'page_token_expired',
  'token_expiry_after',
  'retry_after',
  'errors',
];

export type FaultClause =
  | { scope: string | null; kind: ProbKind; p: number }
  | { scope: string | null; kind: '429burst'; p: number; n: number }
  | { scope: string | null; kind: 'latency'; dist: LatencyDist }
  | { scope: string | null; kind: 'page_token_expired'; p: number; once: boolean }
  | { scope: string | null; kind: 'token_expiry_after'; n: number };

export interface FaultSpec {
  source: string;
  clauses: FaultClause[];
  retryAfterS: number | null;
  errorMode: '200' | '4xx' | null;
}

function fail(clause: string, why: string): never {
  throw new Error(`faults: bad clause "${clause}": ${why}`);
}

function prob(clause: string, value: string): number {
  const p = Number(value);
  if (value.trim() === '' || !Number.isFinite(p) || p < 0 || p > 1)
    fail(clause, `"${value}" is not a probability in [0, 1]`);
  return p;
}

function count(clause: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(clause, `"${value}" is not a positive integer`);
  return n;
}

function latency(clause: string, value: string): LatencyDist {
  const m = /^([a-z]*)\(?([^)]*)\)?$/.exec(value.trim());
  const name = m?.[1] || 'fixed';
  const args = (m?.[2] ?? '')
    .split(',')
    .filter((a) => a.trim() !== '')
    .map(Number);
  if (args.some((a) => !Number.isFinite(a) || a < 0)) fail(clause, `bad latency arguments in "${value}"`);
  const [a, b] = args;
  if (name === 'fixed' && args.length === 1 && a !== undefined) return { type: 'fixed', ms: a };
  if (name === 'uniform' && a !== undefined && b !== undefined && b >= a)
    return { type: 'uniform', min: a, max: b };
  if (name === 'normal' && a !== undefined && b !== undefined) return { type: 'normal', mean: a, sd: b };
  if (name === 'exp' && a !== undefined && args.length === 1) return { type: 'exp', mean: a };
  return fail(
    clause,
    `latency must be N, fixed(N), uniform(MIN,MAX), normal(MEAN,SD) or exp(MEAN); got "${value}"`,
  );
}

export function parseFaultSpec(source: string): FaultSpec {
  const spec: FaultSpec = { source, clauses: [], retryAfterS: null, errorMode: null };
  for (const raw of source.split(';')) {
    const clause = raw.trim();
    if (clause === '') continue;
    const eq = clause.indexOf('=');
    if (eq < 0) fail(clause, 'expected kind=value');
    const head = clause.slice(0, eq).trim();
    const value = clause.slice(eq + 1).trim();
    const colon = head.indexOf(':');
    const scope = colon >= 0 ? head.slice(0, colon).trim() : null;
    const kind = colon >= 0 ? head.slice(colon + 1).trim() : head;
    if (scope !== null && !isEndpointScope(scope)) fail(clause, `unknown scope "${scope}"`);
    if ((PROB_KINDS as string[]).includes(kind)) {
      spec.clauses.push({ scope, kind: kind as ProbKind, p: prob(clause, value) });
    } else if (kind === '429burst') {
      const m = /^([0-9.]+)x([0-9]+)$/.exec(value);
      if (!m?.[1] || !m[2]) fail(clause, 'expected 429burst=PxN, e.g. 0.05x20');
      spec.clauses.push({ scope, kind, p: prob(clause, m[1]), n: count(clause, m[2]) });
    } else if (kind === 'latency') {
      spec.clauses.push({ scope, kind, dist: latency(clause, value) });
    } else if (kind === 'page_token_expired') {
      const once = value === 'once';
      spec.clauses.push({ scope, kind, once, p: once ? 1 : prob(clause, value) });
    } else if (kind === 'token_expiry_after') {
      spec.clauses.push({ scope, kind, n: count(clause, value) });
    } else if (kind === 'retry_after') {
      spec.retryAfterS = count(clause, value);
    } else if (kind === 'errors') {
      if (value !== '4xx' && value !== '200') fail(clause, 'errors must be 4xx or 200');
      spec.errorMode = value;
    } else {
      fail(clause, `unknown kind "${kind}" (known: ${[...PROB_KINDS, ...OTHER_KINDS].join(', ')})`);
    }
  }
  return spec;
}

export type FaultAction = 'none' | 'reset' | '5xx' | 'internal' | 'timeout' | '429';
export interface FaultDecision {
  latencyMs: number;
  action: FaultAction;
  body: 'ok' | 'truncate' | 'malformed';
  drift: 'extra' | 'missing' | 'type' | null;
  pageTokenExpired: boolean;
  expireToken: boolean;
}

export const NO_FAULT: FaultDecision = {
  latencyMs: 0,
  action: 'none',
  body: 'ok',
  drift: null,
  pageTokenExpired: false,
  expireToken: false,
};

/** Turns a spec into per-request decisions; keeps the state of bursts and one-shot faults. */
export class FaultEngine {
  private readonly rng: Rng;
  private readonly bursts = new Map<FaultClause, number>();
  private readonly counters = new Map<FaultClause, number>();
  private readonly fired = new Set<FaultClause>();

  constructor(
    readonly spec: FaultSpec,
    seed: number,
  ) {
    this.rng = new Rng(seed ^ hashString(spec.source));
  }

  private sample(dist: LatencyDist): number {
    switch (dist.type) {
      case 'fixed':
        return dist.ms;
      case 'uniform':
        return dist.min + this.rng.float() * (dist.max - dist.min);
      case 'normal':
        return Math.max(0, dist.mean + dist.sd * this.rng.normal());
      case 'exp':
        return -dist.mean * Math.log(1 - this.rng.float());
    }
  }

  decide(endpoint: EndpointId, hasPageToken: boolean): FaultDecision {
    if (this.spec.clauses.length === 0) return NO_FAULT;
    const d: FaultDecision = { ...NO_FAULT };
    for (const c of this.spec.clauses) {
      if (c.scope !== null && !scopeIncludes(c.scope, endpoint)) continue;
      switch (c.kind) {
        case 'latency':
          d.latencyMs += this.sample(c.dist);
          break;
        case '429burst': {
          const left = this.bursts.get(c) ?? 0;
          if (left > 0) {
            this.bursts.set(c, left - 1);
            d.action = d.action === 'none' ? '429' : d.action;
          } else if (this.rng.float() < c.p) {
            this.bursts.set(c, c.n - 1);
            d.action = d.action === 'none' ? '429' : d.action;
          }
          break;
        }
        case 'page_token_expired':
          if (hasPageToken && !this.fired.has(c) && this.rng.float() < c.p) {
            d.pageTokenExpired = true;
            if (c.once) this.fired.add(c);
          }
          break;
        case 'token_expiry_after': {
          // Armed after N requests, but only marked fired by confirmTokenExpiry(): the same
          // request may draw a 5xx or 429 (evaluated first, it never reaches token checking),
          // and the expiry must then hit the next request that does.
          const n = (this.counters.get(c) ?? 0) + 1;
          this.counters.set(c, n);
          if (n > c.n && !this.fired.has(c)) d.expireToken = true;
          break;
        }
        case 'truncate':
        case 'malformed':
          if (d.body === 'ok' && this.rng.float() < c.p) d.body = c.kind;
          break;
        case 'drift.extra':
        case 'drift.missing':
        case 'drift.type':
          if (d.drift === null && this.rng.float() < c.p)
            d.drift = c.kind.slice(6) as 'extra' | 'missing' | 'type';
          break;
        default:
          if (d.action === 'none' && this.rng.float() < c.p) d.action = c.kind;
      }
    }
    return d;
  }

  /**
   * The armed token expiry of `endpoint`'s clauses took effect (a token was expired): disarm them.
   * Until this is called, decide() keeps answering expireToken for matching requests.
   */
  confirmTokenExpiry(endpoint: EndpointId): void {
    for (const c of this.spec.clauses) {
      if (c.kind !== 'token_expiry_after' || this.fired.has(c)) continue;
      if (c.scope !== null && !scopeIncludes(c.scope, endpoint)) continue;
      if ((this.counters.get(c) ?? 0) > c.n) this.fired.add(c);
    }
  }

  /** 500, 502 or 503 for an injected 5xx. */
  pick5xx(): number {
    return [500, 502, 503][this.rng.int(0, 2)] ?? 503;
  }

  /** Random index helper for drift (which record / field). */
  index(n: number): number {
    return n <= 0 ? 0 : this.rng.int(0, n - 1);
  }
}
