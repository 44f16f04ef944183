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
  /** Lines older than this are not re-scanned even when non-final (default 90 days). */
  maturityDays: number;
  /** First sync starts here; null = from the oldest orders the discovery probes find. */
  startDate: Date | null;
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
 * Settlement re-scan: groups the UTC days that still hold non-final lines (found by the engine with a
 * query on the order tables) into windows of at most windowDays, within the maturity horizon and
 * strictly before `before` (the start of this run's incremental range, which is read anyway).
 * A window spans from its first open day to the end of its last open day, so a long run of settled
 * days between two open ones is not re-read when the gap exceeds the window size.
 */
export function planRescanWindows(
  openDays: readonly Date[],
  opts: { now: Date; before: Date; maturityDays: number; windowDays: number },
): TimeWindow[] {
  const horizon = floorSecond(opts.now.getTime() - opts.maturityDays * DAY_MS);
  const before = floorSecond(opts.before.getTime());
  const step = opts.windowDays * DAY_MS;
  const days = [...new Set(openDays.map((d) => Math.floor(d.getTime() / DAY_MS) * DAY_MS))]
    .filter((d) => d + DAY_MS > horizon && d < before)
    .sort((a, b) => a - b);
  const out: TimeWindow[] = [];
  let curStart: number | null = null;
  let curEnd = 0;
  for (const day of days) {
    const dayStart = Math.max(day, horizon);
    if (curStart !== null && day + DAY_MS - curStart <= step) {
      curEnd = day + DAY_MS;
      continue;
    }
    if (curStart !== null) out.push({ start: new Date(curStart), end: new Date(Math.min(curEnd, before)) });
    curStart = dayStart;
    curEnd = day + DAY_MS;
  }
  if (curStart !== null) out.push({ start: new Date(curStart), end: new Date(Math.min(curEnd, before)) });
  return out.filter((w) => w.start < w.end);
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
