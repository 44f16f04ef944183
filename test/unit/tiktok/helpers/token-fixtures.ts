/** A token store with compare-and-swap semantics and an in-process mutex, as the pipeline's would be. */
import type { Mutex, StoredTokens, TokenStore } from '../../../../src/tiktok/token-source.ts';
import type { TokenPair } from '../../../../src/tiktok/types.ts';

export interface MemoryStore extends TokenStore {
  value: StoredTokens;
  saves: number;
}

export function memoryStore(initial: StoredTokens): MemoryStore {
  const store: MemoryStore = {
    value: { ...initial },
    saves: 0,
    async load() {
      return { ...store.value };
    },
    async save(next: TokenPair, previousRefreshToken: string) {
      if (store.value.refreshToken !== previousRefreshToken) throw new Error('token store CAS conflict');
      store.saves += 1;
      store.value = {
        accessToken: next.accessToken,
        accessTokenExpiresAt: next.accessTokenExpiresAt,
        refreshToken: next.refreshToken,
        refreshTokenExpiresAt: next.refreshTokenExpiresAt,
      };
    },
  };
  return store;
}

export function memoryMutex(): Mutex {
  const tails = new Map<string, Promise<void>>();
  return {
    async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      let release: () => void = () => {};
      const mine = new Promise<void>((resolve) => {
        release = resolve;
      });
      tails.set(
        key,
        previous.then(() => mine),
      );
      await previous;
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}

/** Token host stand-in: every refresh rotates the pair (the old refresh token dies). */
export function rotatingTokenHost(nowS: () => number) {
  let generation = 0;
  let liveRefresh = 'TTP_refresh-0-DO-NOT-LEAK-abcdef';
  return {
    refreshes: () => generation,
    respond(refreshToken: string | null): unknown {
      if (refreshToken !== liveRefresh) return { code: 36004001, message: 'rt has expired', request_id: 'r' };
      generation += 1;
      liveRefresh = `TTP_refresh-${generation}-DO-NOT-LEAK-abcdef`;
      return {
        code: 0,
        message: 'success',
        request_id: `r${generation}`,
        data: {
          access_token: `TTP_access-${generation}-DO-NOT-LEAK-abcdef`,
          access_token_expire_in: nowS() + 7 * 86400,
          refresh_token: liveRefresh,
          refresh_token_expire_in: nowS() + 30 * 86400,
          open_id: 'open-1',
          user_type: 0,
          granted_scopes: [],
        },
      };
    },
  };
}
