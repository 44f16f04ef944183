/**
 * One owner of a windowed (orders) stream:
 *   0. finish the window a killed run left in flight (its checkpointed page token);
 *   1. new windows [watermark − overlap, now − safety_lag) in chunks; the watermark moves only when a
 *      window's last page commits (with that page, in the same transaction). A first sync without a
 *      configured start date first finds the owner's oldest orders with bounded one-row probes;
 *   2. settlement re-scan of older days still holding non-final lines, each at the period of its age
 *      tier (planSteadyRescan), plus a rare deep re-scan of every day, settled or past the horizon.
 * Every page commits its rows together with the cursor {window, next page token}. The cursor also
 * carries the re-read record (when each day was last re-read, when each tier last ran): it is
 * committed with the last page of the window that re-read those days, so the record never claims a
 * read that did not commit (a window killed half-way is simply due again).
 *
 * Every request carries a bounded create-time range. Two refusals make a window smaller instead of
 * failing the run:
 *   - the API refuses the RANGE on a window's first page (its message names the time range, or any
 *     parameter refusal of a window longer than a day): the window is halved, and the run remembers
 *     the size so its later windows are cut to it before they are sent;
 *   - the API rejects a PAGE TOKEN (expired, repeated): the window is halved and each half is read
 *     from its first page. Rows already committed are simply upserted again (re-reading is safe,
 *     skipping is not), and the halves need fewer pages, hence fewer tokens that can expire: at any
 *     rate of expiry the halving converges on windows of one page, which need no token at all. The
 *     order in which the API returns orders is not documented, so no "resume after the last create
 *     time seen" is attempted. A window under MIN_SPLIT_MS is re-read whole, bounded by progress
 *     (src/extract/restart.ts).
 */
import { prefetchOne, pages } from '../extract/paginate.ts';
import { isPageTokenFailure, PageTokenStalledError, RestartPolicy } from '../extract/restart.ts';
import type { ExtractContext, WindowedSource } from '../extract/types.ts';
import {
  capWindow,
  DAY_MS,
  DEFAULT_RESCAN_POLICY,
  DISCOVERY_EMPTY_PROBES,
  dayStartMs,
  daysReadBy,
  halveWindow,
  planDiscoveryProbes,
  planIncrementalWindows,
  planningHorizon,
  planSteadyRescan,
  rescanLookbackDays,
  type RescanPolicy,
  splitRange,
  type TimeWindow,
  tierOfDay,
  wholeDaysIn,
  windowLabel,
  windowLength,
} from '../extract/windows.ts';
import type { Checkpoint } from '../load/types.ts';
import { isApiError, isParameterRefusal, PermissionError } from '../tiktok/errors.ts';
import { FINAL_ORDER_STATUSES } from '../transform/index.ts';
import { parseEpoch } from '../transform/parse-values.ts';
import { fieldOf } from '../transform/row-columns.ts';
import { NORMALIZERS } from './normalizers.ts';
import type { StreamOwner } from './owners.ts';
import { addCommit } from './run-summary.ts';
import {
  TRACE_REPROBE_MS,
  type TraceState,
  traceCursor,
  traceDue,
  traceRescanPolicy,
  traceStateFromCursor,
} from './settlement-trace.ts';
import type { WindowKey } from './store.ts';
import type { RangeLimit, StreamRun } from './stream-run.ts';

export { isPageTokenFailure } from '../extract/restart.ts';

/** A window shorter than this is read again whole after a rejected page token, not halved. */
export const MIN_SPLIT_MS = 60_000;

/** `settled`: a settle-time window of the trace search (creator orders), see settlement-trace.ts. */
export type WindowPhase = 'incremental' | 'rescan' | 'backfill' | 'settled';

export interface WindowCursor {
  phase: WindowPhase;
  start: string;
  end: string;
  pageToken: string | null;
}

export function toCursor(phase: WindowPhase, w: TimeWindow, pageToken: string | null): WindowCursor {
  return { phase, start: w.start.toISOString(), end: w.end.toISOString(), pageToken };
}

/**
 * The window a run left in flight, or null. A cursor without a start (written by versions that sent
 * an open create_time_ge) is dropped: its token belongs to an unbounded query that is never sent again.
 */
export function parseCursor(
  cursor: Record<string, unknown> | null,
): { phase: WindowPhase; window: TimeWindow; pageToken: string | null } | null {
  if (!cursor || typeof cursor['end'] !== 'string' || typeof cursor['start'] !== 'string') return null;
  const phase = cursor['phase'];
  if (phase !== 'incremental' && phase !== 'rescan' && phase !== 'backfill' && phase !== 'settled')
    return null;
  const pageToken = typeof cursor['pageToken'] === 'string' ? cursor['pageToken'] : null;
  return { phase, window: { start: new Date(cursor['start']), end: new Date(cursor['end']) }, pageToken };
}

/**
 * Whether `err`, on the FIRST page of `w`, refuses the create-time range: a refusal whose message
 * names the time range, or any parameter refusal of a window longer than a day (the API's wording for
 * a too-large range is not documented; a genuine bad parameter fails again once the window is a day).
 */
export function isRangeRefusal(err: unknown, w: TimeWindow): boolean {
  return (
    isParameterRefusal(err, { timeRange: true }) || (isParameterRefusal(err) && windowLength(w) > DAY_MS)
  );
}

/** The run's memory of the largest range the API accepted (created on first use). */
function rangeLimitOf(run: StreamRun): RangeLimit {
  run.rangeLimit ??= { maxMs: null };
  return run.rangeLimit;
}

/** Remember that ranges longer than `w` are refused. */
function learnLimit(limit: RangeLimit, w: TimeWindow): void {
  const len = windowLength(w);
  limit.maxMs = limit.maxMs === null ? len : Math.min(limit.maxMs, len);
}

export interface WalkWindowInput {
  source: WindowedSource;
  owner: StreamOwner;
  /** sync_state scope the cursor is stored under (none is written for a ledgered window). */
  scope: string;
  phase: WindowPhase;
  window: TimeWindow;
  startToken: string | null;
  /** Watermark to write with the pages of this window (forward-only in the store). */
  watermark: Date | null;
  /** Whether the window's last page moves the watermark to window.end. */
  advancesWatermark: boolean;
  /** Backfill: the ledger row whose progress commits with each page (same transaction). */
  ledger?: WindowKey;
  /**
   * More cursor fields committed with every page of this window (the re-read record); `finished` is
   * true for the page that completes the window. The last page's cursor is these fields alone (null
   * when there are none): no window is in flight any more.
   */
  extraCursor?: (finished: boolean) => Record<string, unknown> | null;
  /**
   * Turns a page's records into the normalizer's records before they are normalized (the trace
   * search's orders into 202410 orders, with what the warehouse holds of them).
   */
  prepare?: (records: unknown[]) => Promise<unknown[]>;
  /** Called after each committed page (progress reporting). */
  onPage?: (info: { rows: number; nextPageToken: string | null; last: boolean }) => void;
  /**
   * Called before a page that quarantined records commits, with the days those records belong to
   * (their create time, or every day of the part being read when it cannot be read), so that the
   * re-read record committed with the page already holds them.
   */
  onRejected?: (days: readonly number[]) => void;
}

/** Walks one window to its end, committing page by page, halving it when the API asks for less. */
export async function walkWindow(run: StreamRun, input: WalkWindowInput): Promise<void> {
  await walkPart(run, input, input.window, input.startToken ?? undefined, true);
  run.windowsDone += 1;
}

/**
 * One part of input.window (the whole of it unless it was halved). `closes`: this part ends the
 * input window, so its last page finishes a ledger row and reports the window done.
 */
async function walkPart(
  run: StreamRun,
  input: WalkWindowInput,
  window: TimeWindow,
  startToken: string | undefined,
  closes: boolean,
): Promise<void> {
  const limit = rangeLimitOf(run);
  if (startToken === undefined && limit.maxMs !== null && windowLength(window) > limit.maxMs) {
    const parts = capWindow(window, limit.maxMs);
    for (const [i, part] of parts.entries())
      await walkPart(run, input, part, undefined, closes && i === parts.length - 1);
    return;
  }
  const { source, owner } = input;
  const whole =
    window.start.getTime() === input.window.start.getTime() &&
    window.end.getTime() === input.window.end.getTime();
  const normalize = NORMALIZERS[source.normalizer];
  const log = run.log.child({ window: windowLabel(window), phase: input.phase, owner: owner.ownerId });
  const ctx = { api: run.api, auth: owner.auth, ownerId: owner.ownerId, signal: run.signal };
  const policy = new RestartPolicy();
  let token = startToken;
  for (;;) {
    let pagesRead = 0;
    try {
      // One page of look-ahead: the next request is in flight while this page commits.
      const walk = prefetchOne(
        pages((t) => source.fetchPage(ctx, window, t, run.config.ordersPageSize), {
          startToken: token,
          signal: run.signal,
        }),
      );
      for await (const page of walk) {
        pagesRead += 1;
        policy.reached(page.index);
        const records = input.prepare ? await input.prepare(page.records) : page.records;
        const result = normalize(records, { ownerId: owner.ownerId, now: run.clock.now() });
        if (result.rejected.length > 0)
          // A settle-time window says nothing of create days: only the records' own times do.
          input.onRejected?.(rejectedDays(result.rejected, input.phase === 'settled' ? null : window));
        const finishes = page.last && closes;
        const extra = input.extraCursor?.(finishes) ?? null;
        const checkpoint: Checkpoint = page.last
          ? { watermark: input.advancesWatermark ? window.end : input.watermark, cursor: extra }
          : {
              watermark: input.watermark,
              cursor: { ...extra, ...toCursor(input.phase, window, page.nextPageToken) },
            };
        const rows = Object.values(result.rows).reduce((n, r) => n + r.length, 0) + result.rejected.length;
        const nextPageToken = page.last ? null : page.nextPageToken;
        const committed = await run.store.commitPage(
          {
            runId: run.runId,
            connectionId: run.connectionId,
            stream: run.stream,
            scope: input.scope,
            rows: result.rows,
            rejected: result.rejected,
            // A ledgered (backfill) window resumes from its ledger row, written in the same
            // transaction; a sync_state checkpoint would only be overwritten by its sibling windows.
            checkpoint: input.ledger ? null : checkpoint,
            snapshot: false,
            ...(run.fullRefresh ? { fullRefresh: true } : {}),
          },
          input.ledger
            ? {
                key: input.ledger,
                patch: {
                  addPages: 1,
                  addRows: rows,
                  // The ledger row names the whole window: a token of one of its halves would not
                  // resume it, so a halved window resumes from its first page.
                  lastPageToken: whole ? nextPageToken : null,
                  ...(finishes ? { status: 'done' as const } : {}),
                },
              }
            : undefined,
        );
        addCommit(run.counts, committed);
        input.onPage?.({ rows, nextPageToken, last: finishes });
      }
      return;
    } catch (err) {
      const halves = halveWindow(window);
      if (pagesRead === 0 && token === undefined && halves && isRangeRefusal(err, window)) {
        learnLimit(limit, halves[0]);
        log.warn(
          { event: 'window_split', reason: 'range_refused', maxDays: (limit.maxMs ?? 0) / DAY_MS },
          'the API refused the create-time range: halving the window and sending smaller ones from now on',
        );
        await walkPart(run, input, halves[0], undefined, false);
        await walkPart(run, input, halves[1], undefined, closes);
        return;
      }
      if (!isPageTokenFailure(err)) throw err;
      if (halves && windowLength(window) >= MIN_SPLIT_MS) {
        // Re-reading is safe (idempotent upserts); halves need fewer page tokens to get through.
        log.warn(
          { event: 'window_restart', reason: (err as Error).name, split: true, pagesRead },
          'page token rejected or repeated: reading the window again in two halves',
        );
        await walkPart(run, input, halves[0], undefined, false);
        await walkPart(run, input, halves[1], undefined, closes);
        return;
      }
      if (!policy.failed())
        throw new PageTokenStalledError(`orders window ${windowLabel(window)}`, policy, err);
      log.warn(
        { event: 'window_restart', reason: (err as Error).name, split: false, restarts: policy.restarts },
        'page token rejected or repeated: reading the window again from its first page',
      );
      token = undefined;
    }
  }
}

/**
 * The create-time days of quarantined orders: each one's own day when its create_time can be read,
 * else every day of the window it came from (a record without a readable time may be any of them).
 */
export function rejectedDays(rejected: readonly { raw: unknown }[], window: TimeWindow | null): number[] {
  const days = new Set<number>();
  for (const r of rejected) {
    let at: Date | null = null;
    try {
      at = parseEpoch(fieldOf(r.raw, 'create_time'), 'create_time');
    } catch {
      at = null;
    }
    if (window === null) {
      if (at !== null) days.add(dayStartMs(at.getTime()));
    } else if (at !== null && at >= window.start && at < window.end) days.add(dayStartMs(at.getTime()));
    else for (const d of daysReadBy(window)) days.add(d);
  }
  return [...days].sort((a, b) => a - b);
}

/**
 * Whether `w` holds any order: one request for one row. A range the API refuses is cut down (and the
 * size remembered) as for a window; returns the start of the OLDEST piece holding an order, or null.
 */
async function oldestNonEmpty(
  run: StreamRun,
  source: WindowedSource,
  ctx: ExtractContext,
  w: TimeWindow,
): Promise<Date | null> {
  const limit = rangeLimitOf(run);
  if (limit.maxMs !== null && windowLength(w) > limit.maxMs) {
    for (const piece of capWindow(w, limit.maxMs)) {
      const found = await oldestNonEmpty(run, source, ctx, piece);
      if (found) return found;
    }
    return null;
  }
  try {
    const page = await source.fetchPage(ctx, w, undefined, 1);
    return page.records.length > 0 ? w.start : null;
  } catch (err) {
    const halves = halveWindow(w);
    if (!halves || !isRangeRefusal(err, w)) throw err;
    learnLimit(limit, halves[0]);
    return oldestNonEmpty(run, source, ctx, w);
  }
}

/**
 * First sync without ORDERS_START_DATE: where the owner's orders begin. Probes go back from `end`
 * (planDiscoveryProbes) and stop after DISCOVERY_EMPTY_PROBES empty ones older than the oldest
 * orders found; returns the start of the oldest probe holding orders, or null (no orders at all).
 */
export async function discoverOrdersStart(
  run: StreamRun,
  source: WindowedSource,
  owner: StreamOwner,
  end: Date,
): Promise<Date | null> {
  const ctx = { api: run.api, auth: owner.auth, ownerId: owner.ownerId, signal: run.signal };
  let oldest: Date | null = null;
  let empty = 0;
  let probes = 0;
  for (const probe of planDiscoveryProbes(end)) {
    probes += 1;
    const found = await oldestNonEmpty(run, source, ctx, probe);
    if (found) {
      oldest = found;
      empty = 0;
    } else if (oldest !== null && ++empty >= DISCOVERY_EMPTY_PROBES) break;
  }
  run.log.info(
    { event: 'orders_discovered', owner: owner.ownerId, from: oldest?.toISOString() ?? null, probes },
    oldest ? 'first sync: orders found back to this date' : 'first sync: no orders found',
  );
  return oldest;
}

/** The key of a day in the re-read record: its UTC date. */
function dayKey(day: number): string {
  return new Date(day).toISOString().slice(0, 10);
}

/** The label of a tier in the re-read record and the status display: `<2d`, `<14d`, ... */
export function tierLabel(maxAgeDays: number): string {
  return `<${maxAgeDays}d`;
}

/** The label of the deep re-scan in the re-read record. */
export const DEEP_LABEL = 'deep';

/**
 * When each create-time day of one owner was last re-read, and when each tier last ran: kept in the
 * owner's checkpoint cursor (etl.sync_state, key `reread`) as
 * `{ days: { 'YYYY-MM-DD': ISO time }, last: { '<2d': ISO time, ..., deep: ISO time },
 *    oldestOpen: 'YYYY-MM-DD' }` (the oldest day still holding a non-final order, for `status`).
 * Times are the planning time of the run that read the day (the engine's clock), never later than the
 * read itself, so a period measured from it is never too long.
 */
export class RereadRecord {
  constructor(
    readonly days = new Map<number, number>(),
    readonly last = new Map<string, number>(),
    /** The oldest day (start) holding a non-final order at the last re-scan; null when none. */
    public oldestOpen: number | null = null,
    /**
     * Days whose last read quarantined a record (cursor key `retry`): how many runs found one there
     * and when the last did. Read again at every run for the first RETRY_EVERY_RUN attempts, then
     * once a day, until a read finds the day clean (or it ages past every re-read horizon).
     */
    readonly retry = new Map<number, { attempts: number; at: number }>(),
  ) {}

  /** Notes `days` as holding quarantined records; each day counts one attempt per run (`counted`). */
  markRetry(days: readonly number[], at: number, counted: Set<number>): void {
    for (const d of days) {
      const prev = this.retry.get(d);
      if (counted.has(d) && prev) continue;
      counted.add(d);
      this.retry.set(d, { attempts: (prev?.attempts ?? 0) + 1, at });
    }
  }

  /** The retry days due at `now`. */
  dueRetryDays(now: number): number[] {
    return [...this.retry]
      .filter(([, r]) => r.attempts <= RETRY_EVERY_RUN || now - r.at >= DAY_MS)
      .map(([d]) => d);
  }

  /**
   * From a stored cursor. Anything unreadable is dropped, which only makes the day (or the tier's
   * "last run" line) look never read: the day is then re-read, the safe direction.
   */
  static fromCursor(cursor: Record<string, unknown> | null): RereadRecord {
    const record = new RereadRecord();
    const raw = cursor?.['reread'];
    if (!raw || typeof raw !== 'object') return record;
    const { days, last } = raw as { days?: unknown; last?: unknown };
    for (const [key, value] of entriesOf(days)) {
      const day = Date.parse(`${key}T00:00:00Z`);
      const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isFinite(day) && Number.isFinite(at)) record.days.set(day, at);
    }
    for (const [key, value] of entriesOf(last)) {
      const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isFinite(at)) record.last.set(key, at);
    }
    const oldest = (raw as { oldestOpen?: unknown }).oldestOpen;
    const oldestMs = typeof oldest === 'string' ? Date.parse(`${oldest}T00:00:00Z`) : Number.NaN;
    record.oldestOpen = Number.isFinite(oldestMs) ? oldestMs : null;
    for (const [key, value] of entriesOf((raw as { retry?: unknown }).retry)) {
      const day = Date.parse(`${key}T00:00:00Z`);
      const { n, at } = (value ?? {}) as { n?: unknown; at?: unknown };
      const atMs = typeof at === 'string' ? Date.parse(at) : Number.NaN;
      // An unreadable entry is kept as a first attempt: the day is read again, the safe direction.
      if (Number.isFinite(day))
        record.retry.set(day, {
          attempts: typeof n === 'number' && n > 0 ? n : 1,
          at: Number.isFinite(atMs) ? atMs : 0,
        });
    }
    return record;
  }

  /**
   * A copy with `days` stamped as read at `at` and the `labels` as run at `at`. A retry day read in
   * full is cleared unless this run's read quarantined a record there again (`stillFailing`).
   */
  stamped(
    days: readonly number[],
    labels: readonly string[],
    at: number,
    stillFailing: ReadonlySet<number> = new Set(),
  ): RereadRecord {
    const next = new RereadRecord(
      new Map(this.days),
      new Map(this.last),
      this.oldestOpen,
      new Map(this.retry),
    );
    for (const d of days) {
      next.days.set(d, Math.max(at, next.days.get(d) ?? at));
      if (!stillFailing.has(d)) next.retry.delete(d);
    }
    for (const l of labels) next.last.set(l, Math.max(at, next.last.get(l) ?? at));
    return next;
  }

  /** Forgets days older than `oldest` (day start): nothing reads them any more. */
  prune(oldest: number): void {
    for (const d of this.days.keys()) if (d < oldest) this.days.delete(d);
    for (const d of this.retry.keys()) if (d < oldest) this.retry.delete(d);
  }

  toCursor(): Record<string, unknown> | null {
    if (this.days.size === 0 && this.last.size === 0 && this.oldestOpen === null && this.retry.size === 0)
      return null;
    const days: Record<string, string> = {};
    for (const [d, at] of [...this.days].sort((a, b) => a[0] - b[0]))
      days[dayKey(d)] = new Date(at).toISOString();
    const last: Record<string, string> = {};
    for (const [l, at] of this.last) last[l] = new Date(at).toISOString();
    const oldestOpen = this.oldestOpen === null ? {} : { oldestOpen: dayKey(this.oldestOpen) };
    const retry: Record<string, { n: number; at: string }> = {};
    for (const [d, r] of [...this.retry].sort((a, b) => a[0] - b[0]))
      retry[dayKey(d)] = { n: r.attempts, at: new Date(r.at).toISOString() };
    return { reread: { days, last, ...oldestOpen, ...(this.retry.size > 0 ? { retry } : {}) } };
  }
}

/** A day holding a quarantined record is read again at each of this many runs, then daily. */
export const RETRY_EVERY_RUN = 3;

function entriesOf(value: unknown): [string, unknown][] {
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
}

/** The owner's cursor fields: the re-read record and the settlement path's state (null when empty). */
function cursorOf(record: RereadRecord, trace: TraceState): Record<string, unknown> | null {
  const c = { ...record.toCursor(), ...traceCursor(trace) };
  return Object.keys(c).length === 0 ? null : c;
}

/**
 * What the settle-time walk of one run needs besides the window: the mapping of its records, and the
 * create-time days of orders it could not complete from the warehouse (re-read by this run's re-scan).
 */
function settledWalk(
  run: StreamRun,
  source: WindowedSource,
  owner: StreamOwner,
  onIncomplete: (day: number) => void,
): { source: WindowedSource; prepare: (records: unknown[]) => Promise<unknown[]> } | null {
  const settlements = source.settlements;
  if (!settlements || source.headerTable !== 'creatorOrders' || source.ownerColumn !== 'creator_id')
    return null;
  return {
    source: { ...source, fetchPage: settlements.fetchPage },
    async prepare(records) {
      const bare = records.map((r) => settlements.map(r, undefined));
      const ids = bare.map((m) => m.orderId).filter((id) => id !== null);
      const stored = await run.store.storedOrderRaws({
        table: 'creatorOrders',
        ownerColumn: 'creator_id',
        ownerId: owner.ownerId,
        orderIds: [...new Set(ids)],
      });
      return records.map((r, i) => {
        const mapped = bare[i]!;
        const fromStore = mapped.orderId === null ? undefined : stored.get(mapped.orderId);
        const full = fromStore === undefined ? mapped : settlements.map(r, fromStore);
        const create = (full.record as { create_time?: unknown } | null)?.create_time;
        if (!full.complete && typeof create === 'number') onIncomplete(dayStartMs(create * 1000));
        return full.record;
      });
    },
  };
}

export async function syncWindowedOwner(
  run: StreamRun,
  source: WindowedSource,
  owner: StreamOwner,
): Promise<void> {
  const scope = owner.ownerId;
  const state = await run.store.loadCheckpoint(run.connectionId, run.stream, scope);
  let watermark = state.watermark;
  const policy = run.config.windows;
  const resumed = parseCursor(state.cursor);
  const now = run.clock.now();
  const rescan: RescanPolicy = policy.rescan ?? DEFAULT_RESCAN_POLICY;
  let record = RereadRecord.fromCursor(state.cursor);
  let trace = traceStateFromCursor(state.cursor);
  record.prune(now.getTime() - (Math.max(policy.maturityDays, rescan.deepDays) + 1) * DAY_MS);
  // Days where this run quarantined a record: they stay (or become) retry days.
  const failing = new Set<number>();
  const onRejected = (days: readonly number[]) => record.markRetry(days, now.getTime(), failing);
  // A day holding a settled order the warehouse did not hold whole is a retry day like one holding a
  // quarantined order: read by this run's re-scan (or, should this run stop first, by a later one).
  const settled = settledWalk(run, source, owner, (day) => record.markRetry([day], now.getTime(), new Set()));
  if (resumed && resumed.phase !== 'backfill' && (resumed.phase !== 'settled' || settled)) {
    run.log.info(
      { event: 'window_resume', window: windowLabel(resumed.window), owner: scope },
      'resuming an interrupted window',
    );
    const isSettled = resumed.phase === 'settled' && settled;
    const done = isSettled ? { ...trace, settledTo: resumed.window.end.getTime() } : trace;
    await walkWindow(run, {
      source: isSettled ? settled.source : source,
      ...(isSettled ? { prepare: settled.prepare } : {}),
      owner,
      scope,
      phase: resumed.phase,
      window: resumed.window,
      startToken: resumed.pageToken,
      watermark,
      advancesWatermark: resumed.phase === 'incremental',
      // The resumed window's days are not stamped: a re-scan window resumed half-way read its first
      // pages in an earlier run, and the re-scan below decides afresh whether they are due.
      extraCursor: (finished) => cursorOf(record, finished ? done : trace),
      onRejected,
    });
    trace = done;
    if (resumed.phase === 'incremental' && (watermark === null || resumed.window.end > watermark))
      watermark = resumed.window.end;
  }
  const previousWatermark = watermark;
  const discovered =
    watermark === null && policy.startDate === null
      ? await discoverOrdersStart(run, source, owner, planningHorizon(now, policy))
      : null;
  const keepFrom = now.getTime() - Math.max(policy.maturityDays, rescan.deepDays) * DAY_MS;
  const incremental = planIncrementalWindows(watermark, now, policy, discovered);
  // A first sync reads every order as it is now: the settlements up to the planning horizon are in it.
  if (previousWatermark === null && settled && trace.settledTo === null)
    trace = { ...trace, settledTo: planningHorizon(now, policy).getTime() };
  for (const window of incremental) {
    // Whole days of this run's incremental range read so far (a first sync) need no re-read now;
    // windows are not aligned to days, so a day is whole once the window that ends it has committed.
    const from = incremental[0]?.start ?? window.start;
    const whole = wholeDaysIn(from, window.end).filter((d) => d + DAY_MS > keepFrom);
    await walkWindow(run, {
      source,
      owner,
      scope,
      phase: 'incremental',
      window,
      startToken: null,
      watermark,
      advancesWatermark: true,
      extraCursor: (finished) =>
        cursorOf(finished ? record.stamped(whole, [], now.getTime(), failing) : record, trace),
      onRejected,
    });
    record = record.stamped(whole, [], now.getTime(), failing);
    watermark = window.end;
  }
  // A first sync has just read everything: nothing older to re-scan.
  if (previousWatermark === null) return;
  let usingTrace = false;
  if (settled && traceDue(trace, now)) {
    try {
      trace = await readSettlements(run, owner, settled, {
        scope,
        watermark,
        trace,
        now,
        record: () => record,
        onRejected,
      });
      usingTrace = true;
    } catch (err) {
      if (!isApiError(err, PermissionError)) throw err;
      trace = { ...trace, refusedAt: now.getTime() };
      run.log.warn(
        { event: 'trace_refused', owner: scope, code: err.code, reprobeAfterMs: TRACE_REPROBE_MS },
        'the trace order search is not granted to this app: settlements come from the create-time re-scans',
      );
      // Remembered at once (the re-scan below may plan no window to carry it).
      await run.store.commitPage({
        runId: run.runId,
        connectionId: run.connectionId,
        stream: run.stream,
        scope,
        rows: {},
        rejected: [],
        checkpoint: { watermark, cursor: cursorOf(record, trace) },
        snapshot: false,
      });
    }
  }
  const rescanPolicy = usingTrace ? traceRescanPolicy(rescan) : rescan;
  const before = new Date(previousWatermark.getTime() - policy.overlapMs);
  const openDays = await run.store.openOrderDays({
    table: source.headerTable,
    ownerColumn: source.ownerColumn,
    ownerId: owner.ownerId,
    finalStatuses: FINAL_ORDER_STATUSES[source.finalStatuses],
    // Past the horizon too: a day that crossed it since its last read gets a closing read.
    from: new Date(now.getTime() - rescanLookbackDays(rescanPolicy, policy.maturityDays) * DAY_MS),
    before,
  });
  const oldestOpen = openDays.reduce<number | null>(
    (min, d) => (min === null || d.getTime() < min ? d.getTime() : min),
    null,
  );
  record = new RereadRecord(record.days, record.last, oldestOpen, record.retry);
  const retryDays = record.dueRetryDays(now.getTime());
  const plan = planSteadyRescan({
    retryDays,
    openDays,
    lastRead: record.days,
    now,
    before,
    maturityDays: policy.maturityDays,
    windowDays: policy.windowDays,
    policy: rescanPolicy,
  });
  run.log.info(
    {
      event: 'rescan_planned',
      owner: scope,
      windows: plan.windows.length,
      dueDays: Object.fromEntries(
        rescanPolicy.tiers.map((t, i) => [tierLabel(t.maxAgeDays), plan.dueByTier[i]]),
      ),
      deepDays: plan.deepDays,
      closingDays: plan.closingDays,
      retryDays: plan.retryDays,
      openDays: openDays.length,
      settlements: settled ? (usingTrace ? 'trace' : 'rescan') : 'rescan',
    },
    'settlement re-scan planned',
  );
  for (const window of plan.windows) {
    const days = daysReadBy(window);
    const labels = [
      ...new Set(
        days.flatMap((d) => {
          const open = openDays.some((o) => o.getTime() === d);
          const tier = tierOfDay(d, now, rescanPolicy, policy.maturityDays);
          // An open day that just crossed the horizon has its closing read as part of the last tier.
          const t = tier === null ? (open ? rescanPolicy.tiers.at(-1) : undefined) : rescanPolicy.tiers[tier];
          if (t && open) return [tierLabel(t.maxAgeDays)];
          // A settled day read only because it held a quarantined record is not the deep re-scan's run.
          if (retryDays.includes(d)) return [];
          // A settled day, or one past the horizon read before, is read by the deep re-scan only.
          return [DEEP_LABEL];
        }),
      ),
    ];
    await walkWindow(run, {
      source,
      owner,
      scope,
      phase: 'rescan',
      window,
      startToken: null,
      watermark,
      advancesWatermark: false,
      extraCursor: (finished) =>
        cursorOf(finished ? record.stamped(days, labels, now.getTime(), failing) : record, trace),
      onRejected,
    });
    record = record.stamped(days, labels, now.getTime(), failing);
  }
}

/**
 * The settlements since the last run: settle-time windows [settledTo − overlap, now − safety lag)
 * of the trace search, upserted as complete orders. `settledTo` advances with the last page of each
 * window, in its transaction. An owner that never read them (the path is new to it) starts at the
 * re-scan's lookback: what settled before is in the warehouse from the re-scans that ran until now.
 * Throws the API's PermissionError when the app is not granted the search.
 */
async function readSettlements(
  run: StreamRun,
  owner: StreamOwner,
  settled: NonNullable<ReturnType<typeof settledWalk>>,
  input: {
    scope: string;
    watermark: Date | null;
    trace: TraceState;
    now: Date;
    record: () => RereadRecord;
    onRejected: (days: readonly number[]) => void;
  },
): Promise<TraceState> {
  const policy = run.config.windows;
  const rescan = policy.rescan ?? DEFAULT_RESCAN_POLICY;
  const from =
    input.trace.settledTo === null
      ? input.now.getTime() - rescanLookbackDays(rescan, policy.maturityDays) * DAY_MS
      : input.trace.settledTo - policy.overlapMs;
  let trace: TraceState = { settledTo: input.trace.settledTo, refusedAt: input.trace.refusedAt };
  const windows = splitRange(new Date(from), planningHorizon(input.now, policy), policy.windowDays);
  for (const window of windows) {
    const current = trace;
    const done: TraceState = { settledTo: window.end.getTime(), refusedAt: null };
    await walkWindow(run, {
      source: settled.source,
      prepare: settled.prepare,
      owner,
      scope: input.scope,
      phase: 'settled',
      window,
      startToken: null,
      watermark: input.watermark,
      advancesWatermark: false,
      extraCursor: (finished) => cursorOf(input.record(), finished ? done : current),
      onRejected: input.onRejected,
    });
    trace = done;
  }
  if (windows.length === 0) trace = { ...trace, refusedAt: null };
  return trace;
}
