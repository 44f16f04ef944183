/**
 * "Keep everything the API sent" with narrow order lines: the lines keep no raw of their own, the
 * order's raw holds the whole record, lines included. A record loaded through the normalizer and
 * commitPage reads back exactly as the API sent it, and its lines are each at their line_index.
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
    tiktok_affiliate.creator_order_skus, tiktok_affiliate.creator_orders`;
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
  it('a seller order reads back exactly as the API sent it, lines included; lines keep no raw', async () => {
    const record = sellerRecord();
    const normalized = normalizeSellerOrders([clone(record)], ctx(SHOP));
    expect(normalized.rejected).toEqual([]);
    await commit('seller_affiliate_orders', normalized.rows);
    const [stored] = await db.sql<{ raw: unknown }[]>`select raw from tiktok_affiliate.seller_orders`;
    expect(stored!.raw).toEqual(record);
    const lines = await db.sql<{ line_index: number; product_id: string; from_raw: string }[]>`
      select l.line_index, l.product_id, o.raw->'skus'->l.line_index->>'product_id' as from_raw
      from tiktok_affiliate.seller_order_skus l join tiktok_affiliate.seller_orders o using (shop_id, order_id)
      order by l.line_index`;
    expect(lines).toEqual([
      { line_index: 0, product_id: '1729503179457070324', from_raw: '1729503179457070324' },
      { line_index: 1, product_id: '99', from_raw: '99' },
    ]);
    const [columns] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from information_schema.columns
      where table_schema = 'tiktok_affiliate' and table_name in ('seller_order_skus', 'creator_order_skus')
        and column_name = 'raw'`;
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
    const [stored] = await db.sql<{ raw: unknown }[]>`select raw from tiktok_affiliate.creator_orders`;
    expect(stored!.raw).toEqual(record);
  });
});
