/**
 * The creator's collaboration streams end to end, equal to the sandbox's ground truth:
 * - creator_target_collaborations: one search per shop the creator's orders name (resolved to an id
 *   through the seller connections; the Indonesian shop has no seller and is skipped, logged), a
 *   snapshot tombstoned per (creator, shop) after sandbox.mutate(days) deletes collaborations;
 * - creator_open_collaboration_products: the default saved search, units_sold absent (this creator
 *   does not share data) stored as null.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamName } from '../../src/core/streams.ts';
import { runSync } from '../../src/jobs/index.ts';
import { type EngineHarness, startHarness } from './harness.ts';
import { countRows, diffAgainstTruth } from './truth.ts';

let h: EngineHarness;

beforeAll(async () => {
  h = await startHarness({ sandbox: { scale: 'tiny', seed: 43 }, label: 'creator-collaborations' });
});
afterAll(async () => {
  await h?.close();
});

function creator() {
  const conn = h.connections.find((c) => c.kind === 'creator');
  if (!conn) throw new Error('the sandbox has no creator account');
  return conn;
}

async function sync(stream: StreamName) {
  const s = await runSync(h.deps, { connectionId: creator().id, stream, trigger: 'cli' });
  expect(s.status, s.errorMessage ?? '').toBe('succeeded');
  expect(s.rowsRejected).toBe(0);
  return s;
}

async function expectTruth(stream: StreamName): Promise<void> {
  const owner = creator().owners[0]!;
  const diffs = await diffAgainstTruth(h.deps.db, h.sandbox, stream, owner, {
    now: h.deps.clock.now(),
    searchId: `default:${creator().id}`,
  });
  expect(diffs, owner).toEqual([]);
  expect(await countRows(h.deps.db, stream, owner, `default:${creator().id}`)).toBeGreaterThan(0);
}

function callsTo(path: string): number {
  return Object.entries(h.sandbox.stats().byPath)
    .filter(([p]) => p.endsWith(path))
    .reduce((n, [, c]) => n + c, 0);
}

async function activeInvitations(): Promise<string[]> {
  const rows = await h.deps.db.sql<{ id: string }[]>`
    select target_collaboration_id as id from tiktok_affiliate.creator_target_collaborations where is_active`;
  return rows.map((r) => r.id).sort();
}

describe('creator_target_collaborations', () => {
  it('without synced orders no shop is known: nothing is searched, nothing fails', async () => {
    h.sandbox.resetStats();
    const s = await sync('creator_target_collaborations');
    expect(s.apiCalls).toBe(0);
    expect(h.logs.some((l) => l.includes('creator_shops_none'))).toBe(true);
  });

  it("searches each shop the creator's orders name and equals the ground truth", async () => {
    await sync('creator_affiliate_orders');
    h.sandbox.resetStats();
    await sync('creator_target_collaborations');
    await expectTruth('creator_target_collaborations');
    // tiny: one seller shop (one page of invitations); the Indonesian shop has no seller connection.
    expect(callsTo('/202405/target_collaborations/search')).toBe(1);
    expect(h.logs.some((l) => l.includes('creator_shops_unresolved') && l.includes('TestCase idl2l'))).toBe(
      true,
    );
  });

  it('after mutate(days) deleted invitations are tombstoned and the rest follows the truth', async () => {
    const before = await activeInvitations();
    // Seed 43: this mutation deletes one of the collaborations the creator was invited to (each
    // mutation deletes one collaboration per shop, not always one of this creator's).
    await h.sandbox.mutate(3);
    await sync('creator_affiliate_orders');
    const s = await sync('creator_target_collaborations');
    await expectTruth('creator_target_collaborations');
    const after = await activeInvitations();
    const gone = before.filter((id) => !after.includes(id));
    expect(
      gone.length,
      'the mutation deleted none of the invitations: the test would prove nothing',
    ).toBeGreaterThan(0);
    expect(s.rowsRemoved).toBeGreaterThanOrEqual(gone.length);
    const [removed] = await h.deps.db.sql<{ n: string }[]>`
      select count(*) as n from tiktok_affiliate.creator_invitations where state = 'REMOVED'`;
    expect(Number(removed?.n)).toBe(gone.length);
  });

  it('the creator_invitations view names the creator from the creators dimension', async () => {
    const rows = await h.deps.db.sql<{ creator_display_name: string | null; state: string }[]>`
      select creator_display_name, state from tiktok_affiliate.creator_invitations`;
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.creator_display_name).toBe(`creator ${creator().owners[0]}`);
  });
});

describe('creator_open_collaboration_products', () => {
  it('the default search equals the ground truth, pages of 20, units_sold null without data sharing', async () => {
    h.sandbox.resetStats();
    await sync('creator_open_collaboration_products');
    await expectTruth('creator_open_collaboration_products');
    const [rows] = await h.deps.db.sql<{ n: string; sold: string }[]>`
      select count(*) as n, count(units_sold) as sold from tiktok_affiliate.creator_open_collaboration_products`;
    expect(Number(rows?.sold)).toBe(0);
    // tiny: 60 marketplace products, 20 a page.
    expect(callsTo('/affiliate_creator/202405/open_collaborations/products/search')).toBe(
      Math.ceil(Number(rows?.n) / 20),
    );
  });

  it('after mutate(days) the snapshot follows the marketplace', async () => {
    await h.sandbox.mutate(3);
    await sync('creator_open_collaboration_products');
    await expectTruth('creator_open_collaboration_products');
  });
});
