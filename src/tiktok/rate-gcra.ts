/**
 * The pacing algorithm behind both rate budgets: GCRA (generic cell rate algorithm) as a
 * reservation schedule, plus AIMD.
 *   - GCRA keeps a "theoretical arrival time" (tat) per key: the next free slot. A caller reserves
 *     the next slot (tat advances by 1/rate s) and sleeps until it, so requests are spaced evenly
 *     and any 1 s window holds at most `rate` of them (+ burst - 1), whatever window alignment the
 *     server counts with (docs/tiktok-api.md#rate-limits: 50 QPS per API per (app, shop)). Reserving instead of
 *     polling means a waiter that wakes a few ms late (timers, Redis round trips on a busy box)
 *     costs no capacity, and each request needs one Redis round trip, not one per wake-up.
 *   - Reservations reach at most `horizonMs` ahead; a caller beyond it waits and asks again, so a
 *     429 (which moves the schedule) strands only a short queue of already-reserved requests.
 *   - The pace is a safety margin below the server's limit: N slots span 1000 ms * (1 + margin),
 *     so a request that leaves up to ~margin * 1000 ms late still cannot squeeze N + 1 requests
 *     into a strict sliding second (the sandbox counts that way).
 *   - AIMD: a 429 halves the key's rate and starts a cool-down (Retry-After when given); the rate
 *     then grows back linearly. Only one decrease per cool-down, so a burst of in-flight requests
 *     all answered 429 counts once.
 * This file is the in-memory version; rate-budget.ts mirrors it step for step in Lua for Redis.
 */

export interface GcraParams {
  /** The pace: the server's limit less the safety margin. */
  ratePerSecond: number;
  burst: number;
  /** How far ahead a slot may be reserved. */
  horizonMs: number;
  /** A waiter waking later than this after its slot reserves a fresh one (rate-budget.ts). */
  lateToleranceMs: number;
  minRatePerSecond: number;
  recoveryPerSecond: number;
  decreaseFactor: number;
  defaultCooldownMs: number;
}

export interface GcraState {
  /** Theoretical arrival time: the next free slot, epoch ms. */
  tat: number;
  /** Reduced rate after a throttle; null = the configured rate. */
  rate: number | null;
  /** When recovery of the reduced rate starts (end of the cool-down), epoch ms. */
  rateAt: number;
  coolUntil: number;
}

/** reserved: sleep `waitMs` then send. Not reserved: the slot is beyond the horizon; ask again later. */
export interface Reservation {
  reserved: boolean;
  waitMs: number;
}

export function initialState(): GcraState {
  return { tat: 0, rate: null, rateAt: 0, coolUntil: 0 };
}

export function effectiveRate(s: GcraState, nowMs: number, p: GcraParams): number {
  if (s.rate === null) return p.ratePerSecond;
  const recovered = s.rate + (Math.max(0, nowMs - s.rateAt) / 1000) * p.recoveryPerSecond;
  return Math.min(p.ratePerSecond, recovered);
}

/** Reserve the next slot of the key if it lies within the horizon. */
export function reserve(s: GcraState, nowMs: number, p: GcraParams): Reservation {
  const interval = 1000 / effectiveRate(s, nowMs, p);
  const tolerance = (p.burst - 1) * interval;
  // An idle key (tat in the past) starts afresh at now: no saved-up burst beyond `burst`.
  const earliest = Math.max(nowMs, s.coolUntil);
  const slot = Math.max(s.tat - tolerance, earliest);
  const waitMs = Math.max(0, Math.ceil(slot - nowMs));
  if (waitMs > p.horizonMs) return { reserved: false, waitMs };
  s.tat = Math.max(s.tat, slot) + interval;
  return { reserved: true, waitMs };
}

/** Record a 429: cool down, and halve the rate unless this cool-down already did. */
export function applyThrottle(s: GcraState, nowMs: number, retryAfterMs: number | null, p: GcraParams): void {
  const until = nowMs + (retryAfterMs ?? p.defaultCooldownMs);
  if (s.coolUntil > nowMs) {
    // Recovery starts when the (extended) cool-down ends.
    s.coolUntil = Math.max(s.coolUntil, until);
    if (s.rate !== null) s.rateAt = Math.max(s.rateAt, s.coolUntil);
    return;
  }
  s.rate = Math.max(p.minRatePerSecond, effectiveRate(s, nowMs, p) * p.decreaseFactor);
  s.rateAt = until;
  s.coolUntil = until;
}
