/**
 * The body of `affiliate-etl sync`: select, enqueue through BullMQ, process inline when no worker
 * is running, show progress, print the summary table and what was not synced. Loaded on use (it
 * pulls in the engine).
 */
import type { StreamName } from '../../core/streams.ts';
import type { JobProgressEvent, RunSummary } from '../../jobs/index.ts';
import { listConnections } from '../../load/connections.ts';
import type { CliContext } from '../context.ts';
import { CliError, EXIT_USAGE } from '../exit-codes.ts';
import { renderNotSynced } from '../render/not-synced.ts';
import { renderRunSummaries } from '../render/run-summaries.ts';
import { type EngineRuntime, withEngine } from './engine.ts';
import { createProgress } from './progress.ts';
import { type BlockedPair, type DisabledItem, SelectionError, selectSyncs } from './selection.ts';

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
  ctx.stderr.write(
    processInline
      ? `Running ${total} sync${total === 1 ? '' : 's'} in this process${workerRunning ? ' (--inline)' : ' (no worker is running)'}.\n`
      : `Queued ${total} sync${total === 1 ? '' : 's'} for the running worker(s); waiting for them.\n`,
  );
  const progress = createProgress({ out: ctx.stderr, plain: ctx.plain, label: 'sync', unit: 'syncs' });
  let done = 0;
  let rows = 0;
  progress.update(0, total, 'starting');
  const onProgress = (e: JobProgressEvent) => {
    if (e.state !== 'completed' && e.state !== 'failed') return;
    done += 1;
    const s = e.summary;
    if (s) rows += s.rowsInserted + s.rowsUpdated + s.rowsUnchanged;
    progress.update(
      done,
      total,
      `${e.stream} (connection ${e.connectionId}) ${s?.status ?? e.state}; ${rows.toLocaleString('en-US')} rows so far`,
    );
  };
  try {
    return await jobs.enqueueAndWait(deps, {
      syncs: pairs,
      trigger: 'cli',
      processInline,
      onProgress,
      ...(fullRefresh ? { fullRefresh: true } : {}),
    });
  } finally {
    progress.stop();
  }
}
