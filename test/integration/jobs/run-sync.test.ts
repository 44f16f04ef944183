/**
 * runSync against the sandbox, real Postgres and Redis: every stream of every connection equals the
 * ground truth; running again changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamName } from '../../../src/core/streams.ts';
import { runSync } from '../../../src/jobs/index.ts';
import { listCheckpoints } from '../../../src/load/checkpoints.ts';
import { expectAllTruth, expectTruth, syncAll } from '../../e2e/full-sync.ts';
import { type EngineHarness, startHarness } from '../../e2e/harness.ts';
import { diffAgainstTruth } from '../../e2e/truth.ts';

let h: EngineHarness;

beforeAll(async () => {
  h = await startHarness({ sandbox: { scale: 'tiny', seed: 3 }, label: 'run-sync' });
});
afterAll(async () => {
  await h?.close();
});

describe('runSync', () => {
  it('a full sync of every stream equals the ground truth, value by value', async () => {
    const summaries = await syncAll(h);
    for (const s of summaries) expect(s.status, `${s.stream} ${s.errorMessage}`).toBe('succeeded');
    expect(summaries.reduce((n, s) => n + s.rowsInserted, 0)).toBeGreaterThan(100);
    await expectAllTruth(h);
  });

  it('running it again changes nothing: zero inserted/updated, same checkpoints', async () => {
    const before = await listCheckpoints(h.deps.db.sql);
    const summaries = await syncAll(h);
    for (const s of summaries) {
      expect(s.status).toBe('succeeded');
      expect({
        stream: s.stream,
        inserted: s.rowsInserted,
        updated: s.rowsUpdated,
        removed: s.rowsRemoved,
      }).toEqual({
        stream: s.stream,
        inserted: 0,
        updated: 0,
        removed: 0,
      });
    }
    const after = await listCheckpoints(h.deps.db.sql);
    const shape = (rows: typeof before) =>
      rows.map((r) => ({
        c: r.connectionId,
        s: r.stream,
        scope: r.scope,
        // The re-read log stamps when each day was last read, and the settle-time read of creator
        // orders how far it has read: bookkeeping that moves at every run (checked below).
        cursor: r.cursor && { ...r.cursor, snapshotRunId: 0, reread: undefined, trace: undefined },
        status: r.status,
      }));
    expect(shape(after)).toEqual(shape(before));
    // The watermark only moves forward, by the real seconds between the two runs at most.
    for (const [i, b] of before.entries()) {
      const a = after[i]!;
      const settledTo = (c: typeof b.cursor) =>
        Date.parse(String((c?.['trace'] as { settledTo?: string } | undefined)?.settledTo ?? ''));
      if (Number.isFinite(settledTo(b.cursor))) {
        expect(settledTo(a.cursor) - settledTo(b.cursor)).toBeGreaterThanOrEqual(0);
        expect(settledTo(a.cursor) - settledTo(b.cursor)).toBeLessThan(120_000);
      }
      if (b.watermark) expect(a.watermark!.getTime() - b.watermark.getTime()).toBeGreaterThanOrEqual(0);
      if (b.watermark) expect(a.watermark!.getTime() - b.watermark.getTime()).toBeLessThan(120_000);
    }
  });

  it('the comparison is sensitive: a tampered value is reported, and a full-refresh sync repairs it', async () => {
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    const shop = seller.owners[0]!;
    // Within the maturity horizon, so the settlement re-scan re-reads its day.
    const recent = new Date(h.deps.clock.now().getTime() - 30 * 86_400_000);
    const [victim] = await h.deps.db.sql<{ order_id: string }[]>`
      select order_id from tiktok_affiliate.seller_orders where shop_id = ${shop} and create_time > ${recent} limit 1`;
    await h.deps.db.sql`update tiktok_affiliate.seller_orders set status = 'TAMPERED'
      where shop_id = ${shop} and order_id = ${victim!.order_id}`;
    const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, 'seller_affiliate_orders', shop, {
      now: h.deps.clock.now(),
    });
    expect(diffs.map((d) => d.different.map((x) => x.column))).toEqual([['status']]);
    // 'TAMPERED' is not a final status, so the settlement re-scan re-reads the order's day once its
    // age tier is due: days 14 to 90 days old every 6 hours.
    h.sandbox.clock.advance(6 * 3_600_000 + 60_000);
    // The stored row_hash still describes what the pipeline wrote, so only the repair mode (which
    // ignores it) compares the re-read order with the tampered row.
    const summary = await runSync(h.deps, {
      connectionId: seller.id,
      stream: 'seller_affiliate_orders',
      trigger: 'cli',
      fullRefresh: true,
    });
    expect(summary.rowsUpdated).toBeGreaterThanOrEqual(1);
    await expectTruth(h, 'seller_affiliate_orders');
  });

  it('after sandbox.mutate(days) the next sync catches settlements, removals, additions and grown counters', async () => {
    const openBefore = await h.deps.db.sql<{ shop_id: string; order_id: string }[]>`
      select shop_id, order_id from tiktok_affiliate.seller_orders where status in ('PROCESSING', 'FROZEN')`;
    expect(openBefore.length).toBeGreaterThan(0);
    await h.sandbox.mutate(20);
    const summaries = await syncAll(h, 'schedule');
    for (const s of summaries) expect(s.status, `${s.stream} ${s.errorMessage}`).toBe('succeeded');
    const by = (stream: StreamName) => summaries.filter((s) => s.stream === stream);
    const sum = (stream: StreamName, k: 'rowsUpdated' | 'rowsInserted' | 'rowsRemoved') =>
      by(stream).reduce((n, s) => n + s[k], 0);
    expect(sum('seller_affiliate_orders', 'rowsUpdated')).toBeGreaterThan(0);
    expect(sum('creator_affiliate_orders', 'rowsUpdated')).toBeGreaterThan(0);
    expect(
      sum('open_collaborations', 'rowsRemoved') + sum('target_collaborations', 'rowsRemoved'),
    ).toBeGreaterThan(0);
    expect(
      sum('open_collaborations', 'rowsInserted') + sum('target_collaborations', 'rowsInserted'),
    ).toBeGreaterThan(0);
    expect(
      sum('campaign_creator_fulfillment', 'rowsUpdated') +
        sum('campaign_creator_fulfillment', 'rowsInserted'),
    ).toBeGreaterThan(0);
    await expectAllTruth(h);
    const [after] = await h.deps.db.sql<{ removed: string; days: string }[]>`
      select (select count(*) from tiktok_affiliate.open_collaborations where not is_active and removed_at is not null)
          + (select count(*) from tiktok_affiliate.target_collaborations where not is_active and removed_at is not null) as removed,
        (select count(distinct snapshot_date) from tiktok_affiliate.campaign_creator_fulfillment_daily) as days`;
    expect(Number(after!.removed)).toBeGreaterThan(0);
    // Daily fulfillment history keeps the day before the mutation beside today's snapshot.
    expect(Number(after!.days)).toBe(2);
    // Some orders that were open before the mutation are settled now.
    const [settled] = await h.deps.db.sql<{ n: string }[]>`
      select count(*) as n from tiktok_affiliate.seller_orders o
      join unnest(${openBefore.map((r) => r.shop_id)}::text[], ${openBefore.map((r) => r.order_id)}::text[]) as b(shop_id, order_id)
        using (shop_id, order_id)
      where o.status in ('COMPLETED', 'CANCELLED', 'DEDUCTED')`;
    expect(Number(settled!.n)).toBeGreaterThan(0);
  });

  it('records each run in etl.sync_runs with its counts', async () => {
    const rows = await h.deps.db.sql<{ status: string; n: string; pages: string }[]>`
      select status, count(*) as n, sum(pages) as pages from etl.sync_runs group by status`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('succeeded');
    expect(Number(rows[0]!.pages)).toBeGreaterThan(0);
  });
});
