/**
 * Freshness readings for the metrics, from the tiktok_affiliate.stream_freshness view (docs/warehouse.md#views):
 * the view knows the runs of every worker, so each worker reports the same truth.
 */
import type { Sql } from '../load/db.ts';
import type { FreshnessReading } from '../metrics.ts';

export function freshnessReader(sql: Sql): () => Promise<FreshnessReading[]> {
  return async () => {
    const rows = await sql<
      { connection_id: number; stream: string; success_age: number | null; business_age: number | null }[]
    >`
      select connection_id, stream,
        extract(epoch from now() - last_success_at)::float8 as success_age,
        extract(epoch from now() - newest_business_time)::float8 as business_age
      from tiktok_affiliate.stream_freshness
      where connection_status <> 'disabled'`;
    return rows.map((r) => ({
      connectionId: Number(r.connection_id),
      stream: r.stream,
      lastSuccessAgeSeconds: r.success_age === null ? null : Math.max(0, r.success_age),
      newestBusinessAgeSeconds: r.business_age === null ? null : Math.max(0, r.business_age),
    }));
  };
}
