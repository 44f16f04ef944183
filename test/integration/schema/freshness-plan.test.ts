/**
 * The freshness view is read by `status`, the metrics scrape and BI tools: its plan must stay cheap enough
 * that Postgres never JIT-compiles it (jit_above_cost, 100,000 by default). A plain jsonb_path_query() in
 * the owner lookup priced it at ~370k with a single connection (seconds per read, JIT included).
 */
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';

let sql: postgres.Sql;

beforeAll(async () => {
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is not set: run this file in the integration project');
  sql = postgres(url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end({ timeout: 5 });
});

it('stream_freshness plans below the JIT threshold and still resolves owners from jsonb', async () => {
  const shops = sql.json([
    { id: 'shop-a', cipher: 'c1' },
    { id: 'shop-b', cipher: 'c2' },
  ]);
  const [conn] = await sql<{ id: number }[]>`
    insert into etl.connections (kind, name, app_key, app_secret_enc, access_token_enc, refresh_token_enc,
      access_token_expires_at, refresh_token_expires_at, open_id, shops, category_assets, status)
    values ('seller', 'plan-test', 'k', 'x', 'x', 'x', now(), now(), 'o', ${shops}, '[]'::jsonb, 'active')
    returning id`;
  await sql`insert into tiktok_affiliate.seller_orders (shop_id, order_id, create_time, sku_count, first_seen_at, synced_at, run_id)
    values ('shop-b', 'o1', '2026-01-02T03:04:05Z', 1, now(), now(), 1)`;

  const [plan] = await sql<{ 'QUERY PLAN': [{ Plan: { 'Total Cost': number } }] }[]>`
    explain (format json) select * from tiktok_affiliate.stream_freshness`;
  const jitAbove = Number((await sql<{ v: string }[]>`select current_setting('jit_above_cost') as v`)[0]!.v);
  expect(plan!['QUERY PLAN'][0].Plan['Total Cost']).toBeLessThan(jitAbove);

  const rows = await sql<{ newest_business_time: Date | null }[]>`
    select newest_business_time from tiktok_affiliate.stream_freshness
    where connection_id = ${conn!.id} and stream = 'seller_affiliate_orders'`;
  expect(rows[0]?.newest_business_time?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
});
