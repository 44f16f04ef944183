/**
 * The `affiliate-etl status` output: the problems first, each led by its cause (re-authorization
 * needed since when and why, failing since when with which error, not succeeded for how many
 * intervals) and what to do; then the table.
 */
import { TRACE_REPROBE_MS } from '../../jobs/settlement-trace.ts';
import type { ConnectionKind } from '../../core/streams.ts';
import {
  formatDurationMs,
  formatEvery,
  formatInstant,
  formatNextRun,
  formatRelative,
  formatSpan,
} from './format.ts';
import type { StatusReport, StreamStatus } from './status-data.ts';
import { renderTable } from './table.ts';
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

/** One summary line: how many scheduled runs are due and not started, how late, which streams. */
export function backlogLine(report: StatusReport): string {
  const { streams, queueRead, reason } = report.backlog;
  const behind = streams.filter((b) => b.notStarted > 0).sort((a, b) => b.notStarted - a.notStarted);
  const note = queueRead ? '' : ` (runs waiting in the queue not counted: ${reason})`;
  if (behind.length === 0) return `Scheduled runs: none due and waiting${note}.\n`;
  const total = behind.reduce((n, b) => n + b.notStarted, 0);
  const oldest = Math.min(...behind.map((b) => b.oldestDueAt?.getTime() ?? report.now.getTime()));
  const late = formatSpan(Math.max(0, report.now.getTime() - oldest));
  const per = behind.map((b) => `${b.stream} ${b.notStarted.toLocaleString('en-US')}`).join(', ');
  return `Scheduled runs behind: ${total.toLocaleString('en-US')} due and not started, the oldest due ${late} ago (${per})${note}.\n`;
}

export function isFailing(s: StreamStatus): boolean {
  return (
    s.health === 'failing' || s.health === 'blocked' || s.connectionStatus === 'reauth_required' || s.stale
  );
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
      healthCell(s),
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
    .map((s) => `  connection ${s.connectionId} ${s.stream}: ${problemText(s, report.now)}`);
  const head = problems.length > 0 ? `Problems (${problems.length}):\n${problems.join('\n')}\n\n` : '';
  const rescans = report.rows.filter((s) => s.rescan !== null).map((s) => `  ${rescanLine(s, report.now)}`);
  const rescanBlock =
    rescans.length > 0
      ? `Settlement re-scan (last run per age tier; oldest open day):\n${rescans.join('\n')}\n`
      : '';
  const footer = [
    `Times are UTC; "newest data" is the newest business timestamp loaded (tiktok_affiliate.stream_freshness).`,
    ...(report.nextRuns.available ? [] : [`Next runs unknown: ${report.nextRuns.reason}.`]),
  ];
  return `${head}${table}${rescanBlock}${backlogLine(report)}${footer.join('\n')}\n`;
}

/** `conn 3 seller_affiliate_orders: <2d 4m ago · <14d 40m ago · <90d 5h ago · deep 2d ago; oldest open day 2026-04-02`. */
export function rescanLine(s: StreamStatus, now: Date): string {
  const r = s.rescan;
  if (!r) return '';
  const order = (l: string) => (l === 'deep' ? Number.POSITIVE_INFINITY : Number(l.replace(/\D/g, '')));
  const tiers = Object.entries(r.lastRuns)
    .sort((a, b) => order(a[0]) - order(b[0]))
    .map(([label, at]) => `${label} ${formatRelative(at, now)}`);
  const oldest = r.oldestOpenDay ? r.oldestOpenDay.toISOString().slice(0, 10) : 'none';
  const retry = r.retryDays
    ? `; ${r.retryDays} day${r.retryDays === 1 ? '' : 's'} with quarantined orders, read again until clean`
    : '';
  return `conn ${s.connectionId} ${s.stream}: ${tiers.join(' · ') || 'no re-scan yet'}; oldest open day ${oldest}${settlementsText(r.settlements, now)}${retry}`;
}

/** `; settlements by trace search, read to 10m ago` or `; settlements by re-scan (trace search refused 3h ago, asked again in 21h)`. */
function settlementsText(t: NonNullable<StreamStatus['rescan']>['settlements'], now: Date): string {
  if (!t) return '';
  if (t.refusedAt !== null) {
    const again = new Date(t.refusedAt.getTime() + TRACE_REPROBE_MS);
    return `; settlements by re-scan (trace search refused ${formatRelative(t.refusedAt, now)}, asked again ${again <= now ? 'at the next run' : `at ${formatInstant(again)}`})`;
  }
  return t.settledTo ? `; settlements by trace search, read to ${formatRelative(t.settledTo, now)}` : '';
}

function healthCell(s: StreamStatus): string {
  if (s.connectionStatus === 'reauth_required') return 'REAUTH';
  if (s.health !== 'ok' && s.health !== 'never run') return s.health.toUpperCase();
  if (s.stale) return 'STALE';
  return s.health;
}

/** The cause first, then the evidence, then what to do. */
export function problemText(s: StreamStatus, now: Date): string {
  if (s.connectionStatus === 'reauth_required') {
    const since = s.connectionSince ? ` since ${formatInstant(s.connectionSince)}` : '';
    const because = s.connectionReason ? `, because ${s.connectionReason}` : '';
    return `the connection needs re-authorization${since}${because}\n    What to do: have the account owner authorize the app again and run \`affiliate-etl connections add\` with the new auth code.`;
  }
  const errorClass = s.healthError?.errorClass ?? s.lastRun?.errorClass ?? null;
  const message = s.healthError?.errorMessage ?? s.lastRun?.errorMessage ?? null;
  if (s.health === 'failing' || s.health === 'blocked') {
    const since = s.failingSince ? ` since ${formatInstant(s.failingSince)}` : '';
    const head = `${s.health === 'blocked' ? 'blocked (no retry helps)' : 'failing'}${since} with ${errorClass ?? 'an error'}${message ? `: ${message}` : ''}`;
    const remedy = remedyForSummary(errorClass, message, s.connectionKind as ConnectionKind);
    return remedy ? `${head}\n    What to do: ${remedy}` : head;
  }
  const lag = s.successLagIntervals ?? 0;
  const what = s.lastSuccessAt
    ? `has not succeeded for ${formatSpan(now.getTime() - s.lastSuccessAt.getTime())}`
    : 'has never succeeded since the connection was added';
  return (
    `${what} (${Math.floor(lag)} × its ${s.intervalMs ? formatEvery(s.intervalMs) : ''} interval)\n` +
    '    What to do: check that a worker runs (`affiliate-etl worker`; its /readyz) and the schedule ' +
    '(`affiliate-etl schedule list`), or run it now: `affiliate-etl sync ' +
    `--connection ${s.connectionId} --stream ${s.stream}\`.`
  );
}
