/**
 * Backfill: its own job type over an explicit create-time range of an ORDER stream, split into windows
 * recorded in the etl.sync_windows ledger (status, pages, rows, last page token), docs/architecture.md
 * "Backfill". It never moves the incremental watermark and writes no sync_state checkpoint: each
 * window's resume point is its ledger row (last_page_token), committed with every page, so a killed
 * backfill resumes at its last committed page; upserts make the overlap with scheduled syncs harmless.
 * It holds its own lock (one backfill per connection × stream at a time) and NOT the scheduled sync's,
 * so both run side by side; the queue gives it a lower priority.
 */
import { setMaxListeners } from 'node:events';
import { STREAM_KIND, type StreamName } from '../core/streams.ts';
import { STREAM_SOURCES } from '../extract/index.ts';
import type { WindowedSource } from '../extract/types.ts';
import { splitRange, type TimeWindow, windowLabel } from '../extract/windows.ts';
import type { EngineDeps } from './deps.ts';
import {
  ConnectionUnavailableError,
  errorMessage,
  isPermanentFailure,
  needsReauthorization,
  SyncRunError,
} from './failure.ts';
import { ownersFor, type StreamOwner } from './owners.ts';
import { connectionTokens, runSummary, startRunHeartbeat } from './run-result.ts';
import { emptyCounts, type RunSummary } from './run-summary.ts';
import { StreamBusyError, tryLockStream, untilLockLost } from './stream-lock.ts';
import type { StreamRun } from './stream-run.ts';
import type { LedgerWindow } from './store.ts';
import { walkWindow } from './windowed-sync.ts';
import { runWindowPool } from './window-pool.ts';

export interface BackfillInput {
  connectionId: number;
  stream: StreamName;
  from: Date;
  to: Date;
  signal?: AbortSignal | undefined;
  /** Called after every committed page and finished window. */
  onProgress?: (p: BackfillProgress) => void;
}

export interface BackfillProgress {
  windowsTotal: number;
  windowsDone: number;
  pages: number;
  rows: number;
}

export class BackfillInputError extends Error {
  override readonly name = 'BackfillInputError';
}

export function validateBackfill(stream: StreamName, from: Date, to: Date): WindowedSource {
  const source = STREAM_SOURCES[stream];
  if (source.strategy !== 'windowed') {
    throw new BackfillInputError(
      `backfill applies to the order streams only; ${stream} is a snapshot stream (run a sync instead)`,
    );
  }
  if (!(from < to))
    throw new BackfillInputError(
      `backfill range is empty: --from ${from.toISOString()} must be before --to ${to.toISOString()}`,
    );
  return source;
}

/** The windows a backfill covers, per owner, with their ledger state (for --dry-run and progress). */
export async function planBackfill(
  deps: EngineDeps,
  input: Pick<BackfillInput, 'connectionId' | 'stream' | 'from' | 'to'>,
): Promise<LedgerWindow[]> {
  validateBackfill(input.stream, input.from, input.to);
  const conn = await deps.store.getConnection(input.connectionId);
  if (!conn) throw new ConnectionUnavailableError(`connection ${input.connectionId} does not exist`);
  const noTokens = { accessToken: async () => '', refreshAfterExpiry: async () => '' };
  const out: LedgerWindow[] = [];
  for (const owner of ownersFor(conn, input.stream, noTokens)) {
    out.push(...(await ensureLedger(deps, input, owner)));
  }
  return out;
}

async function ensureLedger(
  deps: EngineDeps,
  input: Pick<BackfillInput, 'connectionId' | 'stream' | 'from' | 'to'>,
  owner: StreamOwner,
): Promise<LedgerWindow[]> {
  const windows = splitRange(input.from, input.to, deps.config.windows.windowDays);
  return deps.store.ensureWindows(
    windows.map((w) => ({
      connectionId: input.connectionId,
      stream: input.stream,
      scope: owner.ownerId,
      start: w.start,
      end: w.end,
      kind: 'backfill' as const,
    })),
  );
}

/**
 * One ledger window. Its resume point is the ledger's last_page_token, committed in the same
 * transaction as the page's rows (and `done` with the last page), so a killed backfill resumes at its
 * last committed page exactly. No sync_state checkpoint is written (several windows of one owner run
 * at once: one cursor row would only be overwritten by each of them in turn, and locked by each page).
 */
async function backfillWindow(
  run: StreamRun,
  source: WindowedSource,
  owner: StreamOwner,
  w: LedgerWindow,
  progress: BackfillProgress,
  onProgress: BackfillInput['onProgress'],
  pageDone: () => void,
): Promise<void> {
  const window: TimeWindow = { start: w.start, end: w.end };
  const key = {
    connectionId: w.connectionId,
    stream: w.stream,
    scope: w.scope,
    start: w.start,
    end: w.end,
    kind: 'backfill' as const,
  };
  await run.store.updateWindow(key, { status: 'running', runId: run.runId });
  if (w.lastPageToken)
    run.log.info({ event: 'window_resume', window: windowLabel(window) }, 'resuming a backfill window');
  await walkWindow(run, {
    source,
    owner,
    scope: owner.ownerId,
    phase: 'backfill',
    window,
    startToken: w.lastPageToken,
    watermark: null,
    advancesWatermark: false,
    ledger: key,
    onPage: (page) => {
      pageDone();
      progress.pages += 1;
      progress.rows += page.rows;
      if (page.last) progress.windowsDone += 1;
      onProgress?.({ ...progress });
    },
  });
}

/** Backfill lock: a second key space beside the scheduled sync's lock (see stream-lock.ts). */
export const BACKFILL_LOCK_OFFSET = 1_000_000;

export async function runBackfill(deps: EngineDeps, input: BackfillInput): Promise<RunSummary> {
  const source = validateBackfill(input.stream, input.from, input.to);
  const lock = await tryLockStream(deps.db, input.connectionId + BACKFILL_LOCK_OFFSET, input.stream);
  if (!lock) throw new StreamBusyError(input.connectionId, input.stream);
  try {
    return await deps.meter.measure((meter) =>
      backfillLocked(deps, { ...input, signal: untilLockLost(input.signal, lock) }, source, meter),
    );
  } finally {
    await lock.release();
  }
}

async function backfillLocked(
  deps: EngineDeps,
  input: BackfillInput,
  source: WindowedSource,
  meter: { apiCalls: number; throttledMs: number },
): Promise<RunSummary> {
  const { store } = deps;
  const { connectionId, stream } = input;
  const started = Date.now();
  const conn = await store.getConnection(connectionId);
  if (!conn) throw new ConnectionUnavailableError(`connection ${connectionId} does not exist`);
  if (conn.status !== 'active' || conn.kind !== STREAM_KIND[stream]) {
    throw new ConnectionUnavailableError(
      `connection ${connectionId} cannot be backfilled: it is ${conn.status} (${conn.kind})`,
    );
  }
  await store.closeAbandonedRuns(connectionId, stream, true);
  const runId = await store.openRun({ connectionId, stream, trigger: 'backfill' });
  const log = deps.log.child({
    connectionId,
    stream,
    runId,
    backfill: `${input.from.toISOString()}..${input.to.toISOString()}`,
  });
  const run: StreamRun = {
    store,
    api: deps.api,
    clock: deps.clock,
    config: deps.config,
    log,
    runId,
    connectionId,
    stream,
    counts: emptyCounts(),
    signal: input.signal,
    windowsDone: 0,
    // Created here, not on first use, so that the pooled copy below shares what one window learns.
    rangeLimit: { maxMs: null },
  };
  const summarize = (status: RunSummary['status'], error: unknown): RunSummary => {
    run.counts.apiCalls = meter.apiCalls;
    run.counts.throttledMs = Math.round(meter.throttledMs);
    return summaryOf(status, error);
  };
  const summaryOf = (status: RunSummary['status'], error: unknown): RunSummary =>
    runSummary(run, 'backfill', status, error, started);
  // What a run that dies leaves in its row (run-result.ts).
  const heartbeat = startRunHeartbeat(run, meter, deps.config.runHeartbeatMs);
  try {
    const tokens = connectionTokens(deps, conn, log);
    const owners = ownersFor(conn, stream, tokens);
    const ledgers = await Promise.all(owners.map((o) => ensureLedger(deps, input, o)));
    const progress: BackfillProgress = {
      windowsTotal: ledgers.flat().length,
      windowsDone: ledgers.flat().filter((w) => w.status === 'done').length,
      pages: 0,
      rows: 0,
    };
    input.onProgress?.({ ...progress });
    // Windows run side by side, every owner at once, as many per owner as its budget needs at the
    // observed latency (window-pool.ts); the budget, not this pool, caps the request rate. The first
    // failure aborts the siblings, so the run fails fast with every committed page kept.
    const siblings = new AbortController();
    // Every window in flight listens on it (fetch, budget waits): more than the default 10 listeners.
    setMaxListeners(0, siblings.signal);
    const onAbort = () => siblings.abort(input.signal?.reason);
    input.signal?.addEventListener('abort', onAbort, { once: true });
    const pooled: StreamRun = { ...run, signal: siblings.signal };
    const groups = owners.map((owner, i) => ({
      owner: owner.ownerId,
      tasks: (ledgers[i] ?? []).filter((w) => w.status !== 'done').map((w) => ({ owner, w })),
    }));
    try {
      await runWindowPool(
        groups,
        {
          ratePerSecond: deps.config.ratePerSecond,
          maxInFlight: deps.config.backfillWindowConcurrency,
          signal: siblings.signal,
        },
        async ({ owner, w }, pageDone) => {
          try {
            await backfillWindow(pooled, source, owner, w, progress, input.onProgress, pageDone);
          } catch (err) {
            siblings.abort(err);
            throw err;
          }
        },
      );
    } finally {
      input.signal?.removeEventListener('abort', onAbort);
      run.windowsDone = pooled.windowsDone;
    }
    const summary = summarize('succeeded', null);
    await store.closeRun(runId, { status: 'succeeded', counts: run.counts });
    log.info({ event: 'backfill_run', ...summary }, 'backfill finished');
    return summary;
  } catch (err) {
    const summary = summarize(run.counts.pages > 0 ? 'partial' : 'failed', err);
    const errorInfo = { errorClass: summary.errorClass ?? 'Error', errorMessage: summary.errorMessage ?? '' };
    try {
      await store.closeRun(runId, {
        status: summary.status === 'partial' ? 'partial' : 'failed',
        counts: run.counts,
        ...errorInfo,
      });
      if (needsReauthorization(err))
        await store.setConnectionStatus(connectionId, 'reauth_required', errorInfo.errorMessage);
    } catch (recordErr) {
      log.error(
        { event: 'record_failure_failed', err: errorMessage(recordErr) },
        'could not record the failed backfill',
      );
    }
    log.warn({ event: 'backfill_run', ...summary, permanent: isPermanentFailure(err) }, 'backfill failed');
    throw new SyncRunError(summary, err);
  } finally {
    await heartbeat.stop();
  }
}
