import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  openCollaborations,
  sellerOrderRaw,
  sellerOrderSkus,
  sellerOrders,
} from '../../../src/load/schema/index.ts';
import { withRawApart } from '../../../src/load/order-raw.ts';
import { tableShape } from '../../../src/load/table-shape.ts';
import { UpsertInputError, upsertRows } from '../../../src/load/upsert.ts';
import type { Db } from '../../../src/load/db.ts';
import { openCollab, sellerLine, sellerOrder, SHOP, testDb, withoutRaw } from './rows.ts';

let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.sql`truncate tiktok_affiliate.seller_order_skus, tiktok_affiliate.seller_orders, tiktok_affiliate.seller_order_raw,
    tiktok_affiliate.open_collaborations`;
});

describe('upsertRows', () => {
  it('inserts, then reports a re-upsert of the same rows as unchanged without touching them', async () => {
    const rows = [sellerLine('1', 'a'), sellerLine('1', 'b'), sellerLine('2', 'a')];
    expect(await upsertRows(db.sql, sellerOrderSkus, rows, { runId: 1 })).toMatchObject({
      inserted: 3,
      updated: 0,
      unchanged: 0,
    });
    const before =
      await db.sql`select order_id, line_key, synced_at, run_id, first_seen_at, xmin::text from tiktok_affiliate.seller_order_skus order by 1, 2`;
    const again = await upsertRows(
      db.sql,
      sellerOrderSkus,
      rows.map((r) => structuredClone(r)),
      { runId: 2 },
    );
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    const after =
      await db.sql`select order_id, line_key, synced_at, run_id, first_seen_at, xmin::text from tiktok_affiliate.seller_order_skus order by 1, 2`;
    // Same xmin: the rows were not even rewritten (no row lock, no new tuple).
    expect(after).toEqual(before);
  });

  it('updates only changed rows, keeping first_seen_at and stamping run_id and synced_at', async () => {
    await upsertRows(db.sql, sellerOrderSkus, [sellerLine('1', 'a'), sellerLine('1', 'b')], {
      runId: 1,
      syncedAt: new Date('2026-01-01T00:00:00Z'),
    });
    const changed = sellerLine('1', 'b', { actual_paid_commission_amount: '12.5' });
    const result = await upsertRows(db.sql, sellerOrderSkus, [sellerLine('1', 'a'), changed], {
      runId: 2,
      syncedAt: new Date('2026-01-02T00:00:00Z'),
    });
    expect(result).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    const rows = await db.sql<
      {
        line_key: string;
        run_id: string;
        synced_at: Date;
        first_seen_at: Date;
        actual_paid_commission_amount: string;
      }[]
    >`
      select line_key, run_id, synced_at, first_seen_at, actual_paid_commission_amount
      from tiktok_affiliate.seller_order_skus order by line_key`;
    expect(
      rows.map((r) => [
        r.line_key,
        Number(r.run_id),
        r.synced_at.toISOString(),
        r.first_seen_at.toISOString(),
      ]),
    ).toEqual([
      ['a', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
      ['b', 2, '2026-01-02T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    ]);
    expect(rows[1]!.actual_paid_commission_amount).toBe('12.5000');
  });

  it('updates every business column: a change in any one of them is detected and written', async () => {
    const shape = tableShape(sellerOrderSkus);
    const base = sellerLine('9', 'k');
    await upsertRows(db.sql, sellerOrderSkus, [base], { runId: 1 });
    for (const column of shape.business) {
      const value = changedValue(column.sqlType, base[column.name]);
      const result = await upsertRows(db.sql, sellerOrderSkus, [{ ...base, [column.name]: value }], {
        runId: 2,
      });
      expect(result, column.name).toMatchObject({ updated: 1, unchanged: 0 });
      await upsertRows(db.sql, sellerOrderSkus, [base], { runId: 3 });
    }
    expect(shape.business.map((c) => c.name)).not.toContain('first_seen_at');
    expect(shape.business.map((c) => c.name)).not.toContain('order_id');
  });

  it('collapses duplicates inside a batch, the last one winning', async () => {
    const result = await upsertRows(
      db.sql,
      sellerOrderSkus,
      [sellerLine('1', 'a', { quantity: 1 }), sellerLine('1', 'b'), sellerLine('1', 'a', { quantity: 7 })],
      { runId: 1 },
    );
    expect(result).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    const [row] = await db.sql`select quantity from tiktok_affiliate.seller_order_skus where line_key = 'a'`;
    expect(row!.quantity).toBe(7);
  });

  it('round-trips money exactly and instants to the millisecond', async () => {
    const amounts = ['9999999999999999.9999', '-0.0001', '0.0000', '12345678.1234', '9900'];
    const rows = amounts.map((amount, i) => sellerLine('m', `k${i}`, { price_amount: amount }));
    await upsertRows(db.sql, sellerOrderSkus, rows, { runId: 1 });
    const orders = withRawApart({
      sellerOrders: amounts.map((amount, i) =>
        sellerOrder(`m${i}`, { raw: { amount, nested: { big: '18446744073709551615' } } }),
      ),
    });
    await upsertRows(db.sql, sellerOrders, orders['sellerOrders']!, { runId: 1 });
    await upsertRows(db.sql, sellerOrderRaw, orders['sellerOrderRaw']!, { runId: 1 });
    const stored = await db.sql<{ price_amount: string }[]>`
      select price_amount from tiktok_affiliate.seller_order_skus where order_id = 'm' order by line_key`;
    const raws = await db.sql<{ raw: { amount: string } }[]>`
      select raw from tiktok_affiliate.seller_order_raw where order_id like 'm%' order by order_id`;
    expect(stored.map((r) => r.price_amount)).toEqual([
      '9999999999999999.9999',
      '-0.0001',
      '0.0000',
      '12345678.1234',
      '9900.0000',
    ]);
    expect(raws.map((r) => r.raw.amount)).toEqual(amounts);
    const when = new Date('2024-07-31T10:03:06.789Z');
    await upsertRows(db.sql, sellerOrders, [withoutRaw(sellerOrder('t1', { create_time: when }))], {
      runId: 1,
    });
    const [order] = await db.sql<{ create_time: Date; epoch_ms: string }[]>`
      select create_time, (extract(epoch from create_time) * 1000)::bigint::text as epoch_ms
      from tiktok_affiliate.seller_orders where order_id = 't1'`;
    expect(order!.create_time.getTime()).toBe(when.getTime());
    expect(order!.epoch_ms).toBe(String(when.getTime()));
  });

  it('loads 20,000 rows of ~40 columns in one call (far past 65,535 bind parameters) and re-loads them unchanged', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) =>
      sellerLine(`o${Math.floor(i / 3)}`, `l${i % 3}`, { line_index: i % 3 }),
    );
    const first = await upsertRows(db.sql, sellerOrderSkus, rows, { runId: 1 });
    expect(first).toMatchObject({ inserted: 20_000, updated: 0, unchanged: 0 });
    const page = rows.slice(0, 1_600);
    expect(
      await upsertRows(db.sql, sellerOrderSkus, page, { runId: 2, maxRowsPerStatement: 10_000 }),
    ).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 1_600,
    });
    const [count] = await db.sql`select count(*)::int as n from tiktok_affiliate.seller_order_skus`;
    expect(count!.n).toBe(20_000);
  });

  it('rejects rows with unknown or loader-owned fields or without a primary key, naming the field', async () => {
    await expect(
      upsertRows(db.sql, sellerOrderSkus, [sellerLine('1', 'a', { nope: 1 })], { runId: 1 }),
    ).rejects.toThrow(/row field "nope" is not a column/);
    await expect(
      upsertRows(db.sql, sellerOrderSkus, [sellerLine('1', 'a', { synced_at: new Date() })], { runId: 1 }),
    ).rejects.toThrow(UpsertInputError);
    await expect(
      upsertRows(db.sql, sellerOrderSkus, [sellerLine('1', 'a', { line_key: null })], { runId: 1 }),
    ).rejects.toThrow(/without primary key \[line_key\]/);
  });

  it('stores a NUL character as U+FFFD instead of failing the page', async () => {
    await upsertRows(db.sql, sellerOrderSkus, [sellerLine('n', 'a', { creator_username: 'a\u0000b' })], {
      runId: 1,
    });
    const order = withRawApart({ sellerOrders: [sellerOrder('n', { raw: { x: 'c\u0000d' } })] });
    await upsertRows(db.sql, sellerOrderRaw, order['sellerOrderRaw']!, { runId: 1 });
    const [row] =
      await db.sql`select creator_username from tiktok_affiliate.seller_order_skus where order_id = 'n'`;
    expect(row!.creator_username).toBe('a\uFFFDb');
    const [side] = await db.sql`select raw from tiktok_affiliate.seller_order_raw where order_id = 'n'`;
    expect(side!.raw).toEqual({ x: 'c\uFFFDd' });
  });
});

describe('upsertRows on snapshot tables', () => {
  it('stamps last_seen_run_id on unchanged rows without counting them as updates', async () => {
    const rows = [openCollab(SHOP, '1'), openCollab(SHOP, '2')];
    await upsertRows(db.sql, openCollaborations, rows, { runId: 1 });
    const result = await upsertRows(db.sql, openCollaborations, rows, { runId: 2 });
    expect(result).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, touched: 2 });
    const stored =
      await db.sql`select last_seen_run_id::int, run_id::int, is_active from tiktok_affiliate.open_collaborations order by 1`;
    expect(stored).toEqual([
      { last_seen_run_id: 2, run_id: 1, is_active: true },
      { last_seen_run_id: 2, run_id: 1, is_active: true },
    ]);
    // Seen again by the same run: nothing left to stamp.
    expect(await upsertRows(db.sql, openCollaborations, rows, { runId: 2 })).toMatchObject({
      touched: 0,
      unchanged: 2,
    });
  });

  it('revives a tombstoned row that shows up again, as an update', async () => {
    await upsertRows(db.sql, openCollaborations, [openCollab(SHOP, '1')], { runId: 1 });
    await db.sql`update tiktok_affiliate.open_collaborations set is_active = false, removed_at = now()`;
    const result = await upsertRows(db.sql, openCollaborations, [openCollab(SHOP, '1')], { runId: 3 });
    expect(result).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
    const [row] =
      await db.sql`select is_active, removed_at, last_seen_run_id::int, run_id::int from tiktok_affiliate.open_collaborations`;
    expect(row).toEqual({ is_active: true, removed_at: null, last_seen_run_id: 3, run_id: 3 });
  });
});

function changedValue(sqlType: string, current: unknown): unknown {
  if (sqlType.startsWith('numeric')) return String(Number(current ?? 0) + 1);
  if (sqlType === 'integer' || sqlType === 'bigint') return Number(current ?? 0) + 1;
  if (sqlType === 'jsonb') return { changed: true };
  if (sqlType.startsWith('timestamp')) return new Date('2030-01-01T00:00:00Z');
  if (sqlType === 'boolean') return !current;
  return `${String(current ?? '')}-changed`;
}

describe('the statement on a partitioned table', () => {
  it('counts inserts and updates without joining what it wrote back to the batch (page rows squared)', async () => {
    const { upsertStatement } = await import('../../../src/load/upsert-sql.ts');
    const { rowJson } = await import('../../../src/load/upsert.ts');
    const shape = tableShape(sellerOrderSkus);
    const batch = [sellerLine('1', 'a'), sellerLine('1', 'b')].map((r) => rowJson(shape, r)).join('\n');
    const [plan] = await db.sql.begin(async (tx) => {
      const out = await tx.unsafe(`explain (format json) ${upsertStatement(shape).text}`, [batch, 1, null], {
        prepare: false,
      });
      return out;
    });
    const joins: string[][] = [];
    const walk = (node: { 'Node Type': string; 'CTE Name'?: string; Plans?: unknown[] }) => {
      const children = (node.Plans ?? []) as (typeof node)[];
      if (/Join|Nested Loop/.test(node['Node Type'])) {
        joins.push(children.map((c) => c['CTE Name'] ?? c['Node Type']));
      }
      for (const child of children) walk(child);
    };
    walk((plan as unknown as { 'QUERY PLAN': { Plan: never }[] })['QUERY PLAN'][0]!.Plan);
    expect(joins.filter((names) => names.includes('upserted'))).toEqual([]);
    const counts = await upsertRows(db.sql, sellerOrderSkus, [sellerLine('1', 'a'), sellerLine('1', 'b')], {
      runId: 1,
    });
    expect(counts).toMatchObject({ inserted: 2, updated: 0 });
    const again = [sellerLine('1', 'a', { quantity: 9 }), sellerLine('1', 'c')];
    expect(await upsertRows(db.sql, sellerOrderSkus, again, { runId: 2 })).toMatchObject({
      inserted: 1,
      updated: 1,
      unchanged: 0,
    });
  });
});
