/**
 * runSync: one run of one (connection, stream), the single code path of scheduled jobs, CLI syncs and
 * tests (CONTRIBUTING.md#thin-jobs, 13). It holds the cross-machine stream lock, records the run in
 * etl.sync_runs, walks every owner of the connection, and logs ONE summary line (guideline 12).
 * Failures are recorded (run row, stream status, connection status on a revoked token) and rethrown
 * as SyncRunError for the job layer to judge; they are logged once, here.
 */
import { STREAM_KIND, type StreamName } from '../core/streams.ts';
import { defaultSavedSearch, STREAM_SOURCES } from '../extract/index.ts';
import type { SnapshotParams } from '../extract/types.ts';
import type { RunTrigger } from '../load/types.ts';
import type { EngineDeps } from './deps.ts';
import {
  ConnectionUnavailableError,
  errorMessage,
  errorName,
  isCredentialDecryptionFailure,
  isPermanentFailure,
  needsReauthorization,
  SyncRunError,
} from './failure.ts';
import { ownersFor } from './owners.ts';
import { connectionTokens, runSummary, startRunHeartbeat } from './run-result.ts';
import { emptyCounts, type RunSummary } from './run-summary.ts';
import { syncSnapshotOwner } from './snapshot-sync.ts';
import { StreamBusyError, tryLockStream, untilLockLost } from './stream-lock.ts';
import type { StreamRun } from './stream-run.ts';
import { syncWindowedOwner } from './windowed-sync.ts';

export interface RunSyncInput {
  connectionId: number;
  stream: StreamName;
  trigger: RunTrigger;
  signal?: AbortSignal | undefined;
  /**
   * Repair mode: ignore the stored row hashes, so every row read is compared with its stored row and
   * a row changed outside the pipeline is overwritten (src/load/upsert.ts fullRefresh).
   */
  fullRefresh?: boolean | undefined;
}

/** Throws StreamBusyError when another worker holds the stream (the caller delays or skips). */
export async function runSync(deps: EngineDeps, input: RunSyncInput): Promise<RunSummary> {
  const lock = await tryLockStream(deps.db, input.connectionId, input.stream);
  if (!lock) throw new StreamBusyError(input.connectionId, input.stream);
  try {
    return await deps.meter.measure((meter) =>
      runLocked(deps, { ...input, signal: untilLockLost(input.signal, lock) }, meter),
    );
  } finally {
    await lock.release();
  }
}

async function runLocked(
  deps: EngineDeps,
  input: RunSyncInput,
  meter: { apiCalls: number; throttledMs: number },
): Promise<RunSummary> {
  const { store } = deps;
  const started = Date.now();
  const { connectionId, stream, trigger } = input;
  const baseLog = deps.log.child({ connectionId, stream });
  let conn: Awaited<ReturnType<typeof store.getConnection>>;
  try {
    conn = await store.getConnection(connectionId);
  } catch (err) {
    if (isCredentialDecryptionFailure(err)) await recordUnreadableCredentials(deps, input, err, started);
    throw err;
  }
  if (!conn) throw new ConnectionUnavailableError(`connection ${connectionId} does not exist`);
  if (conn.status !== 'active' || conn.kind !== STREAM_KIND[stream]) {
    const reason =
      conn.kind !== STREAM_KIND[stream]
        ? `a ${conn.kind} connection has no ${stream} stream`
        : `connection is ${conn.status}`;
    baseLog.info({ event: 'sync_skipped', reason }, 'sync skipped');
    return {
      ...emptyCounts(),
      runId: null,
      connectionId,
      stream,
      trigger,
      status: 'skipped',
      windows: 0,
      durationMs: 0,
      errorClass: null,
      errorMessage: reason,
    };
  }
  const abandoned = await store.closeAbandonedRuns(connectionId, stream, false);
  if (abandoned > 0)
    baseLog.warn({ event: 'abandoned_runs_closed', count: abandoned }, 'closed runs left by a dead worker');
  const runId = await store.openRun({ connectionId, stream, trigger });
  const log = baseLog.child({ runId });
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
    ...(input.fullRefresh ? { fullRefresh: true } : {}),
  };
  const summarize = (status: RunSummary['status'], error: unknown): RunSummary => {
    run.counts.apiCalls = meter.apiCalls;
    run.counts.throttledMs = Math.round(meter.throttledMs);
    return runSummary(run, trigger, status, error, started);
  };
  // What a run that dies leaves in its row (run-result.ts).
  const heartbeat = startRunHeartbeat(run, meter, deps.config.runHeartbeatMs);
  try {
    const tokens = connectionTokens(deps, conn, log);
    const source = STREAM_SOURCES[stream];
    const params: SnapshotParams = {};
    if (stream === 'open_collaboration_products' || stream === 'creator_open_collaboration_products') {
      params.savedSearches = await store.savedSearches(connectionId);
      if (params.savedSearches.length === 0) {
        params.savedSearches = [defaultSavedSearch(connectionId)];
        log.info(
          { event: 'default_saved_search', searchId: params.savedSearches[0]?.searchId },
          'no saved marketplace search for this connection: syncing the default search (all products)',
        );
      }
    }
    for (const owner of ownersFor(conn, stream, tokens)) {
      if (source.strategy === 'windowed') await syncWindowedOwner(run, source, owner);
      else {
        if (stream === 'creator_target_collaborations') {
          params.creatorShops = await creatorShopsOf(run, owner.ownerId);
        }
        await syncSnapshotOwner(run, source, owner, params);
      }
    }
    const summary = summarize('succeeded', null);
    await store.closeRun(runId, { status: 'succeeded', counts: countsOf(summary) });
    await store.setStreamStatus(connectionId, stream, 'ok', null);
    log.info({ event: 'sync_run', ...summary }, 'sync run finished');
    return summary;
  } catch (err) {
    const status = run.counts.pages > 0 ? 'partial' : 'failed';
    const summary = summarize(status, err);
    const permanent = isPermanentFailure(err);
    const errorInfo = { errorClass: summary.errorClass ?? 'Error', errorMessage: summary.errorMessage ?? '' };
    await recordFailure(deps, runId, summary, permanent, needsReauthorization(err), errorInfo).catch(
      (recordErr) =>
        log.error(
          { event: 'record_failure_failed', err: errorMessage(recordErr) },
          'could not record the failed run',
        ),
    );
    log.warn({ event: 'sync_run', ...summary, permanent }, 'sync run failed');
    throw new SyncRunError(summary, err);
  } finally {
    await heartbeat.stop();
  }
}

function countsOf(s: RunSummary) {
  const {
    pages,
    apiCalls,
    rowsInserted,
    rowsUpdated,
    rowsUnchanged,
    rowsRejected,
    rowsRemoved,
    throttledMs,
  } = s;
  return {
    pages,
    apiCalls,
    rowsInserted,
    rowsUpdated,
    rowsUnchanged,
    rowsRejected,
    rowsRemoved,
    throttledMs,
  };
}

/**
 * The credentials could not be decrypted (wrong ETL_ENCRYPTION_KEY): the run never started, but it is
 * recorded as a failed run and the stream as blocked, so `status`, `doctor` and the metrics show it
 * instead of a run that silently never happens. Then the SyncRunError carries the summary up.
 */
async function recordUnreadableCredentials(
  deps: EngineDeps,
  input: RunSyncInput,
  err: unknown,
  startedMs: number,
): Promise<never> {
  const log = deps.log.child({ connectionId: input.connectionId, stream: input.stream });
  const error = { errorClass: errorName(err), errorMessage: errorMessage(err) };
  try {
    const runId = await deps.store.openRun({
      connectionId: input.connectionId,
      stream: input.stream,
      trigger: input.trigger,
    });
    const summary: RunSummary = {
      ...emptyCounts(),
      runId,
      connectionId: input.connectionId,
      stream: input.stream,
      trigger: input.trigger,
      status: 'failed',
      windows: 0,
      durationMs: Date.now() - startedMs,
      ...error,
    };
    await recordFailure(deps, runId, summary, true, false, error);
    log.error(
      { event: 'sync_run', ...summary, permanent: true },
      'cannot decrypt the connection credentials',
    );
    throw new SyncRunError(summary, err);
  } catch (recordErr) {
    if (recordErr instanceof SyncRunError) throw recordErr;
    log.error(
      { event: 'record_failure_failed', err: errorMessage(recordErr) },
      'could not record the failed run',
    );
    throw err;
  }
}

async function recordFailure(
  deps: EngineDeps,
  runId: number,
  summary: RunSummary,
  permanent: boolean,
  reauth: boolean,
  error: { errorClass: string; errorMessage: string },
): Promise<void> {
  await deps.store.closeRun(runId, {
    status: summary.status === 'partial' ? 'partial' : 'failed',
    counts: countsOf(summary),
    errorClass: error.errorClass,
    errorMessage: error.errorMessage,
  });
  await deps.store.setStreamStatus(
    summary.connectionId,
    summary.stream,
    permanent ? 'blocked' : 'failing',
    error,
  );
  if (reauth) {
    await deps.store.setConnectionStatus(summary.connectionId, 'reauth_required', error.errorMessage);
  }
}

/**
 * creator_target_collaborations needs the creator's shops by id (the search requires one); its orders
 * name them. A name no seller connection resolves cannot be searched: logged, so that an operator
 * can add the seller or accept the gap.
 */
async function creatorShopsOf(run: StreamRun, creatorId: string): Promise<string[]> {
  const { shopIds, unresolved } = await run.store.creatorShops(creatorId);
  if (unresolved.length > 0) {
    // Expected wherever a creator sells for shops the warehouse has no seller connection for, so not
    // a warning: the stream's docs say which shops it covers.
    run.log.info(
      { event: 'creator_shops_unresolved', creatorId, shopNames: unresolved },
      'shops named by the creator orders that no seller connection identifies: their invitations are not searched',
    );
  }
  if (shopIds.length === 0) {
    run.log.info(
      { event: 'creator_shops_none', creatorId },
      'no shop of this creator is known by id yet (sync creator_affiliate_orders and the sellers first)',
    );
  }
  return shopIds;
}
