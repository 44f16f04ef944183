/**
 * Access tokens for one connection (docs/tiktok-api.md#tokens): refreshed ahead of expiry and after a 105002,
 * one refresh at a time per connection ACROSS PROCESSES (docs/architecture.md#invariant-8-credentials-encrypted-refreshed-once):
 *   take the connection's lock -> re-load from the store (another process may have refreshed
 *   already) -> refresh only if still needed -> save (compare-and-swap on the old refresh token)
 *   -> release.
 * The refresh rotates the pair (the old refresh token stops working), so two processes refreshing
 * with the same refresh token would leave one of them with dead credentials: hence the lock.
 */
import type { Logger } from 'pino';
import type { ApiClient } from './client.ts';
import { ENDPOINTS, endpointLabel } from './endpoints/catalog.ts';
import { refreshTokens } from './endpoints/token.ts';
import { isApiError, TokenRevokedError } from './errors.ts';
import { raceAbort, sleep } from './sleep.ts';
import type { TokenPair, TokenSource } from './types.ts';

export interface StoredTokens {
  accessToken: string;
  /** Absolute epoch seconds (docs/tiktok-api.md#token-response). */
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
}

export interface TokenStore {
  load(): Promise<StoredTokens>;
  /** Atomic compare-and-swap: store `next` only if the stored refresh token is still `previousRefreshToken`. */
  save(next: TokenPair, previousRefreshToken: string): Promise<void>;
}

export interface Mutex {
  withLock<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export interface TokenSourceOptions {
  connectionId: string;
  appKey: string;
  appSecret: string;
  api: ApiClient;
  store: TokenStore;
  mutex: Mutex;
  /** Epoch ms (virtual clock in tests). */
  now?: () => number;
  /** Refresh when the access token expires within this many seconds. Default 3600. */
  refreshAheadSeconds?: number;
  log?: Logger;
}

/** How long a refused refresh waits for another process's rotated pair to be stored (10 x 200 ms). */
const ROTATION_WAIT_ATTEMPTS = 10;
const ROTATION_WAIT_MS = 200;

/** A token refreshed this recently is used even inside the refresh-ahead margin (no refresh loops). */
const MIN_REFRESH_INTERVAL_MS = 60_000;

export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const { connectionId, store, mutex, api, log } = options;
  const now = options.now ?? Date.now;
  const ahead = options.refreshAheadSeconds ?? 3600;
  const nowS = () => Math.floor(now() / 1000);
  const fresh = (t: StoredTokens) => t.accessTokenExpiresAt - nowS() > ahead;
  const alive = (t: StoredTokens) => t.accessTokenExpiresAt > nowS();

  let cached: StoredTokens | null = null;
  let refreshedAtMs = Number.NEGATIVE_INFINITY;
  let inflight: Promise<StoredTokens> | null = null;

  async function refreshLocked(rejected: string | null): Promise<StoredTokens> {
    return mutex.withLock(`token-refresh:${connectionId}`, async () => {
      const stored = await store.load();
      // Another process (or an earlier holder of this lock) may have refreshed already.
      const stillGood = rejected === null ? fresh(stored) : stored.accessToken !== rejected && alive(stored);
      if (stillGood) return stored;
      if (stored.refreshTokenExpiresAt <= nowS()) {
        throw new TokenRevokedError({
          endpoint: endpointLabel(ENDPOINTS.tokenRefresh),
          code: null,
          httpStatus: null,
          requestId: null,
          detail: `the refresh token of connection ${connectionId} expired; re-authorize the connection`,
        });
      }
      let next: TokenPair;
      try {
        next = await refreshTokens(
          api,
          { appKey: options.appKey, appSecret: options.appSecret, refreshToken: stored.refreshToken },
          { nowMs: now() },
        );
      } catch (err) {
        // The refresh token was refused as unknown or revoked. If another process rotated the pair
        // meanwhile (a Redis restart or outage can lose the lock, so two refreshes can overlap), its
        // new pair is being stored: that is a rotation, not a revocation. Wait for it briefly.
        const superseded = isApiError(err, TokenRevokedError) ? await rotatedElsewhere(stored) : null;
        if (!superseded) throw err;
        log?.warn({ connectionId }, 'tiktok.token.refresh_superseded');
        return superseded;
      }
      try {
        await store.save(next, stored.refreshToken);
      } catch (err) {
        // Compare-and-swap lost: someone stored another pair since our load (e.g. the connection
        // was re-authorized from the CLI while we refreshed). That pair is newer: use it.
        const current = await store.load();
        if (current.refreshToken === stored.refreshToken || !alive(current)) throw err;
        log?.warn({ connectionId }, 'tiktok.token.refresh_superseded');
        return current;
      }
      refreshedAtMs = now();
      log?.info(
        {
          connectionId,
          accessTokenExpiresAt: next.accessTokenExpiresAt,
          reason: rejected ? 'expired' : 'ahead',
        },
        'tiktok.token.refreshed',
      );
      return {
        accessToken: next.accessToken,
        accessTokenExpiresAt: next.accessTokenExpiresAt,
        refreshToken: next.refreshToken,
        refreshTokenExpiresAt: next.refreshTokenExpiresAt,
      };
    });
  }

  /** The pair another process stored since `stored` was read, if one appears within ~2 s. */
  async function rotatedElsewhere(stored: StoredTokens): Promise<StoredTokens | null> {
    for (let attempt = 0; attempt < ROTATION_WAIT_ATTEMPTS; attempt++) {
      const current = await store.load();
      if (current.refreshToken !== stored.refreshToken && alive(current)) return current;
      await sleep(ROTATION_WAIT_MS);
    }
    return null;
  }

  /** One refresh in flight per process; callers join it and may each abort their own wait. */
  function refresh(rejected: string | null, signal?: AbortSignal): Promise<StoredTokens> {
    if (!inflight) {
      inflight = refreshLocked(rejected)
        .then((tokens) => {
          cached = tokens;
          return tokens;
        })
        .finally(() => {
          inflight = null;
        });
    }
    return raceAbort(inflight, signal);
  }

  return {
    async accessToken(signal?: AbortSignal): Promise<string> {
      signal?.throwIfAborted();
      if (inflight) return (await raceAbort(inflight, signal)).accessToken;
      cached ??= await raceAbort(store.load(), signal);
      if (fresh(cached)) return cached.accessToken;
      if (alive(cached) && now() - refreshedAtMs < MIN_REFRESH_INTERVAL_MS) return cached.accessToken;
      return (await refresh(null, signal)).accessToken;
    },

    async refreshAfterExpiry(rejected: string, signal?: AbortSignal): Promise<string> {
      signal?.throwIfAborted();
      if (inflight) {
        const joined = await raceAbort(inflight, signal);
        if (joined.accessToken !== rejected) return joined.accessToken;
      }
      // Someone in this process already replaced the rejected token.
      if (cached && cached.accessToken !== rejected && alive(cached)) return cached.accessToken;
      return (await refresh(rejected, signal)).accessToken;
    },
  };
}
