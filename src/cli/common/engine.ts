/**
 * The sync engine for a CLI command (sync, backfill, worker, schedule): Postgres and Redis are probed
 * first (a wrong URL is a message in seconds, not a hang: the engine's Redis client retries forever,
 * as BullMQ requires), then the engine's own deps are built ONCE (src/jobs/build-deps.ts) and closed
 * when the command ends. The engine is imported on use (BullMQ alone costs ~1.5 s of startup), while
 * the services are probed.
 */
import type { ConfigFor } from '../../config.ts';
import type { OwnedEngineDeps } from '../../jobs/index.ts';
import type { Logger } from '../../log.ts';
import type { CliContext } from '../context.ts';
import { type RedisReach, requireRedis } from './reach.ts';
import { withRuntime } from './runtime.ts';

export type EngineConfigNeeds = ConfigFor<'database' | 'redis' | 'encryption'>;

export interface EngineRuntime {
  deps: OwnedEngineDeps;
  config: EngineConfigNeeds;
  log: Logger;
  jobs: typeof import('../../jobs/index.ts');
  /** What the Redis probe found (version, eviction policy). */
  redis: RedisReach;
}

export async function withEngine<T>(
  ctx: CliContext,
  name: string,
  fn: (e: EngineRuntime) => Promise<T>,
): Promise<T> {
  // The engine's modules load while the services are probed: a worker's start is the longer of the
  // two, not their sum. A failed import surfaces where it is awaited, after the probes.
  const loading = import('../../jobs/index.ts');
  loading.catch(() => undefined);
  let redis: RedisReach | undefined;
  const probe = async (config: EngineConfigNeeds) => {
    redis = await requireRedis(config.redisUrl);
  };
  return withRuntime(
    ctx,
    name,
    ['database', 'redis', 'encryption'],
    async (rt) => {
      const jobs = await loading;
      const deps = jobs.buildEngineDeps({
        databaseUrl: rt.config.databaseUrl,
        redisUrl: rt.config.redisUrl,
        apiBaseUrl: rt.config.tiktok.apiBaseUrl,
        authBaseUrl: rt.config.tiktok.authBaseUrl,
        encryptionKey: rt.config.encryption.key,
        ...(rt.config.encryption.previousKey
          ? { previousEncryptionKeys: [rt.config.encryption.previousKey] }
          : {}),
        log: rt.log,
        config: jobs.engineConfigFrom(rt.config),
        ratePerSecond: rt.config.rateLimitPerSecond,
      });
      rt.onClose(() => deps.close());
      return fn({
        deps,
        config: rt.config,
        log: rt.log,
        jobs,
        redis: redis ?? (await requireRedis(rt.config.redisUrl)),
      });
    },
    { probe },
  );
}
