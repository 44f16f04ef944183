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

// --- etl.schedule_dispatch: when each scheduled pair runs next (src/jobs/dispatcher.ts) ---

export interface DispatchRule {
  everyMs: number | null;
  cron: string | null;
}

/** One pair whose dispatch row must be created, changed (its rule changed) or deleted. */
export interface DispatchDiff {
  connectionId: number;
  stream: StreamName;
  /** The rule it should run on; null: it should not be scheduled (its row is deleted). */
  desired: DispatchRule | null;
  /** Whether a row exists now. */
  exists: boolean;
  /** Whether the pair ever kept a checkpoint (etl.sync_state): false for a connection just added. */
  synced: boolean;
}

/**
 * The pairs whose dispatch row differs from what the connections and etl.schedules ask for, computed
 * in one statement: at 70,000 pairs only the few that changed cross the wire.
 * `streams` gives each stream's connection kind and default interval.
 */
export async function dispatchDiff(
  sql: Queryable,
  streams: readonly { stream: StreamName; kind: string; defaultEveryMs: number }[],
): Promise<DispatchDiff[]> {
  const rows = await sql<
    {
      connection_id: number;
      stream: StreamName;
      want: boolean;
      every_ms: string | null;
      cron: string | null;
      has_row: boolean;
      synced: boolean;
    }[]
  >`
    with kinds as (
      select * from unnest(${streams.map((s) => s.stream)}::text[], ${streams.map((s) => s.kind)}::text[],
        ${streams.map((s) => s.defaultEveryMs)}::bigint[]) as k(stream, kind, default_every)
    ), desired as (
      select c.id as connection_id, k.stream,
        case when s.connection_id is null then k.default_every else s.every_ms end as every_ms,
        s.cron
      from etl.connections c
      join kinds k on k.kind = c.kind
      left join etl.schedules s on s.connection_id = c.id and s.stream = k.stream
      where c.status = 'active' and coalesce(s.enabled, true)
    )
    select coalesce(d.connection_id, x.connection_id) as connection_id, coalesce(d.stream, x.stream) as stream,
      d.connection_id is not null as want, d.every_ms, d.cron, x.connection_id is not null as has_row,
      exists (select from etl.sync_state st
        where st.connection_id = coalesce(d.connection_id, x.connection_id)
          and st.stream = coalesce(d.stream, x.stream)) as synced
    from desired d
    full join etl.schedule_dispatch x on x.connection_id = d.connection_id and x.stream = d.stream
    where d.connection_id is null or x.connection_id is null
      or x.every_ms is distinct from d.every_ms or x.cron is distinct from d.cron`;
  return rows.map((r) => ({
    connectionId: r.connection_id,
    stream: r.stream,
    desired: r.want ? { everyMs: r.every_ms === null ? null : Number(r.every_ms), cron: r.cron } : null,
    exists: r.has_row,
    synced: r.synced,
  }));
}

export interface DispatchUpsert {
  connectionId: number;
  stream: StreamName;
  everyMs: number | null;
  cron: string | null;
  nextRunAt: Date;
}

/**
 * Writes new rules and their next run (a pair with a job in flight keeps it: its next run follows the
 * new rule) and deletes the rows of pairs no longer scheduled.
 */
export async function applyDispatchDiff(
  sql: Queryable,
  upserts: readonly DispatchUpsert[],
  deletes: readonly { connectionId: number; stream: StreamName }[],
): Promise<void> {
  if (upserts.length > 0) {
    await sql`
      insert into etl.schedule_dispatch (connection_id, stream, every_ms, cron, next_run_at)
      select * from unnest(${upserts.map((u) => u.connectionId)}::int[], ${upserts.map((u) => u.stream)}::text[],
        ${upserts.map((u) => u.everyMs)}::bigint[], ${upserts.map((u) => u.cron)}::text[],
        ${upserts.map((u) => u.nextRunAt.toISOString())}::timestamptz[])
      on conflict (connection_id, stream) do update set every_ms = excluded.every_ms, cron = excluded.cron,
        next_run_at = excluded.next_run_at`;
  }
  if (deletes.length > 0) {
    await sql`
      delete from etl.schedule_dispatch x
      using unnest(${deletes.map((d) => d.connectionId)}::int[], ${deletes.map((d) => d.stream)}::text[]) as g(connection_id, stream)
      where x.connection_id = g.connection_id and x.stream = g.stream`;
  }
}

export interface DueDispatch {
  connectionId: number;
  stream: StreamName;
  everyMs: number | null;
  cron: string | null;
  nextRunAt: Date;
}

/** Pairs due at `now` with no job in flight, most overdue first. */
export async function dueDispatches(sql: Queryable, now: Date, limit: number): Promise<DueDispatch[]> {
  const rows = await sql<
    {
      connection_id: number;
      stream: StreamName;
      every_ms: string | null;
      cron: string | null;
      next_run_at: Date;
    }[]
  >`
    select connection_id, stream, every_ms, cron, next_run_at from etl.schedule_dispatch
    where queued_job is null and next_run_at <= ${now}
    order by next_run_at, connection_id, stream
    limit ${limit}`;
  return rows.map((r) => ({
    connectionId: r.connection_id,
    stream: r.stream,
    everyMs: r.every_ms === null ? null : Number(r.every_ms),
    cron: r.cron,
    nextRunAt: r.next_run_at,
  }));
}

export interface Dispatched {
  connectionId: number;
  stream: StreamName;
  jobId: string;
  dueAt: Date;
  /** The rule the next run was computed from: a row whose rule changed meanwhile keeps its own. */
  everyMs: number | null;
  cron: string | null;
  nextRunAt: Date;
}

/**
 * Records the jobs handed to the queue: each pair holds its job until it finishes (clearQueuedJob)
 * and moves on to its next run. Returns how many rows were marked.
 */
export async function markDispatched(
  sql: Queryable,
  items: readonly Dispatched[],
  now: Date,
): Promise<number> {
  if (items.length === 0) return 0;
  const result = await sql`
    update etl.schedule_dispatch x set queued_job = g.job, queued_at = ${now}, last_due_at = g.due,
      next_run_at = case when x.every_ms is not distinct from g.every_ms and x.cron is not distinct from g.cron
        then g.next else x.next_run_at end
    from unnest(${items.map((i) => i.connectionId)}::int[], ${items.map((i) => i.stream)}::text[],
      ${items.map((i) => i.jobId)}::text[], ${items.map((i) => i.dueAt.toISOString())}::timestamptz[],
      ${items.map((i) => i.everyMs)}::bigint[], ${items.map((i) => i.cron)}::text[],
      ${items.map((i) => i.nextRunAt.toISOString())}::timestamptz[])
      as g(connection_id, stream, job, due, every_ms, cron, next)
    where x.connection_id = g.connection_id and x.stream = g.stream and x.queued_job is null`;
  return result.count;
}

/** The job of a pair finished: the pair may be enqueued again when it is next due. */
export async function clearQueuedJob(
  sql: Queryable,
  connectionId: number,
  stream: StreamName,
  jobId: string,
): Promise<boolean> {
  const result = await sql`
    update etl.schedule_dispatch set queued_job = null, queued_at = null
    where connection_id = ${connectionId} and stream = ${stream} and queued_job = ${jobId}`;
  return result.count === 1;
}

export interface ReleasedJobs {
  /** Pairs holding a job since `before` or earlier. */
  checked: number;
  /** Of those, pairs whose job was in no state of the queue: due again from their old due time. */
  lost: number;
  /** Pairs whose job had finished without freeing them: free, their next run unchanged. */
  finished: number;
  /** A few of the lost pairs, `connection/stream`, for the log. */
  examples: string[];
}

/**
 * The watchdog's repair in ONE statement: every pair holding a job since `before` or earlier whose
 * job is not among `live` (waiting, delayed or running in the queue) is freed; made due again from
 * its old due time unless its job is among `finished` (the run happened). `live` and `finished` are
 * what the queue holds, so the cost follows the queue and the pairs in trouble, not the pairs.
 *
 * IN / NOT IN over a subquery of the ids are planned as hashed subplans: one hash of the ids, one
 * probe per held pair. NOT EXISTS over unnest() is estimated at 10 rows and planned as a nested loop:
 * 16,000 held pairs against as many live ids took 29 s at 70,000 pairs.
 */
export async function releaseJobsNotIn(
  sql: Queryable,
  before: Date,
  live: readonly string[],
  finished: readonly string[],
): Promise<ReleasedJobs> {
  const [row] = await sql<{ checked: number; lost: number; finished: number; examples: string[] | null }[]>`
    with held as (
      select x.connection_id, x.stream, x.queued_job from etl.schedule_dispatch x
      where x.queued_job is not null and x.queued_at <= ${before}
    ), gone as (
      select h.*, h.queued_job in (select unnest(${[...finished]}::text[])) as finished from held h
      where h.queued_job not in (select unnest(${[...live]}::text[]))
    ), freed as (
      update etl.schedule_dispatch x set queued_job = null, queued_at = null,
        next_run_at = case when g.finished then x.next_run_at
          else least(x.next_run_at, coalesce(x.last_due_at, x.next_run_at)) end
      from gone g
      where x.connection_id = g.connection_id and x.stream = g.stream and x.queued_job = g.queued_job
      returning x.connection_id, x.stream, g.finished
    )
    select (select count(*) from held)::int as checked,
      count(*) filter (where not f.finished)::int as lost,
      count(*) filter (where f.finished)::int as finished,
      (array_agg(f.connection_id || '/' || f.stream order by f.connection_id, f.stream)
        filter (where not f.finished))[1:5] as examples
    from freed f`;
  return {
    checked: row?.checked ?? 0,
    lost: row?.lost ?? 0,
    finished: row?.finished ?? 0,
    examples: row?.examples ?? [],
  };
}

/**
 * Frees pairs still holding a job that is finished (`redue` false: the run happened) or gone from
 * the queue (`redue` true: the run never happened, so the pair is due again from its old due time).
 */
export async function releaseQueuedJobs(
  sql: Queryable,
  items: readonly { connectionId: number; stream: StreamName; jobId: string }[],
  redue: boolean,
): Promise<number> {
  if (items.length === 0) return 0;
  const result = await sql`
    update etl.schedule_dispatch x set queued_job = null, queued_at = null,
      next_run_at = case when ${redue}::boolean then least(x.next_run_at, coalesce(x.last_due_at, x.next_run_at))
        else x.next_run_at end
    from unnest(${items.map((i) => i.connectionId)}::int[], ${items.map((i) => i.stream)}::text[],
      ${items.map((i) => i.jobId)}::text[]) as g(connection_id, stream, job)
    where x.connection_id = g.connection_id and x.stream = g.stream and x.queued_job = g.job`;
  return result.count;
}

/** Per stream, pairs due at `now` and not handed over: how many, and the oldest due time. */
export async function dueNotDispatchedByStream(
  sql: Queryable,
  now: Date,
): Promise<Map<StreamName, { count: number; oldestDueAt: Date }>> {
  const rows = await sql<{ stream: StreamName; n: number; oldest: Date }[]>`
    select stream, count(*)::int as n, min(next_run_at) as oldest from etl.schedule_dispatch
    where queued_job is null and next_run_at <= ${now}
    group by stream`;
  return new Map(rows.map((r) => [r.stream, { count: r.n, oldestDueAt: r.oldest }]));
}

export interface DispatchBacklog {
  pairs: number;
  /** Pairs due now with no job in flight (the dispatcher has not caught up). */
  dueNow: number;
  /** Pairs whose job waits in the queue or runs. */
  queued: number;
  /** How late the most overdue pair is: its due time (not yet handed over, or handed but not started). */
  oldestDueAt: Date | null;
}

export async function dispatchBacklog(sql: Queryable, now: Date): Promise<DispatchBacklog> {
  const [row] = await sql<
    { pairs: number; due_now: number; queued: number; oldest_due: Date | null; oldest_queued: Date | null }[]
  >`
    select count(*)::int as pairs,
      count(*) filter (where queued_job is null and next_run_at <= ${now})::int as due_now,
      count(*) filter (where queued_job is not null)::int as queued,
      min(next_run_at) filter (where queued_job is null and next_run_at <= ${now}) as oldest_due,
      min(last_due_at) filter (where queued_job is not null) as oldest_queued
    from etl.schedule_dispatch`;
  const candidates = [row?.oldest_due, row?.oldest_queued].filter((d): d is Date => d instanceof Date);
  return {
    pairs: row?.pairs ?? 0,
    dueNow: row?.due_now ?? 0,
    queued: row?.queued ?? 0,
    oldestDueAt: candidates.length > 0 ? new Date(Math.min(...candidates.map((d) => d.getTime()))) : null,
  };
}

/** Next run per pair (epoch ms), for `schedule list` and `status`. */
export async function listNextRuns(
  sql: Queryable,
  connectionIds: readonly number[] = [],
): Promise<{ connectionId: number; stream: StreamName; nextRunAt: Date; queuedSince: Date | null }[]> {
  const ids = connectionIds.length > 0 ? [...connectionIds] : null;
  const rows = await sql<
    {
      connection_id: number;
      stream: StreamName;
      next_run_at: Date;
      queued_job: string | null;
      last_due_at: Date | null;
    }[]
  >`
    select connection_id, stream, next_run_at, queued_job, last_due_at from etl.schedule_dispatch
    where ${ids}::int[] is null or connection_id = any(${ids}::int[])`;
  return rows.map((r) => ({
    connectionId: r.connection_id,
    stream: r.stream,
    // A pair whose job has not finished runs next when that job runs: it is due since last_due_at.
    nextRunAt: r.queued_job !== null && r.last_due_at ? r.last_due_at : r.next_run_at,
    queuedSince: r.queued_job !== null ? r.last_due_at : null,
  }));
}
