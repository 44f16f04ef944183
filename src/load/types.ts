/**
 * Contract of the loader (src/load): what a sync hands over per page and gets back.
 */
import type { StreamName } from '../core/streams.ts';
import type { RejectedRecord, TableRows } from '../transform/types.ts';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** The in-flight position of a stream, stored with every page (etl.sync_state). */
export interface Checkpoint {
  /** Create-time high-water mark of windowed streams (advances only after a window commits). */
  watermark: Date | null;
  /** Opaque per-stream cursor state (current window, page token, fan-out position...). */
  cursor: Record<string, unknown> | null;
}

export interface PageCommit {
  runId: number;
  connectionId: number;
  stream: StreamName;
  /** Sub-scope of a stream's state, e.g. a shop id, `status=ONGOING`, a campaign id; '' if none. */
  scope: string;
  rows: TableRows;
  rejected: RejectedRecord[];
  /**
   * Written in the same transaction as the rows. null: the page's resume point is the backfill ledger
   * row written in that transaction instead (CommitPageOptions.window); one of the two is required.
   */
  checkpoint: Checkpoint | null;
  /** For snapshot tables: the rows are stamped with last_seen_run_id = runId. */
  snapshot: boolean;
  /**
   * Repair mode (`sync --full-refresh`): every row is compared with its stored row, whatever the
   * stored row_hash says, so rows changed outside the pipeline are overwritten (upsert.ts).
   */
  fullRefresh?: boolean;
}

export interface PageCommitResult extends UpsertCounts {
  rejected: number;
  /** Order lines deleted because their order no longer lists them (src/load/order-lines.ts). */
  removed: number;
}

export type RunTrigger = 'schedule' | 'cli' | 'backfill' | 'rescan';
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'partial';

export interface RunCounts {
  pages: number;
  apiCalls: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsUnchanged: number;
  rowsRejected: number;
  rowsRemoved: number;
  throttledMs: number;
}
