/**
 * Pure create-time window planning for the windowed (order) streams. No clock: `now` is passed in.
 *
 * Why windows at all: the order search APIs filter only on create_time while an order's status and
 * commission keep changing for weeks, so the cursor is a create-time high-water mark plus a re-scan of
 * older windows that still hold non-final lines.
 * Every window is half-open [start, end) like the API's create_time_ge (inclusive) / create_time_lt
 * (exclusive), and aligned to whole seconds because the API speaks epoch seconds.
 *
 * Every window has BOTH bounds. The API's largest accepted range is not documented, and third parties
 * report that it refuses more than about 3 months: an open create_time_ge (the API's "earliest shop
 * time") would then be refused at every run and the watermark would never move. A first sync without
 * a configured start date therefore finds the owner's oldest orders with cheap bounded probes first
 * (planDiscoveryProbes) and walks bounded windows forward from there.
 */

export const DAY_MS = 86_400_000;

/** [start, end), both bounds always sent. */
export interface TimeWindow {
  start: Date;
  end: Date;
}

export interface WindowPolicy {
  /** Largest window, in days. The max range of the orders API is undocumented: keep it small. */
  windowDays: number;
  /** Re-read this much before the watermark on every run (late-indexed orders). */
  overlapMs: number;
  /** Leave the newest minutes alone (at most 5 min by design) so an order is not half-indexed. */
  safetyLagMs: number;
  /** Lines older than this are not re-scanned by the tiers even when non-final (default 90 days). */
  maturityDays: number;
  /** First sync starts here; null = from the oldest orders the discovery probes find. */
  startDate: Date | null;
  /** How often open days are re-read by age, and the deep re-scan; DEFAULT_RESCAN_POLICY when absent. */
  rescan?: RescanPolicy;
}

function floorSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** Splits [start, end) into consecutive windows of at most windowDays. */
export function splitRange(start: Date, end: Date, windowDays: number): TimeWindow[] {
  if (!(windowDays > 0)) throw new Error(`windowDays must be > 0, got ${windowDays}`);
  const step = Math.max(1000, floorSecond(windowDays * DAY_MS));
  const out: TimeWindow[] = [];
  const endMs = floorSecond(end.getTime());
  for (let s = floorSecond(start.getTime()); s < endMs; s += step) {
    out.push({ start: new Date(s), end: new Date(Math.min(s + step, endMs)) });
  }
  return out;
}

/** The upper bound of any window planned now: now − safety lag, on a whole second. */
export function planningHorizon(now: Date, policy: WindowPolicy): Date {
  return new Date(floorSecond(now.getTime() - policy.safetyLagMs));
}

/**
 * The new windows of an incremental run: [watermark − overlap, now − safety_lag) in chunks.
 * First sync (no watermark): from the configured start date, or, with none configured, from
 * `discovered` (the start of the oldest probe that found orders, see planDiscoveryProbes; null when
 * the probes found none: then only the newest window is read, which sets the watermark so the next
 * runs are incremental).
 */
export function planIncrementalWindows(
  watermark: Date | null,
  now: Date,
  policy: WindowPolicy,
  discovered: Date | null = null,
): TimeWindow[] {
  const end = planningHorizon(now, policy);
  if (watermark === null) {
    const first =
      policy.startDate ?? discovered ?? new Date(end.getTime() - floorSecond(policy.windowDays * DAY_MS));
    return splitRange(first, end, policy.windowDays);
  }
  let start = new Date(watermark.getTime() - policy.overlapMs);
  if (policy.startDate !== null && start < policy.startDate) start = policy.startDate;
  return splitRange(start, end, policy.windowDays);
}

/**
 * How far back a first sync without ORDERS_START_DATE looks for orders: 3 years. TikTok does not
 * document how long it keeps affiliate orders; the affiliate programme and these order APIs are younger
 * than that in every market, so 3 years covers an owner's whole history while bounding the probing of
 * an owner that has no orders at all (37 one-row requests, once). Older data: ORDERS_START_DATE or a
 * backfill.
 */
export const DISCOVERY_HORIZON_DAYS = 1095;
/** One probe covers 30 days: a third of the ~3-month limit third parties report, one request each. */
export const DISCOVERY_PROBE_DAYS = 30;
/**
 * Probing stops after this many consecutive empty probes older than the oldest orders found (90 days
 * without a single order). Orders accumulate from an owner's first sale on, so three empty months
 * before the oldest order found means the owner's history starts there; a shop dormant for longer
 * than that before its recent sales gets its older orders with a backfill.
 */
export const DISCOVERY_EMPTY_PROBES = 3;

/**
 * The probes of a first-sync discovery, newest first: [end − 30 d, end), [end − 60 d, end − 30 d), …
 * down to end − DISCOVERY_HORIZON_DAYS. The engine asks each for one row and stops once
 * DISCOVERY_EMPTY_PROBES probes in a row older than a non-empty one came back empty.
 */
export function planDiscoveryProbes(
  end: Date,
  horizonDays = DISCOVERY_HORIZON_DAYS,
  probeDays = DISCOVERY_PROBE_DAYS,
): TimeWindow[] {
  const endMs = floorSecond(end.getTime());
  const stop = endMs - floorSecond(horizonDays * DAY_MS);
  const step = floorSecond(probeDays * DAY_MS);
  const out: TimeWindow[] = [];
  for (let e = endMs; e > stop; e -= step) {
    out.push({ start: new Date(Math.max(stop, e - step)), end: new Date(e) });
  }
  return out;
}

/** The length of a window in ms. */
export function windowLength(w: TimeWindow): number {
  return w.end.getTime() - w.start.getTime();
}

/**
 * [start, mid) and [mid, end) on a whole second, or null when the window is too short to halve
 * (under two seconds).
 */
export function halveWindow(w: TimeWindow): [TimeWindow, TimeWindow] | null {
  const s = w.start.getTime();
  const e = w.end.getTime();
  const mid = floorSecond(s + (e - s) / 2);
  if (mid <= s || mid >= e) return null;
  return [
    { start: w.start, end: new Date(mid) },
    { start: new Date(mid), end: w.end },
  ];
}

/** Consecutive pieces of `w` of at most maxMs each (whole seconds, at least one second). */
export function capWindow(w: TimeWindow, maxMs: number): TimeWindow[] {
  if (windowLength(w) <= maxMs) return [w];
  return splitRange(w.start, w.end, Math.max(1000, floorSecond(maxMs)) / DAY_MS);
}

/**
 * Groups UTC days (day starts, any order, duplicates allowed) into re-scan windows: runs of
 * CONSECUTIVE days of at most windowDays each, within the maturity horizon (a day straddling it is
 * clipped to it) and strictly before `before` (the start of this run's incremental range, which is
 * read anyway). Days that are not listed are never inside a window: a day between two listed ones
 * may hold thousands of orders that are settled or not due, and reading it would cost as much as a
 * due day (one request per page either way, so merging across it would save at most one request).
 */
export function planRescanWindows(
  days: readonly Date[],
  opts: { now: Date; before: Date; maturityDays: number; windowDays: number },
): TimeWindow[] {
  const horizon = floorSecond(opts.now.getTime() - opts.maturityDays * DAY_MS);
  const before = floorSecond(opts.before.getTime());
  const step = opts.windowDays * DAY_MS;
  const sorted = [...new Set(days.map((d) => dayStartMs(d.getTime())))]
    .filter((d) => d + DAY_MS > horizon && d < before)
    .sort((a, b) => a - b);
  const out: TimeWindow[] = [];
  let curStart: number | null = null;
  let curEnd = 0;
  const flush = () => {
    if (curStart !== null && curStart < Math.min(curEnd, before))
      out.push({ start: new Date(curStart), end: new Date(Math.min(curEnd, before)) });
  };
  for (const day of sorted) {
    if (curStart !== null && day === curEnd && day + DAY_MS - curStart <= step) {
      curEnd = day + DAY_MS;
      continue;
    }
    flush();
    curStart = Math.max(day, horizon);
    curEnd = day + DAY_MS;
  }
  flush();
  return out;
}

/** The start (00:00 UTC) of the day holding `ms`. */
export function dayStartMs(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * One tier of the re-scan policy: a day whose youngest order is younger than maxAgeDays is re-read
 * when everyMs has passed since it was last read (0 = at every run).
 */
export interface RescanTier {
  maxAgeDays: number;
  everyMs: number;
}

/**
 * How often an open create-time day is re-read, by the age of its orders, and the deep re-scan.
 * Tiers are in ascending maxAgeDays; a day older than the last tier (but inside the maturity horizon)
 * belongs to the last tier. The deep re-scan re-reads EVERY day (open, settled, or past the maturity
 * horizon) of the last deepDays once per deepEveryMs, at most deepDaysPerRun days per run (the most
 * overdue first), so a change the tiers cannot see (an order still moving after the horizon, or a
 * final order that changes again) is caught within about deepEveryMs.
 */
export interface RescanPolicy {
  tiers: readonly RescanTier[];
  /** null: no deep re-scan. */
  deepEveryMs: number | null;
  deepDays: number;
  deepDaysPerRun: number;
}

/**
 * The defaults, from the settlement timeline of affiliate orders: a parcel is delivered within about a
 * week, the return window runs after delivery, and commission settles weeks after creation (the
 * sandbox draws it uniformly between 3 and 60 days, a frozen order resolves up to 80 days).
 *  - under 2 days: delivery and cancellations happen now, and the incremental range's overlap already
 *    covers the newest hours: every run, as before;
 *  - 2 to 14 days: deliveries, early returns and the first settlements: hourly;
 *  - 14 days to the maturity horizon: settlement proper, which analysts reconcile daily: every 6 hours;
 *  - deep: every day of the last 180 days once a week, a week's worth of days per run at most.
 */
export const DEFAULT_RESCAN_POLICY: RescanPolicy = {
  tiers: [
    { maxAgeDays: 2, everyMs: 0 },
    { maxAgeDays: 14, everyMs: 3_600_000 },
    { maxAgeDays: 90, everyMs: 6 * 3_600_000 },
  ],
  deepEveryMs: 7 * DAY_MS,
  deepDays: 180,
  deepDaysPerRun: 7,
};

/**
 * A day is due once this share of its period has passed. Runs start a little later each time (the
 * scheduler's delay, the previous run's length): with an exact comparison an hourly day read at
 * 10:00:05 would not be due at 11:00:03 and would wait for the 11:15 run, so the period would drift by
 * a whole run interval.
 */
export const DUE_SLACK = 0.1;

/** Last re-read time (epoch ms) of each day, by day start (epoch ms). */
export type RereadLog = ReadonlyMap<number, number>;

/** The tier a day belongs to at `now` (by the age of its youngest order), or null past the horizon. */
export function tierOfDay(day: number, now: Date, policy: RescanPolicy, maturityDays: number): number | null {
  const nowMs = now.getTime();
  if (day + DAY_MS <= nowMs - maturityDays * DAY_MS) return null;
  const youngestAge = nowMs - (dayStartMs(day) + DAY_MS);
  const i = policy.tiers.findIndex((t) => youngestAge < t.maxAgeDays * DAY_MS);
  return i === -1 ? policy.tiers.length - 1 : i;
}

/**
 * How far back open days are looked for (closing reads) and re-reads are remembered: the horizon, or
 * the deep re-scan's span when it is longer (the span is kept even with the deep re-scan off, so a
 * day's closing read is remembered and never repeated).
 */
export function rescanLookbackDays(policy: RescanPolicy, maturityDays: number): number {
  return Math.max(maturityDays, policy.deepDays);
}

/**
 * A day past the horizon that still holds open orders, and whose last read happened while it was
 * inside the horizon, gets one closing read. Without it, an order that settles while no run happens
 * (an outage, a paused schedule, runs further apart than the time the day had left before the horizon)
 * would be seen only by the deep re-scan, days later, or never when that is off.
 */
export function needsClosingRead(
  day: number,
  lastRead: number | undefined,
  now: Date,
  maturityDays: number,
): boolean {
  const crossedAt = dayStartMs(day) + DAY_MS + maturityDays * DAY_MS;
  return crossedAt <= now.getTime() && (lastRead === undefined || lastRead < crossedAt);
}

function isDue(lastRead: number | undefined, everyMs: number, nowMs: number): boolean {
  return lastRead === undefined || nowMs - lastRead >= everyMs * (1 - DUE_SLACK);
}

export interface RescanPlan {
  windows: TimeWindow[];
  /** Due days per tier (index as in policy.tiers), for logs and the status display. */
  dueByTier: number[];
  /** Days the deep re-scan reads in this run (also read by a tier are not counted). */
  deepDays: number;
  /** Open days past the horizon read once more because their last read was inside it. */
  closingDays: number;
  /** Days read again because a record of theirs was quarantined or read incomplete (not counted above). */
  retryDays: number;
}

/**
 * The settlement re-scan of one run: the open days whose tier period has passed since they were last
 * read, plus the deep re-scan's most overdue days, grouped by planRescanWindows. Because the decision
 * is made from each day's own last read time (not from the run's position in a schedule), a missed or
 * slow run delays a tier's re-read to the next run but never skips it.
 */
export function planSteadyRescan(input: {
  openDays: readonly Date[];
  lastRead: RereadLog;
  now: Date;
  before: Date;
  maturityDays: number;
  windowDays: number;
  policy: RescanPolicy;
  /**
   * Day starts holding a record the last read quarantined (or a settled creator order the trace
   * search answered without fields the warehouse did not hold yet), due now whatever their tier: the
   * record is not stored whole (an order whose id could not be read has no row to re-scan), so only
   * reading its day again can load it once the API answers it whole.
   */
  retryDays?: readonly number[];
}): RescanPlan {
  const { policy, now, maturityDays } = input;
  const nowMs = now.getTime();
  const before = floorSecond(input.before.getTime());
  const due = new Set<number>();
  let retryDays = 0;
  let oldestRetry = Number.POSITIVE_INFINITY;
  for (const d of new Set((input.retryDays ?? []).map(dayStartMs))) {
    if (d >= before) continue;
    due.add(d);
    retryDays += 1;
    oldestRetry = Math.min(oldestRetry, d);
  }
  const dueByTier = policy.tiers.map(() => 0);
  let closingDays = 0;
  let oldestClosing = Number.POSITIVE_INFINITY;
  for (const d of new Set(input.openDays.map((x) => dayStartMs(x.getTime())))) {
    if (d >= before || due.has(d)) continue;
    const tier = tierOfDay(d, now, policy, maturityDays);
    if (tier === null) {
      if (needsClosingRead(d, input.lastRead.get(d), now, maturityDays)) {
        due.add(d);
        closingDays += 1;
        oldestClosing = Math.min(oldestClosing, d);
      }
      continue;
    }
    if (!isDue(input.lastRead.get(d), policy.tiers[tier]?.everyMs ?? 0, nowMs)) continue;
    due.add(d);
    dueByTier[tier] = (dueByTier[tier] ?? 0) + 1;
  }
  let deepDays = 0;
  if (policy.deepEveryMs !== null && policy.deepDaysPerRun > 0) {
    const every = policy.deepEveryMs;
    const candidates: { day: number; last: number }[] = [];
    const first = dayStartMs(nowMs - policy.deepDays * DAY_MS);
    for (let d = first; d < before; d += DAY_MS) {
      if (due.has(d)) continue;
      const last = input.lastRead.get(d);
      if (isDue(last, every, nowMs)) candidates.push({ day: d, last: last ?? Number.NEGATIVE_INFINITY });
    }
    candidates.sort((a, b) => a.last - b.last || a.day - b.day);
    for (const c of candidates.slice(0, policy.deepDaysPerRun)) {
      due.add(c.day);
      deepDays += 1;
    }
  }
  // The deep re-scan and the closing reads reach past the maturity horizon: group with a horizon
  // that covers them.
  const reach = Math.max(
    maturityDays,
    policy.deepEveryMs === null ? 0 : policy.deepDays + 1,
    closingDays === 0 ? 0 : Math.ceil((nowMs - oldestClosing) / DAY_MS) + 1,
    retryDays === 0 ? 0 : Math.ceil((nowMs - oldestRetry) / DAY_MS) + 1,
  );
  const windows = planRescanWindows(
    [...due].map((d) => new Date(d)),
    { now, before: input.before, maturityDays: reach, windowDays: input.windowDays },
  );
  return { windows, dueByTier, deepDays, closingDays, retryDays };
}

/**
 * The days a re-scan window of `w` has read in full up to `before` (the incremental range reads the
 * rest of a day it cuts), as day starts: the ones to stamp as re-read when the window completes. A day
 * clipped at the window's start (the maturity horizon) counts: its older part is past the horizon.
 */
export function daysReadBy(w: TimeWindow): number[] {
  const out: number[] = [];
  for (let d = dayStartMs(w.start.getTime()); d < w.end.getTime(); d += DAY_MS) out.push(d);
  return out;
}

/**
 * Whole UTC days inside [start, end): an incremental range (a first sync) has read them, so they are
 * stamped as re-read and not read again by the next run's re-scan.
 */
export function wholeDaysIn(start: Date, end: Date): number[] {
  const out: number[] = [];
  for (let d = dayStartMs(start.getTime() + DAY_MS - 1); d + DAY_MS <= end.getTime(); d += DAY_MS)
    out.push(d);
  return out;
}

/** Stable text form, used in job ids, ledger rows and log fields. */
export function windowLabel(w: TimeWindow): string {
  return `${w.start.toISOString()}..${w.end.toISOString()}`;
}

/** The request bounds in epoch seconds (create_time_ge / create_time_lt are Unix seconds), both always. */
export function windowToApiBounds(w: TimeWindow): { createTimeGe: number; createTimeLt: number } {
  if (!(w.start instanceof Date) || Number.isNaN(w.start.getTime()))
    throw new Error(`an order window needs a start: ${String(w.start)}..${w.end.toISOString()}`);
  return {
    createTimeGe: Math.floor(w.start.getTime() / 1000),
    createTimeLt: Math.floor(w.end.getTime() / 1000),
  };
}
