/**
 * At most one sync per (connection, stream) at a time, ACROSS machines (docs/architecture.md#invariant-4-one-sync-per-stream-at-a-time):
 * a Postgres SESSION advisory lock held on a connection of its own for the whole run. If the process
 * dies, its connection drops and Postgres releases the lock by itself: no lease to expire, no stale
 * owner to clean up. A job that finds the lock taken is delayed by the queue, not failed.
 */
import { STREAMS, type StreamName } from '../core/streams.ts';
import type { Db } from '../load/db.ts';

/**
 * Two-int advisory keys (classid, objid) live in their own key space, apart from the one-bigint keys
 * the migrator uses: (connection id, namespace + stream index).
 */
const STREAM_LOCK_NAMESPACE = 0x5e_0000;

export function streamLockKey(connectionId: number, stream: StreamName): [number, number] {
  return [connectionId, STREAM_LOCK_NAMESPACE + STREAMS.indexOf(stream)];
}

export interface StreamLock {
  /**
   * Aborted when the lock's session closes before release (Postgres restarted, network cut): the
   * lock is gone and another worker may take the stream, so the run must stop.
   */
  lost: AbortSignal;
  /** Idempotent; never throws (a dead session has released the lock by itself). */
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

/** The lock's session closed under a running sync: the run stops (and is retried). */
export class StreamLockLostError extends Error {
  override readonly name = 'StreamLockLostError';
}

/**
 * Returns the held lock, or null when another session holds it. The lock lives on a session of its
 * own (db.session), so losing it is noticed (`lost`) and releasing it never writes to a closed
 * connection.
 */
export async function tryLockStream(
  db: Pick<Db, 'session'>,
  connectionId: number,
  stream: StreamName,
): Promise<StreamLock | null> {
  const [k1, k2] = streamLockKey(connectionId, stream);
  const lost = new AbortController();
  let ended = false;
  const session = db.session((err) => {
    if (!ended) lost.abort(new StreamLockLostError(`stream lock of ${stream} lost: ${err.message}`));
  });
  const end = async () => {
    ended = true;
    await session.end({ timeout: 5 }).catch(() => undefined);
  };
  let ok = false;
  try {
    const [row] = await session<
      { ok: boolean }[]
    >`select pg_try_advisory_lock(${k1}::int4, ${k2}::int4) as ok`;
    ok = row?.ok === true;
  } finally {
    if (!ok) await end();
  }
  if (!ok) return null;
  let released: Promise<void> | null = null;
  return {
    lost: lost.signal,
    release() {
      released ??= (async () => {
        try {
          // Ending the session releases the lock too; unlocking first frees it without waiting for
          // the server to notice the disconnect. Skipped when the session already died with it.
          if (!lost.signal.aborted) await session`select pg_advisory_unlock(${k1}::int4, ${k2}::int4)`;
        } catch {
          // The session died meanwhile: the server released the lock with it.
        } finally {
          await end();
        }
      })();
      return released;
    },
  };
}

/** The run's signal, aborted as well when the stream lock is lost (the run must not go on unguarded). */
export function untilLockLost(signal: AbortSignal | undefined, lock: StreamLock): AbortSignal {
  return signal ? AbortSignal.any([signal, lock.lost]) : lock.lost;
}
