/** The bodies of the `schedule` commands (loaded on use). */
import { STREAM_KIND, STREAMS, type StreamName } from '../../core/streams.ts';
import { DEFAULT_EVERY_MS } from '../../jobs/deps.ts';
import { listConnections } from '../../load/connections.ts';
import type { CliContext } from '../context.ts';
import { CliError, EXIT_USAGE } from '../exit-codes.ts';
import { withEngine } from './engine.ts';
import { formatEvery, formatInstant, formatNextRun } from './format.ts';
import { nextRunKey, readNextRuns } from './next-runs.ts';
import { reachRedis } from './reach.ts';
import { withRuntime } from './runtime.ts';
import {
  listSchedules,
  resetSchedules,
  type ScheduleRule,
  setSchedules,
  setSchedulesEnabled,
} from './schedule-store.ts';
import { renderTable } from './table.ts';

export type ScheduleChange = ({ kind: 'rule' } & ScheduleRule) | { kind: 'disable' | 'enable' | 'reset' };

export function describeRule(rule: ScheduleRule): string {
  return rule.cron ? `cron ${rule.cron}` : `every ${formatEvery(rule.everyMs ?? 0)}`;
}

export async function listScheduleCommand(ctx: CliContext, connectionIds: readonly number[]): Promise<void> {
  await withRuntime(ctx, 'schedule', ['database'], async (rt) => {
    const sql = rt.db().sql;
    const [connections, rows, nextRuns] = await Promise.all([
      listConnections(sql),
      listSchedules(sql),
      readNextRuns(rt.config),
    ]);
    const custom = new Map(rows.map((r) => [nextRunKey(r.connectionId, r.stream), r]));
    const now = new Date();
    const table: (string | number)[][] = [];
    for (const c of connections) {
      if (connectionIds.length > 0 && !connectionIds.includes(c.id)) continue;
      for (const stream of STREAMS) {
        if (STREAM_KIND[stream] !== c.kind) continue;
        const row = custom.get(nextRunKey(c.id, stream));
        const rule = row ? describeRule(row) : `every ${formatEvery(DEFAULT_EVERY_MS[stream])}`;
        const enabled =
          c.status !== 'active' ? `no (connection ${c.status})` : row && !row.enabled ? 'no' : 'yes';
        const next = nextRuns.next.get(nextRunKey(c.id, stream));
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
    ctx.stdout.write(
      renderTable(['conn', 'stream', 'rule', 'source', 'enabled', 'next run'], table, {
        plain: ctx.plain,
        numeric: [0],
      }),
    );
    if (!nextRuns.available) ctx.stdout.write(`Next runs unknown: ${nextRuns.reason}.\n`);
    else if (nextRuns.next.size === 0)
      ctx.stdout.write(
        'No job schedulers registered yet: they appear when a worker starts (affiliate-etl worker).\n',
      );
  });
}

export async function setScheduleCommand(
  ctx: CliContext,
  filter: { streams: StreamName[]; connectionIds: number[] },
  change: ScheduleChange,
): Promise<void> {
  const applied = await withRuntime(ctx, 'schedule', ['database'], async (rt) => {
    const sql = rt.db().sql;
    const connections = await listConnections(sql);
    const pairs: { connectionId: number; stream: StreamName }[] = [];
    for (const id of filter.connectionIds) {
      if (!connections.some((c) => c.id === id))
        throw new CliError(
          `There is no connection ${id}; see \`affiliate-etl connections list\`.`,
          EXIT_USAGE,
        );
    }
    for (const stream of filter.streams) {
      const kind = STREAM_KIND[stream];
      const fitting = connections.filter(
        (c) => c.kind === kind && (filter.connectionIds.length === 0 || filter.connectionIds.includes(c.id)),
      );
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
    const list = pairs.map((p) => `${p.stream} of connection ${p.connectionId}`).join(', ');
    ctx.stdout.write(
      `${n === pairs.length ? pairs.length : `${n} of ${pairs.length}`} schedule(s) ${what}: ${list}.\n`,
    );
    return rt.config;
  });
  // Apply to the live Job Schedulers when the engine's services are configured and up; otherwise
  // the next worker start does it (src/jobs/schedules.ts syncSchedulers runs at every start).
  const canApply = applied.redisUrl && applied.encryption.key && (await reachRedis(applied.redisUrl)).ok;
  if (!canApply) {
    ctx.stdout.write(
      'It takes effect when a worker starts (affiliate-etl worker), or restart running workers.\n',
    );
    return;
  }
  await withEngine(ctx, 'schedule', async ({ deps, jobs }) => {
    const queue = jobs.createEngineQueue(deps.redis, deps.config);
    try {
      const { upserted, removed } = await jobs.syncSchedulers(deps, queue);
      ctx.stdout.write(`Applied to the job schedulers in Redis (${upserted} active, ${removed} removed).\n`);
    } finally {
      await queue.close();
    }
  });
}
