/** What one sync run did: the sync_runs row, the summary log line and the CLI table share it. */
import type { StreamName } from '../core/streams.ts';
import type { PageCommitResult, RunCounts, RunStatus, RunTrigger } from '../load/types.ts';

export interface RunSummary extends RunCounts {
  runId: number | null;
  connectionId: number;
  stream: StreamName;
  trigger: RunTrigger;
  /** 'skipped': the connection is disabled / needs re-authorization, or the stream lock was taken. */
  status: RunStatus | 'skipped';
  windows: number;
  durationMs: number;
  errorClass: string | null;
  errorMessage: string | null;
}

export function emptyCounts(): RunCounts {
  return {
    pages: 0,
    apiCalls: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsUnchanged: 0,
    rowsRejected: 0,
    rowsRemoved: 0,
    throttledMs: 0,
  };
}

export function addCommit(counts: RunCounts, result: PageCommitResult): void {
  counts.pages += 1;
  counts.rowsInserted += result.inserted;
  counts.rowsUpdated += result.updated;
  counts.rowsUnchanged += result.unchanged;
  counts.rowsRejected += result.rejected;
  counts.rowsRemoved += result.removed;
}

/** Rows a page carried (all tables), for the windows ledger. */
export function rowCount(result: PageCommitResult): number {
  return result.inserted + result.updated + result.unchanged + result.rejected;
}
