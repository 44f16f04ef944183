/** The summary table of `sync` and `backfill`: one row per run, counts by outcome, the error and its remedy. */
import type { ConnectionKind, StreamName } from '../../core/streams.ts';
import { STREAM_KIND } from '../../core/streams.ts';
import type { RunSummary } from '../../jobs/run-summary.ts';
import { formatDurationMs } from './format.ts';
import { renderTable } from './table.ts';
import { remedyFor } from './api-error.ts';

export function renderRunSummaries(summaries: readonly RunSummary[], plain: boolean): string {
  const rows = summaries.map((s) => [
    s.connectionId,
    s.stream,
    s.status,
    formatDurationMs(s.durationMs),
    s.pages,
    s.apiCalls,
    s.rowsInserted,
    s.rowsUpdated,
    s.rowsUnchanged,
    s.rowsRejected,
    s.rowsRemoved,
    s.throttledMs > 0 ? formatDurationMs(s.throttledMs) : '-',
  ]);
  const table = renderTable(
    [
      'conn',
      'stream',
      'status',
      'took',
      'pages',
      'api calls',
      'inserted',
      'updated',
      'unchanged',
      'rejected',
      'removed',
      'throttled',
    ],
    rows,
    { plain, numeric: [0, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
  );
  const problems = summaries.filter((s) => s.status !== 'succeeded');
  const notes = problems.map((s) => `  connection ${s.connectionId} ${s.stream}: ${describeProblem(s)}`);
  const ok = summaries.length - problems.length;
  const headline = `${ok} of ${summaries.length} run${summaries.length === 1 ? '' : 's'} succeeded.`;
  const rejected = summaries.reduce((n, s) => n + s.rowsRejected, 0);
  const quarantine =
    rejected > 0
      ? `\n${rejected} record(s) were quarantined: see etl.rejected_records (reason, raw payload).`
      : '';
  return `${table}${headline}${quarantine}${notes.length > 0 ? `\nProblems:\n${notes.join('\n')}` : ''}\n`;
}

/** "<class>: <message>" plus what to do, from a run summary (the error object itself is gone). */
export function describeProblem(
  s: Pick<RunSummary, 'status' | 'errorClass' | 'errorMessage' | 'stream'>,
): string {
  if (s.status === 'skipped') return `skipped (${s.errorMessage ?? 'no reason given'})`;
  const text = `${s.status}: ${s.errorClass ?? 'Error'}: ${s.errorMessage ?? ''}`.trim();
  const remedy = remedyForSummary(s.errorClass, s.errorMessage, STREAM_KIND[s.stream as StreamName]);
  return remedy ? `${text}\n    What to do: ${remedy}` : text;
}

export function remedyForSummary(
  errorClass: string | null,
  message: string | null,
  kind: ConnectionKind | undefined,
): string | null {
  if (!errorClass) return null;
  const code = /\bcode (\d+)/.exec(message ?? '')?.[1];
  const err = Object.assign(new Error(message ?? ''), { name: errorClass, code: code ? Number(code) : null });
  const remedy = remedyFor(err, kind ? { kind } : {});
  if (remedy) return remedy;
  if (errorClass === 'ConnectionSetupError')
    return 're-run `affiliate-etl connections add` for this account to rediscover its shops or assets.';
  if (errorClass === 'EncryptionKeyMismatchError')
    return 'ETL_ENCRYPTION_KEY is not the key the connections were stored with: run with that key, or during a rotation set the old one as ETL_ENCRYPTION_KEY_PREVIOUS.';
  if (errorClass === 'ConnectionUnavailableError')
    return 'check `affiliate-etl connections list`: the connection is gone, disabled or awaiting re-authorization.';
  return null;
}
