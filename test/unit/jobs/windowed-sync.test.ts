/**
 * The windowed (orders) strategy against a fake store and a fake API: what is checkpointed with each
 * page, how a killed window resumes, how a rejected page token restarts the window, and the re-scan.
 */
import { describe, expect, it } from 'vitest';
import type { WindowedSource } from '../../../src/extract/types.ts';
import type { TimeWindow } from '../../../src/extract/windows.ts';
import { defaultEngineConfig } from '../../../src/jobs/deps.ts';
import { emptyCounts } from '../../../src/jobs/run-summary.ts';
import type { EngineStore } from '../../../src/jobs/store.ts';
import type { StreamRun } from '../../../src/jobs/stream-run.ts';
import { MAX_WINDOW_RESTARTS, syncWindowedOwner } from '../../../src/jobs/windowed-sync.ts';
import type { ApiClient } from '../../../src/tiktok/client.ts';
import { InvalidRequestError } from '../../../src/tiktok/errors.ts';
import type { Checkpoint, PageCommit } from '../../../src/load/types.ts';
import { silentLogger } from '../../../src/log.ts';

const NOW = new Date('2026-06-30T12:00:00Z');
const rejected = () =>
  new InvalidRequestError({
    endpoint: 'seller_orders',
    code: 36009004,
    httpStatus: 200,
    requestId: 'r',
    detail: 'invalid page_token',
    pageTokenRejected: true,
  });

/** Pages of one window: token undefined -> p1 -> p2 -> end. */
function fakeSource(
  opts: {
    rejectTokens?: Set<string>;
    calls?: { window: TimeWindow; token: string | undefined }[];
    pageSizes?: (number | undefined)[];
  } = {},
): WindowedSource {
  const chain: Record<string, string | null> = { '': 'p1', p1: 'p2', p2: null };
  return {
    strategy: 'windowed',
    normalizer: 'normalizeSellerOrders',
    headerTable: 'sellerOrders',
    ownerColumn: 'shop_id',
    finalStatuses: 'seller',
    async fetchPage(_ctx, window, token, pageSize) {
      opts.calls?.push({ window, token });
      opts.pageSizes?.push(pageSize);
      if (token && opts.rejectTokens?.has(token)) throw rejected();
      return {
        records: [{ id: `order-${token ?? 'first'}` }],
        nextPageToken: chain[token ?? ''] ?? null,
        totalCount: null,
        requestId: 'r',
      };
    },
  };
}

function fakeStore(initial: Checkpoint, openDays: Date[] = []) {
  const commits: PageCommit[] = [];
  const store = {
    loadCheckpoint: async () => initial,
    commitPage: async (c: PageCommit) => {
      commits.push(c);
      return { inserted: 0, updated: 0, unchanged: 0, rejected: c.rejected.length };
    },
    openOrderDays: async () => openDays,
  } as unknown as EngineStore;
  return { store, commits };
}

function run(store: EngineStore, windowDays = 400): StreamRun {
  const config = defaultEngineConfig();
  config.windows = { windowDays, overlapMs: 60_000, safetyLagMs: 0, maturityDays: 90, startDate: null };
  return {
    store,
    api: {} as ApiClient,
    clock: { now: () => NOW },
    config,
    log: silentLogger(),
    runId: 1,
    connectionId: 1,
    stream: 'seller_affiliate_orders',
    counts: emptyCounts(),
    windowsDone: 0,
  };
}

const owner = {
  ownerId: 'shop-a',
  auth: {
    appKey: 'a',
    appSecret: 's',
    tokens: { accessToken: async () => 't', refreshAfterExpiry: async () => 't' },
    budgetScope: 'shop-a',
  },
};

describe('syncWindowedOwner', () => {
  it('asks the source for the configured page size', async () => {
    const { store } = fakeStore({ watermark: null, cursor: null });
    const pageSizes: (number | undefined)[] = [];
    const r = run(store);
    r.config.ordersPageSize = 10;
    await syncWindowedOwner(r, fakeSource({ pageSizes }), owner);
    expect(pageSizes).toEqual([10, 10, 10]);
  });

  it('first sync: one open-start window; each page commits its cursor, the last one the watermark', async () => {
    const { store, commits } = fakeStore({ watermark: null, cursor: null });
    const calls: { window: TimeWindow; token: string | undefined }[] = [];
    const pageSizes: (number | undefined)[] = [];
    const r = run(store);
    await syncWindowedOwner(r, fakeSource({ calls, pageSizes }), owner);
    expect(calls.map((c) => c.token)).toEqual([undefined, 'p1', 'p2']);
    expect(calls[0]!.window.start).toBeNull();
    // The default page size is the API maximum (api doc §4.1).
    expect(pageSizes).toEqual([100, 100, 100]);
    expect(commits.map((c) => c.checkpoint)).toEqual([
      {
        watermark: null,
        cursor: { phase: 'incremental', start: null, end: NOW.toISOString(), pageToken: 'p1' },
      },
      {
        watermark: null,
        cursor: { phase: 'incremental', start: null, end: NOW.toISOString(), pageToken: 'p2' },
      },
      { watermark: NOW, cursor: null },
    ]);
    expect(commits.every((c) => c.scope === 'shop-a' && c.snapshot === false)).toBe(true);
    expect(r.counts.pages).toBe(3);
  });

  it('resumes an interrupted window at its checkpointed page token, then plans from the new watermark', async () => {
    const windowEnd = new Date(NOW.getTime() - 3_600_000);
    const { store, commits } = fakeStore({
      watermark: new Date(NOW.getTime() - 7_200_000),
      cursor: {
        phase: 'incremental',
        start: new Date(NOW.getTime() - 7_260_000).toISOString(),
        end: windowEnd.toISOString(),
        pageToken: 'p2',
      },
    });
    const calls: { window: TimeWindow; token: string | undefined }[] = [];
    await syncWindowedOwner(run(store), fakeSource({ calls }), owner);
    expect(calls[0]).toEqual({
      window: { start: new Date(NOW.getTime() - 7_260_000), end: windowEnd },
      token: 'p2',
    });
    expect(commits[0]!.checkpoint).toEqual({ watermark: windowEnd, cursor: null });
    // The next window starts at the resumed window's end minus the overlap.
    expect(calls[1]!.window.start).toEqual(new Date(windowEnd.getTime() - 60_000));
    expect(commits.at(-1)!.checkpoint).toEqual({ watermark: NOW, cursor: null });
  });

  it('restarts the window from its first page when the API rejects the page token', async () => {
    const { store, commits } = fakeStore({ watermark: null, cursor: null });
    const calls: { window: TimeWindow; token: string | undefined }[] = [];
    const once = new Set(['p2']);
    const source = fakeSource({ calls, rejectTokens: once });
    const original = source.fetchPage;
    source.fetchPage = async (ctx, w, token) => {
      try {
        return await original(ctx, w, token);
      } finally {
        if (token === 'p2') once.clear();
      }
    };
    await syncWindowedOwner(run(store), source, owner);
    expect(calls.map((c) => c.token)).toEqual([undefined, 'p1', 'p2', undefined, 'p1', 'p2']);
    expect(commits.at(-1)!.checkpoint).toEqual({ watermark: NOW, cursor: null });
  });

  it('gives up after a bounded number of restarts (never an endless loop)', async () => {
    const { store } = fakeStore({ watermark: null, cursor: null });
    const calls: { window: TimeWindow; token: string | undefined }[] = [];
    await expect(
      syncWindowedOwner(run(store), fakeSource({ calls, rejectTokens: new Set(['p1']) }), owner),
    ).rejects.toThrow(/page_token/);
    expect(calls.filter((c) => c.token === undefined)).toHaveLength(MAX_WINDOW_RESTARTS + 1);
  });

  it('re-scans days with non-final orders without moving the watermark', async () => {
    const watermark = new Date(NOW.getTime() - 600_000);
    const open = new Date('2026-06-10T00:00:00Z');
    const { store, commits } = fakeStore({ watermark, cursor: null }, [open]);
    const calls: { window: TimeWindow; token: string | undefined }[] = [];
    await syncWindowedOwner(run(store, 7), fakeSource({ calls }), owner);
    const rescan = calls.filter((c) => c.window.start?.getTime() === open.getTime());
    expect(rescan.map((c) => c.token)).toEqual([undefined, 'p1', 'p2']);
    expect(rescan[0]!.window.end).toEqual(new Date('2026-06-11T00:00:00Z'));
    const rescanCommits = commits.slice(-3);
    expect(
      rescanCommits.map((c) => (c.checkpoint?.cursor as { phase?: string } | null)?.phase ?? null),
    ).toEqual(['rescan', 'rescan', null]);
    expect(rescanCommits.every((c) => c.checkpoint?.watermark?.getTime() === NOW.getTime())).toBe(true);
  });
});
