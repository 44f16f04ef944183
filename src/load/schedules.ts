/**
 * When each stream of each connection runs (etl.schedules; README.md#commands `schedule list` / `schedule set`).
 * Exactly one of every_ms and cron is set per row (a check constraint enforces it too).
 */
import type { StreamName } from '../core/streams.ts';
import type { Queryable } from './queryable.ts';

export interface Schedule {
  connectionId: number;
  stream: StreamName;
  everyMs: number | null;
  cron: string | null;
  enabled: boolean;
  updatedAt: Date;
}

export type ScheduleRule = { everyMs: number; cron?: undefined } | { cron: string; everyMs?: undefined };

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

interface ScheduleRow {
  connection_id: number;
  stream: StreamName;
  every_ms: string | null;
  cron: string | null;
  enabled: boolean;
  updated_at: Date;
}

export async function listSchedules(sql: Queryable, connectionId?: number): Promise<Schedule[]> {
  const rows = await sql<ScheduleRow[]>`
    select * from etl.schedules
    where ${connectionId ?? null}::int is null or connection_id = ${connectionId ?? null}
    order by connection_id, stream`;
  return rows.map((r) => ({
    connectionId: r.connection_id,
    stream: r.stream,
    everyMs: r.every_ms === null ? null : Number(r.every_ms),
    cron: r.cron,
    enabled: r.enabled,
    updatedAt: r.updated_at,
  }));
}

/** Creates or replaces the rule of one (connection, stream); `enabled` defaults to true. */
export async function setSchedule(
  sql: Queryable,
  input: { connectionId: number; stream: StreamName; rule: ScheduleRule; enabled?: boolean },
): Promise<void> {
  const everyMs = input.rule.everyMs ?? null;
  const cron = input.rule.cron?.trim() || null;
  if ((everyMs === null) === (cron === null))
    throw new ScheduleError('a schedule needs exactly one of every or cron');
  if (everyMs !== null && (!Number.isSafeInteger(everyMs) || everyMs <= 0)) {
    throw new ScheduleError(`every must be a positive number of milliseconds, got ${everyMs}`);
  }
  await sql`
    insert into etl.schedules (connection_id, stream, every_ms, cron, enabled, updated_at)
    values (${input.connectionId}, ${input.stream}, ${everyMs}, ${cron}, ${input.enabled ?? true}, now())
    on conflict (connection_id, stream) do update set every_ms = excluded.every_ms, cron = excluded.cron,
      enabled = excluded.enabled, updated_at = now()`;
}

/** Back to the default schedule of the stream. */
export async function removeSchedule(
  sql: Queryable,
  connectionId: number,
  stream: StreamName,
): Promise<boolean> {
  const result =
    await sql`delete from etl.schedules where connection_id = ${connectionId} and stream = ${stream}`;
  return result.count === 1;
}
