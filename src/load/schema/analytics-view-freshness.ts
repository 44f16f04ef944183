/**
 * tiktok_affiliate.stream_freshness (docs/warehouse.md#views): per connection x stream, the last run,
 * the last successful run and its age, the newest business timestamp loaded and the last error class.
 * Reads etl.connections / etl.sync_runs; the view runs with its owner's rights, so affiliate_reader
 * needs no grant in etl (and sees no secret: only id, name, kind and status of a connection).
 *
 * Owners: a seller connection owns the shops in etl.connections.shops[].id, a creator connection its
 * open_id, a partner connection the category assets in category_assets[].cipher (the partner_id of
 * the partner tables). Every stream of the connection's kind gets a row, even before its first run.
 */
import { type StreamName, STREAM_KIND, STREAMS } from '../../core/streams.ts';
import type { RelationDoc } from './docs.ts';

/** Which column is "the newest business timestamp" of each stream, and from which table. */
export const BUSINESS_TIME: Record<
  StreamName,
  { table: string; column: string; owner: 'shops' | 'open_id' | 'assets' }
> = {
  seller_affiliate_orders: { table: 'seller_orders', column: 'create_time', owner: 'shops' },
  creator_affiliate_orders: { table: 'creator_orders', column: 'create_time', owner: 'open_id' },
  open_collaborations: {
    table: 'open_collaborations',
    column: 'current_commission_start_time',
    owner: 'shops',
  },
  open_collaboration_products: { table: 'open_collaboration_products', column: 'synced_at', owner: 'shops' },
  target_collaborations: { table: 'target_collaborations', column: 'update_time', owner: 'shops' },
  partner_campaigns: { table: 'partner_campaigns', column: 'synced_at', owner: 'assets' },
  campaign_creator_fulfillment: {
    table: 'campaign_creator_fulfillment',
    column: 'synced_at',
    owner: 'assets',
  },
  partner_affiliate_orders: { table: 'partner_orders', column: 'create_time', owner: 'assets' },
  campaign_product_performance: {
    table: 'campaign_product_performance',
    column: 'data_update_time',
    owner: 'assets',
  },
  // An invitation carries no time of its own: when it was last loaded is what is known.
  creator_target_collaborations: {
    table: 'creator_target_collaborations',
    column: 'synced_at',
    owner: 'open_id',
  },
  creator_open_collaboration_products: {
    table: 'creator_open_collaboration_products',
    column: 'synced_at',
    owner: 'open_id',
  },
};

export const OWNER_COLUMN: Record<(typeof BUSINESS_TIME)[StreamName]['owner'], string> = {
  shops: 'shop_id',
  open_id: 'creator_id',
  assets: 'partner_id',
};

/** The owner ids of connection `c`, as a SQL set expression (tolerant of a non-array jsonb: lax mode). */
const OWNER_SET: Record<(typeof BUSINESS_TIME)[StreamName]['owner'], string> = {
  shops: `select tiktok_affiliate.jsonb_path_texts(c.shops, 'lax $[*].id')`,
  open_id: 'select c.open_id',
  assets: `select tiktok_affiliate.jsonb_path_texts(c.category_assets, 'lax $[*].cipher')`,
};

/**
 * Owner ids out of a connection's jsonb (shops[].id, category_assets[].cipher). A plain
 * jsonb_path_query() is estimated at 1,000 rows per call, which priced this view at ~370k (≈5.6M with
 * data) and made Postgres JIT-compile every read (seconds instead of milliseconds). This wrapper declares
 * the realistic size (ROWS 4) and its SET clause keeps it from being inlined, so the estimate sticks. It
 * touches no table, so readers of the view need nothing beyond the default EXECUTE grant.
 */
export const streamFreshnessSupportSql = `
create or replace function tiktok_affiliate.jsonb_path_texts(doc jsonb, path jsonpath) returns setof text
  language sql immutable parallel safe rows 4 set search_path = pg_catalog
  as $$ select jsonb_path_query(doc, path) #>> '{}' $$`;

function newestBusinessTimeSql(): string {
  const branches = STREAMS.map((stream) => {
    const b = BUSINESS_TIME[stream];
    const owner = OWNER_COLUMN[b.owner];
    // One scalar max per owner id (not `owner in (...)`): each is an index lookup on (owner, time)
    // instead of a scan of the whole table; the order tables hold millions of rows.
    return (
      `when '${stream}' then (select max((select max(t.${b.column}) from tiktok_affiliate.${b.table} t ` +
      `where t.${owner} = o.id)) from (${OWNER_SET[b.owner]}) as o(id))`
    );
  });
  return `case s.stream ${branches.join(' ')} end`;
}

function streamValuesSql(): string {
  return STREAMS.map(
    (stream) => `('${STREAM_KIND[stream]}', '${stream}', '${BUSINESS_TIME[stream].column}')`,
  ).join(', ');
}

export const streamFreshnessSql = `
select
  c.id as connection_id,
  c.name as connection_name,
  c.kind as connection_kind,
  c.status as connection_status,
  s.stream,
  lr.id as last_run_id,
  lr.status as last_run_status,
  lr.started_at as last_run_started_at,
  lr.finished_at as last_run_finished_at,
  ls.id as last_success_run_id,
  ls.finished_at as last_success_at,
  now() - ls.finished_at as last_success_age,
  ${newestBusinessTimeSql()} as newest_business_time,
  s.business_time_column as newest_business_time_column,
  le.error_class as last_error_class,
  le.started_at as last_error_at
from etl.connections c
join (values ${streamValuesSql()}) as s(kind, stream, business_time_column) on s.kind = c.kind
left join lateral (
  select r.id, r.status, r.started_at, r.finished_at from etl.sync_runs r
  where r.connection_id = c.id and r.stream = s.stream
  order by r.started_at desc, r.id desc limit 1
) lr on true
left join lateral (
  select r.id, r.finished_at from etl.sync_runs r
  where r.connection_id = c.id and r.stream = s.stream and r.status = 'succeeded'
  order by r.started_at desc, r.id desc limit 1
) ls on true
left join lateral (
  select r.error_class, r.started_at from etl.sync_runs r
  where r.connection_id = c.id and r.stream = s.stream and r.error_class is not null
  order by r.started_at desc, r.id desc limit 1
) le on true`;

const timeColumnList = STREAMS.map((s) => `${s}: ${BUSINESS_TIME[s].table}.${BUSINESS_TIME[s].column}`).join(
  '; ',
);

export const streamFreshnessDoc: RelationDoc = {
  schema: 'tiktok_affiliate',
  name: 'stream_freshness',
  kind: 'view',
  description:
    'How fresh each stream is, per connection x stream (every stream of the connection kind, even never run): ' +
    'last run, last successful run and its age, newest business timestamp loaded, last error class. ' +
    'Reads etl.connections and etl.sync_runs (no secrets exposed).',
  columns: {
    connection_id: 'etl.connections.id.',
    connection_name: 'etl.connections.name (operator-chosen label).',
    connection_kind: 'seller, creator or partner.',
    connection_status: 'active, disabled or reauth_required (etl.connections.status).',
    stream:
      'Stream name (README.md#commands): seller_affiliate_orders, creator_affiliate_orders, open_collaborations, ...',
    last_run_id: 'etl.sync_runs.id of the most recent run (any status); null if never run.',
    last_run_status: 'Status of that run: running, succeeded, failed, partial.',
    last_run_started_at: 'When the most recent run started (UTC).',
    last_run_finished_at: 'When the most recent run finished (UTC); null while running.',
    last_success_run_id: 'etl.sync_runs.id of the most recent run with status succeeded.',
    last_success_at: 'When that successful run finished (UTC).',
    last_success_age: 'now() - last_success_at (interval): how stale the stream is.',
    newest_business_time:
      "Newest business timestamp loaded for the connection's owners (shops, creator, category assets). " +
      'Orders: max(create_time); target collaborations: max(update_time); open collaborations: max(' +
      'current_commission_start_time); streams without a business time: max(synced_at), the last data change. ' +
      `Per stream: ${timeColumnList}.`,
    newest_business_time_column: 'Which column newest_business_time is the maximum of (see above).',
    last_error_class: 'error_class of the most recent run that recorded one (failed or partial).',
    last_error_at: 'When that run started (UTC); compare with last_success_at.',
  },
};
