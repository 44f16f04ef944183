/**
 * Runs a backfill's windows side by side so that every owner's rate budget is used (issue 5,
 * "Performance"). Two things decide the request rate of one backfill:
 *   - Which owners have windows in flight. The budget is per (app, shop, endpoint) (docs/tiktok-api.md#rate-limits), so
 *     a pool that takes the windows owner after owner fills the first shop's budget while the other
 *     shops' budgets sit idle. Windows are therefore started per owner, every owner at once (the
 *     one furthest below its own target first).
 *   - How many windows of one owner are in flight. One window is a sequential page walk: one request
 *     per round trip, so at most 1 / cycle requests/s, and filling a budget of `rate` requests/s takes
 *     rate × cycle windows (Little's law). The cycle (latency, budget waits, the commit when it is
 *     slower than the look-ahead fetch) is not known in advance, so it is measured: every
 *     `evalEveryMs` an owner's page rate and average windows in flight give its cycle, and while the
 *     owner runs clearly below its budget it gets the windows that cycle calls for.
 * An owner at (or near) its budget keeps its count: once the budget is the bottleneck, measured
 * cycles include the budget's own waits, so sizing from them would only grow the pool without
 * adding a single request. Where something else is the bottleneck (each page is one Postgres
 * transaction: a busy database stretches the cycle too), more windows add nothing but memory (two
 * pages each), so growth is probed: at most doubling per step, and a step that did not bring at
 * least half its proportional gain in pages/s holds the owner at its count for `holdMs`. The pool
 * never shrinks an owner: a backfill is finite and extra windows only wait. `maxInFlight` bounds
 * all owners together.
 */

export interface WindowPoolOptions {
  /** The budget of one owner's key, requests/s (one request per page of a window). */
  ratePerSecond: number;
  /** Windows in flight at most, all owners together. */
  maxInFlight: number;
  /** Windows an owner starts with before anything was measured. */
  initialPerOwner?: number;
  /** How often an owner's window count is re-sized from its measured page rate. */
  evalEveryMs?: number;
  /** Stop starting windows once aborted (the running ones see the signal themselves). */
  signal?: AbortSignal | undefined;
  /** How long an owner whose last growth did not pay off keeps its count. */
  holdMs?: number;
  /** Monotonic ms; injectable for tests. */
  now?: () => number;
}

export interface OwnerWindows<T> {
  owner: string;
  tasks: readonly T[];
}

/** An owner running at this share of its budget or more is saturated: its count is kept. */
export const SATURATED_SHARE = 0.9;

/**
 * Windows one owner needs to fill its budget: rate × cycle, where the cycle of one window is
 * (average windows in flight) / (pages per second) over the measured interval. Never fewer than
 * `current` nor more than twice it (one probing step); `current` itself when the owner already
 * runs at SATURATED_SHARE of its budget.
 */
export function windowsToFill(
  ratePerSecond: number,
  current: number,
  measured: { pagesPerSecond: number; averageInFlight: number },
): number {
  const { pagesPerSecond, averageInFlight } = measured;
  if (pagesPerSecond >= SATURATED_SHARE * ratePerSecond) return current;
  // No page at all in the interval: the cycle is longer than it; double (bounded by the caller).
  if (!(pagesPerSecond > 0) || !(averageInFlight > 0)) return current * 2;
  const cycleS = averageInFlight / pagesPerSecond;
  return Math.min(current * 2, Math.max(current, Math.ceil(ratePerSecond * cycleS)));
}

/**
 * Whether growing from `before.windows` to `after.windows` paid off: the page rate rose by at least
 * half of the proportional gain (doubling the windows must bring 1.5x the pages/s).
 */
export function growthPaidOff(
  before: { windows: number; pagesPerSecond: number },
  after: { pagesPerSecond: number; windows: number },
): boolean {
  const proportional = after.windows / before.windows - 1;
  return after.pagesPerSecond >= before.pagesPerSecond * (1 + proportional / 2);
}

interface Lane<T> {
  owner: string;
  pending: T[];
  inFlight: number;
  target: number;
  /** Measurement interval: start, pages in it, and the integral of inFlight over time (ms). */
  since: number;
  pages: number;
  area: number;
  areaAt: number;
  /** The last growth step (windows and pages/s before it), judged at the next measurement. */
  grewFrom: { windows: number; pagesPerSecond: number } | null;
  holdUntil: number;
}

/**
 * Runs `work` once per task. `work` calls `pageDone()` after each committed page (the pool's
 * measure). The first failure stops starting windows; the running ones settle, then it is thrown.
 */
export async function runWindowPool<T>(
  groups: readonly OwnerWindows<T>[],
  options: WindowPoolOptions,
  work: (task: T, pageDone: () => void) => Promise<void>,
): Promise<void> {
  const now = options.now ?? (() => performance.now());
  // Half a second: long enough to hold several page cycles at typical API latency, short enough
  // that the ramp to a full budget costs a backfill well under a second of it.
  const evalEveryMs = options.evalEveryMs ?? 500;
  // A bottleneck outside the API (the database) rarely goes away within a backfill: re-probe rarely.
  const holdMs = options.holdMs ?? 30_000;
  const maxInFlight = Math.max(1, Math.floor(options.maxInFlight));
  const initial = Math.max(1, Math.floor(options.initialPerOwner ?? 2));
  const start = now();
  const lanes: Lane<T>[] = groups
    .filter((g) => g.tasks.length > 0)
    .map((g) => ({
      owner: g.owner,
      pending: [...g.tasks],
      inFlight: 0,
      target: initial,
      since: start,
      pages: 0,
      area: 0,
      areaAt: start,
      grewFrom: null,
      holdUntil: Number.NEGATIVE_INFINITY,
    }));
  let total = 0;
  let failed = false;
  let firstError: unknown;
  const running = new Set<Promise<void>>();

  const account = (lane: Lane<T>, t: number) => {
    lane.area += lane.inFlight * (t - lane.areaAt);
    lane.areaAt = t;
  };

  const resize = (lane: Lane<T>) => {
    const t = now();
    const elapsed = t - lane.since;
    if (elapsed < evalEveryMs) return;
    account(lane, t);
    const measured = { pagesPerSecond: (lane.pages * 1000) / elapsed, averageInFlight: lane.area / elapsed };
    lane.since = t;
    lane.pages = 0;
    lane.area = 0;
    const grewFrom = lane.grewFrom;
    lane.grewFrom = null;
    if (grewFrom && !growthPaidOff(grewFrom, { ...measured, windows: lane.target })) {
      lane.holdUntil = t + holdMs;
      return;
    }
    if (t < lane.holdUntil) return;
    const next = Math.min(windowsToFill(options.ratePerSecond, lane.target, measured), maxInFlight);
    if (next > lane.target) lane.grewFrom = { windows: lane.target, pagesPerSecond: measured.pagesPerSecond };
    lane.target = next;
  };

  const startOne = (lane: Lane<T>) => {
    const task = lane.pending.shift() as T;
    account(lane, now());
    lane.inFlight += 1;
    total += 1;
    const p = work(task, () => {
      lane.pages += 1;
      resize(lane);
      fill();
    })
      .catch((err: unknown) => {
        if (!failed) firstError = err;
        failed = true;
      })
      .finally(() => {
        account(lane, now());
        lane.inFlight -= 1;
        total -= 1;
        running.delete(p);
        fill();
      });
    running.add(p);
  };

  // Fairness when maxInFlight binds: the owner furthest below its target goes first.
  function fill(): void {
    while (!failed && !options.signal?.aborted && total < maxInFlight) {
      let best: Lane<T> | null = null;
      for (const lane of lanes) {
        if (lane.pending.length === 0 || lane.inFlight >= lane.target) continue;
        if (!best || lane.inFlight / lane.target < best.inFlight / best.target) best = lane;
      }
      if (!best) return;
      startOne(best);
    }
  }

  fill();
  // Settled promises never reject (failures are caught above); a finished one has left the set.
  while (running.size > 0) await Promise.race(running);
  if (failed) throw firstError;
  options.signal?.throwIfAborted();
}
