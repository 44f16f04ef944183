/**
 * Builds the engine's deps ONCE at an edge (CLI, worker entry, tests, benchmarks): one Postgres pool,
 * one Redis connection (BullMQ, the shared rate budget and the token mutex all use it), one API client
 * whose call reports are attributed to runs by the RunMeter. close() releases all of them.
 */
import { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createSecretBox } from '../load/crypto.ts';
import { createDb } from '../load/db.ts';
import { type ApiClientOptions, createApiClient } from '../tiktok/client.ts';
import { createRedisRateBudget } from '../tiktok/rate-budget.ts';
import { createRedisMutex } from '../tiktok/redis-mutex.ts';
import { type Clock, defaultEngineConfig, type EngineConfig, type EngineDeps, systemClock } from './deps.ts';
import { createDependencyHealth, isRedisUnreachable } from './dependency-health.ts';
import { createPgStore } from './pg-store.ts';
import { createRunMeter } from './run-meter.ts';

export interface BuildEngineDepsOptions {
  databaseUrl: string;
  redisUrl: string;
  apiBaseUrl: string;
  authBaseUrl: string;
  encryptionKey: string;
  previousEncryptionKeys?: string[];
  log: Logger;
  clock?: Clock;
  config?: Partial<EngineConfig>;
  /** Per (app, shop, endpoint) budget shared by every process on this Redis (docs/tiktok-api.md#rate-limits). */
  ratePerSecond?: number;
  /** Redis key prefix of the budget and the token mutex (tests isolate themselves with it). */
  redisKeyPrefix?: string;
  fetch?: typeof fetch;
  retry?: ApiClientOptions['retry'];
  dbPoolSize?: number;
}

export interface OwnedEngineDeps extends EngineDeps {
  close(): Promise<void>;
}

/** The engine tunables from the validated program config (src/config.ts). */
export function engineConfigFrom(config: Readonly<Config>): Partial<EngineConfig> {
  return {
    windows: {
      windowDays: config.orders.windowDays,
      overlapMs: config.orders.overlapMinutes * 60_000,
      safetyLagMs: config.orders.safetyLagMinutes * 60_000,
      maturityDays: config.orders.maturityDays,
      startDate: config.orders.startDate,
      rescan: {
        tiers: config.orders.rescanTiers,
        deepEveryMs: config.orders.deepRescanEveryMs,
        deepDays: config.orders.deepRescanDays,
        deepDaysPerRun: config.orders.deepRescanDaysPerRun,
      },
    },
    shutdownTimeoutMs: config.worker.shutdownTimeoutMs,
    queuePrefix: config.queue.prefix,
    redisClusterNodes: config.queue.clusterNodes,
    backfillWindowConcurrency: config.backfill.maxWindows,
    ordersPageSize: config.orders.pageSize,
  };
}

export function buildEngineDeps(opts: BuildEngineDepsOptions): OwnedEngineDeps {
  const clock = opts.clock ?? systemClock;
  // The budget's rate is also what a backfill sizes its windows against (window-pool.ts).
  const config = defaultEngineConfig({ ratePerSecond: opts.ratePerSecond ?? 50, ...opts.config });
  const prefix = opts.redisKeyPrefix ?? 'affiliate-etl:';
  const db = createDb(opts.databaseUrl, { max: opts.dbPoolSize ?? 10, log: opts.log });
  // BullMQ workers need maxRetriesPerRequest: null on the connection they are given.
  const redis = config.redisClusterNodes
    ? createCluster(config.redisClusterNodes, opts.redisUrl)
    : new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  const health = createDependencyHealth(opts.log);
  // Without an 'error' listener ioredis prints every failed reconnect as plain text on stderr
  // ("[ioredis] Unhandled error event"), in the middle of the JSON log.
  redis.on('error', (err) => {
    if (isRedisUnreachable(err)) health.markDown('redis', err);
    else opts.log.warn({ event: 'redis_error', err: err.message }, 'redis client error');
  });
  redis.on('ready', () => health.markUp('redis'));
  // Back from an outage: a fresh pool, free of the old connections' state (db.ts, renew).
  health.onChange((dep, up) => {
    if (dep === 'postgres' && up) db.renew();
  });
  const budget = createRedisRateBudget(redis, {
    ratePerSecond: config.ratePerSecond,
    prefix: `${prefix}budget:`,
  });
  const mutex = createRedisMutex(redis, { prefix: `${prefix}lock:` });
  const meter = createRunMeter();
  const api = createApiClient({
    apiBaseUrl: opts.apiBaseUrl,
    authBaseUrl: opts.authBaseUrl,
    now: () => clock.now().getTime(),
    budget,
    observer: meter.observer,
    log: opts.log,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
  });
  const box = createSecretBox({ key: opts.encryptionKey, previousKeys: opts.previousEncryptionKeys ?? [] });
  const store = createPgStore(db, box);
  let closing: Promise<void> | null = null;
  return {
    db,
    redis,
    api,
    budget,
    mutex,
    store,
    meter,
    log: opts.log,
    clock,
    config,
    health,
    close() {
      closing ??= (async () => {
        await db.close();
        await api.close();
        redis.disconnect();
      })();
      return closing;
    },
  };
}

/**
 * A Cluster client from seed nodes; credentials and TLS come from the Redis URL (the same for every
 * node). Keys spread by slot: the queue's keys share the hash tag of its prefix (one shard), the rate
 * budget and token mutex keys are one per (app, owner, endpoint) and spread over every shard.
 */
export function createCluster(nodes: readonly string[], redisUrl: string): Cluster {
  const url = new URL(redisUrl);
  return new Cluster(
    nodes.map((n) => {
      const i = n.lastIndexOf(':');
      return { host: n.slice(0, i), port: Number(n.slice(i + 1)) };
    }),
    {
      redisOptions: {
        maxRetriesPerRequest: null,
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
        ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
        ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
      },
      // BullMQ blocks on its connections: a Cluster client must not give up on a command either.
      clusterRetryStrategy: (times) => Math.min(times * 200, 2_000),
    },
  );
}
