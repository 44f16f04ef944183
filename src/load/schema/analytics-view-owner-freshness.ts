/**
 * tiktok_affiliate.owner_freshness: stream_freshness at the grain where the data is. A seller
 * connection may hold several shops (a US shop whose newest order is 09:49 and a GB shop stuck at
 * 09:24 show as 09:49 per connection); here each shop, creator or partner category asset of a
 * connection gets its own row per stream of the connection's kind, with the newest business time of
 * its own rows. Same owners, business columns and rights as stream_freshness (analytics-view-freshness.ts).
 */
import { STREAM_KIND, STREAMS } from '../../core/streams.ts';
import { BUSINESS_TIME, OWNER_COLUMN } from './analytics-view-freshness.ts';
import type { RelationDoc } from './docs.ts';

function newestPerOwnerSql(): string {
  const branches = STREAMS.map((stream) => {
    const b = BUSINESS_TIME[stream];
    // A scalar max per owner: one index lookup on (owner, time) in each table.
    return `when '${stream}' then (select max(t.${b.column}) from tiktok_affiliate.${b.table} t where t.${OWNER_COLUMN[b.owner]} = o.owner_id)`;
  });
  return `case s.stream ${branches.join(' ')} end`;
}

const streamValues = STREAMS.map(
  (stream) => `('${STREAM_KIND[stream]}', '${stream}', '${BUSINESS_TIME[stream].column}')`,
).join(', ');

/** Array elements of a jsonb that should be an array (anything else counts as empty, never an error). */
const elements = (column: string) =>
  `jsonb_array_elements(case when jsonb_typeof(${column}) = 'array' then ${column} else '[]'::jsonb end)`;

export const ownerFreshnessSql = `
select
  c.id as connection_id,
  c.name as connection_name,
  c.kind as connection_kind,
  c.status as connection_status,
  s.stream,
  o.owner_kind,
  o.owner_id,
  o.owner_name,
  ${newestPerOwnerSql()} as newest_business_time,
  s.business_time_column as newest_business_time_column,
  ls.finished_at as last_success_at,
  now() - ls.finished_at as last_success_age
from etl.connections c
join (values ${streamValues}) as s(kind, stream, business_time_column) on s.kind = c.kind
cross join lateral (
  select 'shop', e->>'id', e->>'name' from ${elements('c.shops')} as e where c.kind = 'seller'
  union all
  select 'creator', c.open_id, c.name where c.kind = 'creator' and c.open_id is not null
  union all
  select 'category_asset', e->>'cipher', e->>'category_name' from ${elements('c.category_assets')} as e
  where c.kind = 'partner'
) as o(owner_kind, owner_id, owner_name)
left join lateral (
  select r.finished_at from etl.sync_runs r
  where r.connection_id = c.id and r.stream = s.stream and r.status = 'succeeded'
  order by r.started_at desc, r.id desc limit 1
) ls on true
where o.owner_id is not null`;

export const ownerFreshnessDoc: RelationDoc = {
  schema: 'tiktok_affiliate',
  name: 'owner_freshness',
  kind: 'view',
  description:
    'How fresh each stream is per owner: one row per connection x stream x owner (each shop of a seller ' +
    'connection, the creator of a creator connection, each category asset of a partner connection), with ' +
    "the newest business timestamp of that owner's rows. Use it to spot one shop lagging behind the others " +
    'of its connection (stream_freshness shows the newest over all of them). Reads etl.connections and ' +
    'etl.sync_runs (no secrets exposed).',
  columns: {
    connection_id: 'etl.connections.id.',
    connection_name: 'etl.connections.name (operator-chosen label).',
    connection_kind: 'seller, creator or partner.',
    connection_status: 'active, disabled or reauth_required (etl.connections.status).',
    stream: 'Stream name: seller_affiliate_orders, creator_affiliate_orders, open_collaborations, ...',
    owner_kind: 'shop, creator or category_asset.',
    owner_id:
      "The owner's id as the tables' first key column holds it: shop_id (shops[].id), creator_id (the " +
      "creator's open_id) or partner_id (the category asset's cipher).",
    owner_name:
      'Shop name, the creator connection name, or the category name of the asset, as stored with the connection.',
    newest_business_time:
      "Newest business timestamp loaded for this owner (same column per stream as stream_freshness's " +
      'newest_business_time); null when none of its rows are loaded yet.',
    newest_business_time_column: 'Which column newest_business_time is the maximum of.',
    last_success_at:
      "When the connection's last successful run of the stream finished (UTC): runs cover all owners at once.",
    last_success_age: 'now() - last_success_at (interval).',
  },
};
