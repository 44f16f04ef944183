/**
 * The engine's runtime dependencies, built ONCE at an edge (CLI, worker entry, test setup) and passed
 * in (CONTRIBUTING.md#dependencies-passed-in). `clock` is injectable so tests run on the sandbox's virtual clock.
 */
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { StreamName } from '../core/streams.ts';
import type { WindowPolicy } from '../extract/windows.ts';
import type { Db } from '../load/db.ts';
import type { ApiClient } from '../tiktok/client.ts';
import type { Mutex } from '../tiktok/token-source.ts';
import type { RateBudget } from '../tiktok/types.ts';
import type { DependencyHealth } from './dependency-health.ts';
import type { RunMeter } from './run-meter.ts';
import type { EngineStore } from './store.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface EngineConfig {
  windows: WindowPolicy;
  /** BullMQ queue name (no ':'); tests use a unique one per file. */
  queueName: string;
  /** Redis key prefix of the queue. */
  queuePrefix: string;
  /** Default schedule per stream when etl.schedules has no row (ms between runs). */
  defaultEveryMs: Record<StreamName, number>;
  /** BullMQ attempts for transient failures, and the first backoff delay. */
  attempts: number;
  backoffMs: number;
  /** A job whose stream lock is taken is delayed by this much (CLI and backfill jobs). */
  busyDelayMs: number;
  /** Bounded retention of finished jobs. */
  keepCompleted: number;
  keepFailed: number;
  /** BullMQ priorities (1 = highest): scheduled/CLI syncs before backfills. */
  syncPriority: number;
  backfillPriority: number;
  /**
   * Backfill windows in flight per run at most, all owners together (window-pool.ts sizes each
   * owner's share from its budget and observed latency). Bounds memory: two pages per window.
   */
  backfillWindowConcurrency: number;
  /** Requests/s of one (app, owner, endpoint) budget key: what a backfill's windows must fill. */
  ratePerSecond: number;
  /** page_size of the order searches (docs/tiktok-api.md#seller-orders: at most 100). */
  ordersPageSize: number;
  /** Graceful shutdown: active jobs get this long to finish before they are aborted. */
  shutdownTimeoutMs: number;
  /**
   * A job interrupted because Postgres became unreachable is put back (delayed by this much) instead
   * of spending one of its attempts: the outage is not the job's fault.
   */
  outageDelayMs: number;
  /** While a dependency is down, how often the worker probes it before resuming. */
  dependencyProbeMs: number;
  /** How often a running run writes its counts to its sync_runs row (what a dead run leaves). */
  runHeartbeatMs: number;
  /** How often the worker closes runs left 'running' by dead workers (their stream lock is free). */
  reapIntervalMs: number;
  /** How often the dispatch watchdog checks the jobs that scheduled pairs wait on (watchdog.ts). */
  watchdogIntervalMs: number;
  /** A pair recorded as handed over less than this long ago is not checked (its job may be on its way). */
  watchdogGraceMs: number;
  /** How often the dispatcher hands due runs to the queue (and a standby worker tries to take the lead). */
  dispatchTickMs: number;
  /** Due runs per round of the dispatcher (one select, one update, one addBulk). */
  dispatchBatchSize: number;
  /**
   * The most runs the dispatcher keeps waiting in the queue. When workers do not keep up, the rest of
   * the backlog stays due in Postgres (in due order, a few bytes a pair) instead of filling Redis
   * with a job per pair (~1 KB each: 80 MB at 70,000 pairs).
   */
  dispatchQueueDepth: number;
  /** How often the leader brings etl.schedule_dispatch in step with connections and etl.schedules. */
  reconcileIntervalMs: number;
  /**
   * Redis Cluster seed nodes (`host:port`); null: one Redis server at the URL. The queue prefix must
   * then carry a hash tag (`{...}`) so that each queue's keys share a slot.
   */
  redisClusterNodes: string[] | null;
  /** Token refresh margin. */
  refreshAheadSeconds: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_QUEUE_PREFIX = '{affiliate-etl}';

export const DEFAULT_EVERY_MS: Record<StreamName, number> = {
  seller_affiliate_orders: 15 * MINUTE,
  creator_affiliate_orders: 15 * MINUTE,
  open_collaborations: HOUR,
  open_collaboration_products: HOUR,
  target_collaborations: HOUR,
  partner_campaigns: HOUR,
  campaign_creator_fulfillment: 6 * HOUR,
  partner_affiliate_orders: 15 * MINUTE,
  campaign_product_performance: 6 * HOUR,
  creator_target_collaborations: HOUR,
  creator_open_collaboration_products: HOUR,
};

export function defaultEngineConfig(overrides: Partial<EngineConfig> = {}): EngineConfig {
  return {
    windows: {
      windowDays: 7,
      overlapMs: 30 * MINUTE,
      safetyLagMs: 3 * MINUTE,
      maturityDays: 90,
      startDate: null,
    },
    queueName: 'affiliate-etl',
    // Hash-tagged: every key of the queue lands in one Cluster slot (BullMQ's scripts need that), and
    // a plain server does not care.
    queuePrefix: DEFAULT_QUEUE_PREFIX,
    defaultEveryMs: DEFAULT_EVERY_MS,
    attempts: 5,
    backoffMs: 5_000,
    busyDelayMs: 5_000,
    keepCompleted: 1_000,
    keepFailed: 5_000,
    syncPriority: 1,
    backfillPriority: 10,
    backfillWindowConcurrency: 48,
    ratePerSecond: 50,
    ordersPageSize: 100,
    shutdownTimeoutMs: 30_000,
    outageDelayMs: 5_000,
    dependencyProbeMs: 1_000,
    runHeartbeatMs: 5_000,
    reapIntervalMs: MINUTE,
    watchdogIntervalMs: 5 * MINUTE,
    watchdogGraceMs: MINUTE,
    dispatchTickMs: 1_000,
    dispatchBatchSize: 2_000,
    dispatchQueueDepth: 5_000,
    reconcileIntervalMs: 30_000,
    redisClusterNodes: null,
    refreshAheadSeconds: 3_600,
    ...overrides,
  };
}

export interface EngineDeps {
  db: Db;
  /** A connection for BullMQ (maxRetriesPerRequest: null) and the shared budget / mutex. */
  redis: Redis | Cluster;
  api: ApiClient;
  budget: RateBudget;
  mutex: Mutex;
  store: EngineStore;
  meter: RunMeter;
  log: Logger;
  clock: Clock;
  config: EngineConfig;
  /** Postgres / Redis reachability as this process sees it (the worker pauses on it). */
  health: DependencyHealth;
}
