/**
 * Freshness readings for the metrics, per stream, from the tiktok_affiliate.stream_freshness view
 * (docs/warehouse.md#views): the view knows the runs of every worker, so each worker reports the
 * same truth. One aggregate statement per scrape, grouped by stream: at 70,000 (connection, stream)
 * pairs the gauges stay a few series per stream, and the per-pair detail stays in the view and in
 * `affiliate-etl status`.
 *
 * Pairs are those expected to run (active connection, schedule enabled), each with its interval (its
 * etl.schedules rule, a cron rule's estimated by cronIntervalMs, else the stream's default). A pair
 * is stale once its last success (or, never succeeded, its connection's creation) is older than
 * STALE_AFTER_INTERVALS of its interval: a stream that stops syncing shows as stale pairs.
 */
import type { StreamName } from '../core/streams.ts';
import type { Sql } from '../load/db.ts';
import { type FreshnessReading, STALE_AFTER_INTERVALS } from '../metrics.ts';
import { expectedPairs } from './connection-health.ts';

export function freshnessReader(
  sql: Sql,
  defaultEveryMs: Readonly<Record<StreamName, number>>,
): () => Promise<FreshnessReading[]> {
  return async () => {
    const crons = await sql<
      { cron: string }[]
    >`select distinct cron from etl.schedules where cron is not null`;
    const rows = await sql<
      {
        stream: string;
        pairs: number;
        stale: number;
        success_max: number | null;
        success_p95: number | null;
        business_max: number | null;
        business_p95: number | null;
      }[]
    >`
      with pairs as (${expectedPairs(
        sql,
        defaultEveryMs,
        crons.map((c) => c.cron),
      )}), aged as (
        select p.stream, p.interval_ms,
          extract(epoch from now() - f.last_success_at)::float8 as success_age,
          extract(epoch from now() - f.newest_business_time)::float8 as business_age,
          extract(epoch from now() - coalesce(f.last_success_at, p.created_at))::float8 as lag
        from pairs p
        left join tiktok_affiliate.stream_freshness f on f.connection_id = p.id and f.stream = p.stream
      )
      select stream, count(*)::int as pairs,
        count(*) filter (where lag * 1000 > ${STALE_AFTER_INTERVALS} * interval_ms)::int as stale,
        max(success_age) as success_max,
        percentile_cont(0.95) within group (order by success_age) as success_p95,
        max(business_age) as business_max,
        percentile_cont(0.95) within group (order by business_age) as business_p95
      from aged group by stream`;
    const age = (v: number | null) => (v === null ? null : Math.max(0, v));
    return rows.map((r) => ({
      stream: r.stream,
      pairs: r.pairs,
      stalePairs: r.stale,
      lastSuccessAgeMaxSeconds: age(r.success_max),
      lastSuccessAgeP95Seconds: age(r.success_p95),
      newestBusinessAgeMaxSeconds: age(r.business_max),
      newestBusinessAgeP95Seconds: age(r.business_p95),
    }));
  };
}
