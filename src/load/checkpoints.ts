/**
 * Stream checkpoints (etl.sync_state): the watermark and the in-flight cursor of one
 * (connection, stream, scope), and the stream's health (ok / failing / blocked).
 *
 * CONTRIBUTING.md#checkpoint-with-the-data: the cursor is written with the page it follows (commit-page.ts calls
 * saveCheckpoint inside the page transaction) and the watermark only ever moves forward
 * (`where old < new`, graphile-worker style), so a stale or replayed writer cannot move it back.
 */
import type { StreamName } from '../core/streams.ts';
import type { Queryable } from './queryable.ts';
import type { Checkpoint } from './types.ts';

export interface StreamKey {
  connectionId: number;
  stream: StreamName;
  /** Sub-scope (shop id, `status=ONGOING`, campaign id...); '' when the stream has none. */
  scope: string;
}

export type StreamHealth = 'ok' | 'failing' | 'blocked';

export interface StoredCheckpoint extends Checkpoint, StreamKey {
  status: StreamHealth;
  errorClass: string | null;
  errorMessage: string | null;
  updatedAt: Date;
}

interface StateRow {
  connection_id: number;
  stream: StreamName;
  scope: string;
  watermark: Date | null;
  cursor: Record<string, unknown> | null;
  status: StreamHealth;
  error_class: string | null;
  error_message: string | null;
  updated_at: Date;
}

const toStored = (r: StateRow): StoredCheckpoint => ({
  connectionId: r.connection_id,
  stream: r.stream,
  scope: r.scope,
  watermark: r.watermark,
  cursor: r.cursor,
  status: r.status,
  errorClass: r.error_class,
  errorMessage: r.error_message,
  updatedAt: r.updated_at,
});

/** The checkpoint of a scope, or an empty one (no watermark, no cursor) when it never ran. */
export async function loadCheckpoint(sql: Queryable, key: StreamKey): Promise<Checkpoint> {
  const [row] = await sql<{ watermark: Date | null; cursor: Record<string, unknown> | null }[]>`
    select watermark, cursor from etl.sync_state
    where connection_id = ${key.connectionId} and stream = ${key.stream} and scope = ${key.scope}`;
  return { watermark: row?.watermark ?? null, cursor: row?.cursor ?? null };
}

/**
 * Writes the cursor as given and the watermark only forward. A null watermark keeps the stored one
 * (a page inside a window does not know a new high-water mark yet). A successful page also clears a
 * previous failure: the stream demonstrably works again.
 */
export async function saveCheckpoint(sql: Queryable, key: StreamKey, checkpoint: Checkpoint): Promise<void> {
  const cursor = checkpoint.cursor === null ? null : JSON.stringify(checkpoint.cursor);
  await sql`
    insert into etl.sync_state as s (connection_id, stream, scope, watermark, cursor, status, updated_at)
    values (${key.connectionId}, ${key.stream}, ${key.scope}, ${checkpoint.watermark}, ${cursor}::text::jsonb, 'ok', now())
    on conflict (connection_id, stream, scope) do update set
      watermark = case
        when excluded.watermark is not null and (s.watermark is null or s.watermark < excluded.watermark)
        then excluded.watermark else s.watermark end,
      cursor = excluded.cursor,
      status = 'ok', error_class = null, error_message = null, updated_at = now()`;
}

/**
 * Records the stream's health on every scope row of the stream (the checkpoints themselves are kept:
 * a failed run resumes from its last good page). A stream that never committed a page gets a '' row.
 */
export async function setStreamStatus(
  sql: Queryable,
  connectionId: number,
  stream: StreamName,
  status: StreamHealth,
  error: { errorClass: string; errorMessage: string } | null,
): Promise<void> {
  const errorClass = error?.errorClass ?? null;
  const errorMessage = error?.errorMessage ?? null;
  const updated = await sql`
    update etl.sync_state set status = ${status}, error_class = ${errorClass}, error_message = ${errorMessage},
      updated_at = now()
    where connection_id = ${connectionId} and stream = ${stream}`;
  if (updated.count > 0) return;
  await sql`
    insert into etl.sync_state (connection_id, stream, scope, status, error_class, error_message)
    values (${connectionId}, ${stream}, '', ${status}, ${errorClass}, ${errorMessage})
    on conflict (connection_id, stream, scope) do update set status = excluded.status,
      error_class = excluded.error_class, error_message = excluded.error_message, updated_at = now()`;
}

/** Forgets the in-flight cursor (e.g. after a rejected page token the window restarts); keeps the watermark. */
export async function clearCursor(sql: Queryable, key: StreamKey): Promise<void> {
  await sql`
    update etl.sync_state set cursor = null, updated_at = now()
    where connection_id = ${key.connectionId} and stream = ${key.stream} and scope = ${key.scope}`;
}

/** Every checkpoint, optionally of one connection and/or stream (status, doctor). */
export async function listCheckpoints(
  sql: Queryable,
  filter: { connectionId?: number; stream?: StreamName } = {},
): Promise<StoredCheckpoint[]> {
  const rows = await sql<StateRow[]>`
    select connection_id, stream, scope, watermark, cursor, status, error_class, error_message, updated_at
    from etl.sync_state
    where (${filter.connectionId ?? null}::int is null or connection_id = ${filter.connectionId ?? null})
      and (${filter.stream ?? null}::text is null or stream = ${filter.stream ?? null})
    order by connection_id, stream, scope`;
  return rows.map(toStored);
}
