import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/load/db.ts';
import { closeRun, failAbandonedRuns, getRun, lastRuns, openRun } from '../../../src/load/runs.ts';
import { openCollaborations } from '../../../src/load/schema/index.ts';
import { tombstoneScope } from '../../../src/load/tombstone.ts';
import { upsertRows } from '../../../src/load/upsert.ts';
import { openCollab, seedConnection, testDb } from './rows.ts';

let db: Db;
let connectionId: number;
beforeAll(async () => {
  db = testDb();
  connectionId = await seedConnection(db.sql);
});
afterAll(async () => {
  await db.close();
});

const counts = {
  pages: 3,
  apiCalls: 5,
  rowsInserted: 10,
  rowsUpdated: 2,
  rowsUnchanged: 7,
  rowsRejected: 1,
  rowsRemoved: 1,
  throttledMs: 1234,
};

describe('tombstoneScope', () => {
  it('marks only rows of the scope that the completed snapshot did not see, once', async () => {
    await upsertRows(
      db.sql,
      openCollaborations,
      [openCollab('A', '1'), openCollab('A', '2'), openCollab('B', '1')],
      { runId: 1 },
    );
    // Run 2 completes a snapshot of shop A that no longer contains collaboration 2.
    await upsertRows(db.sql, openCollaborations, [openCollab('A', '1')], { runId: 2 });
    expect(
      await tombstoneScope(db.sql, { table: 'openCollaborations', scope: { shop_id: 'A' }, runId: 2 }),
    ).toBe(1);
    expect(
      await tombstoneScope(db.sql, { table: openCollaborations, scope: { shop_id: 'A' }, runId: 2 }),
    ).toBe(0);
    const rows =
      await db.sql`select shop_id, open_collaboration_id as id, is_active, removed_at is not null as removed, run_id::int
      from tiktok_affiliate.open_collaborations order by 1, 2`;
    expect(rows).toEqual([
      { shop_id: 'A', id: '1', is_active: true, removed: false, run_id: 1 },
      { shop_id: 'A', id: '2', is_active: false, removed: true, run_id: 2 },
      { shop_id: 'B', id: '1', is_active: true, removed: false, run_id: 1 },
    ]);
  });

  it('a partial snapshot that never calls it removes nothing, and it refuses unsafe calls', async () => {
    await upsertRows(db.sql, openCollaborations, [openCollab('C', '1'), openCollab('C', '2')], { runId: 3 });
    await upsertRows(db.sql, openCollaborations, [openCollab('C', '1')], { runId: 4 });
    const [active] =
      await db.sql`select count(*)::int as n from tiktok_affiliate.open_collaborations where shop_id = 'C' and is_active`;
    expect(active!.n).toBe(2);
    await expect(
      tombstoneScope(db.sql, { table: 'openCollaborations', scope: {}, runId: 4 }),
    ).rejects.toThrow(/non-empty scope/);
    await expect(
      tombstoneScope(db.sql, { table: 'openCollaborations', scope: { nope: 'x' }, runId: 4 }),
    ).rejects.toThrow(/no column "nope"/);
    await expect(
      tombstoneScope(db.sql, { table: 'sellerOrders', scope: { shop_id: 'C' }, runId: 4 }),
    ).rejects.toThrow(/not a snapshot table/);
  });
});

describe('runs', () => {
  it('opens, closes once, and reports the latest run per connection and stream', async () => {
    const first = await openRun(db.sql, { connectionId, stream: 'open_collaborations', trigger: 'schedule' });
    expect(await closeRun(db.sql, first, { status: 'succeeded', counts })).toBe(true);
    const second = await openRun(db.sql, {
      connectionId,
      stream: 'open_collaborations',
      trigger: 'cli',
      scope: 'shop A',
    });
    expect(
      await closeRun(db.sql, second, {
        status: 'failed',
        counts,
        errorClass: 'PermissionError',
        errorMessage: 'missing scope',
      }),
    ).toBe(true);
    expect(await closeRun(db.sql, second, { status: 'succeeded', counts })).toBe(false);
    const [latest] = await lastRuns(db.sql, { connectionId, stream: 'open_collaborations' });
    expect(latest).toMatchObject({
      id: second,
      status: 'failed',
      trigger: 'cli',
      scope: 'shop A',
      errorClass: 'PermissionError',
      counts,
    });
    expect(latest!.finishedAt).toBeInstanceOf(Date);
    expect((await getRun(db.sql, first))?.status).toBe('succeeded');
  });

  it('closes runs abandoned by a dead process as failed', async () => {
    const ghost = await openRun(db.sql, { connectionId, stream: 'partner_campaigns', trigger: 'schedule' });
    await db.sql`update etl.sync_runs set started_at = now() - interval '2 hours' where id = ${ghost}`;
    expect(await failAbandonedRuns(db.sql, 60 * 60 * 1000)).toBe(1);
    expect(await getRun(db.sql, ghost)).toMatchObject({ status: 'failed', errorClass: 'AbandonedRun' });
  });
});
