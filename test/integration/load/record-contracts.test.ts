/**
 * Issue 14, items 2 and 3, end to end through the real normalizers, commitPage, tombstoneScope and
 * the snapshot walk: a quarantined record never changes a stored row.
 *  - Orders / fulfillment: a good page, then a hostile page for the same keys: stored rows identical,
 *    quarantine rows present with the field named.
 *  - Snapshots: a hostile record whose key is known keeps its row active and unchanged; one whose key
 *    is unknown makes the scope tombstone nothing; the normal case still tombstones.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotBatch, SnapshotSource } from '../../../src/extract/types.ts';
import { NORMALIZERS } from '../../../src/jobs/normalizers.ts';
import { emptyCounts } from '../../../src/jobs/run-summary.ts';
import { syncSnapshotOwner } from '../../../src/jobs/snapshot-sync.ts';
import type { StreamRun } from '../../../src/jobs/stream-run.ts';
import { loadCheckpoint } from '../../../src/load/checkpoints.ts';
import { commitPage } from '../../../src/load/commit-page.ts';
import type { Db } from '../../../src/load/db.ts';
import { tombstoneScope } from '../../../src/load/tombstone.ts';
import type { StreamName } from '../../../src/core/streams.ts';
import type { NormalizerName } from '../../../src/extract/types.ts';
import { clone, example, exampleList } from '../../unit/transform/examples.ts';
import { openCollab, seedConnection, seedRun, testDb } from './rows.ts';

let db: Db;
let connectionId: number;
beforeAll(async () => {
  db = testDb();
  connectionId = await seedConnection(db.sql);
});
afterAll(async () => {
  await db.close();
});

const NOW = new Date('2026-11-21T12:00:00.000Z');

/** Normalizes `records` and commits them as one page of `stream`, like the engine does. */
async function loadPage(
  stream: StreamName,
  normalizer: NormalizerName,
  ownerId: string,
  records: unknown[],
  scope?: Record<string, string>,
) {
  const runId = await seedRun(db.sql, connectionId, stream);
  const result = NORMALIZERS[normalizer](records, { ownerId, now: NOW, ...(scope ? { scope } : {}) });
  await commitPage(db, {
    runId,
    connectionId,
    stream,
    scope: ownerId,
    rows: result.rows,
    rejected: result.rejected,
    checkpoint: { watermark: null, cursor: { page: runId } },
    snapshot: false,
  });
  return result;
}

const rowsOf = (table: string, where: string, value: string) =>
  db.sql.unsafe(`select * from tiktok_affiliate.${table} where ${where} = $1 order by 1, 2, 3`, [value]);

const quarantined = (stream: string) =>
  db.sql<{ reason: string; record_key: string | null; detail: string }[]>`
    select reason, record_key, detail from etl.rejected_records
    where connection_id = ${connectionId} and stream = ${stream} order by reason`;

describe('a hostile order never rewrites the stored order, its lines or its totals', () => {
  const SHOP = 'shop-orders';
  const good = () => clone(exampleList('affiliate-seller-202410-orders-search', 'orders')[0]!);

  it('orders without skus, with a null create_time or status, or a line without quantity', async () => {
    await loadPage('seller_affiliate_orders', 'normalizeSellerOrders', SHOP, [good()]);
    const id = String(good()['id']);
    const headerBefore = await rowsOf('seller_orders', 'shop_id', SHOP);
    const linesBefore = await rowsOf('seller_order_skus', 'shop_id', SHOP);
    expect(headerBefore).toHaveLength(1);
    expect(headerBefore[0]).toMatchObject({ order_id: id, sku_count: 1, status: 'COMPLETED' });
    expect(linesBefore).toHaveLength(1);

    const noSkus = good();
    delete noSkus['skus'];
    const nullTime = good();
    nullTime['create_time'] = null;
    const nullStatus = good();
    nullStatus['status'] = null;
    const noQuantity = good();
    delete ((noQuantity['skus'] as unknown[])[0] as Record<string, unknown>)['quantity'];
    const result = await loadPage('seller_affiliate_orders', 'normalizeSellerOrders', SHOP, [
      noSkus,
      nullTime,
      nullStatus,
      noQuantity,
    ]);
    expect(result.rows['sellerOrders']).toEqual([]);

    expect(await rowsOf('seller_orders', 'shop_id', SHOP)).toEqual(headerBefore);
    expect(await rowsOf('seller_order_skus', 'shop_id', SHOP)).toEqual(linesBefore);
    expect((await quarantined('seller_affiliate_orders')).map((q) => [q.reason, q.record_key])).toEqual([
      ['missing_field:create_time', id],
      ['missing_field:skus', id],
      ['missing_field:skus[0].quantity', id],
      ['missing_field:status', id],
    ]);
  });

  it('a creator order with an empty skus list keeps its stored lines', async () => {
    const CREATOR = 'creator-orders';
    const order = () => clone(exampleList('affiliate-creator-202410-orders-search', 'orders')[0]!);
    await loadPage('creator_affiliate_orders', 'normalizeCreatorOrders', CREATOR, [order()]);
    const before = await rowsOf('creator_order_skus', 'creator_id', CREATOR);
    expect(before).toHaveLength(1);
    const empty = order();
    empty['skus'] = [];
    await loadPage('creator_affiliate_orders', 'normalizeCreatorOrders', CREATOR, [empty]);
    expect(await rowsOf('creator_order_skus', 'creator_id', CREATOR)).toEqual(before);
    expect((await quarantined('creator_affiliate_orders')).map((q) => q.reason)).toEqual(['empty_list:skus']);
  });
});

describe('a hostile fulfillment record never nulls the counters of the stored rows', () => {
  it('video_count absent, paid_amount null: current and daily rows unchanged', async () => {
    const PARTNER = 'partner-fulfillment';
    const scope = { campaign_id: 'c1', product_id: 'p1' };
    const good = () =>
      clone(
        exampleList('affiliate-partner-202508-creator-fulfillment-status-info', 'promotion_creators')[0]!,
      );
    await loadPage(
      'campaign_creator_fulfillment',
      'normalizeCampaignCreatorFulfillment',
      PARTNER,
      [good()],
      scope,
    );
    const current = await rowsOf('campaign_creator_fulfillment', 'partner_id', PARTNER);
    const daily = await rowsOf('campaign_creator_fulfillment_daily', 'partner_id', PARTNER);
    expect(current[0]).toMatchObject({ video_count: 1, paid_amount_currency: 'USD', is_active: true });
    expect(Number(current[0]?.['paid_amount'])).toBe(3);

    const noVideos = good();
    delete noVideos['video_count'];
    const nullPaid = good();
    nullPaid['paid_amount'] = null;
    await loadPage(
      'campaign_creator_fulfillment',
      'normalizeCampaignCreatorFulfillment',
      PARTNER,
      [noVideos, nullPaid],
      scope,
    );
    const after = await rowsOf('campaign_creator_fulfillment', 'partner_id', PARTNER);
    // Counted as seen by the later run, nothing else.
    expect(after.map((r) => ({ ...r, last_seen_run_id: null }))).toEqual(
      current.map((r) => ({ ...r, last_seen_run_id: null })),
    );
    expect(await rowsOf('campaign_creator_fulfillment_daily', 'partner_id', PARTNER)).toEqual(daily);
    expect((await quarantined('campaign_creator_fulfillment')).map((q) => q.reason)).toEqual([
      'missing_field:paid_amount',
      'missing_field:video_count',
    ]);
  });
});

describe('snapshot completeness', () => {
  const SHOP = 'shop-snapshot';
  const collab = (id: string, over: Record<string, unknown> = {}) => ({
    ...clone(exampleList('affiliate-seller-202412-open-collaborations-search', 'open_collaborations')[0]!),
    id,
    ...over,
  });
  const warnings: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => warnings.push(JSON.parse(line)) });

  /** One run of the real snapshot walk over `records`, as one batch of the shop's collaborations. */
  async function snapshotRun(records: unknown[]): Promise<number> {
    const runId = await seedRun(db.sql, connectionId, 'open_collaborations');
    const source: SnapshotSource = {
      strategy: 'snapshot',
      tombstones: [{ table: 'openCollaborations', scopeColumn: 'shop_id' }],
      async *walk(): AsyncGenerator<SnapshotBatch> {
        yield { normalizer: 'normalizeOpenCollaborations', scope: {}, records, apiCalls: 1 };
      },
    };
    const run = {
      store: {
        commitPage: (commit: Parameters<typeof commitPage>[1]) => commitPage(db, commit),
        tombstone: (table: string, scope: Record<string, string>, id: number) =>
          tombstoneScope(db.sql, { table, scope, runId: id }),
      },
      api: {},
      clock: { now: () => NOW },
      config: {},
      log,
      runId,
      connectionId,
      stream: 'open_collaborations',
      counts: emptyCounts(),
      windowsDone: 0,
    } as unknown as StreamRun;
    await syncSnapshotOwner(run, source, { ownerId: SHOP, auth: {} as never }, {});
    return runId;
  }

  const stored = () =>
    db.sql<{ id: string; is_active: boolean; removed: boolean; rate: number; raw: unknown }[]>`
      select open_collaboration_id as id, is_active, removed_at is not null as removed,
        current_commission_rate_bps as rate, raw
      from tiktok_affiliate.open_collaborations where shop_id = ${SHOP} order by 1`;

  it('a known key keeps its row active and unchanged; an unknown key tombstones nothing; else tombstones', async () => {
    await snapshotRun([collab('A'), collab('B')]);
    const first = await stored();
    expect(first.map((r) => [r.id, r.is_active])).toEqual([
      ['A', true],
      ['B', true],
    ]);

    // B arrives hostile: a 2 MB field, then a drifted type. Its key is readable.
    await snapshotRun([collab('A'), collab('B', { note: 'x'.repeat(2 * 1024 * 1024) })]);
    await snapshotRun([collab('A'), collab('B', { current_commission: '{"rate":9999}' })]);
    expect(await stored()).toEqual(first);
    const reasons = (await quarantined('open_collaborations')).map((q) => [q.reason, q.record_key]);
    expect(reasons).toEqual([
      ['record_too_large', 'B'],
      ['wrong_type:current_commission', 'B'],
    ]);

    // B is gone upstream, but a record whose key cannot be read came instead: it may be B.
    warnings.length = 0;
    const incompleteRun = await snapshotRun([collab('A'), collab('?', { id: { drifted: true } })]);
    expect(await stored()).toEqual(first);
    expect(warnings.filter((w) => w['event'] === 'snapshot_incomplete')).toMatchObject([
      { table: 'openCollaborations', scope: { shop_id: SHOP }, unkeyed: 1 },
    ]);
    const checkpoint = await loadCheckpoint(db.sql, {
      connectionId,
      stream: 'open_collaborations',
      scope: SHOP,
    });
    expect(checkpoint?.cursor).toMatchObject({
      snapshotRunId: incompleteRun,
      complete: true,
      unkeyed: 1,
      tombstonesSkipped: [`openCollaborations shop_id=${SHOP}`],
    });

    // The normal case: a complete snapshot without B removes B.
    await snapshotRun([collab('A')]);
    expect((await stored()).map((r) => [r.id, r.is_active, r.removed])).toEqual([
      ['A', true, false],
      ['B', false, true],
    ]);
  });

  it('a rejected target collaboration keeps its stored products and creators too', async () => {
    const TSHOP = 'shop-target';
    const item = (over: Record<string, unknown> = {}) => ({
      search: clone(
        exampleList('affiliate-seller-202508-target-collaborations-search', 'target_collaborations')[0]!,
      ),
      detail: clone(example('affiliate-seller-202508-target-collaboration-detail').data),
      collaboration_status: 'ONGOING',
      ...over,
    });
    const commit = async (records: unknown[]) => {
      const runId = await seedRun(db.sql, connectionId, 'target_collaborations');
      const result = NORMALIZERS.normalizeTargetCollaborations(records, { ownerId: TSHOP, now: NOW });
      await commitPage(db, {
        runId,
        connectionId,
        stream: 'target_collaborations',
        scope: TSHOP,
        rows: result.rows,
        rejected: result.rejected,
        checkpoint: { watermark: null, cursor: null },
        snapshot: true,
      });
      for (const table of [
        'targetCollaborations',
        'targetCollaborationProducts',
        'targetCollaborationCreators',
      ])
        await tombstoneScope(db.sql, { table, scope: { shop_id: TSHOP }, runId });
    };
    const members = () =>
      db.sql`select 'p' as kind, product_id as id, is_active from tiktok_affiliate.target_collaboration_products
        where shop_id = ${TSHOP} union all
        select 'c', creator_key, is_active from tiktok_affiliate.target_collaboration_creators where shop_id = ${TSHOP}
        union all select 't', target_collaboration_id || ' ' || end_time::text, is_active
        from tiktok_affiliate.target_collaborations
        where shop_id = ${TSHOP} order by 1, 2`;
    await commit([item()]);
    const before = await members();
    expect(before.length).toBeGreaterThanOrEqual(3);
    const nullEnd = item();
    (nullEnd.search as Record<string, unknown>)['end_time'] = null;
    await commit([nullEnd]);
    expect(await members()).toEqual(before);
    const huge = item();
    (huge.search as Record<string, unknown>)['message'] = 'm'.repeat(2 * 1024 * 1024);
    await commit([huge]);
    expect(await members()).toEqual(before);
    expect(before.every((m) => m['is_active'])).toBe(true);

    // A drifted detail: a member without its key, or no products / creators list at all. Its
    // membership is unknown, so the whole item is rejected and every stored member stays active.
    const detailOf = (it: ReturnType<typeof item>) =>
      (it.detail as Record<string, unknown>)['target_collaboration'] as Record<string, unknown>;
    const unkeyedProduct = item();
    delete (
      (detailOf(unkeyedProduct)['products'] as Record<string, unknown>[])[0] as Record<string, unknown>
    )['id'];
    const noProducts = item();
    delete detailOf(noProducts)['products'];
    const noCreators = item();
    detailOf(noCreators)['creators'] = null;
    for (const drifted of [unkeyedProduct, noProducts, noCreators]) {
      await commit([drifted]);
      expect(await members()).toEqual(before);
    }
    const reasons = await db.sql<{ reason: string }[]>`
      select reason from etl.rejected_records
      where connection_id = ${connectionId} and stream = 'target_collaborations' order by id desc limit 3`;
    expect(reasons.map((r) => r.reason).reverse()).toEqual([
      'missing_field:detail.products[0].id',
      'missing_field:detail.target_collaboration.products',
      'missing_field:detail.target_collaboration.creators',
    ]);
  });

  it('a row Postgres refuses (careful mode) keeps its stored row seen as well', async () => {
    const PSHOP = 'shop-careful';
    const commit = async (rows: Record<string, unknown>[]) => {
      const runId = await seedRun(db.sql, connectionId, 'open_collaborations');
      const result = await commitPage(db, {
        runId,
        connectionId,
        stream: 'open_collaborations',
        scope: PSHOP,
        rows: { openCollaborations: rows },
        rejected: [],
        checkpoint: { watermark: null, cursor: null },
        snapshot: true,
      });
      const removed = await tombstoneScope(db.sql, {
        table: 'openCollaborations',
        scope: { shop_id: PSHOP },
        runId,
      });
      return { result, removed };
    };
    await commit([openCollab(PSHOP, '1'), openCollab(PSHOP, '2')]);
    // An int4 column handed 3e9: the page is replayed row by row and this row is quarantined.
    const { result, removed } = await commit([
      openCollab(PSHOP, '1'),
      openCollab(PSHOP, '2', { current_commission_rate_bps: 3_000_000_000 }),
    ]);
    expect(result.rejected).toBe(1);
    expect(removed).toBe(0);
    const rows =
      await db.sql`select open_collaboration_id as id, is_active, current_commission_rate_bps as rate
      from tiktok_affiliate.open_collaborations where shop_id = ${PSHOP} order by 1`;
    expect(rows).toEqual([
      { id: '1', is_active: true, rate: 1500 },
      { id: '2', is_active: true, rate: 1500 },
    ]);
  });
});
