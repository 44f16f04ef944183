/**
 * At most one sync per (connection, stream) at a time, ACROSS machines (ARCHITECTURE.md invariant 4):
 * a Postgres SESSION advisory lock held on one reserved connection for the whole run. If the process
 * dies, its connection drops and Postgres releases the lock by itself: no lease to expire, no stale
 * owner to clean up. A job that finds the lock taken is delayed by the queue, not failed.
 */
import { STREAMS, type StreamName } from '../core/streams.ts';
import type { Sql } from '../load/db.ts';

/**
 * Two-int advisory keys (classid, objid) live in their own key space, apart from the one-bigint keys
 * the migrator uses: (connection id, namespace + stream index).
 */
const STREAM_LOCK_NAMESPACE = 0x5e_0000;

export function streamLockKey(connectionId: number, stream: StreamName): [number, number] {
  return [connectionId, STREAM_LOCK_NAMESPACE + STREAMS.indexOf(stream)];
}

export interface StreamLock {
  /** Idempotent. */
  release(): Promise<void>;
}

export class StreamBusyError extends Error {
  override readonly name = 'StreamBusyError';
  constructor(
    readonly connectionId: number,
    readonly stream: StreamName,
  ) {
    super(`connection ${connectionId} stream ${stream} is being synced by another worker`);
  }
}

/** Returns the held lock, or null when another session holds it. */
export async function tryLockStream(
  sql: Sql,
  connectionId: number,
  stream: StreamName,
): Promise<StreamLock | null> {
  const [k1, k2] = streamLockKey(connectionId, stream);
  const conn = await sql.reserve();
  let ok = false;
  try {
    const [row] = await conn<{ ok: boolean }[]>`select pg_try_advisory_lock(${k1}::int4, ${k2}::int4) as ok`;
    ok = row?.ok === true;
  } finally {
    if (!ok) conn.release();
  }
  if (!ok) return null;
  let released: Promise<void> | null = null;
  return {
    release() {
      released ??= (async () => {
        try {
          await conn`select pg_advisory_unlock(${k1}::int4, ${k2}::int4)`;
        } finally {
          conn.release();
        }
      })();
      return released;
    },
  };
}
