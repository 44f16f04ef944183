/**
 * The body of `affiliate-etl sync`: select, enqueue through BullMQ, process inline when no worker
 * is running, show progress, print the summary table and what was not synced. Loaded on use (it
 * pulls in the engine).
 */
import type { StreamName } from '../../../core/streams.ts';
import type { JobProgressEvent, RunSummary, WaitStatus } from '../../../jobs/index.ts';
import { listConnections } from '../../../load/connections.ts';
import type { CliContext } from '../../context.ts';
import { CliError, EXIT_USAGE } from '../../exit-codes.ts';
import { renderNotSynced } from '../../common/not-synced.ts';
import { renderRunSummaries } from '../../common/run-summaries.ts';
import { type EngineRuntime, withEngine } from '../../common/engine.ts';
import { createProgress, type Progress } from '../../common/progress.ts';
import { takeoverMessage } from '../../common/outcome.ts';
import { type BlockedPair, type DisabledItem, SelectionError, selectSyncs } from '../../common/selection.ts';

export interface SyncCommandInput {
  streams: StreamName[];
  connectionIds: number[];
  forceInline: boolean;
  /** `--full-refresh`: the runs ignore stored row hashes and repair rows changed by hand. */
  fullRefresh?: boolean;
}

export interface SyncCommandResult {
  summaries: RunSummary[];
  /** Selected pairs that did not run: their connection needs re-authorization. */
  blocked: BlockedPair[];
  /** Left out by an operator (listed, not an error). */
  disabled: DisabledItem[];
}

export async function runSyncCommand(ctx: CliContext, input: SyncCommandInput): Promise<SyncCommandResult> {
  return withEngine(ctx, 'sync', async (engine) => {
    const { deps } = engine;
    const [connections, schedules] = await Promise.all([
      listConnections(deps.db.sql),
      deps.store.schedules(),
    ]);
    let selection: ReturnType<typeof selectSyncs>;
    try {
      selection = selectSyncs(connections, schedules, {
        connectionIds: input.connectionIds,
        streams: input.streams,
      });
    } catch (err) {
      if (err instanceof SelectionError) throw new CliError(err.message, EXIT_USAGE);
      throw err;
    }
    const { blocked, disabled } = selection;
    const total = selection.pairs.length;
    let summaries: RunSummary[] = [];
    if (total > 0) {
      summaries = await runPairs(ctx, engine, selection.pairs, input.forceInline, input.fullRefresh ?? false);
      ctx.stdout.write(renderRunSummaries(summaries, ctx.plain));
    } else {
      ctx.stderr.write('Nothing to run: every selected connection is disabled or needs re-authorization.\n');
    }
    ctx.stdout.write(renderNotSynced(blocked, disabled));
    return { summaries, blocked, disabled };
  });
}

async function runPairs(
  ctx: CliContext,
  { deps, jobs }: EngineRuntime,
  pairs: { connectionId: number; stream: StreamName }[],
  forceInline: boolean,
  fullRefresh: boolean,
): Promise<RunSummary[]> {
  const workerRunning = await jobs.hasActiveWorkers(deps);
  const processInline = forceInline || !workerRunning;
  const total = pairs.length;
  const syncs = `${total} sync${total === 1 ? '' : 's'}`;
  ctx.stderr.write(
    processInline
      ? `Running ${syncs} in this process${workerRunning ? ' (--inline)' : ' (no worker is running)'}.\n`
      : `Queued ${syncs} for the running worker(s); following them (this process runs any that no live worker holds or can take for ${jobs.DEFAULT_TAKEOVER_AFTER_MS / 1000} s).\n`,
  );
  const progress = createProgress({ out: ctx.stderr, plain: ctx.plain, label: 'sync', unit: 'syncs' });
  const follower = followProgress(progress, total);
  progress.update(0, total, 'starting');
  try {
    return await jobs.enqueueAndWait(deps, {
      syncs: pairs,
      trigger: 'cli',
      processInline,
      ...(fullRefresh ? { fullRefresh: true } : {}),
      onProgress: follower.onProgress,
      onStatus: follower.onStatus,
      onTakeover: (t) => {
        ctx.stderr.write(`\n${takeoverMessage(t, 'sync')}\n`);
      },
    });
  } finally {
    progress.stop();
  }
}

/**
 * Progress from what really happened: finished jobs from their events, and at every poll where the
 * others are (running, waiting, how many workers), so a stalled run shows why instead of a frozen count.
 */
function followProgress(progress: Progress, total: number) {
  let done = 0;
  let rows = 0;
  let last = 'starting';
  return {
    onProgress(e: JobProgressEvent) {
      if (e.state !== 'completed' && e.state !== 'failed') return;
      done += 1;
      const s = e.summary;
      if (s) rows += s.rowsInserted + s.rowsUpdated + s.rowsUnchanged;
      last = `${e.stream} (connection ${e.connectionId}) ${s?.status ?? e.state}`;
      progress.update(done, total, `${last}; ${rows.toLocaleString('en-US')} rows so far`);
    },
    onStatus(s: WaitStatus) {
      const where = [
        `${s.active} running`,
        `${s.waiting} waiting`,
        ...(s.inline > 0 ? [`${s.inline} in this process`] : []),
        `${s.workers} worker${s.workers === 1 ? '' : 's'} connected`,
      ].join(', ');
      progress.update(s.done, total, `${where}; ${rows.toLocaleString('en-US')} rows so far`);
    },
  };
}
