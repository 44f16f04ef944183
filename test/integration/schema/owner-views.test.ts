/**
 * The warehouse at the grain where the data is: freshness per shop / creator / category asset
 * (owner_freshness), rows of saved searches no longer synced marked removed (search-retirement.ts),
 * and the current open-collaboration products once each, without knowing the searches.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openCollaborationProducts } from '../../../src/load/schema/index.ts';
import { upsertRows } from '../../../src/load/upsert.ts';

let sql: postgres.Sql;
beforeAll(() => {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is not set: run this file in the integration project');
  sql = postgres(url, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end({ timeout: 5 });
});
beforeEach(async () => {
  await sql`truncate tiktok_affiliate.seller_orders, tiktok_affiliate.open_collaboration_products,
    etl.saved_searches, etl.connections cascade`;
});

async function sellerConnection(shops: { id: string; name: string }[]): Promise<number> {
  const [conn] = await sql<{ id: number }[]>`
    insert into etl.connections (kind, name, app_key, app_secret_enc, access_token_enc, refresh_token_enc,
      access_token_expires_at, shops)
    values ('seller', 'two shops', 'k', 'x', 'x', 'x', now(), ${sql.json(shops)}) returning id`;
  return conn!.id;
}

function product(searchId: string, productId: string, over: Record<string, unknown> = {}) {
  return {
    search_id: searchId,
    product_id: productId,
    shop_id: 'us',
    title: `P ${productId}`,
    raw: {},
    ...over,
  };
}

const activity = async () =>
  (
    await sql<{ search_id: string; is_active: boolean; removed: boolean }[]>`
      select search_id, is_active, removed_at is not null as removed
      from tiktok_affiliate.open_collaboration_products order by search_id, product_id`
  ).map((r) => `${r.search_id}:${r.is_active ? 'active' : 'removed'}${r.removed ? '@' : ''}`);

describe('owner_freshness', () => {
  it('gives each shop of a connection its own newest order time (stream_freshness shows the newest)', async () => {
    const id = await sellerConnection([
      { id: 'us', name: 'US shop' },
      { id: 'gb', name: 'GB shop' },
    ]);
    await sql`insert into tiktok_affiliate.seller_orders (shop_id, order_id, create_time, sku_count)
      values ('us', 'o1', '2026-01-02T09:49:00Z', 1), ('gb', 'o2', '2026-01-02T09:24:00Z', 1)`;
    const rows = await sql<{ owner_kind: string; owner_id: string; owner_name: string; newest: string }[]>`
      select owner_kind, owner_id, owner_name, to_char(newest_business_time at time zone 'UTC', 'HH24:MI') as newest
      from tiktok_affiliate.owner_freshness
      where connection_id = ${id} and stream = 'seller_affiliate_orders' order by owner_id`;
    expect(rows).toEqual([
      { owner_kind: 'shop', owner_id: 'gb', owner_name: 'GB shop', newest: '09:24' },
      { owner_kind: 'shop', owner_id: 'us', owner_name: 'US shop', newest: '09:49' },
    ]);
    const [perConnection] = await sql<{ newest: string }[]>`
      select to_char(newest_business_time at time zone 'UTC', 'HH24:MI') as newest
      from tiktok_affiliate.stream_freshness where connection_id = ${id} and stream = 'seller_affiliate_orders'`;
    expect(perConnection!.newest).toBe('09:49');
    // Every stream of the kind has a row per shop, loaded or not.
    const [count] = await sql<{ n: number }[]>`
      select count(*)::int as n from tiktok_affiliate.owner_freshness where connection_id = ${id}`;
    const [streams] = await sql<{ n: number }[]>`
      select count(distinct stream)::int as n from tiktok_affiliate.stream_freshness where connection_id = ${id}`;
    expect(count!.n).toBe(2 * streams!.n);
  });
});

describe('rows of searches no longer synced', () => {
  it('are marked removed when their search is deleted, or when a first saved search replaces the default', async () => {
    const id = await sellerConnection([{ id: 'us', name: 'US shop' }]);
    await upsertRows(sql, openCollaborationProducts, [product(`default:${id}`, 'p1')], { runId: null });
    await sql`insert into etl.saved_searches (connection_id, search_id, name, criteria)
      values (${id}, 'serums', 'Serums', '{}'), (${id}, 'lips', 'Lips', '{}')`;
    expect(await activity()).toEqual([`default:${id}:removed@`]);

    await upsertRows(sql, openCollaborationProducts, [product('lips', 'p1'), product('serums', 'p2')], {
      runId: null,
    });
    await sql`delete from etl.saved_searches where search_id = 'serums'`;
    expect(await activity()).toEqual([`default:${id}:removed@`, 'lips:active', 'serums:removed@']);

    // Deleting the connection (its searches go with it) retires the rest.
    await sql`delete from etl.connections where id = ${id}`;
    expect(await activity()).toEqual([`default:${id}:removed@`, 'lips:removed@', 'serums:removed@']);
  });
});

describe('current_open_collaboration_products', () => {
  it('lists each active product once, from its most recently synced row, without knowing the searches', async () => {
    const id = await sellerConnection([{ id: 'us', name: 'US shop' }]);
    await sql`insert into etl.saved_searches (connection_id, search_id, name, criteria)
      values (${id}, 'a', 'A', '{}'), (${id}, 'b', 'B', '{}')`;
    await upsertRows(
      sql,
      openCollaborationProducts,
      [product('a', 'p1', { shop_name: 'Old name' }), product('a', 'p2')],
      { runId: null, syncedAt: new Date('2026-01-01T00:00:00Z') },
    );
    await upsertRows(sql, openCollaborationProducts, [product('b', 'p1', { shop_name: 'New name' })], {
      runId: null,
      syncedAt: new Date('2026-01-02T00:00:00Z'),
    });
    await sql`update tiktok_affiliate.open_collaboration_products set is_active = false
      where search_id = 'a' and product_id = 'p2'`;
    const rows = await sql`
      select product_id, shop_name, searches, first_seen_at, last_synced_at
      from tiktok_affiliate.current_open_collaboration_products order by product_id`;
    expect(rows).toEqual([
      {
        product_id: 'p1',
        shop_name: 'New name',
        searches: 2,
        first_seen_at: new Date('2026-01-01T00:00:00Z'),
        last_synced_at: new Date('2026-01-02T00:00:00Z'),
      },
    ]);
    const columns = await sql<{ column_name: string }[]>`
      select column_name from information_schema.columns
      where table_schema = 'tiktok_affiliate' and table_name = 'current_open_collaboration_products'`;
    expect(columns.map((c) => c.column_name)).not.toContain('search_id');
    expect(columns.map((c) => c.column_name)).not.toContain('shop_id');
  });
});
