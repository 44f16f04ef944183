/**
 * The shared rate budget (docs/architecture.md#invariant-5-one-rate-budget-per-key): every API call of an (app, scope, endpoint)
 * key, from every worker process, draws from one budget; a 429 slows the key down for ALL processes
 * instead of failing the run. Algorithm: rate-gcra.ts (GCRA pacing + AIMD after throttles).
 *
 * Why not rate-limiter-flexible: its Redis limiter counts in fixed windows (whole seconds, EX), so
 * two processes can legally send 2x the rate across a window boundary, which a server counting
 * with other window alignment throttles (429); and its points are fixed per limiter instance, so a
 * per-key reduced rate after a 429 (AIMD) cannot be expressed. GCRA gives even spacing and a
 * per-key rate in ~20 lines of Lua. The Redis clock (TIME) is used so all processes agree on time.
 */
import type { Redis } from 'ioredis';
import {
  applyThrottle,
  type GcraParams,
  type GcraState,
  initialState,
  type Reservation,
  reserve,
} from './rate-gcra.ts';
import { sleep } from './sleep.ts';
import type { RateBudget } from './types.ts';

export interface RateBudgetOptions {
  /** The server's limit per key; default 50 (docs/tiktok-api.md#rate-limits). */
  ratePerSecond?: number;
  /** Pace this fraction below the limit (see rate-gcra.ts); default 0.04. */
  safetyMargin?: number;
  /** Requests that may go out back to back; default 1 (strict spacing). */
  burst?: number;
  /** How far ahead a request may reserve its slot; default 250 ms. */
  horizonMs?: number;
  /** Cool-down after a 429 without Retry-After; default 250 ms. */
  defaultCooldownMs?: number;
  /** Floor of the reduced rate; default 1/s. */
  minRatePerSecond?: number;
  /** Linear recovery of a reduced rate, per second; default ratePerSecond / 5. */
  recoveryPerSecond?: number;
}

export interface RedisRateBudgetOptions extends RateBudgetOptions {
  /** Key prefix; default `tiktok:budget:`. */
  prefix?: string;
}

function params(o: RateBudgetOptions): GcraParams {
  const rate = o.ratePerSecond ?? 50;
  if (!(rate > 0)) throw new RangeError(`ratePerSecond must be > 0, got ${rate}`);
  // Why 4 %: a strict sliding-window server counts ARRIVALS, and a stall on either side (GC, a busy
  // event loop) bunches requests paced evenly when they were sent. The margin's slack,
  // 1000 * margin / (1 - margin) ms, ~42 ms here, absorbs that (half of it goes to late waiters,
  // lateToleranceMs). With 2 % the e2e bench saw 4-8 429s in 20 s over 4 shops at 150 ms latency,
  // each one halving a key; with 4 % none.
  const margin = o.safetyMargin ?? 0.04;
  if (!(margin >= 0 && margin < 0.5)) throw new RangeError(`safetyMargin must be in [0, 0.5), got ${margin}`);
  const paced = rate * (1 - margin);
  return {
    ratePerSecond: paced,
    burst: Math.max(1, Math.floor(o.burst ?? 1)),
    horizonMs: Math.max(0, o.horizonMs ?? 250),
    // Half the margin's slack (N slots span 1000 / (1 - margin) ms); the other half is for jitter.
    lateToleranceMs: (1000 / (1 - margin) - 1000) / 2,
    minRatePerSecond: Math.min(paced, o.minRatePerSecond ?? 1),
    // A halved rate is back in 2.5 s. Most 429s at this pace are the bunching above, not a lower
    // limit: recovering over 15 s (paced / 30) cost a third of a key's budget per 429 in the e2e
    // bench. A limit that really is lower answers 429 again and is halved again.
    recoveryPerSecond: o.recoveryPerSecond ?? paced / 5,
    decreaseFactor: 0.5,
    // Why 250 ms, not a whole second: the 429 also halves the key's pace (AIMD), which alone brings it
    // under the limit; a second of silence on top cost ~50 requests per 429 at 50/s (8 % of the
    // budget in the e2e bench, 4 throttles in 20 s). 250 ms still outlasts the responses already in
    // flight at this latency, so their 429s fall inside the cool-down and halve the pace only once;
    // a server that keeps throttling gets halved again and again (docs/tiktok-api.md#rate-limits: back off).
    defaultCooldownMs: o.defaultCooldownMs ?? 250,
  };
}

/**
 * Reserves a slot (asking again while it lies beyond the horizon) and sleeps until it; returns the
 * ms waited. A waiter that wakes more than `lateToleranceMs` after its slot (an overloaded event
 * loop) gives the slot up and reserves a fresh one, once: sending late would squeeze it against
 * the requests reserved after it, which a strict sliding-window server counts as a burst.
 */
async function waitForSlot(
  step: () => Promise<Reservation> | Reservation,
  p: GcraParams,
  signal?: AbortSignal,
): Promise<number> {
  const started = performance.now();
  let reReserved = false;
  for (;;) {
    signal?.throwIfAborted();
    const r = await step();
    if (r.reserved) {
      const due = performance.now() + r.waitMs;
      await sleep(r.waitMs, signal);
      if (!reReserved && performance.now() - due > p.lateToleranceMs) {
        reReserved = true;
        continue;
      }
      return Math.round(performance.now() - started);
    }
    // Come back when the slot is about to enter the horizon (a little jitter: waiters of one key
    // should not all ask on the same millisecond).
    await sleep(Math.max(1, r.waitMs - p.horizonMs) + Math.random() * 5, signal);
  }
}

export function createMemoryRateBudget(options: RateBudgetOptions = {}): RateBudget {
  const p = params(options);
  const states = new Map<string, GcraState>();
  const stateOf = (key: string) => {
    let s = states.get(key);
    if (!s) {
      s = initialState();
      states.set(key, s);
    }
    return s;
  };
  return {
    acquire: (key, signal) => waitForSlot(() => reserve(stateOf(key), Date.now(), p), p, signal),
    async throttled(key, retryAfterMs) {
      applyThrottle(stateOf(key), Date.now(), retryAfterMs, p);
    },
  };
}

// Lua twins of reserve / applyThrottle (rate-gcra.ts). Floats are stored with string.format
// because Lua's tostring keeps only 14 significant digits.
const NOW_LUA = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local function eff(s, maxRate, recovery)
  if not s[2] then return maxRate end
  return math.min(maxRate, tonumber(s[2]) + math.max(0, now - tonumber(s[3])) / 1000 * recovery)
end
`;

// Returns the wait in ms when the slot was reserved, or -(wait + 1) when it lies beyond the horizon.
const RESERVE_LUA = `${NOW_LUA}
local maxRate, burst, recovery, ttl, horizon =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local s = redis.call('HMGET', KEYS[1], 'tat', 'rate', 'rate_at', 'cool_until')
local interval = 1000 / eff(s, maxRate, recovery)
local tol = (burst - 1) * interval
local tat = tonumber(s[1]) or 0
local earliest = math.max(now, tonumber(s[4]) or 0)
local slot = math.max(tat - tol, earliest)
local wait = math.max(0, math.ceil(slot - now))
if wait > horizon then return -(wait + 1) end
redis.call('HSET', KEYS[1], 'tat', string.format('%.3f', math.max(tat, slot) + interval))
redis.call('PEXPIRE', KEYS[1], ttl)
return wait`;
const THROTTLE_LUA = `${NOW_LUA}
local maxRate, cooldown, minRate, recovery, ttl, factor =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local s = redis.call('HMGET', KEYS[1], 'tat', 'rate', 'rate_at', 'cool_until')
local cool = tonumber(s[4]) or 0
local untilMs = now + cooldown
if cool > now then
  if untilMs > cool then
    redis.call('HSET', KEYS[1], 'cool_until', string.format('%.3f', untilMs))
    if s[2] then redis.call('HSET', KEYS[1], 'rate_at', string.format('%.3f', untilMs)) end
  end
  redis.call('PEXPIRE', KEYS[1], ttl)
  return 0
end
local rate = math.max(minRate, eff(s, maxRate, recovery) * factor)
redis.call('HSET', KEYS[1], 'rate', string.format('%.6f', rate), 'rate_at', string.format('%.3f', untilMs),
  'cool_until', string.format('%.3f', untilMs))
redis.call('PEXPIRE', KEYS[1], ttl)
return 1`;

/** State of an idle key expires after this (a reduced rate has long recovered by then). */
const STATE_TTL_MS = 10 * 60_000;

/** `redis`: one server or a Cluster (each budget key is one slot; its script touches that key only). */
export function createRedisRateBudget(
  redis: Pick<Redis, 'eval'>,
  options: RedisRateBudgetOptions = {},
): RateBudget {
  const p = params(options);
  const prefix = options.prefix ?? 'tiktok:budget:';
  return {
    acquire(key, signal) {
      const step = async (): Promise<Reservation> => {
        const res = Number(
          await redis.eval(
            RESERVE_LUA,
            1,
            prefix + key,
            p.ratePerSecond,
            p.burst,
            p.recoveryPerSecond,
            STATE_TTL_MS,
            p.horizonMs,
          ),
        );
        return res >= 0 ? { reserved: true, waitMs: res } : { reserved: false, waitMs: -res - 1 };
      };
      return waitForSlot(step, p, signal);
    },
    async throttled(key, retryAfterMs) {
      await redis.eval(
        THROTTLE_LUA,
        1,
        prefix + key,
        p.ratePerSecond,
        retryAfterMs ?? p.defaultCooldownMs,
        p.minRatePerSecond,
        p.recoveryPerSecond,
        STATE_TTL_MS,
        p.decreaseFactor,
      );
    },
  };
}
