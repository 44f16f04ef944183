/**
 * What a dead run leaves: its row keeps the counts of its last heartbeat, and the reaper closes it
 * (and returns its backfill windows to pending, page token kept) only once its stream lock is free.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKFILL_LOCK_OFFSET } from '../../../src/jobs/backfill.ts';
import { startRunHeartbeat } from '../../../src/jobs/run-result.ts';
import { reapAbandonedRuns } from '../../../src/jobs/run-reaper.ts';
import { emptyCounts } from '../../../src/jobs/run-summary.ts';
import { tryLockStream } from '../../../src/jobs/stream-lock.ts';
import type { StreamRun } from '../../../src/jobs/stream-run.ts';
import { type EngineHarness, startHarness } from '../../e2e/harness.ts';

let h: EngineHarness;

beforeAll(async () => {
  h = await startHarness({ sandbox: { scale: 'tiny', seed: 9 }, label: 'reaper' });
});
afterAll(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a backfill run whose worker died', () => {
  it('keeps its heartbeat counts and is closed, windows released, once its lock is free', async () => {
    const seller = h.connections.find((c) => c.kind === 'seller')!;
    const stream = 'seller_affiliate_orders' as const;
    const { store } = h.deps;
    const runId = await store.openRun({ connectionId: seller.id, stream, trigger: 'backfill' });
    const key = {
      connectionId: seller.id,
      stream,
      scope: seller.owners[0]!,
      start: new Date('2026-01-01T00:00:00Z'),
      end: new Date('2026-01-03T00:00:00Z'),
      kind: 'backfill' as const,
    };
    await store.ensureWindows([key]);
    await store.updateWindow(key, { status: 'running', runId, addPages: 3, lastPageToken: 'tok-3' });

    const run = {
      store,
      log: h.deps.log,
      runId,
      counts: { ...emptyCounts(), pages: 7, rowsInserted: 700 },
    } as unknown as StreamRun;
    const heartbeat = startRunHeartbeat(run, { apiCalls: 9, throttledMs: 12.4 }, 20);
    await sleep(150);
    await heartbeat.stop();
    const [beat] = await h.deps.db.sql<{ pages: number; api_calls: number; status: string }[]>`
      select pages, api_calls, status from etl.sync_runs where id = ${runId}`;
    expect(beat).toEqual({ pages: 7, api_calls: 9, status: 'running' });

    // Its lock is held (the run is alive somewhere): nothing is touched.
    const lock = await tryLockStream(h.deps.db, seller.id + BACKFILL_LOCK_OFFSET, stream);
    expect(lock).not.toBeNull();
    expect(await reapAbandonedRuns(h.deps)).toEqual({ runs: 0, windows: 0 });
    await lock!.release();

    const before = Date.now();
    expect(await reapAbandonedRuns(h.deps)).toEqual({ runs: 1, windows: 1 });
    const [closed] = await h.deps.db.sql<
      { status: string; error_class: string; pages: number; rows_inserted: string; finished_at: Date }[]
    >`select status, error_class, pages, rows_inserted, finished_at from etl.sync_runs where id = ${runId}`;
    expect(closed).toMatchObject({
      status: 'failed',
      error_class: 'AbandonedRun',
      pages: 7,
      rows_inserted: '700',
    });
    // Closed at its last sign of life, not when it was found.
    expect(closed!.finished_at.getTime()).toBeLessThan(before);
    const [window] = await h.deps.db.sql<{ status: string; pages: number; last_page_token: string }[]>`
      select status, pages, last_page_token from etl.sync_windows where connection_id = ${seller.id}`;
    expect(window).toEqual({ status: 'pending', pages: 3, last_page_token: 'tok-3' });
    expect(await reapAbandonedRuns(h.deps)).toEqual({ runs: 0, windows: 0 });
  });
});
