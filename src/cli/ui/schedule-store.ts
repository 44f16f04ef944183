/**
 * etl.schedules from the CLI's side: one row per (connection, stream) that departs from the
 * default (src/jobs/deps.ts DEFAULT_EVERY_MS); the worker upserts one BullMQ Job Scheduler per pair
 * from these rows at every start (src/jobs/schedules.ts).
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
  let n = 0;
  for (const p of pairs) {
    await sql`
      insert into etl.schedules (connection_id, stream, every_ms, cron, enabled, updated_at)
      values (${p.connectionId}, ${p.stream}, ${rule.everyMs}, ${rule.cron}, true, now())
      on conflict (connection_id, stream) do update
        set every_ms = excluded.every_ms, cron = excluded.cron, enabled = true, updated_at = now()`;
    n += 1;
  }
  return n;
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
  let n = 0;
  for (const p of pairs) {
    await sql`
      insert into etl.schedules (connection_id, stream, every_ms, cron, enabled, updated_at)
      values (${p.connectionId}, ${p.stream}, ${p.defaultEveryMs}, null, ${enabled}, now())
      on conflict (connection_id, stream) do update set enabled = ${enabled}, updated_at = now()`;
    n += 1;
  }
  return n;
}

/** Back to the default rule (the row is deleted). */
export async function resetSchedules(
  sql: Sql,
  pairs: readonly { connectionId: number; stream: StreamName }[],
): Promise<number> {
  let n = 0;
  for (const p of pairs) {
    const result =
      await sql`delete from etl.schedules where connection_id = ${p.connectionId} and stream = ${p.stream}`;
    n += result.count;
  }
  return n;
}
