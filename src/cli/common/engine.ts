/**
 * The sync engine for a CLI command (sync, backfill, worker, schedule): Postgres and Redis are probed
 * first (a wrong URL is a message in seconds, not a hang: the engine's Redis client retries forever,
 * as BullMQ requires), then the engine's own deps are built ONCE (src/jobs/build-deps.ts) and closed
 * when the command ends. The engine is imported on use: BullMQ alone costs ~1.5 s of startup.
 */
import type { ConfigFor } from '../../config.ts';
import type { OwnedEngineDeps } from '../../jobs/index.ts';
import type { Logger } from '../../log.ts';
import type { CliContext } from '../context.ts';
import { requireRedis } from './reach.ts';
import { withRuntime } from './runtime.ts';

export type EngineConfigNeeds = ConfigFor<'database' | 'redis' | 'encryption'>;

export interface EngineRuntime {
  deps: OwnedEngineDeps;
  config: EngineConfigNeeds;
  log: Logger;
  jobs: typeof import('../../jobs/index.ts');
}

export async function withEngine<T>(
  ctx: CliContext,
  name: string,
  fn: (e: EngineRuntime) => Promise<T>,
): Promise<T> {
  return withRuntime(ctx, name, ['database', 'redis', 'encryption'], async (rt) => {
    // Postgres was probed by withRuntime; Redis is probed here.
    await requireRedis(rt.config.redisUrl);
    const jobs = await import('../../jobs/index.ts');
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
    return fn({ deps, config: rt.config, log: rt.log, jobs });
  });
}
