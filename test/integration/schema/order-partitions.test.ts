/**
 * The order tables partitioned by UTC month of create_time (src/load/schema/order-partitions.ts):
 * pages route into month partitions the loader creates, a row of a month without a partition lands in
 * the DEFAULT partition instead of failing and moves out when the month is created, and a database
 * left at the previous migration, with data, upgrades to exactly what a fresh load gives.
 */
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commitPage } from '../../../src/load/commit-page.ts';
import { createDb, type Db } from '../../../src/load/db.ts';
import { runMigrations } from '../../../src/load/migrate.ts';
import { withOrderColumns } from '../../../src/load/order-lines.ts';
import { withRawApart } from '../../../src/load/order-raw.ts';
import * as schema from '../../../src/load/schema/index.ts';
import { PARTITIONED_ORDER_TABLES } from '../../../src/load/schema/order-partitions.ts';
import { ROLLUP_TABLES } from '../../../src/load/schema/performance-rollup.ts';
import { upsertRows } from '../../../src/load/upsert.ts';
import { emptyDatabase } from '../../helpers/db.ts';
import { databaseBefore } from '../../helpers/migrations.ts';
import { SHOP, seedConnection, seedRun, sellerLine, sellerOrder, testDb } from '../load/rows.ts';

let db: Db;
beforeAll(() => {
  db = testDb();
});
afterAll(async () => {
  await db.close();
});
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Partition holding each row of `table`, by order id. */
async function placement(sql: postgres.Sql, table: string): Promise<Record<string, string>> {
  const rows = await sql.unsafe<{ order_id: string; part: string }[]>(
    `select distinct order_id, tableoid::regclass::text as part from tiktok_affiliate.${table} order by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.order_id, r.part]));
}

describe('partition routing', () => {
  it('a page of a month without a partition creates it and lands there, lines included', async () => {
    const connectionId = await seedConnection(db.sql, 'part-seller');
    const runId = await seedRun(db.sql, connectionId);
    const march = new Date('2019-03-31T23:59:59Z');
    const april = new Date('2019-04-01T00:00:00Z');
    const result = await commitPage(db, {
      runId,
      connectionId,
      stream: 'seller_affiliate_orders',
      scope: SHOP,
      rows: {
        sellerOrders: [
          sellerOrder('m1', { create_time: march, status: 'COMPLETED' }),
          sellerOrder('a1', { create_time: april }),
        ],
        // Lines as the normalizer emits them: without the order's columns, which the loader copies.
        sellerOrderSkus: [sellerLine('m1', 'k'), sellerLine('a1', 'k')].map(
          ({ create_time: _t, order_status: _s, ...line }) => line,
        ),
      },
      rejected: [],
      checkpoint: { watermark: null, cursor: null },
      snapshot: false,
    });
    expect(result).toMatchObject({ inserted: 4, rejected: 0 });
    expect(await placement(db.sql, 'seller_orders')).toEqual({
      a1: 'tiktok_affiliate.seller_orders_2019_04',
      m1: 'tiktok_affiliate.seller_orders_2019_03',
    });
    expect(await placement(db.sql, 'seller_order_skus')).toEqual({
      a1: 'tiktok_affiliate.seller_order_skus_2019_04',
      m1: 'tiktok_affiliate.seller_order_skus_2019_03',
    });
    const lines = await db.sql`
      select order_id, create_time, order_status from tiktok_affiliate.seller_order_skus order by 1`;
    expect(lines).toEqual([
      { order_id: 'a1', create_time: april, order_status: 'PROCESSING' },
      { order_id: 'm1', create_time: march, order_status: 'COMPLETED' },
    ]);
    // Read back through the view: the 31st of March is a day of its own, the status came along.
    const [day] = await db.sql`
      select orders, completed_orders from tiktok_affiliate.creator_performance_daily
      where shop_id = ${SHOP} and order_date = '2019-03-31'`;
    expect(day).toEqual({ orders: '1', completed_orders: '1' });
  });

  it('partner order pages get their month partitions too, lines carrying the order time and status', async () => {
    const connectionId = await seedConnection(db.sql, 'part-partner');
    const runId = await seedRun(db.sql, connectionId);
    const asset = 'TTP_routing_asset';
    const when = new Date('2018-11-30T23:59:59Z');
    const result = await commitPage(db, {
      runId,
      connectionId,
      stream: 'partner_affiliate_orders',
      scope: asset,
      rows: {
        partnerOrders: [
          {
            partner_id: asset,
            order_id: 'po1',
            status: 'COMPLETED',
            create_time: when,
            sku_count: 1,
            raw: { id: 'po1' },
          },
        ],
        // As the normalizer emits them: without the order's columns, which the loader copies.
        partnerOrderSkus: [
          { partner_id: asset, order_id: 'po1', sku_id: 's1', line_index: 0, raw: { id: 's1' } },
        ],
      },
      rejected: [],
      checkpoint: { watermark: null, cursor: null },
      snapshot: false,
    });
    expect(result).toMatchObject({ inserted: 2, rejected: 0 });
    expect(await placement(db.sql, 'partner_orders')).toMatchObject({
      po1: 'tiktok_affiliate.partner_orders_2018_11',
    });
    expect(await placement(db.sql, 'partner_order_skus')).toMatchObject({
      po1: 'tiktok_affiliate.partner_order_skus_2018_11',
    });
    const [line] = await db.sql`
      select create_time, order_status from tiktok_affiliate.partner_order_skus where order_id = 'po1'`;
    expect(line).toEqual({ create_time: when, order_status: 'COMPLETED' });
  });

  it('a row for a month without a partition goes to the default partition, then moves into its month', async () => {
    const when = new Date('2011-06-15T12:00:00Z');
    // Straight to the table, as a writer that did not ensure the month: never a failed insert.
    const order = withRawApart({ sellerOrders: [sellerOrder('d1', { create_time: when })] });
    await upsertRows(db.sql, schema.sellerOrders, order['sellerOrders']!, { runId: 1 });
    await upsertRows(db.sql, schema.sellerOrderRaw, order['sellerOrderRaw']!, { runId: 1 });
    await upsertRows(db.sql, schema.sellerOrderSkus, [sellerLine('d1', 'k', { create_time: when })], {
      runId: 1,
    });
    expect(await placement(db.sql, 'seller_orders')).toMatchObject({
      d1: 'tiktok_affiliate.seller_orders_default',
    });
    const [made] = await db.sql`select etl.ensure_order_partitions('{2011-06-01}') as n`;
    // The month of every order table, and of the rollup tables of the seller lines.
    expect(made!.n).toBe(PARTITIONED_ORDER_TABLES.length + ROLLUP_TABLES.length);
    expect(await placement(db.sql, 'seller_orders')).toMatchObject({
      d1: 'tiktok_affiliate.seller_orders_2011_06',
    });
    expect(await placement(db.sql, 'seller_order_skus')).toMatchObject({
      d1: 'tiktok_affiliate.seller_order_skus_2011_06',
    });
    expect(await placement(db.sql, 'seller_order_raw')).toMatchObject({
      d1: 'tiktok_affiliate.seller_order_raw_2011_06',
    });
    const [again] = await db.sql`select etl.ensure_order_partitions('{2011-06-20}') as n`;
    expect(again!.n).toBe(0);
    // The line moved out of the default partition through the parent is still counted once.
    const [rollup] = await db.sql`select tableoid::regclass::text as part, orders, order_lines
      from etl.creator_performance_rollup where order_date = '2011-06-15'`;
    expect(rollup).toEqual({ part: 'etl.creator_performance_rollup_2011_06', orders: 1, order_lines: 1 });
    // The same order re-loaded finds its stored row in the new partition: unchanged, not a duplicate.
    expect(await upsertRows(db.sql, schema.sellerOrders, order['sellerOrders']!, { runId: 2 })).toMatchObject(
      { inserted: 0, updated: 0, unchanged: 1 },
    );
  });

  it('a filter on order_date alone reads only the matching month partitions', async () => {
    await db.sql`select etl.ensure_order_partitions('{2012-01-01,2012-02-01}')`;
    const plan = await db.sql.unsafe<{ 'QUERY PLAN': string }[]>(
      `explain select * from tiktok_affiliate.creator_performance_daily
       where order_date between '2012-02-03' and '2012-02-10'`,
    );
    const text = plan.map((p) => p['QUERY PLAN']).join('\n');
    expect(text).toContain('creator_performance_rollup_2012_02');
    expect(text).not.toContain('creator_performance_rollup_2012_01');
  });
});

describe('upgrade from the previous layout', () => {
  it('a database at the previous migration, with data, upgrades to what a fresh load gives', async () => {
    const old = await databaseBefore('0001_order_partitions', 'upg_old');
    cleanups.push(() => old.drop());
    const fresh = await emptyDatabase('upg_new');
    cleanups.push(() => fresh.drop());
    await runMigrations(fresh.url);
    const oldSql = postgres(old.url, { max: 1, onnotice: () => {} });
    const freshSql = postgres(fresh.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => oldSql.end({ timeout: 5 }));
    cleanups.push(() => freshSql.end({ timeout: 5 }));

    const stamp = {
      first_seen_at: new Date('2024-08-01T00:00:00Z'),
      synced_at: new Date('2024-08-02T00:00:00Z'),
    };
    const orders = [
      sellerOrder('u1', { create_time: new Date('2024-05-31T23:30:00Z'), status: 'CANCELLED' }),
      sellerOrder('u2', { create_time: new Date('2024-06-01T00:30:00Z'), sku_count: 2 }),
    ];
    const lines = [sellerLine('u1', 'a'), sellerLine('u2', 'a'), sellerLine('u2', 'b', { line_index: 1 })];
    const creatorOrder = {
      creator_id: 'creator-1',
      order_id: 'c1',
      status: 'ORDERED',
      create_time: new Date('2023-12-24T08:00:00Z'),
      sku_count: 1,
      raw: { id: 'c1' },
    };
    const creatorLine = { creator_id: 'creator-1', order_id: 'c1', sku_id: 's1', line_index: 0 };
    // The previous layout: lines without create_time / order_status but with a raw of their own (the
    // order's raw without its skus), written by that release's loader.
    const strip = ({ create_time: _t, order_status: _s, ...line }: Record<string, unknown>) => ({
      ...line,
      raw: { sku: `${String(line['order_id'])}/${String(line['line_index'])}` },
    });
    // A fresh load keeps the whole order in the order's raw, lines in their position.
    const whole = (order: Record<string, unknown>, orderLines: Record<string, unknown>[]) => ({
      ...order,
      raw: {
        ...(order['raw'] as object),
        skus: orderLines
          .filter((l) => l['order_id'] === order['order_id'])
          .sort((a, b) => Number(a['line_index']) - Number(b['line_index']))
          .map((l) => strip(l).raw),
      },
    });
    const put = (sql: postgres.Sql, table: string, rows: Record<string, unknown>[]) =>
      sql`insert into ${sql('tiktok_affiliate')}.${sql(table)} ${sql(
        rows.map((r) => ({ ...r, ...stamp })) as never,
      )}`;
    await put(oldSql, 'seller_orders', orders);
    await put(oldSql, 'seller_order_skus', lines.map(strip));
    await put(oldSql, 'creator_orders', [creatorOrder]);
    await put(oldSql, 'creator_order_skus', [strip(creatorLine)]);
    // An order stored without create_time (before records were checked against their contract).
    const connectionId = await oldSql<{ id: number }[]>`
      insert into etl.connections (kind, name, app_key, app_secret_enc, access_token_enc, refresh_token_enc,
        access_token_expires_at, shops)
      values ('seller', 's', 'app', 'x', 'x', 'x', now(), ${oldSql.json([{ id: SHOP }])}) returning id`;
    await oldSql`insert into tiktok_affiliate.seller_orders (shop_id, order_id, sku_count, raw)
      values (${SHOP}, 'nt', 1, ${oldSql.json({ id: 'nt' })})`;
    await oldSql`insert into tiktok_affiliate.seller_order_skus (shop_id, order_id, line_key, line_index, raw)
      values (${SHOP}, 'nt', 'k', 0, ${oldSql.json({ sku: 1 })})`;

    expect(await runMigrations(old.url)).toEqual({ applied: old.pending });

    const loaded = withRawApart(
      withOrderColumns({
        sellerOrders: orders.map((o) => whole(o, lines)),
        sellerOrderSkus: lines,
        creatorOrders: [whole(creatorOrder, [creatorLine])],
        creatorOrderSkus: [creatorLine],
      }),
    );
    await freshSql`select etl.ensure_order_partitions('{2023-12-01,2024-05-01,2024-06-01}')`;
    const sqlNames: Record<string, string> = {
      sellerOrders: 'seller_orders',
      sellerOrderSkus: 'seller_order_skus',
      sellerOrderRaw: 'seller_order_raw',
      creatorOrders: 'creator_orders',
      creatorOrderSkus: 'creator_order_skus',
      creatorOrderRaw: 'creator_order_raw',
    };
    for (const [name, rows] of Object.entries(loaded)) await put(freshSql, sqlNames[name]!, rows);

    for (const table of Object.values(sqlNames)) {
      const read = (sql: postgres.Sql) =>
        sql.unsafe(
          `select tableoid::regclass::text as part, t.* from tiktok_affiliate.${table} t order by 2, 3, 4, 5`,
        );
      expect(await read(oldSql), table).toEqual(await read(freshSql));
    }
    expect((await placement(oldSql, 'seller_order_skus'))['u2']).toBe(
      'tiktok_affiliate.seller_order_skus_2024_06',
    );
    const [kept] = await oldSql`
      select connection_id, reason, record_key, raw from etl.rejected_records where stream = 'seller_affiliate_orders'`;
    expect(kept).toEqual({
      connection_id: connectionId[0]!.id,
      reason: 'missing_field:create_time',
      record_key: 'nt',
      raw: { id: 'nt', skus: [{ sku: 1 }] },
    });
    // The creators dimension starts with the creators the stored rows name, seen since those rows.
    const seen = { first_seen_at: stamp.first_seen_at, last_seen_at: stamp.synced_at };
    expect(
      await oldSql`select creator_key, open_id, username, first_seen_at, last_seen_at
        from tiktok_affiliate.creators order by creator_key`,
    ).toEqual([
      // A creator order's creator by open_id (no creator connection holds it: no name to give).
      { creator_key: 'creator-1', open_id: 'creator-1', username: null, ...seen },
      {
        creator_key: 'exampleTikTokCreatorUsername',
        open_id: null,
        username: 'exampleTikTokCreatorUsername',
        ...seen,
      },
    ]);
    // The view, re-created by the upgrade, reads the moved lines.
    const [day] = await oldSql`
      select orders, cancelled_orders from tiktok_affiliate.creator_performance_daily where order_date = '2024-05-31'`;
    expect(day).toEqual({ orders: '1', cancelled_orders: '1' });
  });
});

describe('upgrade of the partner order tables from the previous layout', () => {
  it('a database at the previous migration, with partner orders, upgrades to what a fresh load gives', async () => {
    const old = await databaseBefore('0007_partner_orders_partitions', 'upg_p_old');
    cleanups.push(() => old.drop());
    const fresh = await emptyDatabase('upg_p_new');
    cleanups.push(() => fresh.drop());
    // The older release: its tables (today's views need today's tables: not created), and a view
    // over both tables as that release had, which the upgrade must drop and have re-created.
    await runMigrations(fresh.url);
    const oldSql = postgres(old.url, { max: 1, onnotice: () => {} });
    const freshSql = postgres(fresh.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => oldSql.end({ timeout: 5 }));
    cleanups.push(() => freshSql.end({ timeout: 5 }));
    await oldSql`create view tiktok_affiliate.partner_campaign_orders_monthly as
      select l.partner_id, l.campaign_id, date_trunc('month', o.create_time)::date as month, count(*) as lines
      from tiktok_affiliate.partner_order_skus l
      join tiktok_affiliate.partner_orders o on o.partner_id = l.partner_id and o.order_id = l.order_id
      group by 1, 2, 3`;

    const asset = 'TTP_upgrade_asset';
    const stamp = {
      first_seen_at: new Date('2024-08-01T00:00:00Z'),
      synced_at: new Date('2024-08-02T00:00:00Z'),
    };
    const order = (id: string, create_time: Date | null, status: string, sku_count: number) => ({
      partner_id: asset,
      order_id: id,
      status,
      create_time,
      sku_count,
      raw: { id, status },
    });
    const line = (orderId: string, sku: string, line_index: number) => ({
      partner_id: asset,
      order_id: orderId,
      sku_id: sku,
      line_index,
      campaign_id: 'camp-1',
      quantity: 1,
      estimated_tap_commission_amount: '1.5000',
      estimated_tap_commission_currency: 'USD',
      raw: { id: sku, campaign_id: 'camp-1' },
    });
    const orders = [
      order('p1', new Date('2024-05-31T23:30:00Z'), 'COMPLETED', 1),
      order('p2', new Date('2024-06-01T00:30:00Z'), 'PROCESSING', 2),
    ];
    const lines = [line('p1', 's1', 0), line('p2', 's1', 0), line('p2', 's2', 1)];
    const put = (sql: postgres.Sql, table: string, rows: Record<string, unknown>[]) =>
      sql`insert into ${sql('tiktok_affiliate')}.${sql(table)} ${sql(
        rows.map((r) => ({ ...r, ...stamp })) as never,
      )}`;
    await put(oldSql, 'partner_orders', orders);
    await put(oldSql, 'partner_order_skus', lines);
    // An order stored without create_time (the column allowed it): quarantined by the upgrade.
    const [owner] = await oldSql<{ id: number }[]>`
      insert into etl.connections (kind, name, app_key, app_secret_enc, access_token_enc, refresh_token_enc,
        access_token_expires_at, category_assets)
      values ('partner', 'p', 'app', 'x', 'x', 'x', now(), ${oldSql.json([{ cipher: asset }])}) returning id`;
    await put(oldSql, 'partner_orders', [order('nt', null, 'PROCESSING', 1)]);
    await put(oldSql, 'partner_order_skus', [line('nt', 's9', 0)]);

    expect(await runMigrations(old.url)).toEqual({ applied: old.pending });

    const loaded = withOrderColumns({ partnerOrders: orders, partnerOrderSkus: lines });
    await freshSql`select etl.ensure_order_partitions('{2024-05-01,2024-06-01}')`;
    await put(freshSql, 'partner_orders', loaded['partnerOrders']!);
    await put(freshSql, 'partner_order_skus', loaded['partnerOrderSkus']!);
    for (const table of ['partner_orders', 'partner_order_skus']) {
      const read = (sql: postgres.Sql) =>
        sql.unsafe(
          `select tableoid::regclass::text as part, t.* from tiktok_affiliate.${table} t order by 2, 3, 4, 5`,
        );
      expect(await read(oldSql), table).toEqual(await read(freshSql));
    }
    expect(await placement(oldSql, 'partner_order_skus')).toEqual({
      p1: 'tiktok_affiliate.partner_order_skus_2024_05',
      p2: 'tiktok_affiliate.partner_order_skus_2024_06',
    });
    const [lineOf] = await oldSql`
      select create_time, order_status from tiktok_affiliate.partner_order_skus where order_id = 'p1'`;
    expect(lineOf).toEqual({ create_time: new Date('2024-05-31T23:30:00Z'), order_status: 'COMPLETED' });
    const [kept] = await oldSql`
      select connection_id, reason, record_key, raw from etl.rejected_records where stream = 'partner_affiliate_orders'`;
    expect(kept).toEqual({
      connection_id: owner!.id,
      reason: 'missing_field:create_time',
      record_key: 'nt',
      raw: { id: 'nt', status: 'PROCESSING', skus: [{ id: 's9', campaign_id: 'camp-1' }] },
    });
    // The view, re-created by the upgrade, reads the moved lines (May's order counted in May, UTC).
    const months = await oldSql`
      select month::text, orders::int, settled_orders::int, lines::int
      from tiktok_affiliate.partner_campaign_orders_monthly where partner_id = ${asset} order by month`;
    expect(months).toEqual([
      { month: '2024-05-01', orders: 1, settled_orders: 1, lines: 1 },
      { month: '2024-06-01', orders: 1, settled_orders: 0, lines: 2 },
    ]);
  });

  it('an order without create_time whose partner belongs to no connection stops the upgrade', async () => {
    const old = await databaseBefore('0007_partner_orders_partitions', 'upg_p_orphan');
    cleanups.push(() => old.drop());
    const oldSql = postgres(old.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => oldSql.end({ timeout: 5 }));
    await oldSql`insert into tiktok_affiliate.partner_orders (partner_id, order_id, sku_count, raw)
      values ('TTP_nobody', 'nt', 1, ${oldSql.json({ id: 'nt' })})`;
    await expect(runMigrations(old.url)).rejects.toThrow(/partner orders without create_time/);
    // Nothing half-done: the order is still where it was.
    const [still] = await oldSql`select order_id from tiktok_affiliate.partner_orders`;
    expect(still).toEqual({ order_id: 'nt' });
  });
});

describe('upgrade to the raw side tables', () => {
  /** Bytes of the heap of `table`'s partitions (indexes and TOAST not included). */
  async function heapBytes(sql: postgres.Sql, table: string): Promise<number> {
    const [row] = await sql.unsafe<{ n: string }[]>(
      `select coalesce(sum(pg_relation_size(i.inhrelid)), 0)::text as n from pg_inherits i
       where i.inhparent = 'tiktok_affiliate.${table}'::regclass`,
    );
    return Number(row!.n);
  }
  const BOOKKEEPING = new Set(['first_seen_at', 'synced_at', 'run_id', 'row_hash']);
  /** Every row of `table` with its partition, without the loader's bookkeeping (a fresh load has its own). */
  const read = async (sql: postgres.Sql, table: string) =>
    (
      await sql.unsafe<Record<string, unknown>[]>(
        `select tableoid::regclass::text as part, t.* from tiktok_affiliate.${table} t order by 2, 3, 4, 5`,
      )
    ).map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !BOOKKEEPING.has(k))));

  it('a database at 0008 with orders, lines and raw upgrades to what a fresh load gives, orders rewritten narrow', async () => {
    const old = await databaseBefore('0009_order_raw_side_tables', 'upg_raw_old');
    cleanups.push(() => old.drop());
    const fresh = await emptyDatabase('upg_raw_new');
    cleanups.push(() => fresh.drop());
    await runMigrations(fresh.url);
    const oldSql = postgres(old.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => oldSql.end({ timeout: 5 }));
    const freshDb = createDb(fresh.url, { max: 2 });
    cleanups.push(() => freshDb.close());

    // ~1.5 KB of raw an order: stored inline, uncompressed (under the ~2 KB where TOAST starts).
    const pad = (id: string) => Array.from({ length: 30 }, (_, i) => `${id}-${i}-${'x'.repeat(40)}`);
    const may = new Date('2024-05-31T23:30:00Z');
    const june = new Date('2024-06-01T00:30:00Z');
    const sellerOrders = Array.from({ length: 300 }, (_, i) => {
      const id = `u${String(i).padStart(3, '0')}`;
      return sellerOrder(id, {
        create_time: i % 2 ? june : may,
        status: i % 3 ? 'PROCESSING' : 'COMPLETED',
        raw: { id, skus: [{ product_id: 'p' }], pad: pad(id) },
      });
    });
    const sellerLines = sellerOrders.map((o) => sellerLine(String(o['order_id']), 'a'));
    const creatorOrders = [
      {
        creator_id: 'creator-1',
        order_id: 'c1',
        status: 'ORDERED',
        create_time: new Date('2023-12-24T08:00:00Z'),
        sku_count: 1,
        raw: { id: 'c1', skus: [{ id: 's1' }] },
      },
    ];
    const creatorLines = [{ creator_id: 'creator-1', order_id: 'c1', sku_id: 's1', line_index: 0 }];
    // A month without a partition: its order waits in the DEFAULT partition, and so must its raw.
    const stray = sellerOrder('d1', { create_time: new Date('2011-06-15T12:00:00Z'), raw: { id: 'd1' } });

    // The previous release: raw on the order rows, written as its loader did, and a view over the
    // orders' raw (the upgrade drops it; migrate's repeatable step re-creates the views it knows).
    await oldSql`select etl.ensure_order_partitions('{2023-12-01,2024-05-01,2024-06-01}')`;
    const rows = withOrderColumns({
      sellerOrders: [...sellerOrders, stray],
      sellerOrderSkus: [...sellerLines, sellerLine('d1', 'a')],
      creatorOrders,
      creatorOrderSkus: creatorLines,
    });
    for (const [table, list] of [
      ['seller_orders', rows['sellerOrders']!],
      ['seller_order_skus', rows['sellerOrderSkus']!],
      ['creator_orders', rows['creatorOrders']!],
      ['creator_order_skus', rows['creatorOrderSkus']!],
    ] as const) {
      await oldSql`insert into ${oldSql('tiktok_affiliate')}.${oldSql(table)} ${oldSql(list as never)}`;
    }
    await oldSql`create view tiktok_affiliate.owner_freshness as
      select shop_id, raw->>'id' as id from tiktok_affiliate.seller_orders`;
    const wideBytes = await heapBytes(oldSql, 'seller_orders');

    expect(await runMigrations(old.url)).toEqual({ applied: old.pending });

    // Narrow: the dropped column's bytes left with the rewrite (a DROP COLUMN alone keeps them).
    expect(await heapBytes(oldSql, 'seller_orders')).toBeLessThan(wideBytes / 3);
    expect(await placement(oldSql, 'seller_order_raw')).toMatchObject({
      d1: 'tiktok_affiliate.seller_order_raw_default',
    });
    // The stray month is created (by the next page, here by hand): both rows move out of DEFAULT.
    await oldSql`select etl.ensure_order_partitions('{2011-06-01}')`;

    const connectionId = await seedConnection(freshDb.sql, 'raw-fresh');
    for (const [stream, page] of [
      [
        'seller_affiliate_orders',
        { sellerOrders: [...sellerOrders, stray], sellerOrderSkus: [...sellerLines, sellerLine('d1', 'a')] },
      ],
      ['creator_affiliate_orders', { creatorOrders, creatorOrderSkus: creatorLines }],
    ] as const) {
      await commitPage(freshDb, {
        runId: await seedRun(freshDb.sql, connectionId, stream),
        connectionId,
        stream,
        scope: 'all',
        rows: page as never,
        rejected: [],
        checkpoint: { watermark: null, cursor: null },
        snapshot: false,
      });
    }
    for (const table of [
      'seller_orders',
      'seller_order_skus',
      'seller_order_raw',
      'creator_orders',
      'creator_order_skus',
      'creator_order_raw',
    ]) {
      expect(await read(oldSql, table), table).toEqual(await read(freshDb.sql, table));
    }
    expect(await placement(oldSql, 'seller_order_raw')).toMatchObject({
      u000: 'tiktok_affiliate.seller_order_raw_2024_05',
      u001: 'tiktok_affiliate.seller_order_raw_2024_06',
      d1: 'tiktok_affiliate.seller_order_raw_2011_06',
    });
    // Every side row copied with the order's bookkeeping, and without a digest (shipped once more).
    const [side] = await oldSql`select count(*)::int as n, count(row_hash)::int as hashed,
        min(first_seen_at) as first_seen from tiktok_affiliate.seller_order_raw`;
    expect(side).toMatchObject({ n: 301, hashed: 0 });
    // The view the upgrade dropped is the repeatable step's again, reading the narrow orders.
    const viewColumns = await oldSql<{ column_name: string }[]>`select column_name
      from information_schema.columns where table_schema = 'tiktok_affiliate' and table_name = 'owner_freshness'`;
    expect(viewColumns.map((c) => c.column_name)).toContain('owner_kind');
    expect(viewColumns.map((c) => c.column_name)).not.toContain('raw');
    // A re-sent page through the loader finds every upgraded row unchanged.
    const oldDb = createDb(old.url, { max: 2 });
    cleanups.push(() => oldDb.close());
    const oldConnection = await seedConnection(oldDb.sql, 'raw-old');
    const again = await commitPage(oldDb, {
      runId: await seedRun(oldDb.sql, oldConnection, 'seller_affiliate_orders'),
      connectionId: oldConnection,
      stream: 'seller_affiliate_orders',
      scope: 'all',
      rows: { sellerOrders, sellerOrderSkus: sellerLines },
      rejected: [],
      checkpoint: { watermark: null, cursor: null },
      snapshot: false,
    });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 600, removed: 0 });
  });
});
