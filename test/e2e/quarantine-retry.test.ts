/**
 * Drifted records end to end: a first sync of seller orders under type drift on every page (one
 * record per page has a field of the wrong type: an id sent as a rounded number, a status as a
 * number, the lines as a JSON string...) quarantines what it cannot load, some without a readable
 * key; the next run, with the API answering whole records again, reads the days of those records
 * again (the re-read record's retry days) and loads them, although their age tier is not due: the
 * warehouse then equals the ground truth and no retry day is left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSync } from '../../src/jobs/index.ts';
import { RereadRecord } from '../../src/jobs/windowed-sync.ts';
import { listCheckpoints } from '../../src/load/checkpoints.ts';
import { expectTruth } from './full-sync.ts';
import { type EngineHarness, startHarness } from './harness.ts';

let h: EngineHarness;

beforeAll(async () => {
  h = await startHarness({ sandbox: { scale: 'tiny', seed: 5 }, label: 'quarantine-retry' });
});
afterAll(async () => {
  await h?.close();
});

async function retryDays(connectionId: number): Promise<number> {
  const states = await listCheckpoints(h.deps.db.sql, { connectionId, stream: 'seller_affiliate_orders' });
  return states.reduce((n, s) => n + RereadRecord.fromCursor(s.cursor).retry.size, 0);
}

async function quarantined(stream: string): Promise<number> {
  const [row] = await h.deps.db.sql<{ n: number }[]>`
    select count(*)::int as n from etl.rejected_records where stream = ${stream}`;
  return row!.n;
}

describe('quarantined orders are read again', () => {
  it('a first sync under drift quarantines orders; the next clean run loads them all', async () => {
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    h.sandbox.setFaults('seller_orders:drift.type=1');
    const first = await runSync(h.deps, {
      connectionId: seller.id,
      stream: 'seller_affiliate_orders',
      trigger: 'cli',
    });
    h.sandbox.setFaults(null);
    expect(first.status).toBe('succeeded');
    expect(await quarantined('seller_affiliate_orders')).toBeGreaterThan(0);
    expect(await retryDays(seller.id)).toBeGreaterThan(0);

    const second = await runSync(h.deps, {
      connectionId: seller.id,
      stream: 'seller_affiliate_orders',
      trigger: 'cli',
    });
    expect(second.status).toBe('succeeded');
    await expectTruth(h, 'seller_affiliate_orders');
    expect(await retryDays(seller.id)).toBe(0);
  });
});
