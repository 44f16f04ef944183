/** The bodies of the `schedule` commands (loaded on use). */
import { STREAM_KIND, STREAMS, type StreamName } from '../../../core/streams.ts';
import { DEFAULT_EVERY_MS } from '../../../jobs/deps.ts';
import { reconcileSchedules } from '../../../jobs/schedules.ts';
import { listConnections } from '../../../load/connections.ts';
import type { CliContext } from '../../context.ts';
import { CliError, EXIT_USAGE } from '../../exit-codes.ts';
import { formatEvery, formatInstant, formatNextRun, formatSpan } from '../../common/format.ts';
import { nextRunKey, readNextRuns } from '../../common/next-runs.ts';
import { withRuntime } from '../../common/runtime.ts';
import {
  listSchedules,
  resetSchedules,
  type ScheduleRule,
  setSchedules,
  setSchedulesEnabled,
} from '../../common/schedule-store.ts';
import { renderTable } from '../../common/table.ts';

export type ScheduleChange = ({ kind: 'rule' } & ScheduleRule) | { kind: 'disable' | 'enable' | 'reset' };

export function describeRule(rule: ScheduleRule): string {
  return rule.cron ? `cron ${rule.cron}` : `every ${formatEvery(rule.everyMs ?? 0)}`;
}

/** Above this many pairs, `schedule list` without --connection prints one line per stream. */
export const LIST_ROWS_LIMIT = 200;
/** Pairs named one by one in the confirmation of a change; beyond, a count per stream. */
const NAMED_PAIRS_LIMIT = 10;

export async function listScheduleCommand(ctx: CliContext, connectionIds: readonly number[]): Promise<void> {
  await withRuntime(ctx, 'schedule', ['database'], async (rt) => {
    const sql = rt.db().sql;
    const [connections, rows, nextRuns] = await Promise.all([
      listConnections(sql),
      listSchedules(sql),
      readNextRuns(rt.config, sql, connectionIds),
    ]);
    const custom = new Map(rows.map((r) => [nextRunKey(r.connectionId, r.stream), r]));
    const now = new Date();
    const table: (string | number)[][] = [];
    const perStream = new Map<StreamName, StreamSummary>();
    for (const c of connections) {
      if (connectionIds.length > 0 && !connectionIds.includes(c.id)) continue;
      for (const stream of STREAMS) {
        if (STREAM_KIND[stream] !== c.kind) continue;
        const row = custom.get(nextRunKey(c.id, stream));
        const rule = row ? describeRule(row) : `every ${formatEvery(DEFAULT_EVERY_MS[stream])}`;
        const on = c.status === 'active' && !(row && !row.enabled);
        const enabled = c.status !== 'active' ? `no (connection ${c.status})` : on ? 'yes' : 'no';
        const next = nextRuns.next.get(nextRunKey(c.id, stream));
        summarize(perStream, stream, rule, on, next, now.getTime());
        const nextText =
          next !== undefined
            ? `${formatInstant(new Date(next))} (${formatNextRun(new Date(next), now)})`
            : nextRuns.available
              ? 'not scheduled'
              : 'unknown';
        table.push([c.id, stream, rule, row ? 'custom' : 'default', enabled, nextText]);
      }
    }
    if (table.length === 0) {
      ctx.stdout.write(
        'No connections yet: schedules exist per connection (affiliate-etl connections add ...).\n',
      );
      return;
    }
    if (connectionIds.length === 0 && table.length > LIST_ROWS_LIMIT) {
      ctx.stdout.write(renderStreamSummary(perStream, now, ctx.plain));
      ctx.stdout.write(
        `${table.length.toLocaleString('en-US')} connection x stream pairs: one line per stream; see one connection with --connection ID.\n`,
      );
    } else {
      ctx.stdout.write(
        renderTable(['conn', 'stream', 'rule', 'source', 'enabled', 'next run'], table, {
          plain: ctx.plain,
          numeric: [0],
        }),
      );
    }
    if (!nextRuns.available) ctx.stdout.write(`Next runs unknown: ${nextRuns.reason}.\n`);
    else if (nextRuns.next.size === 0)
      ctx.stdout.write(
        'No runs scheduled yet: the schedule is laid out when a worker starts (affiliate-etl worker) or a rule is set.\n',
      );
    const backlog = nextRuns.backlog;
    if (backlog && (backlog.dueNow > 0 || backlog.oldestDueAt)) {
      const late = backlog.oldestDueAt ? Math.max(0, now.getTime() - backlog.oldestDueAt.getTime()) : 0;
      ctx.stdout.write(
        `Backlog: ${backlog.dueNow.toLocaleString('en-US')} due run(s) not yet handed to the workers, ${backlog.queued.toLocaleString('en-US')} waiting or running; the oldest was due ${formatSpan(late)} ago.\n`,
      );
    }
  });
}

interface StreamSummary {
  pairs: number;
  enabled: number;
  rules: Map<string, number>;
  soonest: number | null;
  overdue: number;
}

function summarize(
  into: Map<StreamName, StreamSummary>,
  stream: StreamName,
  rule: string,
  enabled: boolean,
  next: number | undefined,
  nowMs: number,
): void {
  let s = into.get(stream);
  if (!s) {
    s = { pairs: 0, enabled: 0, rules: new Map(), soonest: null, overdue: 0 };
    into.set(stream, s);
  }
  s.pairs += 1;
  if (enabled) s.enabled += 1;
  s.rules.set(rule, (s.rules.get(rule) ?? 0) + 1);
  if (next !== undefined && enabled) {
    if (next < nowMs - 5_000) s.overdue += 1;
    else if (s.soonest === null || next < s.soonest) s.soonest = next;
  }
}

function renderStreamSummary(perStream: Map<StreamName, StreamSummary>, now: Date, plain: boolean): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const rows = [...perStream.entries()].map(([stream, s]) => {
    const rules = [...s.rules.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([rule, count]) => (s.rules.size === 1 ? rule : `${rule} (${n(count)})`))
      .join(', ');
    const more = s.rules.size > 3 ? `, +${s.rules.size - 3} more` : '';
    return [
      stream,
      n(s.pairs),
      `${rules}${more}`,
      n(s.enabled),
      s.soonest === null ? '-' : formatNextRun(new Date(s.soonest), now),
      n(s.overdue),
    ];
  });
  return renderTable(['stream', 'pairs', 'rules', 'enabled', 'next run', 'overdue'], rows, {
    plain,
    numeric: [1, 3, 5],
  });
}

/** `seller_affiliate_orders of connection 1, ...`, or a count per stream when there are many. */
export function describePairs(pairs: readonly { connectionId: number; stream: StreamName }[]): string {
  if (pairs.length <= NAMED_PAIRS_LIMIT)
    return pairs.map((p) => `${p.stream} of connection ${p.connectionId}`).join(', ');
  const byStream = new Map<StreamName, number>();
  for (const p of pairs) byStream.set(p.stream, (byStream.get(p.stream) ?? 0) + 1);
  return [...byStream.entries()]
    .map(([stream, count]) => `${stream} of ${count.toLocaleString('en-US')} connections`)
    .join(', ');
}

export async function setScheduleCommand(
  ctx: CliContext,
  filter: { streams: StreamName[]; connectionIds: number[] },
  change: ScheduleChange,
): Promise<void> {
  await withRuntime(ctx, 'schedule', ['database'], async (rt) => {
    const sql = rt.db().sql;
    const connections = await listConnections(sql);
    const pairs: { connectionId: number; stream: StreamName }[] = [];
    const known = new Set(connections.map((c) => c.id));
    for (const id of filter.connectionIds) {
      if (!known.has(id))
        throw new CliError(
          `There is no connection ${id}; see \`affiliate-etl connections list\`.`,
          EXIT_USAGE,
        );
    }
    const only = new Set(filter.connectionIds);
    for (const stream of filter.streams) {
      const kind = STREAM_KIND[stream];
      const fitting = connections.filter((c) => c.kind === kind && (only.size === 0 || only.has(c.id)));
      if (fitting.length === 0) {
        throw new CliError(
          filter.connectionIds.length > 0
            ? `${stream} is a ${kind} stream; connection(s) ${filter.connectionIds.join(', ')} are not ${kind} connections.`
            : `No ${kind} connection exists, so ${stream} has nothing to schedule.`,
          EXIT_USAGE,
        );
      }
      for (const c of fitting) pairs.push({ connectionId: c.id, stream });
    }
    let n: number;
    let what: string;
    if (change.kind === 'rule') {
      n = await setSchedules(sql, pairs, change);
      what = `now run ${describeRule(change)}`;
    } else if (change.kind === 'reset') {
      n = await resetSchedules(sql, pairs);
      what = 'back to their default rule';
    } else {
      n = await setSchedulesEnabled(
        sql,
        pairs.map((p) => ({ ...p, defaultEveryMs: DEFAULT_EVERY_MS[p.stream] })),
        change.kind === 'enable',
      );
      what = change.kind === 'enable' ? 'scheduled again' : 'no longer scheduled';
    }
    ctx.stdout.write(
      `${n === pairs.length ? pairs.length : `${n} of ${pairs.length}`} schedule(s) ${what}: ${describePairs(pairs)}.\n`,
    );
    // The schedule the workers follow lives in Postgres too: laid out again here, the next run of
    // each changed pair already follows the new rule, whether workers run or not.
    const r = await reconcileSchedules(sql, DEFAULT_EVERY_MS, Date.now());
    ctx.stdout.write(
      `Applied to the schedule (${r.changed + r.created} pair(s) with a new next run, ${r.removed} no longer scheduled).\n`,
    );
  });
}
