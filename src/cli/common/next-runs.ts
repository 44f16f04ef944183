/**
 * Next scheduled run per (connection, stream), read from etl.schedule_dispatch: the due times the
 * dispatcher works from (src/jobs/dispatcher.ts), so the answer needs Postgres only, whatever Redis
 * layout the engine runs on. A pair whose run is handed over but not finished shows that run's due
 * time (in the past when the workers are behind: "overdue").
 */
import type { Config } from '../../config.ts';
import type { StreamName } from '../../core/streams.ts';
import type { Sql } from '../../load/db.ts';
import { type DispatchBacklog, dispatchBacklog, listNextRuns } from '../../load/schedules.ts';

export interface NextRuns {
  /** False when the database was not configured or could not be read. */
  available: boolean;
  reason: string | null;
  /** Epoch ms of the next run, by `${connectionId}/${stream}`. */
  next: Map<string, number>;
  /** All pairs together: how far behind the dispatcher and the workers are. */
  backlog: DispatchBacklog | null;
}

export function nextRunKey(connectionId: number, stream: StreamName): string {
  return `${connectionId}/${stream}`;
}

/** `sql`: a pool the command already holds; without it one short connection is opened. */
export async function readNextRuns(
  config: Readonly<Config>,
  sql?: Sql,
  connectionIds: readonly number[] = [],
): Promise<NextRuns> {
  if (!sql && !config.databaseUrl)
    return { available: false, reason: 'DATABASE_URL is not set', next: new Map(), backlog: null };
  const own = sql
    ? null
    : (await import('postgres')).default(config.databaseUrl as string, {
        max: 1,
        onnotice: () => undefined,
        connect_timeout: 5,
      });
  const db = (sql ?? own) as Sql;
  try {
    const [rows, backlog] = await Promise.all([
      listNextRuns(db, connectionIds),
      dispatchBacklog(db, new Date()),
    ]);
    const next = new Map<string, number>();
    for (const r of rows) next.set(nextRunKey(r.connectionId, r.stream), r.nextRunAt.getTime());
    return { available: true, reason: null, next, backlog };
  } catch (err) {
    return {
      available: false,
      reason: `reading the schedule failed: ${(err as Error).message}`,
      next: new Map(),
      backlog: null,
    };
  } finally {
    await own?.end({ timeout: 2 }).catch(() => undefined);
  }
}
