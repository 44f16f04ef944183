import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint, setStreamStatus, listCheckpoints } from '../../../src/load/checkpoints.ts';
import { commitPage } from '../../../src/load/commit-page.ts';
import { rejectedSummary } from '../../../src/load/quarantine.ts';
import type { Db } from '../../../src/load/db.ts';
import type { PageCommit } from '../../../src/load/types.ts';
import { ensureWindows, listWindows } from '../../../src/load/windows-ledger.ts';
import { SHOP, seedConnection, seedRun, sellerLine, sellerOrder, testDb } from './rows.ts';

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
  await db.sql`truncate tiktok_affiliate.seller_order_skus, tiktok_affiliate.seller_orders, tiktok_affiliate.seller_order_raw,
    etl.sync_state, etl.rejected_records, etl.sync_windows`;
  runId = await seedRun(db.sql, connectionId);
});

/** A week-long backfill ledger window of the seller orders stream. */
function backfillWindow(scope: string) {
  return {
    connectionId,
    stream: 'seller_affiliate_orders' as const,
    scope,
    start: new Date('2024-07-01T00:00:00Z'),
    end: new Date('2024-07-08T00:00:00Z'),
    kind: 'backfill' as const,
  };
}

function page(over: Partial<PageCommit> = {}): PageCommit {
  return {
    runId,
    connectionId,
    stream: 'seller_affiliate_orders',
    scope: 'shop-1',
    // Children listed first on purpose: the loader orders tables parents first.
    rows: {
      sellerOrderSkus: [sellerLine('1', 'a'), sellerLine('2', 'a')],
      sellerOrders: [sellerOrder('1'), sellerOrder('2')],
    },
    rejected: [],
    checkpoint: {
      watermark: null,
      cursor: { window: ['2024-07-01', '2024-08-01'], pageToken: 'b2Zmc2V0PTIw' },
    },
    snapshot: false,
    ...over,
  };
}

const key = () => ({ connectionId, stream: 'seller_affiliate_orders' as const, scope: 'shop-1' });
const count = async (table: string) =>
  (await db.sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`))[0]!.n;

describe('commitPage', () => {
  it('commits rows of every table, rejects and the checkpoint together', async () => {
    const result = await commitPage(db, page());
    // Each order's raw went to its side row, counted with its order rather than apart.
    expect(result).toEqual({ inserted: 4, updated: 0, unchanged: 0, rejected: 0, removed: 0 });
    expect(await count('tiktok_affiliate.seller_order_raw')).toBe(
      await count('tiktok_affiliate.seller_orders'),
    );
    expect(await loadCheckpoint(db.sql, key())).toEqual({
      watermark: null,
      cursor: { window: ['2024-07-01', '2024-08-01'], pageToken: 'b2Zmc2V0PTIw' },
    });
    // Run twice: nothing changes (invariant 1), same checkpoint.
    expect(await commitPage(db, page())).toEqual({
      inserted: 0,
      updated: 0,
      unchanged: 4,
      rejected: 0,
      removed: 0,
    });
  });

  it('leaves neither rows, rejects nor checkpoint when the transaction fails before the checkpoint', async () => {
    await commitPage(
      db,
      page({
        rows: {},
        checkpoint: { watermark: new Date('2024-07-01T00:00:00Z'), cursor: { pageToken: 'p1' } },
      }),
    );
    const failing = page({
      rejected: [{ reason: 'missing_field:id', detail: 'no id', raw: { x: 1 }, recordKey: null }],
      checkpoint: { watermark: new Date('2024-08-01T00:00:00Z'), cursor: { pageToken: 'p2' } },
    });
    await expect(
      commitPage(db, failing, {
        beforeCheckpoint: () => {
          throw new Error('injected crash between rows and checkpoint');
        },
      }),
    ).rejects.toThrow(/injected crash/);
    expect(await count('tiktok_affiliate.seller_orders')).toBe(0);
    expect(await count('tiktok_affiliate.seller_order_skus')).toBe(0);
    expect(await count('tiktok_affiliate.seller_order_raw')).toBe(0);
    expect(await count('etl.rejected_records')).toBe(0);
    expect(await loadCheckpoint(db.sql, key())).toEqual({
      watermark: new Date('2024-07-01T00:00:00Z'),
      cursor: { pageToken: 'p1' },
    });
  });

  it('quarantines bad records with their reason and raw payload while the good rows load, once per record', async () => {
    const bad = { id: '3', skus: [{ price: { amount: 'Rp?', currency: 'IDR' } }] };
    const rejected = [
      { reason: 'bad_money:skus[0].price.amount', detail: 'cannot parse "Rp?"', raw: bad, recordKey: '3' },
      {
        reason: 'missing_field:id',
        detail: 'order without id',
        raw: { status: 'COMPLETED' },
        recordKey: null,
      },
    ];
    expect(await commitPage(db, page({ rejected }))).toMatchObject({ inserted: 4, rejected: 2, removed: 0 });
    // The same bad records again (re-run of the window), with keys in another order: no new rows.
    const again = [{ ...rejected[0]!, raw: { skus: bad.skus, id: '3' } }, rejected[1]!];
    expect(await commitPage(db, page({ rejected: again }))).toMatchObject({
      unchanged: 4,
      rejected: 2,
      removed: 0,
    });
    const rows = await db.sql`select reason, record_key, raw, occurrences, run_id::int, connection_id, stream
      from etl.rejected_records order by reason`;
    expect(rows).toEqual([
      {
        reason: 'bad_money:skus[0].price.amount',
        record_key: '3',
        raw: bad,
        occurrences: 2,
        run_id: runId,
        connection_id: connectionId,
        stream: 'seller_affiliate_orders',
      },
      {
        reason: 'missing_field:id',
        record_key: null,
        raw: { status: 'COMPLETED' },
        occurrences: 2,
        run_id: runId,
        connection_id: connectionId,
        stream: 'seller_affiliate_orders',
      },
    ]);
    const summary = await rejectedSummary(db.sql, { connectionId });
    expect(summary.map(({ lastSeenAt, ...s }) => s)).toEqual([
      {
        connectionId,
        stream: 'seller_affiliate_orders',
        reason: 'bad_money:skus[0].price.amount',
        records: 1,
        occurrences: 2,
      },
      {
        connectionId,
        stream: 'seller_affiliate_orders',
        reason: 'missing_field:id',
        records: 1,
        occurrences: 2,
      },
    ]);
  });

  it('moves the watermark forward only, while always saving the cursor', async () => {
    const at = (iso: string, token: string) =>
      page({ rows: {}, checkpoint: { watermark: new Date(iso), cursor: { token } } });
    await commitPage(db, at('2024-08-01T00:00:00Z', 't1'));
    await commitPage(db, at('2024-07-01T00:00:00Z', 't2'));
    expect(await loadCheckpoint(db.sql, key())).toEqual({
      watermark: new Date('2024-08-01T00:00:00Z'),
      cursor: { token: 't2' },
    });
    await commitPage(db, page({ rows: {}, checkpoint: { watermark: null, cursor: null } }));
    expect(await loadCheckpoint(db.sql, key())).toEqual({
      watermark: new Date('2024-08-01T00:00:00Z'),
      cursor: null,
    });
    await commitPage(db, at('2024-09-01T00:00:00Z', 't3'));
    expect((await loadCheckpoint(db.sql, key())).watermark).toEqual(new Date('2024-09-01T00:00:00Z'));
  });

  it('writes backfill window progress in the same transaction, and clears a failing status', async () => {
    const window = backfillWindow('shop-1');
    const [created] = await ensureWindows(db.sql, [window, window]);
    expect(created).toMatchObject({ status: 'pending', pages: 0, rows: 0, lastPageToken: null });
    await setStreamStatus(db.sql, connectionId, 'seller_affiliate_orders', 'failing', {
      errorClass: 'TransientError',
      errorMessage: '503',
    });
    expect((await listCheckpoints(db.sql, { connectionId }))[0]).toMatchObject({
      status: 'failing',
      errorClass: 'TransientError',
    });
    const patch = { status: 'running' as const, addPages: 1, addRows: 2, lastPageToken: 'tok2', runId };
    await commitPage(db, page(), { window: { key: window, patch } });
    await expect(
      commitPage(db, page(), {
        window: { key: window, patch },
        beforeCheckpoint: () => Promise.reject(new Error('boom')),
      }),
    ).rejects.toThrow('boom');
    const [stored] = await listWindows(db.sql, { connectionId, stream: 'seller_affiliate_orders' });
    expect(stored).toMatchObject({ status: 'running', pages: 1, rows: 2, lastPageToken: 'tok2', runId });
    const states = await listCheckpoints(db.sql, { connectionId, stream: 'seller_affiliate_orders' });
    expect(states.find((s) => s.scope === 'shop-1')).toMatchObject({ status: 'ok', errorClass: null });
  });

  it('a ledgered page writes its window and no checkpoint; a page with neither is refused', async () => {
    const window = backfillWindow('shop-9');
    await ensureWindows(db.sql, [window]);
    const patch = { status: 'running' as const, addPages: 1, addRows: 4, lastPageToken: 'tok9', runId };
    const result = await commitPage(db, page({ scope: 'shop-9', checkpoint: null }), {
      window: { key: window, patch },
    });
    expect(result.inserted).toBe(4);
    const [stored] = await listWindows(db.sql, { connectionId, stream: 'seller_affiliate_orders' });
    expect(stored).toMatchObject({ pages: 1, rows: 4, lastPageToken: 'tok9' });
    const states = await listCheckpoints(db.sql, { connectionId, stream: 'seller_affiliate_orders' });
    expect(states.map((s) => s.scope)).not.toContain('shop-9');
    await expect(commitPage(db, page({ checkpoint: null }))).rejects.toThrow(
      'a page needs a resume point, a checkpoint or a ledger window',
    );
  });

  it('quarantines rows Postgres refuses (overflow, bad syntax, NULL key column) and loads the rest with the checkpoint', async () => {
    const rows = {
      sellerOrders: [sellerOrder('1'), sellerOrder('2', { sku_count: null })],
      sellerOrderSkus: [
        sellerLine('1', 'a'),
        sellerLine('1', 'b', { price_amount: '100000000000000000000' }),
        sellerLine('1', 'c', { quantity: 'many' }),
        sellerLine('1', 'd', { creator_username: undefined }),
      ],
    };
    const result = await commitPage(db, page({ rows }));
    expect(result).toEqual({ inserted: 3, updated: 0, unchanged: 0, rejected: 3, removed: 0 });
    const rejected = await db.sql<{ reason: string; record_key: string; detail: string }[]>`
      select reason, record_key, detail from etl.rejected_records order by record_key`;
    expect(rejected.map((r) => [r.reason, r.record_key])).toEqual([
      ['load_error:22003', `${SHOP}/1/b`],
      ['load_error:22P02', `${SHOP}/1/c`],
      ['load_error:23502', `${SHOP}/2`],
    ]);
    expect(rejected[0]!.detail).toMatch(/seller_order_skus: numeric field overflow/);
    expect(await loadCheckpoint(db.sql, key())).toMatchObject({ cursor: { pageToken: 'b2Zmc2V0PTIw' } });
    const lines = await db.sql`select line_key from tiktok_affiliate.seller_order_skus order by 1`;
    expect(lines.map((l) => l.line_key)).toEqual(['a', 'd']);
    // The refused order is quarantined with its record as sent; only the stored order has a side row.
    const [order] = await db.sql`select raw from etl.rejected_records where record_key = ${`${SHOP}/2`}`;
    expect(order!.raw).toMatchObject({ order_id: '2', raw: { id: '2', status: 'PROCESSING' } });
    const side = await db.sql`select order_id from tiktok_affiliate.seller_order_raw`;
    expect(side).toEqual([{ order_id: '1' }]);
  });

  it('refuses a page whose order has no raw (the record as sent is never dropped), before writing anything', async () => {
    const { raw: _raw, ...bare } = sellerOrder('1');
    await expect(commitPage(db, page({ rows: { sellerOrders: [bare] } }))).rejects.toThrow(
      /seller_orders: order 1 without raw/,
    );
    expect(await count('tiktok_affiliate.seller_orders')).toBe(0);
  });

  it('refuses a page for a table the schema does not export, before writing anything', async () => {
    await expect(
      commitPage(db, page({ rows: { sellerOrders: [sellerOrder('1')], nope: [{}] } })),
    ).rejects.toThrow(/no analytics table exported as "nope"/);
    expect(await count('tiktok_affiliate.seller_orders')).toBe(0);
  });
});
