/**
 * "Absent keeps, null clears" at the loader (src/core/absent-columns.ts): a row marked with absent
 * columns writes the stored value back into them; the same column sent as an explicit null clears
 * it; a new row gets NULL. Both upsert paths: the hashed one (every pipeline table) and the plain one.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ABSENT_COLUMNS } from '../../../src/core/absent-columns.ts';
import type { Db } from '../../../src/load/db.ts';
import { openCollaborations, sellerOrders } from '../../../src/load/schema/index.ts';
import { upsertRows } from '../../../src/load/upsert.ts';
import { openCollab, SHOP, sellerOrder, testDb } from './rows.ts';

let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.sql`truncate tiktok_affiliate.seller_orders, tiktok_affiliate.open_collaborations`;
});

function absent<T extends Record<string, unknown>>(row: T, ...columns: string[]): T {
  return Object.assign(row, { [ABSENT_COLUMNS]: columns });
}

async function collab(id: string) {
  const [row] = await db.sql<
    { product_title: string | null; status: string; current_commission_rate_bps: number | null }[]
  >`
    select product_title, status, current_commission_rate_bps from tiktok_affiliate.open_collaborations
    where shop_id = ${SHOP} and open_collaboration_id = ${id}`;
  return row;
}

describe.each([
  ['hashed upsert', false],
  ['repair upsert (every row shipped)', true],
])('absent columns, %s', (_name, fullRefresh) => {
  it('keep the stored value while the other columns update; an explicit null clears', async () => {
    await upsertRows(db.sql, openCollaborations, [openCollab(SHOP, '1')], { runId: 1 });
    const drifted = absent(
      openCollab(SHOP, '1', { product_title: null, status: 'EXPIRED', raw: { id: '1', status: 'EXPIRED' } }),
      'product_title',
    );
    const r1 = await upsertRows(db.sql, openCollaborations, [drifted], { runId: 2, fullRefresh });
    expect(r1).toMatchObject({ updated: 1 });
    expect(await collab('1')).toEqual({
      product_title: 'Product 1',
      status: 'EXPIRED',
      current_commission_rate_bps: 1500,
    });

    // The same drifted answer again changes nothing.
    const again = absent(
      openCollab(SHOP, '1', { product_title: null, status: 'EXPIRED', raw: { id: '1', status: 'EXPIRED' } }),
      'product_title',
    );
    expect(await upsertRows(db.sql, openCollaborations, [again], { runId: 3, fullRefresh })).toMatchObject({
      inserted: 0,
      updated: 0,
    });
    expect((await collab('1'))?.product_title).toBe('Product 1');

    // Sent as null (no mark): cleared, although the previous answer hashed the same values.
    const cleared = openCollab(SHOP, '1', {
      product_title: null,
      status: 'EXPIRED',
      raw: { id: '1', status: 'EXPIRED' },
    });
    expect(await upsertRows(db.sql, openCollaborations, [cleared], { runId: 4, fullRefresh })).toMatchObject({
      updated: 1,
    });
    expect((await collab('1'))?.product_title).toBeNull();
  });

  it('a new row marked absent is stored with NULL there', async () => {
    const fresh = absent(
      openCollab(SHOP, '2', { current_commission_rate_bps: null }),
      'current_commission_rate_bps',
    );
    expect(await upsertRows(db.sql, openCollaborations, [fresh], { runId: 1, fullRefresh })).toMatchObject({
      inserted: 1,
    });
    expect((await collab('2'))?.current_commission_rate_bps).toBeNull();
  });

  it('works on the partitioned order tables', async () => {
    const order = sellerOrder('o1', { status: 'PROCESSING', total_quantity: 3 });
    await upsertRows(db.sql, sellerOrders, [order], { runId: 1 });
    const [before] = await db.sql<{ total_quantity: number | null }[]>`
      select total_quantity from tiktok_affiliate.seller_orders where order_id = 'o1'`;
    expect(before?.total_quantity).toBe(3);
    const drifted = absent(
      sellerOrder('o1', { status: 'COMPLETED', total_quantity: null }),
      'total_quantity',
    );
    await upsertRows(db.sql, sellerOrders, [drifted], { runId: 2, fullRefresh });
    const [after] = await db.sql<{ status: string; total_quantity: number | null }[]>`
      select status, total_quantity from tiktok_affiliate.seller_orders where order_id = 'o1'`;
    expect(after).toEqual({ status: 'COMPLETED', total_quantity: before?.total_quantity });
  });
});
