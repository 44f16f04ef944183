/**
 * The windows ledger (etl.sync_windows, docs/architecture.md#backfill): create-time windows of a
 * backfill / re-scan with their status, progress and resume point. A window's progress can be written
 * inside a page transaction (commit-page.ts `window` option), so "rows loaded" and "where to resume"
 * can never disagree.
 */
import type { StreamName } from '../core/streams.ts';
import type { Queryable } from './queryable.ts';

export type WindowKind = 'backfill' | 'rescan' | 'incremental';
export type WindowStatus = 'pending' | 'running' | 'done' | 'failed';

export interface WindowKey {
  connectionId: number;
  stream: StreamName;
  scope: string;
  start: Date;
  end: Date;
  kind: WindowKind;
}

export interface LedgerWindow extends WindowKey {
  status: WindowStatus;
  pages: number;
  rows: number;
  lastPageToken: string | null;
  runId: number | null;
  updatedAt: Date;
}

export interface WindowPatch {
  status?: WindowStatus;
  addPages?: number;
  addRows?: number;
  /** undefined keeps the stored token; null clears it (window done or restarted). */
  lastPageToken?: string | null;
  runId?: number;
}

interface WindowRow {
  connection_id: number;
  stream: StreamName;
  scope: string;
  window_start: Date;
  window_end: Date;
  kind: WindowKind;
  status: WindowStatus;
  pages: number;
  rows: number;
  last_page_token: string | null;
  run_id: string | null;
  updated_at: Date;
}

const toWindow = (r: WindowRow): LedgerWindow => ({
  connectionId: r.connection_id,
  stream: r.stream,
  scope: r.scope,
  start: r.window_start,
  end: r.window_end,
  kind: r.kind,
  status: r.status,
  pages: r.pages,
  rows: r.rows,
  lastPageToken: r.last_page_token,
  runId: r.run_id === null ? null : Number(r.run_id),
  updatedAt: r.updated_at,
});

/**
 * Inserts the windows that are not in the ledger yet (as pending) and returns all of them as stored,
 * in start order: running a backfill again continues where it stopped (idempotent, resumable).
 */
export async function ensureWindows(sql: Queryable, windows: readonly WindowKey[]): Promise<LedgerWindow[]> {
  if (windows.length === 0) return [];
  const payload = JSON.stringify(
    windows.map((w) => ({
      connection_id: w.connectionId,
      stream: w.stream,
      scope: w.scope,
      window_start: w.start.toISOString(),
      window_end: w.end.toISOString(),
      kind: w.kind,
    })),
  );
  const shape = `connection_id int, stream text, scope text, window_start timestamptz, window_end timestamptz, kind text`;
  await sql.unsafe(
    `insert into etl.sync_windows (connection_id, stream, scope, window_start, window_end, kind)
     select * from json_to_recordset($1::text::json) as i(${shape})
     on conflict do nothing`,
    [payload],
  );
  const rows = await sql.unsafe<WindowRow[]>(
    `select w.* from etl.sync_windows w
     join json_to_recordset($1::text::json) as i(${shape})
       using (connection_id, stream, scope, window_start, window_end, kind)
     order by w.window_start, w.window_end, w.scope`,
    [payload],
  );
  return rows.map(toWindow);
}

/** Applies a patch to one window; counters are added, never overwritten (safe under retries of a page). */
export async function updateWindow(sql: Queryable, key: WindowKey, patch: WindowPatch): Promise<void> {
  const keepToken = patch.lastPageToken === undefined;
  await sql`
    update etl.sync_windows set
      status = coalesce(${patch.status ?? null}, status),
      pages = pages + ${patch.addPages ?? 0},
      rows = rows + ${patch.addRows ?? 0},
      last_page_token = case when ${keepToken} then last_page_token else ${patch.lastPageToken ?? null} end,
      run_id = coalesce(${patch.runId ?? null}::bigint, run_id),
      updated_at = now()
    where connection_id = ${key.connectionId} and stream = ${key.stream} and scope = ${key.scope}
      and window_start = ${key.start} and window_end = ${key.end} and kind = ${key.kind}`;
}

/** Windows of a stream, optionally filtered by kind and status, in start order. */
export async function listWindows(
  sql: Queryable,
  filter: { connectionId: number; stream: StreamName; kind?: WindowKind; status?: WindowStatus },
): Promise<LedgerWindow[]> {
  const rows = await sql<WindowRow[]>`
    select * from etl.sync_windows
    where connection_id = ${filter.connectionId} and stream = ${filter.stream}
      and (${filter.kind ?? null}::text is null or kind = ${filter.kind ?? null})
      and (${filter.status ?? null}::text is null or status = ${filter.status ?? null})
    order by window_start, window_end, scope`;
  return rows.map(toWindow);
}
