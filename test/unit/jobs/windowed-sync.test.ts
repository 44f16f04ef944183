/**
 * The windowed (orders) strategy against a fake store and a fake API: what is checkpointed with each
 * page, how a killed window resumes, how a rejected page token restarts the window, and the re-scan.
 */
import { describe, expect, it } from 'vitest';
import type { WindowedSource } from '../../../src/extract/types.ts';
import { DEFAULT_RESCAN_POLICY, type TimeWindow } from '../../../src/extract/windows.ts';
import { defaultEngineConfig } from '../../../src/jobs/deps.ts';
import { emptyCounts } from '../../../src/jobs/run-summary.ts';
import type { EngineStore } from '../../../src/jobs/store.ts';
import type { StreamRun } from '../../../src/jobs/stream-run.ts';
import { MAX_STALLED_RESTARTS } from '../../../src/extract/restart.ts';
import { parseCursor, syncWindowedOwner, walkWindow } from '../../../src/jobs/windowed-sync.ts';
import type { ApiClient } from '../../../src/tiktok/client.ts';
import { InvalidRequestError } from '../../../src/tiktok/errors.ts';
import type { Checkpoint, PageCommit } from '../../../src/load/types.ts';
import { silentLogger } from '../../../src/log.ts';
import { exampleList } from '../transform/examples.ts';

/** A valid order (the official example): only its id changes from page to page. */
const ORDER = exampleList('affiliate-seller-202410-orders-search', 'orders')[0]!;

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
        records: [{ ...structuredClone(ORDER), id: `order-${token ?? 'first'}` }],
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
  config.windows = {
    windowDays,
    overlapMs: 60_000,
    safetyLagMs: 0,
    maturityDays: 90,
    startDate: null,
    // The deep re-scan is planSteadyRescan's business (test/unit/extract/windows.test.ts): off here so
    // each test sees only the windows it is about.
    rescan: { ...DEFAULT_RESCAN_POLICY, deepEveryMs: null },
  };
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
    const { store } = fakeStore({ watermark: new Date(NOW.getTime() - 3_600_000), cursor: null });
    const pageSizes: (number | undefined)[] = [];
    const r = run(store);
    r.config.ordersPageSize = 10;
    await syncWindowedOwner(r, fakeSource({ pageSizes }), owner);
    expect(pageSizes).toEqual([10, 10, 10]);
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
    expect(commits.at(-1)!.checkpoint?.watermark).toEqual(NOW);
    // No window in flight (the cursor keeps only the re-read record).
    expect(parseCursor(commits.at(-1)!.checkpoint!.cursor)).toBeNull();
  });

  it('a rejected page token halves the window and reads both halves from their first page', async () => {
    const watermark = new Date(NOW.getTime() - 3_600_000);
    const { store, commits } = fakeStore({ watermark, cursor: null });
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
    const start = new Date(watermark.getTime() - 60_000);
    const mid = new Date((start.getTime() + NOW.getTime()) / 2);
    expect(calls.map((c) => [c.window.start.toISOString(), c.window.end.toISOString(), c.token])).toEqual([
      [start.toISOString(), NOW.toISOString(), undefined],
      [start.toISOString(), NOW.toISOString(), 'p1'],
      [start.toISOString(), NOW.toISOString(), 'p2'],
      [start.toISOString(), mid.toISOString(), undefined],
      [start.toISOString(), mid.toISOString(), 'p1'],
      [start.toISOString(), mid.toISOString(), 'p2'],
      [mid.toISOString(), NOW.toISOString(), undefined],
      [mid.toISOString(), NOW.toISOString(), 'p1'],
      [mid.toISOString(), NOW.toISOString(), 'p2'],
    ]);
    // The first half's last page moves the watermark to its end, the second half's to now.
    expect(commits.filter((c) => c.checkpoint?.cursor === null).map((c) => c.checkpoint?.watermark)).toEqual([
      mid,
      NOW,
    ]);
  });

  it('a window too short to halve is re-read whole while the walk gets further each time', async () => {
    // A 40 s window: under MIN_SPLIT_MS. p1 fails twice, then p2 fails twice, then all is well.
    const { store, commits } = fakeStore({ watermark: null, cursor: null });
    const calls: { window: TimeWindow; token: string | undefined }[] = [];
    const failures: Record<string, number> = { p1: 2, p2: 2 };
    const source = fakeSource();
    const original = source.fetchPage;
    source.fetchPage = async (ctx, w, token) => {
      calls.push({ window: w, token });
      if (token && (failures[token] ?? 0) > 0) {
        failures[token]! -= 1;
        throw rejected();
      }
      return original(ctx, w, token);
    };
    const window = { start: new Date(NOW.getTime() - 40_000), end: NOW };
    await walkWindow(run(store), {
      source,
      owner,
      scope: 'shop-a',
      phase: 'incremental',
      window,
      startToken: null,
      watermark: null,
      advancesWatermark: true,
    });
    expect(calls.map((c) => c.token)).toEqual([
      undefined,
      'p1',
      undefined,
      'p1',
      undefined,
      'p1',
      'p2',
      undefined,
      'p1',
      'p2',
      undefined,
      'p1',
      'p2',
    ]);
    expect(commits.at(-1)!.checkpoint?.watermark).toEqual(NOW);
    // No window in flight (the cursor keeps only the re-read record).
    expect(parseCursor(commits.at(-1)!.checkpoint!.cursor)).toBeNull();
  });

  it('gives up on a window too short to halve once restarts stop getting further (never an endless loop)', async () => {
    const { store } = fakeStore({ watermark: null, cursor: null });
    const calls: { window: TimeWindow; token: string | undefined }[] = [];
    const err = await walkWindow(run(store), {
      source: fakeSource({ calls, rejectTokens: new Set(['p1']) }),
      owner,
      scope: 'shop-a',
      phase: 'incremental',
      window: { start: new Date(NOW.getTime() - 40_000), end: NOW },
      startToken: null,
      watermark: null,
      advancesWatermark: true,
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('PageTokenStalledError');
    expect((err as Error).message).toMatch(/page token .* not a problem with the app key/s);
    expect(calls.filter((c) => c.token === undefined)).toHaveLength(MAX_STALLED_RESTARTS + 1);
  });

  it('re-scans days with non-final orders without moving the watermark', async () => {
    const watermark = new Date(NOW.getTime() - 600_000);
    const open = new Date('2026-06-10T00:00:00Z');
    const { store, commits } = fakeStore({ watermark, cursor: null }, [open]);
    const calls: { window: TimeWindow; token: string | undefined }[] = [];
    await syncWindowedOwner(run(store, 7), fakeSource({ calls }), owner);
    const rescan = calls.filter((c) => c.window.start.getTime() === open.getTime());
    expect(rescan.map((c) => c.token)).toEqual([undefined, 'p1', 'p2']);
    expect(rescan[0]!.window.end).toEqual(new Date('2026-06-11T00:00:00Z'));
    const rescanCommits = commits.slice(-3);
    expect(
      rescanCommits.map((c) => (c.checkpoint?.cursor as { phase?: string } | null)?.phase ?? null),
    ).toEqual(['rescan', 'rescan', null]);
    expect(rescanCommits.every((c) => c.checkpoint?.watermark?.getTime() === NOW.getTime())).toBe(true);
  });
});

describe('re-scan by age with a re-read record', () => {
  const HOUR = 3_600_000;
  type Reread = { days: Record<string, string>; last: Record<string, string>; oldestOpen?: string };
  const rereadOf = (c: PageCommit | undefined) =>
    (c?.checkpoint?.cursor as { reread?: Reread } | null | undefined)?.reread;

  /** One run at `at` from `checkpoint`; returns the re-scan requests and the commits. */
  async function runAt(at: Date, checkpoint: Checkpoint, openDays: Date[]) {
    const { store, commits } = fakeStore(checkpoint, openDays);
    const calls: { window: TimeWindow; token: string | undefined }[] = [];
    const r = run(store, 7);
    r.clock = { now: () => at };
    await syncWindowedOwner(r, fakeSource({ calls }), owner);
    const last = commits.at(-1);
    const rescans = calls.filter((c) => c.window.end.getTime() <= at.getTime() - 2 * HOUR);
    return { rescans, commits, next: { watermark: at, cursor: last?.checkpoint?.cursor ?? null } };
  }

  it('stamps the days with the last page of the window that read them, with the tier that ran', async () => {
    const fiveDays = new Date('2026-06-25T00:00:00Z');
    const first = await runAt(NOW, { watermark: new Date(NOW.getTime() - 900_000), cursor: null }, [
      fiveDays,
    ]);
    expect(first.rescans.map((c) => c.token)).toEqual([undefined, 'p1', 'p2']);
    const rescanCommits = first.commits.slice(-3);
    // Mid-window pages carry the record as it was (the window is not read yet) next to the position.
    expect(rereadOf(rescanCommits[0])?.days['2026-06-25']).toBeUndefined();
    expect((rescanCommits[0]!.checkpoint!.cursor as { phase?: string }).phase).toBe('rescan');
    expect(rereadOf(rescanCommits[2])).toEqual({
      days: { '2026-06-25': NOW.toISOString() },
      last: { '<14d': NOW.toISOString() },
      oldestOpen: '2026-06-25',
    });
  });

  it('re-reads an hourly day once an hour, not at every run, and a missed run does not skip it', async () => {
    const fiveDays = new Date('2026-06-25T00:00:00Z');
    const first = await runAt(NOW, { watermark: new Date(NOW.getTime() - 900_000), cursor: null }, [
      fiveDays,
    ]);
    const at = (min: number) => new Date(NOW.getTime() + min * 60_000);
    const second = await runAt(at(15), first.next, [fiveDays]);
    expect(second.rescans).toEqual([]);
    // The record survives runs that re-read nothing (it rides on the incremental pages).
    expect(rereadOf(second.commits.at(-1))?.days['2026-06-25']).toBe(NOW.toISOString());
    // Runs at +30 and +45 are missed; the +60 run is 20 s late: the day is due and read.
    const third = await runAt(new Date(at(60).getTime() + 20_000), second.next, [fiveDays]);
    expect(third.rescans.map((c) => c.window.start)).toEqual([fiveDays, fiveDays, fiveDays]);
  });

  it('reads every open day when the stored record is unreadable (the safe direction)', async () => {
    const fiveDays = new Date('2026-06-25T00:00:00Z');
    const garbage: Checkpoint = {
      watermark: new Date(NOW.getTime() - 900_000),
      cursor: { reread: { days: { '2026-06-25': 'yesterday', nonsense: 5 }, last: [] } },
    };
    const { rescans } = await runAt(NOW, garbage, [fiveDays]);
    expect(rescans).toHaveLength(3);
  });

  it('a first sync stamps the whole days it read, so the next run does not read them again', async () => {
    const { store, commits } = fakeStore({ watermark: null, cursor: null }, []);
    const r = run(store, 7);
    r.config.windows = { ...r.config.windows, startDate: new Date('2026-06-20T00:00:00Z') };
    await syncWindowedOwner(r, fakeSource(), owner);
    const days = rereadOf(commits.at(-1))?.days ?? {};
    expect(Object.keys(days)).toEqual([
      '2026-06-20',
      '2026-06-21',
      '2026-06-22',
      '2026-06-23',
      '2026-06-24',
      '2026-06-25',
      '2026-06-26',
      '2026-06-27',
      '2026-06-28',
      '2026-06-29',
    ]);
    const next = await runAt(
      new Date(NOW.getTime() + 900_000),
      { watermark: NOW, cursor: commits.at(-1)?.checkpoint?.cursor ?? null },
      [new Date('2026-06-22T00:00:00Z')],
    );
    expect(next.rescans).toEqual([]);
  });
});

/** Orders at the given create times; refuses ranges over `capMs` the way the API is reported to. */
function ordersSource(
  times: number[],
  capMs: number | null,
  calls: TimeWindow[],
  served = new Set<number>(),
): WindowedSource {
  return {
    ...fakeSource(),
    async fetchPage(_ctx, window, token, pageSize = 100) {
      calls.push(window);
      if (capMs !== null && window.end.getTime() - window.start.getTime() > capMs)
        throw new InvalidRequestError({
          endpoint: 'seller_orders',
          code: 36009004,
          httpStatus: 200,
          requestId: 'r',
          detail: 'Invalid request. create_time range must not exceed 90 days.',
        });
      const inside = times.filter((t) => t >= window.start.getTime() && t < window.end.getTime());
      const offset = token ? Number(token) : 0;
      const next = offset + pageSize < inside.length ? String(offset + pageSize) : null;
      const page = inside.slice(offset, offset + pageSize);
      // Probes ask for one row; only the pages of real windows are committed.
      if (pageSize !== 1) for (const t of page) served.add(t);
      return {
        records: page.map((t) => ({ order_id: String(t) })),
        nextPageToken: next,
        totalCount: null,
        requestId: 'r',
      };
    },
  };
}

describe('bounded create-time ranges', () => {
  const days = (n: number) => n * 86_400_000;
  // Orders from 200 days ago to now, one every 2 days.
  const times = Array.from({ length: 100 }, (_, i) => NOW.getTime() - days(200) + days(2 * i) + 1000);

  it('first sync without a start date: probes back, stops after 3 empty probes, walks bounded windows', async () => {
    const { store, commits } = fakeStore({ watermark: null, cursor: null });
    const calls: TimeWindow[] = [];
    const served = new Set<number>();
    await syncWindowedOwner(run(store, 7), ordersSource(times, null, calls, served), owner);
    // Never an open range, never more than 30 days in one request.
    for (const w of calls) {
      expect(w.start).toBeInstanceOf(Date);
      expect(w.end.getTime() - w.start.getTime()).toBeLessThanOrEqual(days(30));
    }
    // 7 probes hold orders (200 days), then 3 empty ones: 10 probes, not the 37 of the horizon.
    const probes = calls.filter((w) => w.end.getTime() - w.start.getTime() === days(30));
    expect(probes).toHaveLength(10);
    // Every order was read, and the watermark ends at now.
    expect(served.size).toBe(times.length);
    expect(commits.at(-1)!.checkpoint?.watermark).toEqual(NOW);
    // No window in flight (the cursor keeps only the re-read record).
    expect(parseCursor(commits.at(-1)!.checkpoint!.cursor)).toBeNull();
  });

  it('a refused range halves the window and later windows are sent no larger', async () => {
    const { store, commits } = fakeStore({ watermark: null, cursor: null });
    const calls: TimeWindow[] = [];
    const r = run(store, 60);
    r.config.windows.startDate = new Date(NOW.getTime() - days(200));
    const served = new Set<number>();
    await syncWindowedOwner(r, ordersSource(times, days(40), calls, served), owner);
    const refused = calls.filter((w) => w.end.getTime() - w.start.getTime() > days(40));
    // Only the first 60-day window was sent too large: the run remembered 30 days.
    expect(refused).toHaveLength(1);
    expect(calls.slice(1).every((w) => w.end.getTime() - w.start.getTime() <= days(30))).toBe(true);
    expect(served.size).toBe(times.length);
    expect(commits.at(-1)!.checkpoint?.watermark).toEqual(NOW);
    // No window in flight (the cursor keeps only the re-read record).
    expect(parseCursor(commits.at(-1)!.checkpoint!.cursor)).toBeNull();
  });

  it('discovery probes cut down to a refused range too', async () => {
    const { store } = fakeStore({ watermark: null, cursor: null });
    const calls: TimeWindow[] = [];
    const served = new Set<number>();
    await syncWindowedOwner(run(store, 7), ordersSource(times, days(20), calls, served), owner);
    expect(calls.filter((w) => w.end.getTime() - w.start.getTime() > days(20))).toHaveLength(1);
    expect(served.size).toBe(times.length);
  });

  it('any other parameter refusal of a window of a day or less fails the run (no endless halving)', async () => {
    const { store } = fakeStore({ watermark: new Date(NOW.getTime() - 3_600_000), cursor: null });
    const source = fakeSource();
    let sent = 0;
    source.fetchPage = async () => {
      sent += 1;
      throw new InvalidRequestError({
        endpoint: 'seller_orders',
        code: 98001004,
        httpStatus: 200,
        requestId: 'r',
        detail: 'invalid params: shop_cipher',
      });
    };
    await expect(syncWindowedOwner(run(store), source, owner)).rejects.toThrow(/shop_cipher/);
    expect(sent).toBe(1);
  });
});
