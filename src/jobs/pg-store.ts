/**
 * EngineStore over Postgres: the loader's modules (src/load) plus the few reads only the engine needs
 * (schedules, saved searches, days with non-final orders).
 */
import { getTableConfig } from 'drizzle-orm/pg-core';
import type { StreamName } from '../core/streams.ts';
import { loadCheckpoint, setStreamStatus } from '../load/checkpoints.ts';
import { commitPage } from '../load/commit-page.ts';
import { getCredentials, listConnections, setConnectionStatus } from '../load/connections.ts';
import type { SecretBox } from '../load/crypto.ts';
import type { Db } from '../load/db.ts';
import { ORDER_LINES } from '../load/order-lines.ts';
import { closeRun, openRun } from '../load/runs.ts';
import { tableByName } from '../load/tables.ts';
import { quoteIdent } from '../load/table-shape.ts';
import { tombstoneScope } from '../load/tombstone.ts';
import { tokenStoreFor } from '../load/token-store.ts';
import { ensureWindows, updateWindow } from '../load/windows-ledger.ts';
import type { EngineStore } from './store.ts';

export function createPgStore(db: Db, box: SecretBox): EngineStore {
  const { sql } = db;
  return {
    async getConnection(id) {
      const c = await getCredentials(sql, box, id);
      if (!c) return null;
      return {
        id: c.id,
        kind: c.kind,
        name: c.name,
        status: c.status,
        appKey: c.appKey,
        appSecret: c.appSecret,
        openId: c.openId,
        // A malformed jsonb value means "no owner": ownersFor() then says what to fix.
        shops: (Array.isArray(c.shops) ? c.shops : []).map((s) => ({
          id: s.id,
          cipher: s.cipher,
          name: s.name,
        })),
        categoryAssets: (Array.isArray(c.categoryAssets) ? c.categoryAssets : []).map((a) => ({
          cipher: a.cipher,
        })),
      };
    },
    async listConnections() {
      return (await listConnections(sql)).map((c) => ({ id: c.id, kind: c.kind, status: c.status }));
    },
    tokenStore: (connectionId) => tokenStoreFor(sql, box, connectionId),
    async setConnectionStatus(id, status, reason) {
      await setConnectionStatus(sql, id, status, reason);
    },
    loadCheckpoint: (connectionId, stream, scope) => loadCheckpoint(sql, { connectionId, stream, scope }),
    setStreamStatus: (connectionId, stream, status, error) =>
      setStreamStatus(sql, connectionId, stream, status, error),
    async closeAbandonedRuns(connectionId, stream, backfill) {
      const result = await sql`
        update etl.sync_runs set status = 'failed', error_class = 'AbandonedRun',
          finished_at = coalesce((detail->>'heartbeatAt')::timestamptz, now()),
          error_message = 'the process running this sync stopped before finishing (its stream lock was free)'
        where connection_id = ${connectionId} and stream = ${stream} and status = 'running'
          and (trigger = 'backfill') = ${backfill}`;
      return result.count;
    },
    async runningStreams() {
      const rows = await sql<{ connection_id: number; stream: StreamName; backfill: boolean }[]>`
        select distinct connection_id, stream, trigger = 'backfill' as backfill
        from etl.sync_runs where status = 'running' order by 1, 2, 3`;
      return rows.map((r) => ({ connectionId: r.connection_id, stream: r.stream, backfill: r.backfill }));
    },
    async releaseRunningWindows(connectionId, stream) {
      const result = await sql`
        update etl.sync_windows set status = 'pending', updated_at = now()
        where connection_id = ${connectionId} and stream = ${stream} and kind = 'backfill' and status = 'running'`;
      return result.count;
    },
    async recordRunProgress(runId, c) {
      await sql`
        update etl.sync_runs set
          pages = ${c.pages}, api_calls = ${c.apiCalls},
          rows_inserted = ${c.rowsInserted}, rows_updated = ${c.rowsUpdated}, rows_unchanged = ${c.rowsUnchanged},
          rows_rejected = ${c.rowsRejected}, rows_removed = ${c.rowsRemoved},
          throttled_ms = ${Math.round(c.throttledMs)},
          detail = coalesce(detail, '{}'::jsonb) || jsonb_build_object('heartbeatAt', now())
        where id = ${runId} and status = 'running'`;
    },
    openRun: (input) => openRun(sql, input),
    async closeRun(runId, input) {
      await closeRun(sql, runId, input);
    },
    commitPage: (commit, window) => commitPage(db, commit, window ? { window } : {}),
    tombstone: (table, scope, runId) => tombstoneScope(sql, { table, scope, runId }),
    async openOrderDays(input) {
      const config = getTableConfig(tableByName(input.table));
      const qualified = `${quoteIdent(config.schema ?? 'public')}.${quoteIdent(config.name)}`;
      // Session TimeZone is UTC (createDb), so date_trunc('day', timestamptz) is the UTC day.
      const rows = await sql.unsafe<{ day: Date }[]>(
        `select distinct date_trunc('day', create_time) as day from ${qualified}
         where ${quoteIdent(input.ownerColumn)} = $1 and create_time >= $2 and create_time < $3
           and (status is null or status <> all($4::text[]))
         order by 1`,
        [input.ownerId, input.from, input.before, input.finalStatuses as string[]],
      );
      return rows.map((r) => r.day);
    },
    async storedOrderRaws(input) {
      const out = new Map<string, unknown>();
      if (input.orderIds.length === 0) return out;
      // The orders' raw is kept beside them, in the side table of the orders table (order-raw.ts).
      const side = ORDER_LINES.find((spec) => spec.parent === input.table)?.raw;
      if (!side) throw new Error(`storedOrderRaws: ${input.table} has no raw side table`);
      const config = getTableConfig(tableByName(side.child));
      const qualified = `${quoteIdent(config.schema ?? 'public')}.${quoteIdent(config.name)}`;
      const rows = await sql.unsafe<{ order_id: string; raw: unknown }[]>(
        `select order_id, raw from ${qualified} where ${quoteIdent(input.ownerColumn)} = $1 and order_id = any($2::text[])`,
        [input.ownerId, input.orderIds as string[]],
      );
      for (const r of rows) out.set(r.order_id, r.raw);
      return out;
    },
    async savedSearches(connectionId) {
      const rows = await sql<{ search_id: string; name: string; criteria: Record<string, unknown> }[]>`
        select search_id, name, criteria from etl.saved_searches where connection_id = ${connectionId} order by search_id`;
      return rows.map((r) => ({ searchId: r.search_id, name: r.name, criteria: r.criteria }));
    },
    async creatorShops(creatorId) {
      const rows = await sql<{ shop_name: string; shop_id: string | null }[]>`
        with names as (
          select distinct shop_name from tiktok_affiliate.creator_order_skus
          where creator_id = ${creatorId} and shop_name is not null and shop_name <> ''),
        known as (
          select s->>'name' as name, s->>'id' as id
          from etl.connections c
          cross join lateral jsonb_array_elements(
            case when jsonb_typeof(c.shops) = 'array' then c.shops else '[]'::jsonb end) s
          where c.kind = 'seller' and s->>'id' is not null)
        select distinct n.shop_name, k.id as shop_id
        from names n left join known k on k.name = n.shop_name
        order by 1, 2`;
      const shopIds = [...new Set(rows.flatMap((r) => (r.shop_id === null ? [] : [r.shop_id])))];
      const unresolved = rows.filter((r) => r.shop_id === null).map((r) => r.shop_name);
      return { shopIds, unresolved };
    },
    async schedules() {
      const rows = await sql<
        {
          connection_id: number;
          stream: StreamName;
          every_ms: string | null;
          cron: string | null;
          enabled: boolean;
        }[]
      >`
        select connection_id, stream, every_ms, cron, enabled from etl.schedules`;
      return rows.map((r) => ({
        connectionId: r.connection_id,
        stream: r.stream,
        everyMs: r.every_ms === null ? null : Number(r.every_ms),
        cron: r.cron,
        enabled: r.enabled,
      }));
    },
    ensureWindows: (windows) => ensureWindows(sql, windows),
    updateWindow: (key, patch) => updateWindow(sql, key, patch),
  };
}
