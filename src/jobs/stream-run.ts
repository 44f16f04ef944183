/** What the per-strategy sync functions share during one run. */
import type { Logger } from 'pino';
import type { StreamName } from '../core/streams.ts';
import type { RunCounts } from '../load/types.ts';
import type { ApiClient } from '../tiktok/client.ts';
import type { Clock, EngineConfig } from './deps.ts';
import type { EngineStore } from './store.ts';

export interface StreamRun {
  store: EngineStore;
  api: ApiClient;
  clock: Clock;
  config: EngineConfig;
  log: Logger;
  runId: number;
  connectionId: number;
  stream: StreamName;
  counts: RunCounts;
  signal?: AbortSignal | undefined;
  /** Repair mode (`sync --full-refresh`): every page's rows are compared whatever their stored row_hash. */
  fullRefresh?: boolean;
  /** Windows walked to the end in this run (orders and backfill). */
  windowsDone: number;
  /**
   * Orders: the largest create-time range the API accepted in this run, once it refused a larger one
   * (windowed-sync.ts). Shared by reference, so copies of the run (backfill's pooled windows) share it.
   */
  rangeLimit?: RangeLimit;
}

export interface RangeLimit {
  /** ms; null while nothing was refused. */
  maxMs: number | null;
}
