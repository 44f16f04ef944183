/**
 * etl.schedules from the CLI's side: one row per (connection, stream) that departs from the
 * default (src/jobs/deps.ts DEFAULT_EVERY_MS); the dispatcher's schedule follows these rows
 * (src/jobs/schedules.ts reconcileSchedules). Each change is one statement for all its pairs: a rule
 * set over 70,000 pairs is one round trip, not 70,000.
 */
import type { StreamName } from '../../core/streams.ts';
import type { Sql } from '../../load/db.ts';

export interface ScheduleRule {
  everyMs: number | null;
  cron: string | null;
}

export interface StoredSchedule extends ScheduleRule {
  connectionId: number;
  stream: StreamName;
  enabled: boolean;
  updatedAt: Date;
}

export async function listSchedules(sql: Sql): Promise<StoredSchedule[]> {
  const rows = await sql<
    {
      connection_id: number;
      stream: StreamName;
      every_ms: string | number | null;
      cron: string | null;
      enabled: boolean;
      updated_at: Date;
    }[]
  >`select connection_id, stream, every_ms, cron, enabled, updated_at from etl.schedules order by connection_id, stream`;
  return rows.map((r) => ({
    connectionId: r.connection_id,
    stream: r.stream,
    everyMs: r.every_ms === null ? null : Number(r.every_ms),
    cron: r.cron,
    enabled: r.enabled,
    updatedAt: r.updated_at,
  }));
}

/** Sets the rule of every pair (exactly one of every/cron, the table's check constraint), enabled. */
export async function setSchedules(
  sql: Sql,
  pairs: readonly { connectionId: number; stream: StreamName }[],
  rule: ScheduleRule,
): Promise<number> {
  if (pairs.length === 0) return 0;
  const result = await sql`
    insert into etl.schedules (connection_id, stream, every_ms, cron, enabled, updated_at)
    select g.connection_id, g.stream, ${rule.everyMs}::bigint, ${rule.cron}::text, true, now()
    from unnest(${pairs.map((p) => p.connectionId)}::int[], ${pairs.map((p) => p.stream)}::text[])
      as g(connection_id, stream)
    on conflict (connection_id, stream) do update
      set every_ms = excluded.every_ms, cron = excluded.cron, enabled = true, updated_at = now()`;
  return result.count;
}

/**
 * Turns pairs off or on. Turning off a pair that has no row stores the default interval with
 * enabled = false (the row must name a rule), so `enable` later restores exactly the default.
 */
export async function setSchedulesEnabled(
  sql: Sql,
  pairs: readonly { connectionId: number; stream: StreamName; defaultEveryMs: number }[],
  enabled: boolean,
): Promise<number> {
  if (pairs.length === 0) return 0;
  const result = await sql`
    insert into etl.schedules (connection_id, stream, every_ms, cron, enabled, updated_at)
    select g.connection_id, g.stream, g.every_ms, null, ${enabled}, now()
    from unnest(${pairs.map((p) => p.connectionId)}::int[], ${pairs.map((p) => p.stream)}::text[],
      ${pairs.map((p) => p.defaultEveryMs)}::bigint[]) as g(connection_id, stream, every_ms)
    on conflict (connection_id, stream) do update set enabled = ${enabled}, updated_at = now()`;
  return result.count;
}

/** Back to the default rule (the rows are deleted). */
export async function resetSchedules(
  sql: Sql,
  pairs: readonly { connectionId: number; stream: StreamName }[],
): Promise<number> {
  if (pairs.length === 0) return 0;
  const result = await sql`
    delete from etl.schedules s
    using unnest(${pairs.map((p) => p.connectionId)}::int[], ${pairs.map((p) => p.stream)}::text[])
      as g(connection_id, stream)
    where s.connection_id = g.connection_id and s.stream = g.stream`;
  return result.count;
}
