/**
 * The only module that speaks HTTP to TikTok (docs/architecture.md). One `call()` does, per request:
 * build + sign (request.ts), await the shared rate budget, send over a keep-alive pool (transport.ts:
 * undici by default; tests inject a `fetch`), parse the envelope (envelope.ts) and own exactly these
 * retry layers (docs/architecture.md#retry-layers):
 *   - transient faults (network, timeout, 5xx, 36009003/36009007/45101001, broken JSON): p-retry,
 *     jittered exponential backoff, bounded by `retry.retries`;
 *   - throttling (36009002, or HTTP 429 without a known code): tell the budget (which slows the key
 *     for every process), wait (Retry-After when present), try again; not a failed attempt,
 *     bounded in total time;
 *   - refused token (105002 expired; 105001 or a 36009004 about the access token, which is how a
 *     token rotated away by another process's refresh may answer): `auth.tokens.refreshAfterExpiry()`
 *     once (re-reads the current pair, refreshes only if the refused token is still current), then
 *     the call once more; only a refusal of that current token is a revocation (token-refusal.ts).
 * Everything else is thrown at once for the job layer to judge. Every wait honours the AbortSignal.
 */
import pRetry from 'p-retry';
import type { Logger } from 'pino';
import { type EndpointDef, endpointLabel } from './endpoints/catalog.ts';
import { parseJsonKeepingBigIntegers } from './big-int-json.ts';
import { parseEnvelope } from './envelope.ts';
import {
  type InvalidRequestError,
  isApiError,
  RateLimitedError,
  ResponseShapeError,
  type TikTokApiError,
  type TokenRevokedError,
  TransientError,
} from './errors.ts';
import { scrubSecrets } from './redact.ts';
import {
  type BuiltRequest,
  buildRequest,
  fillPath,
  type QueryValue,
  serializeBody,
  serializeQuery,
} from './request.ts';
import { backoffMs, sleep } from './sleep.ts';
import { refreshRefused, revokedAfterRetry, tokenRefusal } from './token-refusal.ts';
import { fetchTransport, type HttpReply, ResponseTooLargeError, undiciTransport } from './transport.ts';
import type { ApiCallObserver, ConnectionAuth, RateBudget } from './types.ts';

export type { QueryValue } from './request.ts';

export interface ApiCallRequest {
  endpoint: EndpointDef;
  pathParams?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, QueryValue>>;
  /**
   * JSON-serializable body (POST), serialized once and signed as sent; undefined or an empty
   * object = no body (serializeBody says why).
   */
  body?: unknown;
  /** Required for business endpoints (signed); null for the unsigned token host (docs/tiktok-api.md#tokens). */
  auth: ConnectionAuth | null;
  /** Extra secret values in this request (e.g. app_secret, auth code in the token query). */
  secrets?: readonly string[];
  signal?: AbortSignal;
}

export interface ApiCallResult {
  data: Record<string, unknown>;
  requestId: string;
}

export interface ApiClient {
  call(request: ApiCallRequest): Promise<ApiCallResult>;
}

/** The client as its creator holds it: close() releases the pooled connections. */
export interface OwnedApiClient extends ApiClient {
  close(): Promise<void>;
}

export interface ApiClientOptions {
  apiBaseUrl: string;
  authBaseUrl: string;
  /** A fetch-shaped function instead of the default transport (tests: a fake API in-process). */
  fetch?: typeof fetch;
  /** Bound on one response body (transport.ts DEFAULT_MAX_RESPONSE_BYTES). */
  maxResponseBytes?: number;
  /** Epoch ms (virtual clock in tests): request timestamps and Retry-After dates. */
  now?: () => number;
  budget?: RateBudget;
  observer?: ApiCallObserver;
  retry?: { retries?: number; minTimeoutMs?: number; maxTimeoutMs?: number };
  /** Per HTTP attempt, headers and body included. */
  timeoutMs?: number;
  /** Bound on the total time one call may spend waiting out throttling. */
  maxThrottleWaitMs?: number;
  log?: Logger;
}

interface CallState {
  attempt: number;
  pendingThrottledMs: number;
  /** First 429 of this call (performance.now()): the throttle wait is bounded per call. */
  throttleStart: number | null;
  throttles: number;
}

/** What stays the same across attempts: built once per call (the body is serialized ONCE). */
interface Prepared {
  path: string;
  query: Record<string, string>;
  rawBody: string | null;
}

export function createApiClient(options: ApiClientOptions): OwnedApiClient {
  const { maxResponseBytes } = options;
  const transport = options.fetch
    ? fetchTransport(options.fetch, maxResponseBytes)
    : undiciTransport(maxResponseBytes === undefined ? {} : { maxResponseBytes });
  const now = options.now ?? Date.now;
  const retries = options.retry?.retries ?? 4;
  const minTimeoutMs = options.retry?.minTimeoutMs ?? 500;
  const maxTimeoutMs = options.retry?.maxTimeoutMs ?? 15_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxThrottleWaitMs = options.maxThrottleWaitMs ?? 120_000;
  const { budget, observer, log } = options;

  function report(
    endpoint: EndpointDef,
    state: CallState,
    startedAt: number,
    outcome: { code: number | null; httpStatus: number | null; error: boolean },
  ): void {
    const event = {
      endpoint: endpoint.name,
      status: outcome.error ? ('error' as const) : ('ok' as const),
      code: outcome.code,
      httpStatus: outcome.httpStatus,
      durationMs: Math.round(performance.now() - startedAt),
      throttledMs: state.pendingThrottledMs,
      attempt: state.attempt,
    };
    state.pendingThrottledMs = 0;
    observer?.onCall(event);
    log?.debug(event, 'tiktok.api.call');
  }

  function networkError(endpoint: EndpointDef, err: unknown, built: BuiltRequest, timedOut: boolean) {
    const cause = err instanceof Error ? err.cause : undefined;
    const causeCode =
      typeof cause === 'object' && cause !== null && 'code' in cause ? ` (${String(cause.code)})` : '';
    const detail = timedOut
      ? `no complete response within ${timeoutMs} ms`
      : `network error: ${err instanceof Error ? err.message : String(err)}${causeCode}`;
    return new TransientError({
      endpoint: endpointLabel(endpoint),
      code: null,
      httpStatus: null,
      requestId: null,
      detail: scrubSecrets(detail, built.secrets),
      secrets: built.secrets,
    });
  }

  /** Fatal: the same request would bring the same flood (a proxy, a bug), so it is not retried. */
  function responseTooLarge(endpoint: EndpointDef, err: ResponseTooLargeError, built: BuiltRequest) {
    return new ResponseShapeError({
      endpoint: endpointLabel(endpoint),
      code: null,
      httpStatus: null,
      requestId: null,
      detail: `${err.message}; a page of this API is well under 1 MB, so the response was abandoned unread`,
      secrets: built.secrets,
    });
  }

  /** One HTTP exchange: no retries here. */
  async function sendOnce(req: ApiCallRequest, prep: Prepared, token: string | null, state: CallState) {
    const { endpoint, signal } = req;
    // Timestamp and signature are fresh per attempt (docs/tiktok-api.md#common-parameters window); the signed bytes are
    // exactly the body serialized once in call().
    const built = buildRequest({
      baseUrl: endpoint.host === 'auth' ? options.authBaseUrl : options.apiBaseUrl,
      endpoint,
      path: prep.path,
      query: prep.query,
      rawBody: prep.rawBody,
      auth: req.auth,
      accessToken: token,
      nowMs: now(),
      extraSecrets: (req.secrets ?? []).filter((s) => s.length > 0),
    });
    state.attempt += 1;
    const startedAt = performance.now();
    // One controller per attempt, aborted by the caller's signal or the timeout, and both links
    // removed when the attempt ends (AbortSignal.timeout/any would keep each attempt alive for
    // timeoutMs: tens of MB at a thousand requests a second).
    const attemptCtrl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attemptCtrl.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
    }, timeoutMs);
    const onAbort = () => attemptCtrl.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let httpStatus: number | null = null;
    try {
      let reply: HttpReply;
      try {
        reply = await transport.send({ url: built.url, ...built.init, signal: attemptCtrl.signal });
        httpStatus = reply.status;
      } catch (err) {
        signal?.throwIfAborted();
        if (err instanceof ResponseTooLargeError) throw responseTooLarge(endpoint, err, built);
        throw networkError(endpoint, err, built, timedOut);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
      const parsed = parseEnvelope(reply.status, reply.retryAfter, reply.body, {
        endpoint: endpointLabel(endpoint),
        secrets: built.secrets,
        pageTokenSent: built.pageTokenSent,
        scope: endpoint.scope,
        nowMs: now(),
        ...(endpoint.numberIds ? { parseJson: parseJsonKeepingBigIntegers } : {}),
      });
      report(endpoint, state, startedAt, { code: 0, httpStatus, error: false });
      return parsed;
    } catch (err) {
      const apiErr = err as Partial<TikTokApiError>;
      report(endpoint, state, startedAt, {
        code: typeof apiErr.code === 'number' ? apiErr.code : null,
        httpStatus,
        error: true,
      });
      throw err;
    }
  }

  /** Sends until the response is not a throttle, waiting on the shared budget between tries. */
  async function sendThrottled(req: ApiCallRequest, prep: Prepared, token: string | null, state: CallState) {
    const budgetKey = req.auth ? `${req.auth.appKey}:${req.auth.budgetScope}:${req.endpoint.name}` : null;
    for (;;) {
      if (budget && budgetKey) state.pendingThrottledMs += await budget.acquire(budgetKey, req.signal);
      try {
        return await sendOnce(req, prep, token, state);
      } catch (err) {
        if (!isApiError(err, RateLimitedError)) throw err;
        state.throttleStart ??= performance.now();
        // Bounded in total: give up (the job layer retries later) rather than wait past the bound,
        // including when Retry-After alone asks for more than is left.
        const left = maxThrottleWaitMs - (performance.now() - state.throttleStart);
        if (left <= 0 || (err.retryAfterMs ?? 0) > left) throw err;
        state.throttles += 1;
        log?.warn(
          {
            endpoint: req.endpoint.name,
            scope: req.auth?.budgetScope,
            retryAfterMs: err.retryAfterMs,
            throttles: state.throttles,
          },
          'tiktok.api.throttled',
        );
        const waitStart = performance.now();
        if (budget && budgetKey) {
          // The budget slows this key for every process and holds the next acquire() until the
          // cool-down (Retry-After when given) has passed.
          await budget.throttled(budgetKey, err.retryAfterMs);
        } else {
          await sleep(
            err.retryAfterMs ?? backoffMs(state.throttles - 1, minTimeoutMs, maxTimeoutMs),
            req.signal,
          );
        }
        state.pendingThrottledMs += Math.round(performance.now() - waitStart);
      }
    }
  }

  function sendWithRetries(req: ApiCallRequest, prep: Prepared, token: string | null, state: CallState) {
    return pRetry(() => sendThrottled(req, prep, token, state), {
      retries,
      minTimeout: minTimeoutMs,
      maxTimeout: maxTimeoutMs,
      factor: 2,
      randomize: true,
      ...(req.signal ? { signal: req.signal } : {}),
      shouldRetry: ({ error }) => !req.signal?.aborted && isApiError(error, TransientError),
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        if (!isApiError(error, TransientError) || retriesLeft <= 0) return;
        const { name, code, httpStatus, message } = error;
        log?.warn(
          {
            endpoint: req.endpoint.name,
            attemptNumber,
            retriesLeft,
            error: { name, code, httpStatus, message },
          },
          'tiktok.api.retry',
        );
      },
    });
  }

  return {
    close: () => transport.close(),
    async call(req: ApiCallRequest): Promise<ApiCallResult> {
      req.signal?.throwIfAborted();
      const prep: Prepared = {
        path: fillPath(req.endpoint, req.pathParams),
        query: serializeQuery(req.query ?? {}),
        rawBody: serializeBody(req.body),
      };
      const state: CallState = { attempt: 0, pendingThrottledMs: 0, throttleStart: null, throttles: 0 };
      const tokens = req.endpoint.host === 'api' ? req.auth?.tokens : undefined;
      const token = tokens ? await tokens.accessToken(req.signal) : null;
      try {
        return await sendWithRetries(req, prep, token, state);
      } catch (err) {
        const refusal = tokens && token !== null ? tokenRefusal(err) : null;
        if (!tokens || token === null || refusal === null) throw err;
        // The token was refused: expired, or rotated away by a refresh in another process or
        // another call (token-refusal.ts). The token source re-reads the current pair under the
        // refresh lock and refreshes only if the refused token is still the current one; then the
        // call is sent once more. Never more than one re-read/refresh per call.
        log?.info(
          { endpoint: req.endpoint.name, code: (err as TikTokApiError).code, refusal },
          'tiktok.api.token_refused',
        );
        const next = await tokens.refreshAfterExpiry(token, req.signal).catch((refreshErr: unknown) => {
          throw refreshRefused(err as TikTokApiError, refreshErr);
        });
        try {
          return await sendWithRetries(req, prep, next, state);
        } catch (again) {
          // The connection's current token, refreshed if that was possible, is refused as well:
          // 105001 or an invalid-token 36009004 now means the grant is gone. A second 105002 stays
          // an expiry (the job retries later).
          const second = tokenRefusal(again);
          if (second === 'deauthorized' || second === 'invalid')
            throw revokedAfterRetry(again as InvalidRequestError | TokenRevokedError);
          throw again;
        }
      }
    },
  };
}
