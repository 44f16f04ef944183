/**
 * The chaos suite inside the default test command: its verdict catches what it must (a lost row, a
 * changed value, a wrong money sum; a quarantined record is absent, not lost), and the short run
 * (`npm run chaos -- --short`: transport faults at realistic rates, Redis SIGKILLed twice mid-sync,
 * worker processes with the production stall settings) ends with zero differences against the
 * ground truth. Only scenarios that pass on today's code run here; docs/chaos.md lists the others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/jobs/index.ts';
import { tableShape } from '../../src/load/table-shape.ts';
import { tableByName } from '../../src/load/tables.ts';
import { compareStream } from '../chaos/compare.ts';
import { runChaos } from '../chaos/run.ts';
import { SHORT_DEFAULT, selectPlans } from '../chaos/scenarios.ts';
import { type EngineHarness, startHarness } from './harness.ts';

describe('chaos verdict', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startHarness({ sandbox: { scale: 'tiny', seed: 5 }, label: 'chaos-verdict' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('counts missing rows, changed cells and money sums, and accepts a quarantined record as absent', async () => {
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    const shop = seller.owners[0]!;
    const stream = 'seller_affiliate_orders';
    expect((await runSync(h.deps, { connectionId: seller.id, stream, trigger: 'cli' })).status).toBe(
      'succeeded',
    );
    const verdict = () =>
      compareStream(h.deps.db, h.sandbox, {
        connectionId: seller.id,
        stream,
        owner: shop,
        now: h.deps.clock.now(),
      });
    const clean = await verdict();
    expect(clean.differences).toBe(0);
    expect(clean.tables.reduce((n, t) => n + t.compared, 0)).toBeGreaterThan(10);

    const skus = tableShape(tableByName('sellerOrderSkus')).qualified;
    const orders = tableShape(tableByName('sellerOrders')).qualified;
    const [victim, changed] = await h.deps.db.sql.unsafe<{ order_id: string; line_key: string }[]>(
      `select order_id, line_key from ${skus} where shop_id = $1 and price_amount > 0 order by order_id, line_key limit 2`,
      [shop],
    );
    await h.deps.db.sql.unsafe(`delete from ${skus} where shop_id = $1 and order_id = $2 and line_key = $3`, [
      shop,
      victim!.order_id,
      victim!.line_key,
    ]);
    await h.deps.db.sql.unsafe(
      `update ${skus} set price_amount = price_amount + 0.0001 where shop_id = $1 and order_id = $2 and line_key = $3`,
      [shop, changed!.order_id, changed!.line_key],
    );
    const broken = await verdict();
    const skuVerdict = broken.tables.find((t) => t.table === 'sellerOrderSkus')!;
    expect(skuVerdict.missing).toBe(1);
    expect(skuVerdict.differentCells).toBe(1);
    expect(skuVerdict.moneyMismatches.map((m) => m.column)).toContain('price_amount');
    expect(broken.differences).toBeGreaterThanOrEqual(3);

    // A whole order absent with its record in quarantine (a reason given) is accounted for, not lost.
    const [other] = await h.deps.db.sql.unsafe<{ order_id: string }[]>(
      `select order_id from ${orders} where shop_id = $1 and order_id <> $2 and order_id <> $3 order by order_id limit 1`,
      [shop, victim!.order_id, changed!.order_id],
    );
    await h.deps.db.sql.unsafe(`delete from ${skus} where shop_id = $1 and order_id = $2`, [
      shop,
      other!.order_id,
    ]);
    await h.deps.db.sql.unsafe(`delete from ${orders} where shop_id = $1 and order_id = $2`, [
      shop,
      other!.order_id,
    ]);
    const lost = await verdict();
    expect(lost.differences).toBeGreaterThan(broken.differences);
    await h.deps.db.sql`
      insert into etl.rejected_records (connection_id, stream, run_id, reason, detail, record_key, raw, raw_hash)
      values (${seller.id}, ${stream}, null, 'missing_field:id', 'test', ${other!.order_id}, '{}'::jsonb, 'h1')`;
    const quarantined = await verdict();
    expect(quarantined.differences).toBe(broken.differences);
    expect(quarantined.tables.find((t) => t.table === 'sellerOrders')!.quarantinedAbsent).toBe(1);
  });
});

describe('chaos, short run', () => {
  it('survives transport faults and Redis kills with zero differences against the ground truth', async () => {
    const plans = selectPlans([], true);
    expect(plans.map((p) => p.name)).toEqual(SHORT_DEFAULT);
    const report = await runChaos({
      plans,
      short: true,
      seed: 1,
      command: 'npm run chaos -- --short',
      jsonPath: null,
      note: () => undefined,
    });
    const summary = report.scenarios.map((s) => ({ name: s.name, problems: s.problems, checks: s.checks }));
    expect(report.totals.differences, JSON.stringify(summary, null, 2)).toBe(0);
    // Not vacuous: faults of several kinds were served, Redis went down, rows and sums were compared.
    expect(Object.keys(report.scenarios[0]!.faultsServed).length).toBeGreaterThanOrEqual(3);
    expect(report.totals.faultsServed).toBeGreaterThan(10);
    expect(report.totals.outages).toBe(2);
    expect(report.totals.rowsCompared).toBeGreaterThan(1_000);
    for (const s of report.scenarios) expect(s.checks.at(-1)?.moneyColumnsCompared).toBeGreaterThan(0);
  }, 110_000);
});
