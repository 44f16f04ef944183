/**
 * The schedule of every active (connection, stream) lives in Postgres (etl.schedule_dispatch: its
 * rule and next due time), kept in step with the connections and etl.schedules by one reconcile: a
 * single statement finds the pairs that appeared, changed rule or went away, so its cost at 70,000
 * pairs is one scan, not one round trip per pair. Defaults per stream apply where etl.schedules has no
 * row (orders every 15 min, snapshots hourly, fulfillment every 6 h); disabled rows and connections
 * that are not active are not scheduled.
 *
 * Run by the dispatcher's leader (at election and periodically) and by `schedule set` right after it
 * stores a rule, so a changed rule governs the pair's very next run.
 */
import { STREAM_KIND, STREAMS, type StreamName } from '../core/streams.ts';
import type { Queryable } from '../load/queryable.ts';
import { applyDispatchDiff, type DispatchUpsert, dispatchDiff } from '../load/schedules.ts';
import { nextRunAfter } from './schedule-timing.ts';

export interface ReconcileResult {
  created: number;
  changed: number;
  removed: number;
}

export async function reconcileSchedules(
  sql: Queryable,
  defaultEveryMs: Readonly<Record<StreamName, number>>,
  nowMs: number,
): Promise<ReconcileResult> {
  const diff = await dispatchDiff(
    sql,
    STREAMS.map((stream) => ({ stream, kind: STREAM_KIND[stream], defaultEveryMs: defaultEveryMs[stream] })),
  );
  const upserts: DispatchUpsert[] = [];
  const deletes: { connectionId: number; stream: StreamName }[] = [];
  let created = 0;
  for (const d of diff) {
    if (d.desired === null) {
      deletes.push({ connectionId: d.connectionId, stream: d.stream });
      continue;
    }
    if (!d.exists) created += 1;
    // A pair that never synced (a connection just added) runs at once, as an operator expects; its
    // later runs keep the spread phase. Pairs that synced before (an upgrade, a re-enabled schedule)
    // keep the spread, so a deploy over thousands of pairs is not one burst.
    const firstRun = !d.exists && !d.synced;
    const rule =
      d.desired.cron !== null
        ? { everyMs: null, cron: d.desired.cron }
        : { everyMs: d.desired.everyMs ?? defaultEveryMs[d.stream], cron: null };
    upserts.push({
      connectionId: d.connectionId,
      stream: d.stream,
      ...rule,
      nextRunAt: new Date(firstRun ? nowMs : nextRunAfter(rule, d, nowMs)),
    });
  }
  await applyDispatchDiff(sql, upserts, deletes);
  return { created, changed: upserts.length - created, removed: deletes.length };
}
