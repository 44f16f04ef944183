/**
 * The creator orders' settlement path: trace orders by SETTLE_TIME (extract/creator-trace-orders.ts)
 * read the settlements since the last run, so the create-time re-scans no longer carry settlement.
 * This module holds its per-owner state and the re-scan policy that remains with it; the walk itself
 * is in windowed-sync.ts.
 *
 * The state rides on the owner's checkpoint cursor (etl.sync_state, key `trace`), committed with the
 * pages like the re-read record:
 *   { settledTo: ISO, refusedAt?: ISO }
 * `settledTo` moves only with the last page of a settle-time window, so a window killed half-way is
 * read again from its start (never a settlement skipped). `refusedAt` is when the API refused the
 * search as not granted to the app (105005 and the other permission refusals): the owner falls back to
 * the full re-scans and probes again once TRACE_REPROBE_MS has passed (a grant can be added to an
 * app at any time, and one probe a day costs one request).
 */
import { DAY_MS, type RescanPolicy, type RescanTier } from '../extract/windows.ts';

export interface TraceState {
  /** Settlements before this instant (epoch ms) are in the warehouse; null: never read. */
  settledTo: number | null;
  /** When the API last refused the trace search (epoch ms); null: not refused. */
  refusedAt: number | null;
}

/** How long a refusal is trusted before the trace search is asked again. */
export const TRACE_REPROBE_MS = DAY_MS;

/**
 * With the trace path, re-scans serve only the changes SETTLE_TIME does not show: deliveries, and
 * the status changes that are not a settlement (REFUNDED for a cancellation or a return, FROZEN when
 * a settlement is held). Those happen mostly while an order is young, so the tiers up to this age
 * are kept as configured; every older open day is re-read daily, which bounds a late refund's lag by
 * a day (its commission is nil either way, and the 202410 search shows nothing else for it).
 */
export const TRACE_RECENT_DAYS = 7;

function parseTime(value: unknown): number | null {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(ms) ? ms : null;
}

/** From a stored cursor; anything unreadable is dropped (settlements are then read again from further back). */
export function traceStateFromCursor(cursor: Record<string, unknown> | null): TraceState {
  const raw = cursor?.['trace'];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { settledTo: null, refusedAt: null };
  const r = raw as Record<string, unknown>;
  return { settledTo: parseTime(r['settledTo']), refusedAt: parseTime(r['refusedAt']) };
}

/** The cursor fields of `state` ({} when it holds nothing). */
export function traceCursor(state: TraceState): Record<string, unknown> {
  if (state.settledTo === null && state.refusedAt === null) return {};
  return {
    trace: {
      ...(state.settledTo === null ? {} : { settledTo: new Date(state.settledTo).toISOString() }),
      ...(state.refusedAt === null ? {} : { refusedAt: new Date(state.refusedAt).toISOString() }),
    },
  };
}

/** Whether to ask the trace search in a run at `now`: not refused, or refused long enough ago. */
export function traceDue(state: TraceState, now: Date): boolean {
  return state.refusedAt === null || now.getTime() - state.refusedAt >= TRACE_REPROBE_MS;
}

/**
 * The re-scan policy of an owner whose settlements come from the trace search: `base`'s tiers up to
 * TRACE_RECENT_DAYS (the tier straddling that age cut at it), then one tier up to base's last age
 * re-read at most daily. The deep re-scan is kept as configured: it is the net for what no search
 * shows.
 */
export function traceRescanPolicy(base: RescanPolicy): RescanPolicy {
  const recent: RescanTier[] = base.tiers.filter((t) => t.maxAgeDays <= TRACE_RECENT_DAYS);
  const straddling = base.tiers.find((t) => t.maxAgeDays > TRACE_RECENT_DAYS);
  if (straddling && recent.at(-1)?.maxAgeDays !== TRACE_RECENT_DAYS)
    recent.push({ maxAgeDays: TRACE_RECENT_DAYS, everyMs: straddling.everyMs });
  const last = base.tiers.at(-1);
  const older: RescanTier = {
    maxAgeDays: Math.max(TRACE_RECENT_DAYS + 1, last?.maxAgeDays ?? 0),
    everyMs: Math.max(DAY_MS, last?.everyMs ?? 0),
  };
  return { ...base, tiers: [...recent, older] };
}
