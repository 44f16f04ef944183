/**
 * An order's lines are replaced as a set within the page's transaction: a line the API no longer lists
 * for an order in the page is deleted (and counted as removed); orders outside the page keep theirs.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { commitPage } from '../../../src/load/commit-page.ts';
import { createDb, type Db } from '../../../src/load/db.ts';
import type { PageCommit } from '../../../src/load/types.ts';
import { seedConnection, seedRun, sellerLine, sellerOrder, testDb } from './rows.ts';

let db: Db;
let connectionId: number;
let runId: number;
beforeAll(async () => {
  db = testDb();
  connectionId = await seedConnection(db.sql);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.sql`truncate tiktok_affiliate.seller_order_skus, tiktok_affiliate.seller_orders,
    tiktok_affiliate.seller_order_raw, etl.sync_state`;
  runId = await seedRun(db.sql, connectionId);
});

function page(rows: PageCommit['rows']): PageCommit {
  return {
    runId,
    connectionId,
    stream: 'seller_affiliate_orders',
    scope: 'shop-1',
    rows,
    rejected: [],
    checkpoint: { watermark: null, cursor: null },
    snapshot: false,
  };
}

const lines = async () =>
  (
    await db.sql<
      { k: string }[]
    >`select order_id || '/' || line_key as k from tiktok_affiliate.seller_order_skus order by 1`
  ).map((r) => r.k);

it('deletes the lines an order no longer lists, only for the orders in the page', async () => {
  await commitPage(
    db,
    page({
      sellerOrders: [sellerOrder('1'), sellerOrder('2')],
      sellerOrderSkus: [sellerLine('1', 'a'), sellerLine('1', 'a#2'), sellerLine('2', 'b')],
    }),
  );
  expect(await lines()).toEqual(['1/a', '1/a#2', '2/b']);

  // Order 1 comes back with its duplicate line gone; order 2 is not in this page.
  const second = await commitPage(
    db,
    page({ sellerOrders: [sellerOrder('1')], sellerOrderSkus: [sellerLine('1', 'a')] }),
  );
  expect(second.removed).toBe(1);
  expect(await lines()).toEqual(['1/a', '2/b']);

  // Re-running the same page removes nothing more (invariant 1).
  const again = await commitPage(
    db,
    page({ sellerOrders: [sellerOrder('1')], sellerOrderSkus: [sellerLine('1', 'a')] }),
  );
  expect(again).toMatchObject({ inserted: 0, updated: 0, removed: 0 });
});

it('leaves the lines of a page without order headers alone', async () => {
  await commitPage(db, page({ sellerOrders: [sellerOrder('1')], sellerOrderSkus: [sellerLine('1', 'a')] }));
  const result = await commitPage(db, page({ sellerOrderSkus: [] }));
  expect(result.removed).toBe(0);
  expect(await lines()).toEqual(['1/a']);
});

it('stores an order whose create_time changed at the API once, in its new month, with its lines', async () => {
  const july = new Date('2024-07-31T23:50:00Z');
  const august = new Date('2024-08-01T00:10:00Z');
  await commitPage(
    db,
    page({
      sellerOrders: [sellerOrder('1', { create_time: july }), sellerOrder('2', { create_time: july })],
      sellerOrderSkus: [sellerLine('1', 'a'), sellerLine('1', 'b'), sellerLine('2', 'a')],
    }),
  );
  const moved = await commitPage(
    db,
    page({
      sellerOrders: [sellerOrder('1', { create_time: august })],
      sellerOrderSkus: [sellerLine('1', 'a')],
    }),
  );
  // The old month's order row is removed, the new one inserted (lines follow their order).
  expect(moved).toMatchObject({ inserted: 2, removed: 1 });
  const where = async (table: string) =>
    db.sql.unsafe<{ order_id: string; part: string; create_time: Date }[]>(
      `select order_id, tableoid::regclass::text as part, create_time from tiktok_affiliate.${table} order by 1, 2`,
    );
  expect(await where('seller_orders')).toEqual([
    { order_id: '1', part: 'tiktok_affiliate.seller_orders_2024_08', create_time: august },
    { order_id: '2', part: 'tiktok_affiliate.seller_orders_2024_07', create_time: july },
  ]);
  expect(await where('seller_order_skus')).toEqual([
    { order_id: '1', part: 'tiktok_affiliate.seller_order_skus_2024_08', create_time: august },
    { order_id: '2', part: 'tiktok_affiliate.seller_order_skus_2024_07', create_time: july },
  ]);
  // So does its raw, kept beside it.
  expect(await where('seller_order_raw')).toEqual([
    { order_id: '1', part: 'tiktok_affiliate.seller_order_raw_2024_08', create_time: august },
    { order_id: '2', part: 'tiktok_affiliate.seller_order_raw_2024_07', create_time: july },
  ]);
  // Re-running the page changes nothing.
  expect(
    await commitPage(
      db,
      page({
        sellerOrders: [sellerOrder('1', { create_time: august })],
        sellerOrderSkus: [sellerLine('1', 'a')],
      }),
    ),
  ).toMatchObject({ inserted: 0, updated: 0, removed: 0 });
});

it('looks for a known order in no other month, so a copy made by hand stays until the repair mode', async () => {
  const july = new Date('2024-07-31T23:50:00Z');
  const august = new Date('2024-08-01T00:10:00Z');
  const orders = [sellerOrder('1', { create_time: august })];
  const again = () => page({ sellerOrders: orders, sellerOrderSkus: [sellerLine('1', 'a')] });
  // Not something the pipeline ever writes: every page removes its orders' rows of other months.
  const copyByHand = () => db.sql`
    insert into tiktok_affiliate.seller_orders (shop_id, order_id, status, create_time, sku_count)
    values ('7000714532876273420', '1', 'PROCESSING', ${july}, 1)`;
  const months = async () =>
    (
      await db.sql<{ part: string }[]>`
        select tableoid::regclass::text as part from tiktok_affiliate.seller_orders order by 1`
    ).map((r) => r.part);
  await commitPage(db, again());
  await copyByHand();
  // After a page of only new orders (a backfill), every order is looked for in every month.
  expect(await commitPage(db, again())).toMatchObject({ inserted: 0, removed: 1 });
  await copyByHand();
  // A page of known orders: they are stored under their key, so no other month is read.
  expect(await commitPage(db, again())).toMatchObject({ removed: 0 });
  expect(await months()).toEqual([
    'tiktok_affiliate.seller_orders_2024_07',
    'tiktok_affiliate.seller_orders_2024_08',
  ]);
  expect(await commitPage(db, { ...again(), fullRefresh: true })).toMatchObject({ removed: 1 });
  expect(await months()).toEqual(['tiktok_affiliate.seller_orders_2024_08']);
});

it('a page of known orders reads only their own month partitions (no probe of every month)', async () => {
  // Months no other test creates: a TRUNCATE of beforeEach counts as scans of the partitions that
  // exist, and a pooled connection may report those counts late.
  const july = new Date('2023-07-15T00:00:00Z');
  const august = new Date('2023-08-15T00:00:00Z');
  const ids = Array.from({ length: 20 }, (_, i) => String(i + 1));
  const augustPage = () =>
    page({
      sellerOrders: ids.map((id) => sellerOrder(id, { create_time: august })),
      sellerOrderSkus: ids.map((id) => sellerLine(id, 'a')),
    });
  // One connection for every page: its statistics are forced out before each reading, so no count of
  // an earlier page can reach the shared view late from another pooled connection.
  const one = createDb(process.env.DATABASE_URL!, { max: 1 });
  const scans = async (part: string) => {
    await one.sql`select pg_stat_force_next_flush()`;
    await db.sql`select pg_stat_clear_snapshot()`;
    const [row] = await db.sql<{ n: number }[]>`
      select (coalesce(idx_scan, 0) + seq_scan)::int as n from pg_stat_user_tables
      where schemaname = 'tiktok_affiliate' and relname = ${part}`;
    return row?.n ?? 0;
  };
  try {
    const july99 = page({ sellerOrders: [sellerOrder('99', { create_time: july })], sellerOrderSkus: [] });
    await commitPage(one, july99);
    // Twice: the first re-load after pages of only new rows ships them all again (upsert.ts), and
    // its statements, planned for these tiny tables, may read every partition.
    await commitPage(one, augustPage());
    await commitPage(one, augustPage());
    const before = await scans('seller_orders_2023_07');
    const augustBefore = await scans('seller_orders_2023_08');
    expect(await commitPage(one, augustPage())).toMatchObject({ inserted: 0, updated: 0, removed: 0 });
    let augustAfter = augustBefore;
    for (let i = 0; i < 100 && augustAfter === augustBefore; i++) {
      await new Promise((r) => setTimeout(r, 50));
      augustAfter = await scans('seller_orders_2023_08');
    }
    expect(augustAfter).toBeGreaterThan(augustBefore);
    expect(await scans('seller_orders_2023_07')).toBe(before);
  } finally {
    await one.close();
  }
});
