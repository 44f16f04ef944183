/**
 * Closes what dead workers leave behind. A run row still 'running' whose stream lock is FREE belongs
 * to a process that died (the lock is a Postgres session lock: it goes with its connection), so the
 * lock itself is the lease, with no age guess: the row is closed as failed with the reason, and the
 * backfill ledger windows that run had 'running' go back to 'pending', keeping their last committed
 * page token, so the next backfill resumes them. A stream whose lock is held is alive and left alone.
 * The next run of a stream does the same on its own (closeAbandonedRuns); this covers streams that
 * have no next run coming (a job BullMQ gave up on, a one-off backfill).
 */
import type { StreamName } from '../core/streams.ts';
import { BACKFILL_LOCK_OFFSET } from './backfill.ts';
import type { EngineDeps } from './deps.ts';
import { tryLockStream } from './stream-lock.ts';

export interface ReapTarget {
  connectionId: number;
  stream: StreamName;
  backfill: boolean;
}

export interface ReapResult {
  runs: number;
  windows: number;
}

/** One pass over every stream with a running run (or just `only`). */
export async function reapAbandonedRuns(deps: EngineDeps, only?: ReapTarget): Promise<ReapResult> {
  const targets = only ? [only] : await deps.store.runningStreams();
  const total: ReapResult = { runs: 0, windows: 0 };
  for (const t of targets) {
    const lockId = t.backfill ? t.connectionId + BACKFILL_LOCK_OFFSET : t.connectionId;
    const lock = await tryLockStream(deps.db, lockId, t.stream);
    if (!lock) continue;
    try {
      const runs = await deps.store.closeAbandonedRuns(t.connectionId, t.stream, t.backfill);
      const windows = t.backfill ? await deps.store.releaseRunningWindows(t.connectionId, t.stream) : 0;
      if (runs > 0 || windows > 0)
        deps.log.warn(
          {
            event: 'abandoned_runs_closed',
            connectionId: t.connectionId,
            stream: t.stream,
            count: runs,
            windows,
          },
          'closed runs left by a dead worker',
        );
      total.runs += runs;
      total.windows += windows;
    } finally {
      await lock.release();
    }
  }
  return total;
}
