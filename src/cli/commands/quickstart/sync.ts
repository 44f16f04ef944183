/**
 * The quick start's full sync: every stream of every quick-start connection, through the same
 * BullMQ job path as `affiliate-etl sync` and the scheduled runs (CONTRIBUTING.md#the-cli-runs-the-job-path), processed
 * in this process (enqueueAndWait with processInline), with a progress display: a bar on a
 * terminal, throttled plain lines in CI and pipes (src/cli/common/progress.ts).
 */
import type { Writable } from 'node:stream';
import { STREAM_READS, STREAMS } from '../../../core/streams.ts';
import type { JobProgressEvent, RunSummary } from '../../../jobs/index.ts';
import type { CliContext } from '../../context.ts';
import { withEngine } from '../../common/engine.ts';
import { createProgress } from '../../common/progress.ts';
import { SelectionError, selectSyncs } from '../../common/selection.ts';

export interface FullSyncInput {
  connectionIds: readonly number[];
  /** Where the progress goes (the quick start's narrative: stdout). */
  out: Writable & { isTTY?: boolean };
}

export async function syncEverything(ctx: CliContext, input: FullSyncInput): Promise<RunSummary[]> {
  return withEngine(ctx, 'quickstart', async ({ deps, jobs }) => {
    const connections = await deps.store.listConnections();
    // Every stream named explicitly: a schedule switched off in this database does not exempt a
    // stream from the quick start's "full sync of every stream".
    const { pairs, blocked } = selectSyncs(
      connections.map((c) => ({ id: c.id, kind: c.kind, status: c.status })),
      [],
      { connectionIds: input.connectionIds, streams: [...STREAMS] },
    );
    // The quick start promises a full sync of every stream: a pair it cannot run is a failure to
    // report, never a pair quietly left out.
    if (blocked.length > 0) {
      const ids = [...new Set(blocked.map((b) => b.connectionId))].join(', ');
      throw new SelectionError(
        `Connection(s) ${ids} need re-authorization, so ${blocked.length} of the quick start's syncs ` +
          'cannot run; run the quick start again to store fresh sandbox tokens.',
      );
    }
    const progress = createProgress({ out: input.out, plain: ctx.plain, label: 'sync', unit: 'syncs' });
    const total = pairs.length;
    let done = 0;
    let inserted = 0;
    let unchanged = 0;
    progress.update(0, total, 'starting');
    const onProgress = (e: JobProgressEvent) => {
      if (e.state !== 'completed' && e.state !== 'failed') return;
      done += 1;
      const s = e.summary;
      inserted += (s?.rowsInserted ?? 0) + (s?.rowsUpdated ?? 0);
      unchanged += s?.rowsUnchanged ?? 0;
      progress.update(
        done,
        total,
        `${e.stream} (connection ${e.connectionId}) ${s?.status ?? e.state}; ` +
          `${inserted.toLocaleString('en-US')} rows written, ${unchanged.toLocaleString('en-US')} unchanged`,
      );
    };
    // Streams that read another stream's rows (STREAM_READS) run once the rest is loaded.
    const later = pairs.filter((p) => STREAM_READS[p.stream] !== undefined);
    const first = pairs.filter((p) => STREAM_READS[p.stream] === undefined);
    try {
      const summaries: RunSummary[] = [];
      for (const syncs of [first, later]) {
        if (syncs.length === 0) continue;
        summaries.push(
          ...(await jobs.enqueueAndWait(deps, { syncs, trigger: 'cli', processInline: true, onProgress })),
        );
      }
      return summaries;
    } finally {
      progress.stop();
    }
  });
}

/** "12 of 12 syncs succeeded: 41,210 rows inserted, 0 updated, 0 unchanged, 0 rejected". */
export function describeSyncs(summaries: readonly RunSummary[]): string {
  const sum = (f: (s: RunSummary) => number) =>
    summaries.reduce((n, s) => n + f(s), 0).toLocaleString('en-US');
  const ok = summaries.filter((s) => s.status === 'succeeded').length;
  return (
    `${ok} of ${summaries.length} syncs succeeded: ${sum((s) => s.rowsInserted)} rows inserted, ` +
    `${sum((s) => s.rowsUpdated)} updated, ${sum((s) => s.rowsUnchanged)} unchanged, ` +
    `${sum((s) => s.rowsRejected)} rejected`
  );
}
