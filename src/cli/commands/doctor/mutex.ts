/**
 * The token-refresh lock doctor uses if a probe has to refresh a token (docs/tiktok-api.md#refreshing: a refresh
 * rotates the pair, so two concurrent refreshes would leave one holder with dead credentials). The
 * same Redis lock keys as the engine (src/jobs/build-deps.ts) when Redis answers; otherwise a
 * process-local lock, which is enough when no worker can be running without Redis anyway.
 */
import type { Mutex } from '../../../tiktok/token-source.ts';

/** Same prefix as buildEngineDeps: `${redisKeyPrefix ?? 'affiliate-etl:'}lock:`. */
const ENGINE_LOCK_PREFIX = 'affiliate-etl:lock:';

export async function doctorMutex(
  redisUrl: string,
  redisOk: boolean,
  onClose: (fn: () => void) => void,
): Promise<Mutex> {
  if (!redisOk) return localMutex();
  const [{ Redis }, { createRedisMutex }] = await Promise.all([
    import('ioredis'),
    import('../../../tiktok/redis-mutex.ts'),
  ]);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, connectTimeout: 3_000 });
  redis.on('error', () => undefined);
  onClose(() => redis.disconnect());
  return createRedisMutex(redis, { prefix: ENGINE_LOCK_PREFIX });
}

function localMutex(): Mutex {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async withLock(key, fn) {
      const previous = tails.get(key) ?? Promise.resolve();
      const run = previous.then(fn, fn);
      tails.set(
        key,
        run.catch(() => undefined),
      );
      return run;
    },
  };
}
