/**
 * Quarantine (etl.rejected_records, docs/architecture.md#invariant-6-bad-records-are-quarantined): records the normalizers could not
 * turn into rows, kept whole with their reason so they can be inspected and replayed, while the rest
 * of the page loads. The same raw record rejected again (every re-run of a window sees it) bumps
 * `occurrences` / `last_seen_at` instead of adding a row: dedupe key (connection, stream, sha256 of
 * the canonical JSON of raw).
 */
import { createHash } from 'node:crypto';
import type { StreamName } from '../core/streams.ts';
import type { RejectedRecord } from '../transform/types.ts';
import type { Queryable } from './queryable.ts';
import { serialize } from './upsert.ts';

export interface QuarantineContext {
  connectionId: number;
  stream: StreamName;
  runId: number | null;
}

/** JSON with object keys sorted at every depth, so `{a,b}` and `{b,a}` hash alike. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object')
    return JSON.stringify(typeof value === 'bigint' ? String(value) : value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

export function rawHash(raw: unknown): string {
  return createHash('sha256').update(canonicalJson(raw)).digest('hex');
}

/** Upserts the page's rejected records; returns how many records were rejected (duplicates included). */
export async function quarantine(
  sql: Queryable,
  ctx: QuarantineContext,
  rejected: readonly RejectedRecord[],
): Promise<number> {
  if (rejected.length === 0) return 0;
  // Collapse duplicates of the page first: ON CONFLICT cannot touch the same row twice in one statement.
  const byHash = new Map<string, { r: RejectedRecord; n: number }>();
  for (const r of rejected) {
    const hash = rawHash(r.raw);
    const hit = byHash.get(hash);
    byHash.set(hash, { r, n: (hit?.n ?? 0) + 1 });
  }
  const rows = [...byHash.entries()].map(([hash, { r, n }]) => ({
    raw_hash: hash,
    reason: String(r.reason).slice(0, 500),
    detail: String(r.detail).slice(0, 4_000),
    record_key: r.recordKey === null || r.recordKey === undefined ? null : String(r.recordKey),
    raw: r.raw === undefined ? null : r.raw,
    n,
  }));
  await sql.unsafe(
    `insert into etl.rejected_records as q
       (connection_id, stream, run_id, reason, detail, record_key, raw, raw_hash, occurrences)
     select $2, $3, $4, i.reason, i.detail, i.record_key, i.raw, i.raw_hash, i.n
     from json_to_recordset($1::text::json) as i(raw_hash text, reason text, detail text, record_key text, raw jsonb, n int)
     on conflict (connection_id, stream, raw_hash) do update set
       occurrences = q.occurrences + excluded.occurrences, last_seen_at = now(), run_id = excluded.run_id,
       reason = excluded.reason, detail = excluded.detail, record_key = excluded.record_key`,
    [serialize(rows), ctx.connectionId, ctx.stream, ctx.runId],
  );
  return rejected.length;
}

export interface RejectedSummary {
  connectionId: number;
  stream: StreamName;
  reason: string;
  records: number;
  occurrences: number;
  lastSeenAt: Date;
}

/** Quarantine per connection, stream and reason (`affiliate-etl status` / `doctor`). */
export async function rejectedSummary(
  sql: Queryable,
  filter: { connectionId?: number; stream?: StreamName } = {},
): Promise<RejectedSummary[]> {
  const rows = await sql<
    {
      connection_id: number;
      stream: StreamName;
      reason: string;
      records: number;
      occurrences: number;
      last_seen_at: Date;
    }[]
  >`
    select connection_id, stream, reason, count(*)::int as records, sum(occurrences)::int as occurrences,
      max(last_seen_at) as last_seen_at
    from etl.rejected_records
    where (${filter.connectionId ?? null}::int is null or connection_id = ${filter.connectionId ?? null})
      and (${filter.stream ?? null}::text is null or stream = ${filter.stream ?? null})
    group by 1, 2, 3 order by 1, 2, 3`;
  return rows.map((r) => ({
    connectionId: r.connection_id,
    stream: r.stream,
    reason: r.reason,
    records: r.records,
    occurrences: r.occurrences,
    lastSeenAt: r.last_seen_at,
  }));
}
