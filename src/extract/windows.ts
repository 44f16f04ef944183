/**
 * Pure create-time window planning for the windowed (order) streams. No clock: `now` is passed in.
 *
 * Why windows at all: the order search APIs filter only on create_time (api doc §4.1, §5.1) while an
 * order's status and commission keep changing for weeks, so the cursor is a create-time high-water mark
 * plus a re-scan of older windows that still hold non-final lines (ARCHITECTURE.md "Windowed streams").
 * Every window is half-open [start, end) like the API's create_time_ge (inclusive) / create_time_lt
 * (exclusive) (api doc §4.1), and aligned to whole seconds because the API speaks epoch seconds.
 */

export const DAY_MS = 86_400_000;

/** [start, end). start === null: omit create_time_ge, i.e. the API's "earliest shop time" (api doc §4.1). */
export interface TimeWindow {
  start: Date | null;
  end: Date;
}

export interface WindowPolicy {
  /** Largest window, in days. The max range of the orders API is undocumented (api doc §12.3): keep it small. */
  windowDays: number;
  /** Re-read this much before the watermark on every run (late-indexed orders). */
  overlapMs: number;
  /** Leave the newest minutes alone (at most 5 min by design) so an order is not half-indexed. */
  safetyLagMs: number;
  /** Lines older than this are not re-scanned even when non-final (default 90 days). */
  maturityDays: number;
  /** First sync starts here; null = the API's earliest (create_time_ge omitted). */
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
 * First sync (no watermark): from the configured start date in chunks, or, with none configured, ONE
 * window with an open start: the API then defaults create_time_ge to the shop's earliest time
 * (api doc §4.1). That single open window is an [INF] trade-off: if the real API caps the range
 * (api doc §12.3) operators set a start date (or run a backfill) to get bounded chunks instead.
 */
export function planIncrementalWindows(
  watermark: Date | null,
  now: Date,
  policy: WindowPolicy,
): TimeWindow[] {
  const end = planningHorizon(now, policy);
  if (watermark === null) {
    if (policy.startDate === null) return [{ start: null, end }];
    return splitRange(policy.startDate, end, policy.windowDays);
  }
  let start = new Date(watermark.getTime() - policy.overlapMs);
  if (policy.startDate !== null && start < policy.startDate) start = policy.startDate;
  return splitRange(start, end, policy.windowDays);
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
  return out.filter((w) => w.start !== null && w.start < w.end);
}

/** Stable text form, used in job ids, ledger rows and log fields. */
export function windowLabel(w: TimeWindow): string {
  return `${w.start === null ? 'earliest' : w.start.toISOString()}..${w.end.toISOString()}`;
}

/** The request bounds in epoch seconds (api doc §4.1: create_time_ge / create_time_lt are Unix seconds). */
export function windowToApiBounds(w: TimeWindow): { createTimeGe?: number; createTimeLt: number } {
  const lt = Math.floor(w.end.getTime() / 1000);
  return w.start === null
    ? { createTimeLt: lt }
    : { createTimeGe: Math.floor(w.start.getTime() / 1000), createTimeLt: lt };
}
