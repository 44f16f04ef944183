/** Row builders for the loader's integration tests (shapes of the normalizers' output). */
import type postgres from 'postgres';
import { createDb, type Db } from '../../../src/load/db.ts';

export const SHOP = '7000714532876273420';

export function sellerLine(
  orderId: string,
  lineKey: string,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    shop_id: SHOP,
    order_id: orderId,
    line_key: lineKey,
    // Carried from the order (order-lines.ts withOrderColumns): sellerOrder's defaults.
    create_time: new Date('2024-07-31T10:03:06Z'),
    order_status: 'PROCESSING',
    line_index: 0,
    product_id: '1729503179457070324',
    content_type: 'LIVE',
    creator_username: 'exampleTikTokCreatorUsername',
    price_amount: '1000.0000',
    price_currency: 'VND',
    quantity: 1,
    commission_rate_bps: 1000,
    actual_paid_commission_amount: '10000',
    actual_paid_commission_currency: 'VND',
    ...over,
  };
}

export function sellerOrder(orderId: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    shop_id: SHOP,
    order_id: orderId,
    status: 'PROCESSING',
    create_time: new Date('2024-07-31T10:03:06Z'),
    sku_count: 1,
    raw: { id: orderId, status: 'PROCESSING' },
    ...over,
  };
}

/**
 * An order row as upsertRows takes it: without raw, which commitPage moves to the order's side table
 * (src/load/order-raw.ts) before the upserts.
 */
export function withoutRaw(row: Record<string, unknown>): Record<string, unknown> {
  const { raw: _raw, ...rest } = row;
  return rest;
}

export function openCollab(
  shopId: string,
  id: string,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    shop_id: shopId,
    open_collaboration_id: id,
    status: 'ACTIVE',
    current_commission_rate_bps: 1500,
    product_id: `p-${id}`,
    product_title: `Product ${id}`,
    raw: { id, status: 'ACTIVE' },
    ...over,
  };
}

export function testDb(): Db {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (the integration setup provides it)');
  return createDb(url, { max: 4 });
}

/** Inserts a connection row directly (secrets are irrelevant to these tests). */
export async function seedConnection(sql: postgres.Sql, name = 'seller-1'): Promise<number> {
  const [row] = await sql<{ id: number }[]>`
    insert into etl.connections (kind, name, app_key, app_secret_enc, access_token_enc, refresh_token_enc,
      access_token_expires_at)
    values ('seller', ${name}, 'app', 'x', 'x', 'x', now() + interval '7 days') returning id`;
  return row!.id;
}

export async function seedRun(
  sql: postgres.Sql,
  connectionId: number,
  stream = 'seller_affiliate_orders',
): Promise<number> {
  const [row] = await sql<{ id: string }[]>`
    insert into etl.sync_runs (connection_id, stream, trigger) values (${connectionId}, ${stream}, 'cli') returning id`;
  return Number(row!.id);
}
