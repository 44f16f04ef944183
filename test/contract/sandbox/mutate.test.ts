import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, PATHS, plain, startFixture } from './helpers.ts';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ seed: 3 });
});
afterAll(async () => {
  await f.sb.close();
});

const ids = (records: Record<string, unknown>[]) => new Set(records.map((r) => String(r['id'])));

describe('time moves: statuses are functions of (record, virtual now) (docs/tiktok-api.md#seller-orders, docs/tiktok-api.md#creator-orders)', () => {
  it('seller orders settle (PROCESSING -> final) and all are final within 80 days', async () => {
    const before = (await f.sb.groundTruth('seller_affiliate_orders', f.shop.id)).groups[0]?.records ?? [];
    const processing = before.filter((o) => o['status'] === 'PROCESSING');
    expect(processing.length).toBeGreaterThan(0);
    // Actual commission fields appear only at settlement.
    const openLine = ((processing[0]?.['skus'] ?? []) as Record<string, unknown>[])[0] ?? {};
    expect('actual_paid_commission' in openLine).toBe(false);
    f.sb.clock.advance(81 * 86_400_000);
    const after = (await f.sb.groundTruth('seller_affiliate_orders', f.shop.id)).groups[0]?.records ?? [];
    const byId = new Map(after.map((o) => [o['id'], o]));
    for (const o of before) {
      const now = byId.get(o['id']);
      expect(['COMPLETED', 'CANCELLED', 'DEDUCTED']).toContain(now?.['status']);
      for (const line of (now?.['skus'] ?? []) as Record<string, unknown>[])
        expect(line['actual_paid_commission']).toBeDefined();
    }
    const statuses = new Set(after.map((o) => o['status']));
    expect(statuses.has('COMPLETED') && statuses.has('CANCELLED')).toBe(true);
    expect(after.length).toBeGreaterThan(before.length);
  });

  it('creator orders use the creator enum and reach SETTLED/REFUNDED/DEDUCTED', async () => {
    const records =
      (await f.sb.groundTruth('creator_affiliate_orders', f.creator.openId)).groups[0]?.records ?? [];
    const statuses = new Set(records.map((o) => o['status']));
    for (const s of statuses) expect(['ORDERED', 'SETTLED', 'REFUNDED', 'FROZEN', 'DEDUCTED']).toContain(s);
    expect(statuses.has('SETTLED')).toBe(true);
    const localized = records
      .flatMap((o) => o['skus'] as { price: { amount: string } }[])
      .filter((s) => s.price.amount.startsWith('Rp'));
    expect(localized.length).toBeGreaterThan(0);
  });
});

describe('mutate(days) applies discrete changes (seeded)', () => {
  it('adds and removes open and target collaborations, grows fulfillment, changes products', async () => {
    const open0 = (await f.sb.groundTruth('open_collaborations', f.shop.id)).groups[0]?.records ?? [];
    const target0 = (await f.sb.groundTruth('target_collaborations', f.shop.id)).groups[0]?.records ?? [];
    const ful0 = await f.sb.groundTruth('campaign_creator_fulfillment', f.asset.cipher);
    const prod0 = await f.sb.groundTruth('partner_campaigns', f.asset.cipher);
    const t0 = f.sb.clock.nowMs();
    await f.sb.mutate(2);
    expect(f.sb.clock.nowMs() - t0).toBeGreaterThanOrEqual(2 * 86_400_000);
    const open1 = (await f.sb.groundTruth('open_collaborations', f.shop.id)).groups[0]?.records ?? [];
    const target1 = (await f.sb.groundTruth('target_collaborations', f.shop.id)).groups[0]?.records ?? [];
    const openIds0 = ids(open0);
    const openIds1 = ids(open1);
    expect([...openIds1].some((id) => !openIds0.has(id))).toBe(true); // added
    expect([...openIds0].some((id) => !openIds1.has(id))).toBe(true); // removed or expired
    const tIds0 = new Set(target0.map((t) => (t['search'] as { id: string }).id));
    const tIds1 = new Set(target1.map((t) => (t['search'] as { id: string }).id));
    expect([...tIds1].some((id) => !tIds0.has(id))).toBe(true);
    expect([...tIds0].some((id) => !tIds1.has(id))).toBe(true);
    const ful1 = await f.sb.groundTruth('campaign_creator_fulfillment', f.asset.cipher);
    expect(JSON.stringify(ful1.groups)).not.toBe(JSON.stringify(ful0.groups));
    const prod1 = await f.sb.groundTruth('partner_campaigns', f.asset.cipher);
    expect(JSON.stringify(prod1.groups)).not.toBe(JSON.stringify(prod0.groups));
  });

  it('removed collaborations disappear from search and their detail answers 50001700', async () => {
    const before = (await f.sb.groundTruth('target_collaborations', f.shop.id)).groups[0]?.records ?? [];
    await f.sb.mutate(1);
    const after = new Set(
      ((await f.sb.groundTruth('target_collaborations', f.shop.id)).groups[0]?.records ?? []).map(
        (t) => (t['search'] as { id: string }).id,
      ),
    );
    const gone = before.map((t) => (t['search'] as { id: string }).id).find((id) => !after.has(id));
    if (!gone) throw new Error('mutate removed no target collaboration');
    const g = f.sb.issueGrant(f.seller.openId);
    const detail = await f.call(PATHS.target(gone), {
      token: g.accessToken,
      query: { shop_cipher: f.shop.cipher },
    });
    expect(detail.json.code).toBe(50001700);
  });

  it('is deterministic: same seed and mutation sequence give the same world', async () => {
    const { startSandbox } = await import('../../../src/sandbox/index.ts');
    const snapshot = async () => {
      const sb = await startSandbox({ scale: 'tiny', seed: 11, startTimeMs: Date.UTC(2026, 0, 1) });
      try {
        await sb.mutate(1);
        await sb.mutate(3);
        const seller = sb.accounts.find((a) => a.kind === 'seller');
        const shopId = seller?.kind === 'seller' ? (seller.shops[0]?.id ?? '') : '';
        const a = await sb.groundTruth('open_collaborations', shopId);
        const b = await sb.groundTruth('target_collaborations', shopId);
        return JSON.stringify([a.groups, b.groups]);
      } finally {
        await sb.close();
      }
    };
    expect(await snapshot()).toBe(await snapshot());
  });
});

describe('control plane over HTTP (/__sandbox/*)', () => {
  it('clock, mutate, stats, accounts and ground truth', async () => {
    const clock = await plain(`${f.sb.url}/__sandbox/clock`);
    const advanced = await plain(`${f.sb.url}/__sandbox/clock`, {
      method: 'POST',
      body: JSON.stringify({ advanceMs: 60_000 }),
    });
    expect(advanced.json.nowMs - clock.json.nowMs).toBeGreaterThanOrEqual(60_000);
    const mutated = await plain(`${f.sb.url}/__sandbox/mutate`, {
      method: 'POST',
      body: JSON.stringify({ days: 1 }),
    });
    expect(mutated.json.nowMs - advanced.json.nowMs).toBeGreaterThanOrEqual(86_400_000);
    const accounts = await plain(`${f.sb.url}/__sandbox/accounts`);
    expect(accounts.json.app.appKey).toBe(f.sb.app.appKey);
    expect(accounts.json.accounts.map((a: { kind: string }) => a.kind).sort()).toEqual([
      'creator',
      'partner',
      'seller',
    ]);
    const gt = await plain(
      `${f.sb.url}/__sandbox/ground-truth?stream=open_collaborations&owner=${f.shop.id}`,
    );
    expect(gt.json.groups[0].records.length).toBeGreaterThan(0);
    const crit = encodeURIComponent(JSON.stringify({ title_keywords: ['case'] }));
    const products = await plain(
      `${f.sb.url}/__sandbox/ground-truth?stream=open_collaboration_products&owner=${f.shop.id}&criteria=${crit}`,
    );
    for (const p of products.json.groups[0].records) expect(p.title.toLowerCase()).toContain('case');
    const unknown = await plain(`${f.sb.url}/__sandbox/ground-truth?stream=nope&owner=x`);
    expect(unknown.status).toBe(400);
    await f.call(PATHS.shops, { token: f.sb.issueGrant(f.seller.openId).accessToken });
    const stats = await plain(`${f.sb.url}/__sandbox/stats`);
    expect(stats.json.requests).toBeGreaterThan(0);
    expect(stats.json.byPath[PATHS.shops]).toBeGreaterThan(0);
    const reset = await plain(`${f.sb.url}/__sandbox/stats`, { method: 'DELETE' });
    expect(reset.json.requests).toBe(0);
    expect(f.sb.requestLog()).toEqual([]);
  });
});
