/**
 * Create times of a lazily generated order stream. Order i is created at
 * `base + floor((i + u_i) * interval)` with u_i in [0, 1): non-decreasing in i, so a create-time
 * window maps to a contiguous index range found in O(1) (a few steps from the estimate).
 * Orders keep arriving at the same rate after the start time; an order exists once now >= its time.
 */
import { hash4, unit } from '../prng.ts';

export class OrderTimeline {
  constructor(
    /** Earliest shop time (epoch s): the default lower bound of create_time (docs/tiktok-api.md#seller-orders). */
    readonly baseS: number,
    /** Mean seconds between orders. */
    readonly intervalS: number,
    private readonly key: number,
  ) {
    if (!(intervalS > 0)) throw new Error('OrderTimeline: interval must be > 0');
  }

  createTime(index: number): number {
    return this.baseS + Math.floor((index + unit(hash4(this.key, index, 1))) * this.intervalS);
  }

  /** Smallest index whose create time is >= t (epoch s). */
  lowerBound(t: number): number {
    if (t <= this.baseS) return 0;
    // ct(i) < base + (i + 1) * interval, so every i <= (t - base) / interval - 1 is below t.
    let i = Math.max(0, Math.floor((t - this.baseS) / this.intervalS) - 1);
    while (this.createTime(i) < t) i++;
    return i;
  }

  /** Index range [lo, hi) of orders with ge <= create_time < lt that exist at nowS. */
  range(geS: number, ltS: number, nowS: number): { lo: number; hi: number } {
    const lo = this.lowerBound(geS);
    const hi = Math.max(lo, this.lowerBound(Math.min(ltS, nowS + 1)));
    return { lo, hi };
  }
}
