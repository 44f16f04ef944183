/**
 * The pacing algorithm behind both rate budgets: GCRA (generic cell rate algorithm) plus AIMD.
 *   - GCRA keeps a "theoretical arrival time" per key and grants one request every 1/rate s, so
 *     requests are spaced evenly and ANY 1 s window holds at most rate + burst requests, whatever
 *     window alignment the server counts with (api doc §9.2: 50 QPS per API per (app, shop)).
 *   - AIMD: a 429 halves the key's rate and starts a cool-down (Retry-After when given); the rate
 *     then grows back linearly to the configured one. Only one decrease per cool-down, so a burst
 *     of in-flight requests all answered 429 counts once.
 *   - Late wake-ups: a waiter that wakes a few ms after its slot still takes it on schedule (up
 *     to `graceMs`), otherwise timer lateness under load would waste capacity. To keep a STRICT
 *     sliding 1 s window of `limit` requests satisfied anyway (the sandbox counts that way), the
 *     pace is a safety margin below the limit: N slots span 1000 ms * (1 + margin) >= 1000 ms +
 *     graceMs, so a late claim can never squeeze N + 1 requests into one second.
 * This file is the in-memory version; rate-budget.ts mirrors it step for step in Lua for Redis.
 */

export interface GcraParams {
  /** The pace: the server's limit less the safety margin. */
  ratePerSecond: number;
  /** How late a slot may still be claimed on schedule (capped at half an interval). */
  graceMs: number;
  burst: number;
  minRatePerSecond: number;
  recoveryPerSecond: number;
  decreaseFactor: number;
  defaultCooldownMs: number;
}

export interface GcraState {
  /** Theoretical arrival time of the next request, epoch ms. */
  tat: number;
  /** Reduced rate after a throttle; null = the configured rate. */
  rate: number | null;
  /** When recovery of the reduced rate starts (end of the cool-down), epoch ms. */
  rateAt: number;
  coolUntil: number;
}

export function initialState(): GcraState {
  return { tat: 0, rate: null, rateAt: 0, coolUntil: 0 };
}

export function effectiveRate(s: GcraState, nowMs: number, p: GcraParams): number {
  if (s.rate === null) return p.ratePerSecond;
  const recovered = s.rate + (Math.max(0, nowMs - s.rateAt) / 1000) * p.recoveryPerSecond;
  return Math.min(p.ratePerSecond, recovered);
}

/** Try to take one request slot: 0 = granted (state advanced), else ms to wait before trying again. */
export function tryAcquire(s: GcraState, nowMs: number, p: GcraParams): number {
  if (s.coolUntil > nowMs) return Math.ceil(s.coolUntil - nowMs);
  const interval = 1000 / effectiveRate(s, nowMs, p);
  // A slot at most `grace` old is still taken on schedule (late wake-up, see above); older means
  // the key was idle: start afresh at now (no saved-up burst).
  const grace = Math.min(p.graceMs, interval / 2);
  const tat = s.tat > nowMs - grace ? s.tat : nowMs;
  const tolerance = (p.burst - 1) * interval;
  if (tat - nowMs > tolerance) return Math.max(1, Math.ceil(tat - nowMs - tolerance));
  s.tat = tat + interval;
  return 0;
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
