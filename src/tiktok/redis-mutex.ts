/**
 * A cross-process mutex on Redis (one token refresh per connection at a time, token-source.ts).
 * Acquire: SET key <random owner> NX PX ttl. Release: a Lua compare-and-delete, so a holder whose
 * lock expired never deletes a lock someone else now holds. While `fn` runs the lock is extended
 * (compare-and-pexpire every ttl/3), so a slow holder keeps it and a crashed one loses it after ttl.
 * Waiting polls with jittered backoff and stops as soon as the signal aborts.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Mutex } from './token-source.ts';
import { sleep } from './sleep.ts';

const RELEASE_LUA = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND_LUA = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface RedisMutexOptions {
  /** Key prefix; default `tiktok:lock:`. */
  prefix?: string;
  /** Lock lifetime without renewal (a crashed holder's lock frees after this); default 30 s. */
  ttlMs?: number;
  /** First poll delay while waiting; doubles up to maxWaitStepMs. */
  minWaitStepMs?: number;
  maxWaitStepMs?: number;
}

/** `redis`: one server or a Cluster (each lock is one key). */
export function createRedisMutex(redis: Pick<Redis, 'eval' | 'set'>, options: RedisMutexOptions = {}): Mutex {
  const prefix = options.prefix ?? 'tiktok:lock:';
  const ttlMs = options.ttlMs ?? 30_000;
  const minStep = options.minWaitStepMs ?? 20;
  const maxStep = options.maxWaitStepMs ?? 500;

  async function acquire(key: string, owner: string, signal?: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const ok = await redis.set(key, owner, 'PX', ttlMs, 'NX');
      if (ok === 'OK') return;
      const step = Math.min(maxStep, minStep * 2 ** Math.min(attempt, 10));
      await sleep(step / 2 + Math.random() * (step / 2), signal);
    }
  }

  return {
    async withLock<T>(name: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      const key = prefix + name;
      const owner = randomBytes(16).toString('hex');
      await acquire(key, owner, signal);
      const renew = setInterval(
        () => {
          redis.eval(EXTEND_LUA, 1, key, owner, String(ttlMs)).catch(() => {
            // A failed renewal only shortens the lock to its ttl; the next tick tries again.
          });
        },
        Math.max(10, Math.floor(ttlMs / 3)),
      );
      renew.unref();
      try {
        return await fn();
      } finally {
        clearInterval(renew);
        await redis.eval(RELEASE_LUA, 1, key, owner);
      }
    },
  };
}
