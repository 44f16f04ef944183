/**
 * "Keep everything the API sent" with narrow order rows: neither the orders nor their lines keep a raw
 * of their own, the order's side row (seller_order_raw / creator_order_raw, same key) holds the whole
 * record, lines included. A record loaded through the normalizer and commitPage reads back exactly as
 * the API sent it, its lines are each at their line_index, and the side row follows its order: written
 * only when the raw changed, removed when the order moved to another month.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commitPage } from '../../../src/load/commit-page.ts';
import type { Db } from '../../../src/load/db.ts';
import type { PageCommit } from '../../../src/load/types.ts';
import { normalizeCreatorOrders, normalizeSellerOrders } from '../../../src/transform/index.ts';
import { clone, ctx, exampleList } from '../../unit/transform/examples.ts';
import { SHOP, seedConnection, seedRun, testDb } from './rows.ts';

let db: Db;
let connectionId: number;
beforeAll(async () => {
  db = testDb();
  connectionId = await seedConnection(db.sql);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.sql`truncate tiktok_affiliate.seller_order_skus, tiktok_affiliate.seller_orders,
    tiktok_affiliate.seller_order_raw, tiktok_affiliate.creator_order_skus, tiktok_affiliate.creator_orders,
    tiktok_affiliate.creator_order_raw`;
});

async function commit(stream: PageCommit['stream'], rows: PageCommit['rows']): Promise<void> {
  const runId = await seedRun(db.sql, connectionId, stream);
  await commitPage(db, {
    runId,
    connectionId,
    stream,
    scope: 'all',
    rows,
    rejected: [],
    checkpoint: { watermark: null, cursor: null },
    snapshot: false,
  });
}

/** The API's seller order with a second, different line and fields the normalizer does not map. */
function sellerRecord(): Record<string, unknown> {
  const order = clone(exampleList('affiliate-seller-202410-orders-search', 'orders')[0] as object) as Record<
    string,
    unknown
  >;
  const skus = order['skus'] as Record<string, unknown>[];
  skus.push({
    ...clone(skus[0] as object),
    product_id: '99',
    quantity: 3,
    unmapped: { nested: [1, 'x', null] },
  });
  order['field_added_by_tiktok'] = 'kept';
  return order;
}

describe('order raw', () => {
  it('a seller order reads back exactly as the API sent it, lines included; orders and lines keep no raw', async () => {
    const record = sellerRecord();
    const normalized = normalizeSellerOrders([clone(record)], ctx(SHOP));
    expect(normalized.rejected).toEqual([]);
    await commit('seller_affiliate_orders', normalized.rows);
    const [stored] = await db.sql<{ raw: unknown }[]>`
      select r.raw from tiktok_affiliate.seller_orders o
      join tiktok_affiliate.seller_order_raw r using (shop_id, order_id, create_time)`;
    expect(stored!.raw).toEqual(record);
    const lines = await db.sql<{ line_index: number; product_id: string; from_raw: string }[]>`
      select l.line_index, l.product_id, r.raw->'skus'->l.line_index->>'product_id' as from_raw
      from tiktok_affiliate.seller_order_skus l
      join tiktok_affiliate.seller_order_raw r using (shop_id, order_id, create_time)
      order by l.line_index`;
    expect(lines).toEqual([
      { line_index: 0, product_id: '1729503179457070324', from_raw: '1729503179457070324' },
      { line_index: 1, product_id: '99', from_raw: '99' },
    ]);
    const [columns] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from information_schema.columns
      where table_schema = 'tiktok_affiliate' and column_name = 'raw' and table_name in
        ('seller_orders', 'seller_order_skus', 'creator_orders', 'creator_order_skus')`;
    expect(columns!.n).toBe(0);
  });

  it('a creator order reads back exactly as the API sent it (localized amounts as sent)', async () => {
    const record = exampleList('affiliate-creator-202410-orders-search', 'orders')[0] as Record<
      string,
      unknown
    >;
    const normalized = normalizeCreatorOrders([clone(record)], ctx('creator-open-id'));
    expect(normalized.rejected).toEqual([]);
    await commit('creator_affiliate_orders', normalized.rows);
    const [stored] = await db.sql<{ raw: unknown }[]>`
      select r.raw from tiktok_affiliate.creator_orders o
      join tiktok_affiliate.creator_order_raw r using (creator_id, order_id, create_time)`;
    expect(stored!.raw).toEqual(record);
  });

  it('a re-sent order leaves its side row as it is; a changed raw rewrites the side row alone', async () => {
    const record = sellerRecord();
    await commit('seller_affiliate_orders', normalizeSellerOrders([clone(record)], ctx(SHOP)).rows);
    const versions = () =>
      db.sql<{ order: string; side: string; raw: Record<string, unknown> }[]>`
        select o.xmin::text as order, r.xmin::text as side, r.raw from tiktok_affiliate.seller_orders o
        join tiktok_affiliate.seller_order_raw r using (shop_id, order_id, create_time)`;
    const [first] = await versions();
    await commit('seller_affiliate_orders', normalizeSellerOrders([clone(record)], ctx(SHOP)).rows);
    expect(await versions()).toEqual([first]);

    // A field no column maps: only the raw differs, so only the side row is written.
    const changed = { ...record, field_added_by_tiktok: 'changed' };
    await commit('seller_affiliate_orders', normalizeSellerOrders([clone(changed)], ctx(SHOP)).rows);
    const [second] = await versions();
    expect(second!.order).toBe(first!.order);
    expect(second!.side).not.toBe(first!.side);
    expect(second!.raw).toEqual(changed);
    const [count] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from tiktok_affiliate.seller_order_raw`;
    expect(count!.n).toBe(1);
  });

  it('an order whose create_time moved to another month keeps only its new side row', async () => {
    const record = exampleList('affiliate-creator-202410-orders-search', 'orders')[0] as Record<
      string,
      unknown
    >;
    const owner = 'creator-open-id';
    await commit('creator_affiliate_orders', normalizeCreatorOrders([clone(record)], ctx(owner)).rows);
    const moved = { ...record, create_time: Number(record['create_time']) - 40 * 86_400 };
    await commit('creator_affiliate_orders', normalizeCreatorOrders([clone(moved)], ctx(owner)).rows);
    const side = await db.sql<{ create_time: Date; raw: unknown; part: string }[]>`
      select create_time, raw, tableoid::regclass::text as part from tiktok_affiliate.creator_order_raw`;
    expect(side).toEqual([
      {
        create_time: new Date(Number(moved['create_time']) * 1000),
        raw: moved,
        part: expect.stringMatching(/^tiktok_affiliate\.creator_order_raw_\d{4}_\d{2}$/),
      },
    ]);
    const [order] = await db.sql<
      { create_time: Date }[]
    >`select create_time from tiktok_affiliate.creator_orders`;
    expect(order!.create_time).toEqual(side[0]!.create_time);
  });
});
