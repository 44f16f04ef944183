/**
 * Issue 14: a fan-out parent without a readable id (a campaign or a campaign product whose `id` a
 * drifted response dropped) is not fanned out from. Its children were never read, so the owner's
 * snapshot is incomplete: the real fulfillment walk, the snapshot engine and Postgres must keep the
 * stored children active (no tombstones this run), log it and name it in the final cursor.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignCreatorFulfillmentSource } from '../../../src/extract/campaign-creator-fulfillment.ts';
import { emptyCounts } from '../../../src/jobs/run-summary.ts';
import { syncSnapshotOwner } from '../../../src/jobs/snapshot-sync.ts';
import type { StreamRun } from '../../../src/jobs/stream-run.ts';
import { loadCheckpoint } from '../../../src/load/checkpoints.ts';
import { commitPage } from '../../../src/load/commit-page.ts';
import type { Db } from '../../../src/load/db.ts';
import { tombstoneScope } from '../../../src/load/tombstone.ts';
import type { ApiCallRequest, ApiClient } from '../../../src/tiktok/client.ts';
import { clone, exampleList } from '../../unit/transform/examples.ts';
import { seedConnection, seedRun, testDb } from '../load/rows.ts';

let db: Db;
let connectionId: number;
beforeAll(async () => {
  db = testDb();
  connectionId = await seedConnection(db.sql, 'partner-skipped-parents');
});
afterAll(async () => {
  await db.close();
});

const NOW = new Date('2026-11-21T12:00:00.000Z');
const PARTNER = 'TTP_skipped_parents';
const STREAM = 'campaign_creator_fulfillment';

type Drop = 'none' | 'product' | 'campaign' | 'gone';

/** One campaign C1 with products P1 and P2 ('gone': P2 no longer listed), one creator each. */
function fakeApi(drop: Drop): ApiClient {
  const creator = (openId: string) => {
    const r = clone(
      exampleList('affiliate-partner-202508-creator-fulfillment-status-info', 'promotion_creators')[0]!,
    );
    (r['creator'] as Record<string, unknown>)['creator_open_id'] = openId;
    return r;
  };
  const respond = (data: Record<string, unknown>) => Promise.resolve({ data, requestId: 'r' });
  return {
    call(request: ApiCallRequest) {
      const path = request.pathParams ?? {};
      if (path['product_id'] !== undefined) {
        return respond({ promotion_creators: [creator(`creator-of-${path['product_id']}`)] });
      }
      if (path['campaign_id'] !== undefined) {
        const p2 = drop === 'product' ? { title: 'P2 without its id' } : { id: 'P2' };
        return respond({ products: drop === 'gone' ? [{ id: 'P1' }] : [{ id: 'P1' }, p2] });
      }
      const c1 = drop === 'campaign' ? { name: 'C1 without its id' } : { id: 'C1' };
      return respond({ campaigns: [c1] });
    },
  } as unknown as ApiClient;
}

const logs: Record<string, unknown>[] = [];
const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });

async function snapshotRun(drop: Drop): Promise<number> {
  const runId = await seedRun(db.sql, connectionId, STREAM);
  const run = {
    store: {
      commitPage: (commit: Parameters<typeof commitPage>[1]) => commitPage(db, commit),
      tombstone: (table: string, scope: Record<string, string>, id: number) =>
        tombstoneScope(db.sql, { table, scope, runId: id }),
    },
    api: fakeApi(drop),
    clock: { now: () => NOW },
    config: {},
    log,
    runId,
    connectionId,
    stream: STREAM,
    counts: emptyCounts(),
    windowsDone: 0,
  } as unknown as StreamRun;
  await syncSnapshotOwner(run, campaignCreatorFulfillmentSource, { ownerId: PARTNER, auth: {} as never }, {});
  return runId;
}

const stored = () =>
  db.sql<{ product_id: string; is_active: boolean }[]>`
    select product_id, is_active from tiktok_affiliate.campaign_creator_fulfillment
    where partner_id = ${PARTNER} order by product_id`;

describe('a fan-out parent without a readable id', () => {
  it('keeps the children it could not read active, logs it and names it in the cursor', async () => {
    await snapshotRun('none');
    const all = [
      { product_id: 'P1', is_active: true },
      { product_id: 'P2', is_active: true },
    ];
    expect(await stored()).toEqual(all);

    for (const drop of ['product', 'campaign'] as const) {
      logs.length = 0;
      const runId = await snapshotRun(drop);
      expect(await stored()).toEqual(all);
      expect(logs.filter((l) => l['event'] === 'snapshot_incomplete')).toMatchObject([
        { table: 'campaignCreatorFulfillment', scope: { partner_id: PARTNER }, skippedParents: 1 },
      ]);
      const checkpoint = await loadCheckpoint(db.sql, { connectionId, stream: STREAM, scope: PARTNER });
      expect(checkpoint?.cursor).toMatchObject({
        snapshotRunId: runId,
        complete: true,
        skippedParents: 1,
        tombstonesSkipped: [`campaignCreatorFulfillment partner_id=${PARTNER}`],
      });
    }

    // The normal case still tombstones: P2 really gone upstream (not listed, rather than unreadable).
    await snapshotRun('gone');
    expect(await stored()).toEqual([
      { product_id: 'P1', is_active: true },
      { product_id: 'P2', is_active: false },
    ]);
  });
});
