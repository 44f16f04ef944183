/**
 * Next scheduled run per (connection, stream), read from BullMQ's Job Schedulers (the truth of what
 * the workers will do, not just what etl.schedules asks for). Best effort: without Redis the
 * commands still answer, and say that the next run is unknown.
 */
import type { Config } from '../../config.ts';
import type { StreamName } from '../../core/streams.ts';
import { reachRedis } from './reach.ts';

export interface NextRuns {
  /** False when Redis was not configured or not reachable. */
  available: boolean;
  reason: string | null;
  /** Epoch ms of the next run, by `${connectionId}/${stream}`. */
  next: Map<string, number>;
}

export function nextRunKey(connectionId: number, stream: StreamName): string {
  return `${connectionId}/${stream}`;
}

export async function readNextRuns(config: Readonly<Config>): Promise<NextRuns> {
  if (!config.redisUrl) return { available: false, reason: 'REDIS_URL is not set', next: new Map() };
  const reach = await reachRedis(config.redisUrl);
  if (!reach.ok) return { available: false, reason: reach.detail, next: new Map() };
  const [{ Redis }, jobs] = await Promise.all([import('ioredis'), import('../../jobs/index.ts')]);
  const redis = new Redis(config.redisUrl, {
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: 3_000,
  });
  redis.on('error', () => undefined);
  const queue = jobs.createEngineQueue(redis, jobs.defaultEngineConfig());
  try {
    const next = new Map<string, number>();
    for (const s of await queue.getJobSchedulers(0, -1, true)) {
      const id = s.id ?? s.key;
      // Scheduler ids are `sched.<stream>.<connectionId>` (src/jobs/queues.ts schedulerId).
      const m = /^sched\.([a-z_]+)\.(\d+)$/.exec(id);
      if (m && s.next !== undefined) next.set(`${m[2]}/${m[1]}`, s.next);
    }
    return { available: true, reason: null, next };
  } catch (err) {
    return {
      available: false,
      reason: `reading the job schedulers failed: ${(err as Error).message}`,
      next: new Map(),
    };
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}
