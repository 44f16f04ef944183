/** The `affiliate-etl status` table and its problem list (each failing stream with what to do). */
import type { ConnectionKind } from '../../core/streams.ts';
import { formatDurationMs, formatInstant, formatNextRun, formatRelative } from '../ui/format.ts';
import type { StatusReport, StreamStatus } from '../ui/status-data.ts';
import { renderTable } from '../ui/table.ts';
import { remedyForSummary } from './run-summaries.ts';

function lastRunCell(s: StreamStatus, now: Date): string {
  const r = s.lastRun;
  if (!r) return 'never';
  const at = r.finishedAt ?? r.startedAt;
  return `${r.status} ${formatRelative(at, now)}${r.trigger !== 'schedule' ? ` (${r.trigger})` : ''}`;
}

function tookCell(s: StreamStatus): string {
  const r = s.lastRun;
  if (!r) return '-';
  if (!r.finishedAt) return 'running';
  return formatDurationMs(r.finishedAt.getTime() - r.startedAt.getTime());
}

function nextCell(s: StreamStatus, report: StatusReport): string {
  if (s.connectionStatus !== 'active') return `- (${s.connectionStatus})`;
  if (s.nextRunAt) return formatNextRun(s.nextRunAt, report.now);
  return report.nextRuns.available ? 'not scheduled' : 'unknown';
}

export function isFailing(s: StreamStatus): boolean {
  return s.health === 'failing' || s.health === 'blocked' || s.connectionStatus === 'reauth_required';
}

export function renderStatus(report: StatusReport, plain: boolean): string {
  if (report.rows.length === 0) {
    return 'Nothing to show: no connection matches (affiliate-etl connections list).\n';
  }
  const rows = report.rows.map((s) => {
    const c = s.lastRun?.counts;
    return [
      s.connectionId,
      s.stream,
      lastRunCell(s, report.now),
      tookCell(s),
      c?.rowsInserted,
      c?.rowsUpdated,
      c?.rowsUnchanged,
      c?.rowsRejected,
      s.newestBusinessTime
        ? `${formatInstant(s.newestBusinessTime)} (${formatRelative(s.newestBusinessTime, report.now)})`
        : 'no rows yet',
      s.lastSuccessAt ? formatRelative(s.lastSuccessAt, report.now) : 'never',
      nextCell(s, report),
      s.connectionStatus === 'reauth_required' ? 'REAUTH' : s.health === 'ok' ? 'ok' : s.health.toUpperCase(),
    ];
  });
  const table = renderTable(
    [
      'conn',
      'stream',
      'last run',
      'took',
      'inserted',
      'updated',
      'unchanged',
      'rejected',
      'newest data',
      'last success',
      'next run',
      'health',
    ],
    rows,
    { plain, numeric: [0, 3, 4, 5, 6, 7] },
  );
  const problems = report.rows
    .filter(isFailing)
    .map((s) => `  connection ${s.connectionId} ${s.stream}: ${problemText(s)}`);
  const footer = [
    `Times are UTC; "newest data" is the newest business timestamp loaded (tiktok_affiliate.stream_freshness).`,
    ...(report.nextRuns.available ? [] : [`Next runs unknown: ${report.nextRuns.reason}.`]),
    ...(problems.length > 0 ? ['Problems:', ...problems] : []),
  ];
  return `${table}${footer.join('\n')}\n`;
}

function problemText(s: StreamStatus): string {
  const errorClass = s.healthError?.errorClass ?? s.lastRun?.errorClass ?? null;
  const message = s.healthError?.errorMessage ?? s.lastRun?.errorMessage ?? null;
  const head =
    s.connectionStatus === 'reauth_required'
      ? 'the connection needs re-authorization'
      : `${s.health}${errorClass ? `: ${errorClass}` : ''}${message ? `: ${message}` : ''}`;
  const remedy =
    s.connectionStatus === 'reauth_required'
      ? 'have the account owner authorize the app again and run `affiliate-etl connections add` with the new auth code.'
      : remedyForSummary(errorClass, message, s.connectionKind as ConnectionKind);
  return remedy ? `${head}\n    What to do: ${remedy}` : head;
}
