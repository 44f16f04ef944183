import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashedTwin, type Twin } from '../../../bench/loader-twin.ts';
import type { Db } from '../../../src/load/db.ts';
import { openCollaborations, sellerOrderSkus } from '../../../src/load/schema/index.ts';
import { tableShape } from '../../../src/load/table-shape.ts';
import { upsertRows } from '../../../src/load/upsert.ts';
import { openCollab, SHOP, sellerLine, testDb } from './rows.ts';

let db: Db;
let lines: Twin;
let collabs: Twin;
beforeAll(async () => {
  db = testDb();
  lines = hashedTwin(sellerOrderSkus, 'hashed');
  collabs = hashedTwin(openCollaborations, 'hashed');
  for (const statement of [...lines.ddl, ...collabs.ddl]) await db.sql.unsafe(statement);
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.sql`truncate hashed.seller_order_skus, hashed.open_collaborations`;
});

describe('upsertRows with a row_hash column', () => {
  it('is detected as a loader-owned column, not content', () => {
    const shape = tableShape(lines.table);
    expect(shape.hasRowHash).toBe(true);
    expect(shape.business.map((c) => c.name)).not.toContain('row_hash');
    expect(tableShape(sellerOrderSkus).hasRowHash).toBe(false);
  });

  it('skips unchanged rows without rewriting them and catches every change', async () => {
    const rows = [sellerLine('1', 'a'), sellerLine('1', 'b'), sellerLine('2', 'a')];
    expect(await upsertRows(db.sql, lines.table, rows, { runId: 1 })).toMatchObject({
      inserted: 3,
      updated: 0,
      unchanged: 0,
    });
    const before =
      await db.sql`select line_key, order_id, xmin::text, row_hash from hashed.seller_order_skus order by 1, 2`;
    expect(before.every((r) => typeof r.row_hash === 'string' && r.row_hash.length === 22)).toBe(true);
    expect(await upsertRows(db.sql, lines.table, rows, { runId: 2 })).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 3,
    });
    expect(
      await db.sql`select line_key, order_id, xmin::text, row_hash from hashed.seller_order_skus order by 1, 2`,
    ).toEqual(before);
    const changed = [
      sellerLine('1', 'a', { commission_model: 'changed' }),
      sellerLine('1', 'b'),
      sellerLine('3', 'a'),
    ];
    expect(await upsertRows(db.sql, lines.table, changed, { runId: 3 })).toMatchObject({
      inserted: 1,
      updated: 1,
      unchanged: 1,
    });
    const [row] =
      await db.sql`select commission_model, run_id::int from hashed.seller_order_skus where order_id = '1' and line_key = 'a'`;
    expect(row).toEqual({ commission_model: 'changed', run_id: 3 });
  });

  it('treats a stale hash with equal content as unchanged and refreshes the hash', async () => {
    await upsertRows(db.sql, lines.table, [sellerLine('1', 'a')], { runId: 1 });
    const [{ row_hash: good }] = (await db.sql`select row_hash from hashed.seller_order_skus`) as unknown as [
      { row_hash: string },
    ];
    await db.sql`update hashed.seller_order_skus set row_hash = 'stale'`;
    expect(await upsertRows(db.sql, lines.table, [sellerLine('1', 'a')], { runId: 2 })).toMatchObject({
      updated: 0,
      unchanged: 1,
    });
    const [row] = await db.sql`select row_hash, run_id::int from hashed.seller_order_skus`;
    expect(row).toEqual({ row_hash: good, run_id: 1 });
  });

  it('still stamps last_seen_run_id of skipped snapshot rows and revives tombstoned ones', async () => {
    const rows = [openCollab(SHOP, '1'), openCollab(SHOP, '2')];
    await upsertRows(db.sql, collabs.table, rows, { runId: 1 });
    expect(await upsertRows(db.sql, collabs.table, rows, { runId: 2 })).toMatchObject({
      updated: 0,
      unchanged: 2,
      touched: 2,
    });
    await db.sql`update hashed.open_collaborations set is_active = false, removed_at = now() where open_collaboration_id = '2'`;
    expect(await upsertRows(db.sql, collabs.table, rows, { runId: 3 })).toMatchObject({
      updated: 1,
      unchanged: 1,
      touched: 1,
    });
    const stored =
      await db.sql`select open_collaboration_id as id, is_active, last_seen_run_id::int as seen, run_id::int
      from hashed.open_collaborations order by 1`;
    expect(stored).toEqual([
      { id: '1', is_active: true, seen: 3, run_id: 1 },
      { id: '2', is_active: true, seen: 3, run_id: 3 },
    ]);
  });
});
