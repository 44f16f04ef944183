/** Is Postgres there? Used to tell an outage from a failure of the job itself. */
import { isConnectionLost, type Sql } from '../load/db.ts';
import { errorName } from './failure.ts';

/** A connection-level failure of Postgres (or of the stream lock's session), however it surfaced. */
export function isPostgresLost(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    if (isConnectionLost(e) || errorName(e) === 'StreamLockLostError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** True when `select 1` answers within `timeoutMs` (a cut network makes connects hang, not fail). */
export async function postgresAnswers(sql: Sql, timeoutMs = 3_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
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
  }
}
