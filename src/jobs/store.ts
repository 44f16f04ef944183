/**
 * The engine's view of its state in Postgres: one seam over the loader's modules (src/load), so the
 * sync logic reads as a story and can be exercised against a fake in unit tests. The Postgres
 * implementation is pg-store.ts; nothing here speaks SQL.
 */
import type { ConnectionKind, StreamName } from '../core/streams.ts';
import type {
  Checkpoint,
  PageCommit,
  PageCommitResult,
  RunCounts,
  RunStatus,
  RunTrigger,
} from '../load/types.ts';
import type { LedgerWindow as StoredLedgerWindow, WindowKey, WindowPatch } from '../load/windows-ledger.ts';
import type { TokenStore } from '../tiktok/token-source.ts';
import type { SavedSearch } from '../extract/types.ts';

export interface ConnectionShop {
  id: string;
  cipher: string;
  name?: string;
}

export interface ConnectionCategoryAsset {
  cipher: string;
}

/** A connection with its decrypted app secret (tokens stay behind the TokenStore). */
export interface EngineConnection {
  id: number;
  kind: ConnectionKind;
  name: string;
  status: 'active' | 'disabled' | 'reauth_required';
  appKey: string;
  appSecret: string;
  openId: string | null;
  shops: ConnectionShop[];
  categoryAssets: ConnectionCategoryAsset[];
}

// The windows ledger's types are the loader's (src/load/windows-ledger.ts); the engine sees a ledger
// window without the loader's bookkeeping fields.
export type { WindowKey, WindowKind, WindowPatch, WindowStatus } from '../load/windows-ledger.ts';
export type LedgerWindow = Omit<StoredLedgerWindow, 'runId' | 'updatedAt'>;

export interface ScheduleRow {
  connectionId: number;
  stream: StreamName;
  everyMs: number | null;
  cron: string | null;
  enabled: boolean;
}

export interface EngineStore {
  getConnection(connectionId: number): Promise<EngineConnection | null>;
  listConnections(): Promise<{ id: number; kind: ConnectionKind; status: string }[]>;
  tokenStore(connectionId: number): TokenStore;
  setConnectionStatus(
    connectionId: number,
    status: 'active' | 'reauth_required',
    reason: string | null,
  ): Promise<void>;

  loadCheckpoint(connectionId: number, stream: StreamName, scope: string): Promise<Checkpoint>;
  /** Sets the stream's health (etl.sync_state status/error) on every scope row of the stream. */
  setStreamStatus(
    connectionId: number,
    stream: StreamName,
    status: 'ok' | 'failing' | 'blocked',
    error: { errorClass: string; errorMessage: string } | null,
  ): Promise<void>;

  /**
   * Closes as failed the runs of this stream still marked running: called while holding the stream's
   * lock, so any such run belongs to a process that died (docs/architecture.md#invariant-4-one-sync-per-stream-at-a-time makes it exact,
   * no age guess needed). `backfill` selects the backfill runs (their own lock) or the others. Their
   * counts stay as last recorded (recordRunProgress); finished_at is their last heartbeat.
   */
  closeAbandonedRuns(connectionId: number, stream: StreamName, backfill: boolean): Promise<number>;
  /** The streams with runs still marked running (backfill runs apart: they hold their own lock). */
  runningStreams(): Promise<{ connectionId: number; stream: StreamName; backfill: boolean }[]>;
  /**
   * Backfill ledger windows left 'running' by a dead run go back to 'pending' (their last page token
   * kept, so the next backfill resumes them). Called while holding the backfill lock. Returns how many.
   */
  releaseRunningWindows(connectionId: number, stream: StreamName): Promise<number>;
  /**
   * Writes the counts of a run still running to its row, with the time (heartbeat): a run whose
   * process dies keeps what it had committed, and is closed at its last sign of life.
   */
  recordRunProgress(runId: number, counts: RunCounts): Promise<void>;
  openRun(input: { connectionId: number; stream: StreamName; trigger: RunTrigger }): Promise<number>;
  closeRun(
    runId: number,
    input: {
      status: Exclude<RunStatus, 'running'>;
      counts: RunCounts;
      errorClass?: string | null;
      errorMessage?: string | null;
    },
  ): Promise<void>;

  /**
   * Rows, rejects and checkpoint in ONE transaction (docs/architecture.md#invariant-3-rows-and-checkpoint-commit-together), with the backfill
   * ledger's progress when given.
   */
  commitPage(commit: PageCommit, window?: { key: WindowKey; patch: WindowPatch }): Promise<PageCommitResult>;
  /** Marks unseen rows of a scope removed; only after a COMPLETE snapshot. */
  tombstone(table: string, scope: Record<string, string>, runId: number): Promise<number>;

  /** UTC days within [from, before) holding order headers whose status is not final. */
  openOrderDays(input: {
    table: 'sellerOrders' | 'creatorOrders' | 'partnerOrders';
    ownerColumn: 'shop_id' | 'creator_id' | 'partner_id';
    ownerId: string;
    finalStatuses: readonly string[];
    from: Date;
    before: Date;
  }): Promise<Date[]>;

  /**
   * The stored raw record of each of `orderIds` of one owner that the warehouse holds (by order id):
   * what a settlement read from the trace search lacks is taken from it.
   */
  storedOrderRaws(input: {
    table: 'creatorOrders';
    ownerColumn: 'creator_id';
    ownerId: string;
    orderIds: readonly string[];
  }): Promise<Map<string, unknown>>;

  savedSearches(connectionId: number): Promise<SavedSearch[]>;
  /**
   * The shops a creator sells for, by id: the shop names its order lines carry, resolved through the
   * shops of this warehouse's seller connections (the creator APIs name a shop only by its name).
   * Names no seller connection knows come back in `unresolved`.
   */
  creatorShops(creatorId: string): Promise<{ shopIds: string[]; unresolved: string[] }>;
  schedules(): Promise<ScheduleRow[]>;

  /** Backfill ledger (etl.sync_windows): inserts missing windows as pending, returns all of the range. */
  ensureWindows(windows: WindowKey[]): Promise<LedgerWindow[]>;
  updateWindow(key: WindowKey, patch: WindowPatch): Promise<void>;
}
