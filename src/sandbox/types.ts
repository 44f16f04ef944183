import type { SandboxQuirks } from './quirks.ts';

export type { SandboxQuirks } from './quirks.ts';

/**
 * Contract of the TikTok Shop API simulator (src/sandbox). Tests, benchmarks and the quick start
 * use `startSandbox()`; the pipeline itself only ever meets the sandbox over HTTP.
 */

export type SandboxScale = 'tiny' | 'small' | 'medium' | 'large';

export interface SandboxOptions {
  host?: string; // default 127.0.0.1
  port?: number; // default 0 = a free port
  seed?: number; // default 1
  /** tiny: unit/contract tests; small: e2e tests; medium: quick start; large: ~1M order lines. */
  scale?: SandboxScale;
  /** Fault spec, see src/sandbox/faults.ts (string form is what `--faults` takes). */
  faults?: string;
  /** Requests per second per (app, shop|asset|creator, path); default 50. 0 = unlimited. */
  rateLimitPerSecond?: number;
  /** Virtual clock start, epoch ms; default: real now. */
  startTimeMs?: number;
  /** Added latency per request in ms (fixed), after the request is checked; faults can add distributions on top. */
  latencyMs?: number;
  /**
   * Latency in ms added when a business request ARRIVES, before its signature and token are
   * checked (default 0; the token host answers without it). With `latencyMs` a request is judged at
   * once and only its answer is delayed, so a token rotated away while the request is in flight is
   * still honoured; with this one the request is judged at the end of its wait, against the token
   * state of that moment: a refresh during the wait refuses it, which makes the race between
   * in-flight requests and a refresh deterministic.
   */
  latencyBeforeAuthMs?: number;
  /**
   * HTTP status of non-throttling errors (the docs leave it open): '200' (default) answers
   * HTTP 200 with a non-zero `code`; '4xx' maps them to 400/401/403/404. Kept for older callers:
   * it is the `errorStatus` quirk (an explicit `quirks.errorStatus` wins). The fault `errors=4xx`
   * overrides both.
   */
  errorStatusMode?: '200' | '4xx';
  /** Answers to the questions the API docs leave open (./quirks.ts); unset switches keep their defaults. */
  quirks?: Partial<SandboxQuirks>;
  /**
   * The app's redirect URL (an app setting on TikTok): where the consent page sends the browser with
   * `?code=...&state=...&app_key=...`. Default http://localhost:8000/.
   */
  redirectUrl?: string;
}

export interface SandboxApp {
  appKey: string;
  appSecret: string;
  /** Named by seller and partner authorization links (`service_id`). */
  serviceId: string;
}

export interface SandboxTokenGrant {
  /** A single-use auth code that /api/v2/token/get exchanges for this account's tokens. */
  authCode: string;
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: number; // epoch s, absolute
  refreshTokenExpiresAt: number; // epoch s, absolute
  openId: string;
}

export interface SandboxSeller extends SandboxTokenGrant {
  kind: 'seller';
  shops: { id: string; name: string; cipher: string; region: string }[];
}
export interface SandboxCreator extends SandboxTokenGrant {
  kind: 'creator';
}
export interface SandboxPartner extends SandboxTokenGrant {
  kind: 'partner';
  categoryAssets: { cipher: string; targetMarket: string; categoryId: string; categoryName: string }[];
}
export type SandboxAccount = SandboxSeller | SandboxCreator | SandboxPartner;

export interface SandboxStats {
  requests: number;
  byPath: Record<string, number>;
  byCode: Record<string, number>;
  badSignatures: number;
  /** Token refreshes that rotated a pair (counted even when a fault then mangled the answer). */
  refreshes: number;
  throttled: number;
  faultsServed: number;
  peakConcurrency: number;
  /** Highest requests/s seen for any single (app, scope, path) budget key in a 1 s window. */
  peakRpsPerKey: number;
  /** Average requests/s since start or the last reset. */
  requestsPerSecond: number;
  /** Records in the lists of successful business responses (orders, collaborations, ...). */
  recordsServed: number;
  /** Sku lines of the order records served (seller and creator orders). */
  orderLinesServed: number;
}

export interface Sandbox {
  /** Business API base URL (TIKTOK_API_BASE_URL). */
  url: string;
  /** Token host base URL (TIKTOK_AUTH_BASE_URL); may be the same server. */
  authUrl: string;
  app: SandboxApp;
  /** The app's redirect URL the consent page sends codes to. */
  redirectUrl: string;
  accounts: SandboxAccount[];
  clock: {
    nowMs(): number;
    advance(ms: number): void;
  };
  /** Advance the virtual clock by `days` and apply the data changes of that period. */
  mutate(days: number): Promise<void>;
  setFaults(spec: string | null): void;
  /** The ambiguity switches in force (every switch, defaults included). */
  readonly quirks: SandboxQuirks;
  /** Replaces the switches: the defaults overridden by `quirks` (a spec string or an object). */
  setQuirks(quirks: Partial<SandboxQuirks> | string | null): void;
  /** Changes latencyBeforeAuthMs for the requests that arrive from now on (0 = none). */
  setLatencyBeforeAuthMs(ms: number): void;
  revoke(accessToken: string): void;
  /** Make this access token expire now (absolute time passes). */
  expire(accessToken: string): void;
  /**
   * Every record a complete, correct sync must hold right now, in API shape, for one stream and
   * owner (shop id, creator open_id, partner category asset cipher). For
   * open_collaboration_products pass the saved search's body as `criteria` (omit = whole marketplace).
   */
  groundTruth(stream: string, ownerId: string, criteria?: Record<string, unknown>): Promise<GroundTruth>;
  /**
   * A fresh single-use auth code and token pair for an existing account (by open_id), optionally
   * with other scopes (e.g. [] to exercise 105005). Does not touch the account listing.
   */
  issueGrant(openId: string, options?: { scopes?: string[] }): SandboxTokenGrant;
  /**
   * The business requests in their latencyBeforeAuthMs wait right now (not judged yet), with the
   * access token each carries: a test can act (e.g. rotate a pair) while a request is known to be
   * in flight.
   */
  awaitingAuth(): { path: string; accessToken: string | null; sinceMs: number }[];
  /** The last requests served (bounded ring, newest last). */
  requestLog(): SandboxRequestLogEntry[];
  stats(): SandboxStats;
  resetStats(): void;
  close(): Promise<void>;
}

export interface SandboxRequestLogEntry {
  atMs: number;
  method: string;
  path: string;
  endpoint: string;
  httpStatus: number;
  code: number | null;
  durationMs: number;
  fault: string | null;
}

export interface GroundTruth {
  stream: string;
  ownerId: string;
  asOfMs: number;
  /**
   * API-shaped records grouped the way the stream fetches them, so that running the stream's
   * normalizer over each group (with its scope) yields exactly the rows a correct warehouse holds.
   * e.g. seller orders: one group {endpoint: 'seller_orders', scope: {}}; target collaborations:
   * {endpoint: 'target_collaboration_detail', scope: {}} with one detail record per collaboration;
   * fulfillment: one group per (campaign_id, product_id).
   */
  groups: { endpoint: string; scope: Record<string, string>; records: Record<string, unknown>[] }[];
}
