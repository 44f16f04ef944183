/**
 * Run history (etl.sync_runs): one row per sync run with its counters and outcome (docs/architecture.md
 * "Observability"); `tiktok_affiliate.stream_freshness` and `affiliate-etl status` read it.
 */
import type { StreamName } from '../core/streams.ts';
import type { RunCounts, RunStatus, RunTrigger } from './types.ts';
import type { Queryable } from './queryable.ts';

export interface OpenRunInput {
  connectionId: number;
  stream: StreamName;
  trigger: RunTrigger;
  /** Optional sub-scope the run is limited to (a backfill range, one shop...). */
  scope?: string | null;
}

export interface CloseRunInput {
  status: Exclude<RunStatus, 'running'>;
  counts: RunCounts;
  errorClass?: string | null;
  /** Must already be scrubbed of secrets (the client's errors are built redacted). */
  errorMessage?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface RunRecord {
  id: number;
  connectionId: number;
  stream: StreamName;
  scope: string | null;
  trigger: RunTrigger;
  startedAt: Date;
  finishedAt: Date | null;
  status: RunStatus;
  counts: RunCounts;
  errorClass: string | null;
  errorMessage: string | null;
}

/** Error messages are kept readable but bounded (a runaway message must not bloat the table). */
const MAX_MESSAGE = 4_000;

export async function openRun(sql: Queryable, input: OpenRunInput): Promise<number> {
  const [row] = await sql<{ id: string }[]>`
    insert into etl.sync_runs (connection_id, stream, scope, trigger, status)
    values (${input.connectionId}, ${input.stream}, ${input.scope ?? null}, ${input.trigger}, 'running')
    returning id`;
  return Number(row!.id);
}

/** Idempotent: closing a run twice keeps the first outcome (a retry of a finished job cannot rewrite it). */
export async function closeRun(sql: Queryable, runId: number, input: CloseRunInput): Promise<boolean> {
  const c = input.counts;
  const message = input.errorMessage ? input.errorMessage.slice(0, MAX_MESSAGE) : null;
  const detail = input.detail ? JSON.stringify(input.detail) : null;
  const result = await sql`
    update etl.sync_runs set
      status = ${input.status}, finished_at = now(),
      pages = ${c.pages}, api_calls = ${c.apiCalls},
      rows_inserted = ${c.rowsInserted}, rows_updated = ${c.rowsUpdated}, rows_unchanged = ${c.rowsUnchanged},
      rows_rejected = ${c.rowsRejected}, rows_removed = ${c.rowsRemoved}, throttled_ms = ${Math.round(c.throttledMs)},
      error_class = ${input.errorClass ?? null}, error_message = ${message},
      detail = coalesce(${detail}::text::jsonb, detail)
    where id = ${runId} and status = 'running'`;
  return result.count === 1;
}

/**
 * Runs left 'running' by a process that died (SIGKILL, OOM) are closed as failed once older than
 * `olderThanMs`; the worker calls this at start so status never shows a ghost run forever.
 */
export async function failAbandonedRuns(sql: Queryable, olderThanMs: number): Promise<number> {
  const result = await sql`
    update etl.sync_runs set status = 'failed', finished_at = now(),
      error_class = 'AbandonedRun', error_message = 'the process running this sync stopped before finishing'
    where status = 'running' and started_at < now() - make_interval(secs => ${olderThanMs / 1000})`;
  return result.count;
}

interface RunRow {
  id: string;
  connection_id: number;
  stream: StreamName;
  scope: string | null;
  trigger: RunTrigger;
  started_at: Date;
  finished_at: Date | null;
  status: RunStatus;
  pages: number;
  api_calls: number;
  rows_inserted: string;
  rows_updated: string;
  rows_unchanged: string;
  rows_rejected: string;
  rows_removed: string;
  throttled_ms: string;
  error_class: string | null;
  error_message: string | null;
}

const toRecord = (r: RunRow): RunRecord => ({
  id: Number(r.id),
  connectionId: r.connection_id,
  stream: r.stream,
  scope: r.scope,
  trigger: r.trigger,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  status: r.status,
  counts: {
    pages: r.pages,
    apiCalls: r.api_calls,
    rowsInserted: Number(r.rows_inserted),
    rowsUpdated: Number(r.rows_updated),
    rowsUnchanged: Number(r.rows_unchanged),
    rowsRejected: Number(r.rows_rejected),
    rowsRemoved: Number(r.rows_removed),
    throttledMs: Number(r.throttled_ms),
  },
  errorClass: r.error_class,
  errorMessage: r.error_message,
});

/** The latest run of every (connection, stream), optionally filtered (`affiliate-etl status`). */
export async function lastRuns(
  sql: Queryable,
  filter: { connectionId?: number; stream?: StreamName } = {},
): Promise<RunRecord[]> {
  const rows = await sql<RunRow[]>`
    select distinct on (connection_id, stream) *
    from etl.sync_runs
    where (${filter.connectionId ?? null}::int is null or connection_id = ${filter.connectionId ?? null})
      and (${filter.stream ?? null}::text is null or stream = ${filter.stream ?? null})
    order by connection_id, stream, started_at desc, id desc`;
  return rows.map(toRecord);
}

/** One run by id, or null. */
export async function getRun(sql: Queryable, runId: number): Promise<RunRecord | null> {
  const [row] = await sql<RunRow[]>`select * from etl.sync_runs where id = ${runId}`;
  return row ? toRecord(row) : null;
}
