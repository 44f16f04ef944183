/**
 * `npm run bench -- steady`: today's re-scan policy (every open day up to the maturity horizon at
 * every run) and the policy by age (DEFAULT_RESCAN_POLICY) over the same shops and the same 30 virtual
 * days of runs every 15 minutes, with the sandbox's orders and settlement delays (bench/steady-model.ts).
 *
 * Settlement delay distribution: the sandbox's fateOf (src/sandbox/data/settlement.ts) settles an
 * order uniformly between 3 and 60 days after creation; 10 % of orders are frozen at settlement and
 * resolved 5 to 19 days later (never past 80 days); deliveries happen 1 to 6 days after creation. The
 * API does not document settlement timing: these are the sandbox's assumptions, read from its code.
 *
 * Knobs: STEADY_SHOPS (2), STEADY_ORDERS_PER_DAY (10000), STEADY_DAYS (30).
 *
 * Creators (keys creator_*): one creator with STEADY_CREATOR_ORDERS_PER_DAY (2000) orders a day, the
 * same days and runs, under the re-scans by age (the fallback when the app is refused the trace
 * search) and under the trace path (settlements by SETTLE_TIME at every run, re-scans cut to
 * traceRescanPolicy), both over the same orders; both must end equal to the ground truth.
 * Database time: unchanged re-read orders × rows per order (header + lines) ÷ the loader's measured
 * unchanged-rows rate (bench/results/loader.json, else 11,000 rows/s).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RESCAN_POLICY, type RescanPolicy } from '../src/extract/windows.ts';
import { traceRescanPolicy } from '../src/jobs/settlement-trace.ts';
import { AVG_LINES_PER_ORDER } from '../src/sandbox/data/settlement.ts';
import {
  AGE_BUCKETS,
  buildShop,
  DEFAULT_STEADY_OPTIONS,
  type PolicyResult,
  quantile,
  simulatePolicy,
  type SteadyOptions,
} from './steady-model.ts';

const here = dirname(fileURLToPath(import.meta.url));

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number >= 1, got ${raw}`);
  return n;
}

function unchangedRowsPerSecond(): number {
  const file = join(here, 'results', 'loader.json');
  if (!existsSync(file)) return 11_000;
  const rate = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)[
    'loader_unchanged_rows_per_s'
  ];
  return typeof rate === 'number' && rate > 0 ? rate : 11_000;
}

/** Today's policy, as the new planner's special case: one tier, every run, up to the horizon. */
export function todaysPolicy(maturityDays: number): RescanPolicy {
  return {
    tiers: [{ maxAgeDays: maturityDays, everyMs: 0 }],
    deepEveryMs: null,
    deepDays: 0,
    deepDaysPerRun: 0,
  };
}

function merged(results: PolicyResult[]): Record<string, Float64Array> {
  return Object.fromEntries(
    AGE_BUCKETS.map((b) => [b.name, Float64Array.from(results.flatMap((r) => [...r.lags[b.name]])).sort()]),
  );
}

function lagsOf(results: PolicyResult[], names: string[]): Float64Array {
  const all = merged(results);
  return Float64Array.from(names.flatMap((n) => [...(all[n] ?? [])])).sort();
}

export async function runSteadyBench(
  overrides: Partial<SteadyOptions> = {},
): Promise<Record<string, number | boolean>> {
  const opts: SteadyOptions = {
    ...DEFAULT_STEADY_OPTIONS,
    ordersPerDay: envInt('STEADY_ORDERS_PER_DAY', DEFAULT_STEADY_OPTIONS.ordersPerDay),
    days: envInt('STEADY_DAYS', DEFAULT_STEADY_OPTIONS.days),
    ...overrides,
  };
  const shops = envInt('STEADY_SHOPS', 2);
  const policies = { today: todaysPolicy(opts.maturityDays), new: DEFAULT_RESCAN_POLICY };
  // Both policies get the same quiet time after the last measured instant: the new one's longest period.
  const quiesceMs = Math.max(...DEFAULT_RESCAN_POLICY.tiers.map((t) => t.everyMs)) + opts.runEveryMs;
  const rate = unchangedRowsPerSecond();
  const rowsPerOrder = 1 + AVG_LINES_PER_ORDER;
  const results: Record<'today' | 'new', PolicyResult[]> = { today: [], new: [] };
  const started = Date.now();
  for (let s = 0; s < shops; s++) {
    const shop = buildShop(s, opts);
    for (const name of ['today', 'new'] as const) {
      const r = simulatePolicy(shop, policies[name], opts, quiesceMs);
      results[name].push(r);
      console.log(`shop ${s} · ${name} policy: day, api calls, orders re-read, db seconds (unchanged rows)`);
      for (const [d, f] of r.perDay.entries()) {
        const dbS = ((f.ordersReread - f.ordersChanged) * rowsPerOrder) / rate;
        console.log(`  ${d + 1}\t${f.apiCalls}\t${f.ordersReread}\t${dbS.toFixed(0)}`);
      }
    }
  }
  const total = (name: 'today' | 'new', key: 'apiCalls' | 'ordersReread' | 'ordersChanged') =>
    results[name].reduce((n, r) => n + r.perDay.reduce((m, f) => m + f[key], 0), 0);
  const shopDays = shops * opts.days;
  const perShopDay = (name: 'today' | 'new', key: 'apiCalls' | 'ordersReread') => total(name, key) / shopDays;
  const dbSeconds = (name: 'today' | 'new') =>
    ((total(name, 'ordersReread') - total(name, 'ordersChanged')) * rowsPerOrder) / rate / shopDays;
  const young = lagsOf(results.new, ['lt2d', '2to7d']);
  const old = lagsOf(results.new, ['7to14d', '14to90d']);
  const byTier = merged(results.new);
  const figures: Record<string, number | boolean> = {
    orders_per_day: opts.ordersPerDay,
    shops,
    days: opts.days,
    api_calls_ratio: total('new', 'apiCalls') / total('today', 'apiCalls'),
    rows_reread_ratio: total('new', 'ordersReread') / total('today', 'ordersReread'),
    lag_p95_young_s: quantile(young, 0.95),
    lag_p95_old_s: quantile(old, 0.95),
    lag_p50_young_s: quantile(young, 0.5),
    lag_p50_old_s: quantile(old, 0.5),
    equals_ground_truth: results.new.every((r) => r.mismatches === 0 && r.unseen === 0),
    today_equals_ground_truth: results.today.every((r) => r.mismatches === 0 && r.unseen === 0),
    today_api_calls_per_shop_day: perShopDay('today', 'apiCalls'),
    new_api_calls_per_shop_day: perShopDay('new', 'apiCalls'),
    today_orders_reread_per_shop_day: perShopDay('today', 'ordersReread'),
    new_orders_reread_per_shop_day: perShopDay('new', 'ordersReread'),
    today_db_s_per_shop_day: dbSeconds('today'),
    new_db_s_per_shop_day: dbSeconds('new'),
    unchanged_rows_per_s_assumed: rate,
    today_lag_p95_young_s: quantile(lagsOf(results.today, ['lt2d', '2to7d']), 0.95),
    today_lag_p95_old_s: quantile(lagsOf(results.today, ['7to14d', '14to90d']), 0.95),
    ...Object.fromEntries(
      AGE_BUCKETS.flatMap((b) => [
        [`lag_p50_${b.name}_s`, quantile(byTier[b.name] ?? new Float64Array(), 0.5)],
        [`lag_p95_${b.name}_s`, quantile(byTier[b.name] ?? new Float64Array(), 0.95)],
      ]),
    ),
    ...creatorFigures(opts, quiesceMs, rowsPerOrder),
    model_seconds: (Date.now() - started) / 1000,
  };
  return figures;
}

/** The creator variant: the trace path against the re-scans by age, one creator. */
function creatorFigures(
  base: SteadyOptions,
  quiesceMs: number,
  rowsPerOrder: number,
): Record<string, number | boolean> {
  const opts = { ...base, ordersPerDay: envInt('STEADY_CREATOR_ORDERS_PER_DAY', 2000) };
  const creator = buildShop(1000, opts);
  // The trace path's daily tier needs a day of quiet time to reach the ground truth.
  const quiet = Math.max(quiesceMs, 86_400_000 + opts.runEveryMs);
  const rescan = simulatePolicy(creator, DEFAULT_RESCAN_POLICY, opts, quiet);
  const trace = simulatePolicy(creator, traceRescanPolicy(DEFAULT_RESCAN_POLICY), opts, quiet, true);
  const per = (r: PolicyResult, key: 'apiCalls' | 'ordersReread' | 'ordersNew') =>
    r.perDay.reduce((n, f) => n + f[key], 0) / opts.days;
  const read = (r: PolicyResult) => per(r, 'ordersReread') + per(r, 'ordersNew');
  const lags = (r: PolicyResult, names: string[]) => lagsOf([r], names);
  return {
    creator_orders_per_day: opts.ordersPerDay,
    creator_rescan_api_calls_per_day: per(rescan, 'apiCalls'),
    creator_trace_api_calls_per_day: per(trace, 'apiCalls'),
    creator_api_calls_ratio: per(trace, 'apiCalls') / per(rescan, 'apiCalls'),
    creator_rescan_orders_read_per_day: read(rescan),
    creator_trace_orders_read_per_day: read(trace),
    creator_rescan_rows_read_per_day: read(rescan) * rowsPerOrder,
    creator_trace_rows_read_per_day: read(trace) * rowsPerOrder,
    creator_orders_read_ratio: read(trace) / read(rescan),
    creator_rescan_equals_ground_truth: rescan.mismatches === 0 && rescan.unseen === 0,
    creator_trace_equals_ground_truth: trace.mismatches === 0 && trace.unseen === 0,
    creator_rescan_lag_p95_young_s: quantile(lags(rescan, ['lt2d', '2to7d']), 0.95),
    creator_trace_lag_p95_young_s: quantile(lags(trace, ['lt2d', '2to7d']), 0.95),
    creator_rescan_lag_p95_old_s: quantile(lags(rescan, ['7to14d', '14to90d']), 0.95),
    creator_trace_lag_p95_old_s: quantile(lags(trace, ['7to14d', '14to90d']), 0.95),
  };
}
