/**
 * The body of `affiliate-etl sync`: select, enqueue through BullMQ, process inline when no worker
 * is running, show progress, print the summary table. Loaded on use (it pulls in the engine).
 */
import type { StreamName } from '../../core/streams.ts';
import type { JobProgressEvent, RunSummary } from '../../jobs/index.ts';
import type { CliContext } from '../context.ts';
import { CliError, EXIT_USAGE } from '../exit-codes.ts';
import { renderRunSummaries } from '../render/run-summaries.ts';
import { withEngine } from './engine.ts';
import { createProgress } from './progress.ts';
import { SelectionError, selectSyncs } from './selection.ts';

export interface SyncCommandInput {
  streams: StreamName[];
  connectionIds: number[];
  forceInline: boolean;
}

export async function runSyncCommand(ctx: CliContext, input: SyncCommandInput): Promise<RunSummary[]> {
  return withEngine(ctx, 'sync', async ({ deps, jobs }) => {
    const [connections, schedules] = await Promise.all([
      deps.store.listConnections(),
      deps.store.schedules(),
    ]);
    let selection: ReturnType<typeof selectSyncs>;
    try {
      selection = selectSyncs(
        connections.map((c) => ({ id: c.id, kind: c.kind, status: c.status })),
        schedules,
        { connectionIds: input.connectionIds, streams: input.streams },
      );
    } catch (err) {
      if (err instanceof SelectionError) throw new CliError(err.message, EXIT_USAGE);
      throw err;
    }
    for (const note of selection.notes) ctx.stderr.write(`note: ${note}\n`);
    const workerRunning = await jobs.hasActiveWorkers(deps);
    const processInline = input.forceInline || !workerRunning;
    ctx.stderr.write(
      processInline
        ? `Running ${selection.pairs.length} sync${selection.pairs.length === 1 ? '' : 's'} in this process${workerRunning ? ' (--inline)' : ' (no worker is running)'}.\n`
        : `Queued ${selection.pairs.length} sync${selection.pairs.length === 1 ? '' : 's'} for the running worker(s); waiting for them.\n`,
    );
    const progress = createProgress({ out: ctx.stderr, plain: ctx.plain, label: 'sync', unit: 'syncs' });
    const total = selection.pairs.length;
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
    let summaries: RunSummary[];
    try {
      summaries = await jobs.enqueueAndWait(deps, {
        syncs: selection.pairs,
        trigger: 'cli',
        processInline,
        onProgress,
      });
    } finally {
      progress.stop();
    }
    ctx.stdout.write(renderRunSummaries(summaries, ctx.plain));
    return summaries;
  });
}
