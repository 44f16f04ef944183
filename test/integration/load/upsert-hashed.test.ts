/**
 * The row-hash fast path on the real tables (every table the pipeline upserts has a row_hash; the order
 * tables are partitioned): only rows whose digest changed are shipped, a stale digest never hides a
 * change the API sends, and the repair mode (fullRefresh, `sync --full-refresh`) overwrites a row
 * changed outside the pipeline, which the fast path by design does not see.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commitPage } from '../../../src/load/commit-page.ts';
import type { Db } from '../../../src/load/db.ts';
import { openCollaborations, sellerOrders } from '../../../src/load/schema/index.ts';
import { tableShape } from '../../../src/load/table-shape.ts';
import { analyticsTables } from '../../../src/load/tables.ts';
import type { PageCommit } from '../../../src/load/types.ts';
import { upsertRows } from '../../../src/load/upsert.ts';
import {
  openCollab,
  SHOP,
  seedConnection,
  seedRun,
  sellerLine,
  sellerOrder,
  testDb,
  withoutRaw,
} from './rows.ts';

let db: Db;
let connectionId: number;
let runs: number[];
beforeAll(async () => {
  db = testDb();
  connectionId = await seedConnection(db.sql);
  runs = [];
  for (let i = 0; i < 4; i += 1) runs.push(await seedRun(db.sql, connectionId));
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.sql`truncate tiktok_affiliate.seller_orders, tiktok_affiliate.seller_order_skus,
    tiktok_affiliate.seller_order_raw, tiktok_affiliate.open_collaborations, tiktok_affiliate.creators`;
});

/** A page of two orders (the first with two lines) as the seller orders normalizer emits it. */
function page(
  runId: number,
  over: { status?: string; price?: string } = {},
  fullRefresh = false,
): PageCommit {
  const status = over.status ?? 'PROCESSING';
  return {
    runId,
    connectionId,
    stream: 'seller_affiliate_orders',
    scope: SHOP,
    rows: {
      sellerOrders: [
        sellerOrder('1', { status, sku_count: 2, raw: { id: '1', status, skus: [{ n: 1 }, { n: 2 }] } }),
        sellerOrder('2'),
      ],
      sellerOrderSkus: [
        sellerLine('1', 'a', over.price ? { price_amount: over.price } : {}),
        sellerLine('1', 'b', { line_index: 1 }),
        sellerLine('2', 'a'),
      ],
    },
    rejected: [],
    checkpoint: { watermark: null, cursor: null },
    snapshot: false,
    ...(fullRefresh ? { fullRefresh: true } : {}),
  };
}

const stored = () =>
  db.sql<{ order_id: string; status: string; row_hash: string; run_id: number; xmin: string }[]>`
    select order_id, status, row_hash, run_id::int, xmin::text from tiktok_affiliate.seller_orders order by 1`;

describe('row_hash on the warehouse tables', () => {
  it('is a loader-owned column of every table the pipeline upserts, never content', () => {
    const upserted = [...analyticsTables().entries()].filter(([name]) => name !== 'creators');
    expect(upserted.length).toBeGreaterThan(10);
    for (const [name, table] of upserted) {
      const shape = tableShape(table);
      expect(shape.hasRowHash, name).toBe(true);
      expect(shape.business.map((c) => c.name)).not.toContain('row_hash');
    }
  });

  it('ships no unchanged row on a re-load (rows untouched) and catches every change', async () => {
    expect(await commitPage(db, page(runs[0]!))).toMatchObject({ inserted: 5, updated: 0 });
    const before = await stored();
    expect(before.every((r) => r.row_hash.length === 22)).toBe(true);
    expect(await commitPage(db, page(runs[1]!))).toMatchObject({ inserted: 0, updated: 0, unchanged: 5 });
    expect(await stored()).toEqual(before);
    // The order's status is copied onto its two lines: the order and both lines changed.
    expect(await commitPage(db, page(runs[2]!, { status: 'COMPLETED', price: '5.0000' }))).toMatchObject({
      inserted: 0,
      updated: 3,
      unchanged: 2,
    });
    const after = await stored();
    expect(after.map((r) => [r.order_id, r.status, r.run_id])).toEqual([
      ['1', 'COMPLETED', runs[2]],
      ['2', 'PROCESSING', runs[0]],
    ]);
    expect(after[0]!.row_hash).not.toBe(before[0]!.row_hash);
    const [line] = await db.sql`
      select price_amount::text from tiktok_affiliate.seller_order_skus where order_id = '1' and line_key = 'a'`;
    expect(line).toEqual({ price_amount: '5.0000' });
  });

  it('a stale or missing hash never hides a change the API sends', async () => {
    await commitPage(db, page(runs[0]!));
    // Stale: a digest of nothing the API sent; missing: rows stored before the column existed.
    await db.sql`update tiktok_affiliate.seller_orders set row_hash = 'stale' where order_id = '1'`;
    await db.sql`update tiktok_affiliate.seller_order_skus set row_hash = null`;
    // A row changed by hand whose digest still describes what the pipeline wrote: the API's next
    // change differs from both, so it is shipped and lands.
    await db.sql`update tiktok_affiliate.seller_orders set status = 'HAND' where order_id = '2'`;
    // Changed: line 1a's price, order 2's status (copied onto line 2a). Order 1 and line 1b are not.
    const changed = page(runs[1]!, { price: '5.0000' });
    changed.rows['sellerOrders']![1]!['status'] = 'CANCELLED';
    expect(await commitPage(db, changed)).toMatchObject({ inserted: 0, updated: 3, unchanged: 2 });
    expect((await stored()).map((r) => r.status)).toEqual(['PROCESSING', 'CANCELLED']);
    const [line] = await db.sql`
      select price_amount::text from tiktok_affiliate.seller_order_skus where order_id = '1' and line_key = 'a'`;
    expect(line).toEqual({ price_amount: '5.0000' });
    // Every digest now describes the stored row again: the same page re-sent ships nothing.
    const nulls = await db.sql`select 1 from tiktok_affiliate.seller_order_skus where row_hash is null`;
    expect(nulls).toHaveLength(0);
    const before = await stored();
    expect(await commitPage(db, { ...changed, runId: runs[2]! })).toMatchObject({ updated: 0, unchanged: 5 });
    expect(await stored()).toEqual(before);
  });

  it('a stale hash over equal content is refreshed, not counted as an update', async () => {
    await commitPage(db, page(runs[0]!));
    const [good] = await stored();
    await db.sql`update tiktok_affiliate.seller_orders set row_hash = 'stale' where order_id = '1'`;
    expect(await commitPage(db, page(runs[1]!))).toMatchObject({ updated: 0, unchanged: 5 });
    const [row] = await stored();
    expect([row!.row_hash, row!.run_id]).toEqual([good!.row_hash, runs[0]]);
  });

  it('the repair mode overwrites a row changed outside the pipeline, which a normal sync leaves', async () => {
    await commitPage(db, page(runs[0]!));
    // After pages of only new rows the loader skips the digest lookup (nothing to save): one re-load
    // brings it back to the fast path a scheduled sync of known rows takes.
    await commitPage(db, page(runs[0]!));
    await db.sql`update tiktok_affiliate.seller_orders set status = 'HAND' where order_id = '1'`;
    await db.sql`update tiktok_affiliate.seller_order_raw set raw = '{}' where order_id = '1'`;
    await db.sql`update tiktok_affiliate.seller_order_skus set price_amount = 1 where order_id = '2'`;
    // The fast path trusts the digests: the warehouse is written by the pipeline alone.
    expect(await commitPage(db, page(runs[1]!))).toMatchObject({ updated: 0, unchanged: 5 });
    expect((await stored())[0]!.status).toBe('HAND');
    expect(await commitPage(db, page(runs[2]!, {}, true))).toMatchObject({ updated: 2, unchanged: 3 });
    const rows = await stored();
    expect(rows.map((r) => [r.status, r.run_id])).toEqual([
      ['PROCESSING', runs[2]],
      ['PROCESSING', runs[0]],
    ]);
    const [side] = await db.sql`select raw from tiktok_affiliate.seller_order_raw where order_id = '1'`;
    expect(side).toEqual({ raw: { id: '1', status: 'PROCESSING', skus: [{ n: 1 }, { n: 2 }] } });
    const [line] = await db.sql`
      select price_amount::text from tiktok_affiliate.seller_order_skus where order_id = '2'`;
    expect(line).toEqual({ price_amount: '1000.0000' });
    // Repaired rows and their digests agree again: the fast path finds nothing to ship.
    expect(await commitPage(db, page(runs[3]!))).toMatchObject({ updated: 0, unchanged: 5 });
  });

  it('upsertRows with fullRefresh refreshes stale hashes of unchanged rows too', async () => {
    const rows = [withoutRaw(sellerOrder('1')), withoutRaw(sellerOrder('2'))];
    await db.sql.begin((tx) => upsertRows(tx, sellerOrders, rows, { runId: runs[0]! }));
    const before = await stored();
    await db.sql`update tiktok_affiliate.seller_orders set row_hash = 'stale'`;
    const counts = await db.sql.begin((tx) =>
      upsertRows(tx, sellerOrders, rows, { runId: runs[1]!, fullRefresh: true }),
    );
    expect(counts).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    expect((await stored()).map((r) => [r.row_hash, r.run_id])).toEqual(
      before.map((r) => [r.row_hash, r.run_id]),
    );
  });

  it('still stamps last_seen_run_id of skipped snapshot rows and revives tombstoned ones', async () => {
    const rows = [openCollab(SHOP, '1'), openCollab(SHOP, '2')];
    await upsertRows(db.sql, openCollaborations, rows, { runId: runs[0]! });
    expect(await upsertRows(db.sql, openCollaborations, rows, { runId: runs[1]! })).toMatchObject({
      updated: 0,
      unchanged: 2,
      touched: 2,
    });
    await db.sql`update tiktok_affiliate.open_collaborations set is_active = false, removed_at = now()
      where open_collaboration_id = '2'`;
    expect(await upsertRows(db.sql, openCollaborations, rows, { runId: runs[2]! })).toMatchObject({
      updated: 1,
      unchanged: 1,
      touched: 1,
    });
    const rowsNow = await db.sql`select open_collaboration_id as id, is_active, last_seen_run_id::int as seen,
      run_id::int from tiktok_affiliate.open_collaborations order by 1`;
    expect(rowsNow).toEqual([
      { id: '1', is_active: true, seen: runs[2], run_id: runs[0] },
      { id: '2', is_active: true, seen: runs[2], run_id: runs[2] },
    ]);
  });
});
