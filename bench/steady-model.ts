/**
 * The steady-state model behind `npm run bench -- steady`: the engine's own re-scan planner
 * (planIncrementalWindows' range rule, planSteadyRescan, daysReadBy) driven on a virtual clock every
 * 15 minutes against shops whose orders are the sandbox's own (OrderTimeline for create times, fateOf
 * for delivery, settlement and frozen outcomes; the status at an instant follows phaseAt).
 *
 * Why a model and not HTTP + Postgres: today's policy re-reads ~800,000 orders per run at 10,000
 * orders a day, 96 runs a day for 30 days (~2 billion order reads per shop), which no benchmark on a
 * 2-core machine serves. The planning decisions are the engine's code; what is modelled is the
 * reading itself: a window costs max(1, ceil(orders / page size)) requests and re-reads every order in
 * it, and a read sees each order's state at the run's virtual time. The real pipeline runs the same
 * policy end to end in test/e2e/steady.test.ts and ends equal to the sandbox's ground truth.
 */
import {
  DAY_MS,
  type RescanPolicy,
  daysReadBy,
  dayStartMs,
  planSteadyRescan,
  wholeDaysIn,
} from '../src/extract/windows.ts';
import { hash4 } from '../src/sandbox/prng.ts';
import { fateOf } from '../src/sandbox/data/settlement.ts';
import { OrderTimeline } from '../src/sandbox/data/timeline.ts';

export interface SteadyOptions {
  ordersPerDay: number;
  /** Virtual days of scheduled runs measured. */
  days: number;
  runEveryMs: number;
  /** Orders exist this long before the first measured run (a first sync reads them at t0). */
  historyDays: number;
  pageSize: number;
  windowDays: number;
  overlapMs: number;
  safetyLagMs: number;
  maturityDays: number;
  t0: number;
  seed: number;
}

export const DEFAULT_STEADY_OPTIONS: SteadyOptions = {
  ordersPerDay: 10_000,
  days: 30,
  runEveryMs: 15 * 60_000,
  historyDays: 190,
  pageSize: 100,
  windowDays: 7,
  overlapMs: 10 * 60_000,
  safetyLagMs: 2 * 60_000,
  maturityDays: 90,
  t0: Date.parse('2026-03-01T00:00:00Z'),
  seed: 20_260_301,
};

/** One shop's orders, as the sandbox generates them (times in ms). */
export interface ShopOrders {
  create: Float64Array;
  delivery: Float64Array;
  settle: Float64Array;
  final: Float64Array;
  /** 1 for an order that is frozen between settle and final (a status change at each). */
  frozen: Uint8Array;
  /** 1 for a cancelled order: REFUNDED at `settle`, a change no settle-time search shows. */
  cancelled: Uint8Array;
}

export function buildShop(shopIndex: number, opts: SteadyOptions): ShopOrders {
  const key = hash4(opts.seed, 0x5e12, shopIndex);
  const end = opts.t0 + opts.days * DAY_MS + DAY_MS;
  const baseS = Math.floor((opts.t0 - opts.historyDays * DAY_MS) / 1000);
  const timeline = new OrderTimeline(baseS, 86_400 / opts.ordersPerDay, key);
  const n = timeline.lowerBound(Math.floor(end / 1000));
  const shop: ShopOrders = {
    create: new Float64Array(n),
    delivery: new Float64Array(n),
    settle: new Float64Array(n),
    final: new Float64Array(n),
    frozen: new Uint8Array(n),
    cancelled: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const createS = timeline.createTime(i);
    const fate = fateOf(key, i, createS);
    shop.create[i] = createS * 1000;
    shop.delivery[i] = fate.deliveryAtS === null ? Number.POSITIVE_INFINITY : fate.deliveryAtS * 1000;
    shop.settle[i] = fate.settleAtS * 1000;
    shop.final[i] = fate.finalAtS * 1000;
    shop.frozen[i] = fate.outcome.startsWith('frozen') ? 1 : 0;
    shop.cancelled[i] = fate.outcome === 'cancelled' ? 1 : 0;
  }
  return shop;
}

/**
 * The warehouse-visible state of an order at t, as the sandbox's phaseAt draws it: open until
 * settlement, frozen until its resolution for a frozen order, final after; and whether the parcel's
 * delivery time shows.
 */
function stateAt(shop: ShopOrders, i: number, t: number): string {
  const phase = t < (shop.settle[i] as number) ? 0 : shop.frozen[i] && t < (shop.final[i] as number) ? 1 : 2;
  return `${phase}:${t >= (shop.delivery[i] as number) ? 1 : 0}`;
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function firstAtOrAfter(a: number[], x: number): number | undefined {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return a[lo];
}

export interface DayFigures {
  apiCalls: number;
  /** Orders read that were already in the warehouse (re-scan and overlap). */
  ordersReread: number;
  /** Orders read for the first time (incremental range). */
  ordersNew: number;
  /** Re-read orders whose state had changed since their previous read (upserted changed). */
  ordersChanged: number;
}

export const AGE_BUCKETS = [
  { name: 'lt2d', maxDays: 2 },
  { name: '2to7d', maxDays: 7 },
  { name: '7to14d', maxDays: 14 },
  { name: '14to90d', maxDays: 90 },
] as const;

export interface PolicyResult {
  perDay: DayFigures[];
  /** Lags (s) of every status or delivery change of the measured days, by order age at the change. */
  lags: Record<(typeof AGE_BUCKETS)[number]['name'], Float64Array>;
  /** Changes never seen by the end of the quiesce period. */
  unseen: number;
  /** Orders whose warehouse state differs from the ground truth at the end. */
  mismatches: number;
}

/**
 * Runs one policy over one shop: a first sync at t0, then a run every runEveryMs for `days` days,
 * then the same runs for a quiesce period of `quiesceMs` during which the sandbox stops changing (its
 * state stays that of the last measured instant): the longest tier period must bring the warehouse
 * to the ground truth of that instant.
 */
export function simulatePolicy(
  shop: ShopOrders,
  policy: RescanPolicy,
  opts: SteadyOptions,
  quiesceMs: number,
  /**
   * Creator orders with the trace search: every run also reads the settlements (SETTLE_TIME) of
   * [last settle read - overlap, now - safety lag), and `policy` is then the re-scan policy that
   * remains (traceRescanPolicy). A settlement (a completed order's, a frozen order's resolution) is
   * seen by the first run that reads its settle time; a cancellation, a freeze and a delivery only
   * by a re-read of the order's day.
   */
  trace = false,
): PolicyResult {
  const { t0, runEveryMs, pageSize } = opts;
  const tEnd = t0 + opts.days * DAY_MS;
  const firstDay = dayStartMs(shop.create[0] ?? t0);
  // Per day: the orders' index range, the last time one of them becomes final, when it closed.
  const dayLo = (d: number) => lowerBound(shop.create, d);
  const maxFinal = new Map<number, number>();
  // With the trace search: per day, the last change only a re-read shows (a cancellation), and the
  // last settlement (which the trace search shows).
  const maxReread = new Map<number, number>();
  const maxSettle = new Map<number, number>();
  const settleTimes: number[] = [];
  for (let i = 0; i < shop.create.length; i++) {
    const d = dayStartMs(shop.create[i] as number);
    const f = shop.final[i] as number;
    if ((maxFinal.get(d) ?? 0) < f) maxFinal.set(d, f);
    const byReread = shop.cancelled[i] === 1;
    const m = byReread ? maxReread : maxSettle;
    if ((m.get(d) ?? 0) < f) m.set(d, f);
    if (!byReread) settleTimes.push(f);
  }
  const settles = Float64Array.from(settleTimes).sort();
  /** When each order was last read by the trace search (its settlement seen), or -inf. */
  const traceRead = new Float64Array(shop.create.length).fill(Number.NEGATIVE_INFINITY);
  const bySettle = Array.from(shop.create.keys())
    .filter((i) => shop.cancelled[i] !== 1)
    .sort((a, b) => (shop.final[a] as number) - (shop.final[b] as number));
  let settledTo = t0 - opts.safetyLagMs;
  const closed = new Set<number>();
  const reads = new Map<number, number[]>();
  const record = new Map<number, number>();
  const keepDays = Math.max(opts.maturityDays, policy.deepEveryMs === null ? 0 : policy.deepDays);
  const perDay: DayFigures[] = Array.from({ length: opts.days }, () => ({
    apiCalls: 0,
    ordersReread: 0,
    ordersNew: 0,
    ordersChanged: 0,
  }));
  const count = (from: number, to: number, before: number) =>
    Math.max(0, lowerBound(shop.create, Math.min(to, before)) - lowerBound(shop.create, from));

  // First sync at t0: everything before the horizon is read once.
  let watermark = t0 - opts.safetyLagMs;
  for (const d of wholeDaysIn(new Date(firstDay), new Date(watermark))) {
    if (d + DAY_MS > t0 - keepDays * DAY_MS) record.set(d, t0);
    if ((maxFinal.get(d) ?? 0) <= t0) closed.add(d);
  }
  const firstRead = new Float64Array(shop.create.length).fill(Number.POSITIVE_INFINITY);
  firstRead.fill(t0, 0, lowerBound(shop.create, watermark));

  for (let t = t0 + runEveryMs; t <= tEnd + quiesceMs; t += runEveryMs) {
    const seenAt = Math.min(t, tEnd);
    const dayIndex = Math.floor((t - t0 - 1) / DAY_MS);
    const fig = perDay[dayIndex];
    // 1. the incremental range [watermark - overlap, now - safety lag).
    const horizon = t - opts.safetyLagMs;
    const from = watermark - opts.overlapMs;
    const lo = lowerBound(shop.create, watermark);
    const hi = lowerBound(shop.create, horizon);
    firstRead.fill(t, lo, hi);
    if (fig) {
      fig.apiCalls += Math.max(1, Math.ceil(count(from, horizon, horizon) / pageSize));
      fig.ordersNew += hi - lo;
      fig.ordersReread += count(from, watermark, watermark);
    }
    const before = from;
    watermark = horizon;
    // 1b. the settlements since the last run, by settle time.
    if (trace) {
      const sFrom = settledTo - opts.overlapMs;
      const n = Math.max(0, lowerBound(settles, Math.min(horizon, seenAt)) - lowerBound(settles, sFrom));
      if (fig) {
        fig.apiCalls += Math.max(1, Math.ceil(n / pageSize));
        fig.ordersReread += n;
      }
      const to = lowerBound(settles, Math.min(horizon, seenAt));
      for (let k = lowerBound(settles, sFrom); k < to; k++) traceRead[bySettle[k] as number] = t;
      settledTo = Math.min(horizon, Math.max(settledTo, seenAt));
    }
    // 2. the re-scan, planned by the engine's planner from the warehouse's open days.
    const openDays: Date[] = [];
    const oldest = dayStartMs(t - opts.maturityDays * DAY_MS);
    for (let d = Math.max(oldest, firstDay); d < before; d += DAY_MS)
      if (!closed.has(d) && dayLo(d) < dayLo(d + DAY_MS)) openDays.push(new Date(d));
    const plan = planSteadyRescan({
      openDays,
      lastRead: record,
      now: new Date(t),
      before: new Date(before),
      maturityDays: opts.maturityDays,
      windowDays: opts.windowDays,
      policy,
    });
    for (const w of plan.windows) {
      const n = count(w.start.getTime(), w.end.getTime(), t);
      if (fig) {
        fig.apiCalls += Math.max(1, Math.ceil(n / pageSize));
        fig.ordersReread += n;
      }
      for (const d of daysReadBy(w)) {
        record.set(d, t);
        const list = reads.get(d) ?? [];
        list.push(t);
        reads.set(d, list);
        if (w.end.getTime() >= Math.min(d + DAY_MS, before) && (maxFinal.get(d) ?? 0) <= seenAt)
          closed.add(d);
      }
    }
    // With the trace search a day closes without a re-read once its settlements have been read and
    // its last re-read came after its last cancellation.
    if (trace) {
      for (const d of openDays) {
        const day = d.getTime();
        const last = reads.get(day)?.at(-1) ?? t0;
        if ((maxReread.get(day) ?? 0) <= Math.min(last, seenAt) && (maxSettle.get(day) ?? 0) < settledTo)
          closed.add(day);
      }
    }
    for (const d of record.keys()) if (d < dayStartMs(t - (keepDays + 1) * DAY_MS)) record.delete(d);
  }

  // Lags: each change of the measured period is seen by the first read of its day at or after it.
  const lagLists = Object.fromEntries(AGE_BUCKETS.map((b) => [b.name, [] as number[]])) as Record<
    (typeof AGE_BUCKETS)[number]['name'],
    number[]
  >;
  let unseen = 0;
  let mismatches = 0;
  for (let i = 0; i < shop.create.length; i++) {
    const create = shop.create[i] as number;
    const dayReads = reads.get(dayStartMs(create)) ?? [];
    const events = [shop.delivery[i] as number, shop.settle[i] as number];
    if (shop.frozen[i]) events.push(shop.final[i] as number);
    // The trace search sees the settlement (the final change of a completed or frozen order).
    const settleSeen =
      trace && shop.cancelled[i] !== 1
        ? t0 + Math.ceil(((shop.final[i] as number) + opts.safetyLagMs + 1 - t0) / runEveryMs) * runEveryMs
        : Number.POSITIVE_INFINITY;
    for (const e of events) {
      if (!(e > t0 && e <= tEnd) || e < (firstRead[i] as number)) continue;
      const byRead = firstAtOrAfter(dayReads, e);
      const byTrace = e === shop.final[i] && settleSeen <= tEnd + quiesceMs ? settleSeen : undefined;
      const seen =
        byRead === undefined ? byTrace : byTrace === undefined ? byRead : Math.min(byRead, byTrace);
      if (seen === undefined) {
        unseen += 1;
        continue;
      }
      const ageDays = (e - create) / DAY_MS;
      const bucket = AGE_BUCKETS.find((b) => ageDays < b.maxDays);
      if (bucket) lagList(lagLists, bucket.name).push((seen - e) / 1000);
      const day = Math.floor((seen - t0 - 1) / DAY_MS);
      const fig = perDay[day];
      if (fig) fig.ordersChanged += 1;
    }
    // Ground truth at the end of the measured period vs the last read (reads after it see tEnd).
    const lastRead = Math.max(
      firstRead[i] as number,
      dayReads.at(-1) ?? Number.NEGATIVE_INFINITY,
      traceRead[i] as number,
    );
    if (lastRead === Number.POSITIVE_INFINITY) continue; // created after the last run: not loaded yet
    if (stateAt(shop, i, Math.min(lastRead, tEnd)) !== stateAt(shop, i, tEnd)) mismatches += 1;
  }
  const lags = Object.fromEntries(
    Object.entries(lagLists).map(([k, v]) => [k, Float64Array.from(v).sort()]),
  ) as PolicyResult['lags'];
  return { perDay, lags, unseen, mismatches };
}

function lagList(lists: Record<string, number[]>, name: string): number[] {
  const list = lists[name];
  if (!list) throw new Error(`unknown age bucket ${name}`);
  return list;
}

/** The q-quantile (0..1) of sorted values, or 0 when there are none. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
