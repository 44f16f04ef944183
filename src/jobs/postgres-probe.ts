/** Is Postgres there? Used to tell an outage from a failure of the job itself. */
import { type Db, isConnectionLost } from '../load/db.ts';
import { errorName } from './failure.ts';

/** A connection-level failure of Postgres (or of the stream lock's session), however it surfaced. */
export function isPostgresLost(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if (isConnectionLost(e) || errorName(e) === 'StreamLockLostError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * True when `select 1` answers within `timeoutMs` (a cut network makes connects hang, not fail),
 * asked after `afterMs` on a connection of its own: the pool's may wait out a reconnect back-off.
 */
export async function postgresAnswers(
  db: Pick<Db, 'session'>,
  afterMs = 0,
  timeoutMs = 3_000,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  if (afterMs > 0) await new Promise((r) => setTimeout(r, afterMs));
  const sql = db.session(() => undefined);
  try {
    return await Promise.race([
      sql`select 1`.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    void sql.end({ timeout: 0 }).catch(() => undefined);
  }
}
