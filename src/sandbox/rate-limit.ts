/**
 * Throttling per (app, shop|asset|creator, path), default 50 requests/s (docs/tiktok-api.md#rate-limits: 50 QPS per
 * API per app, counted per (app, shop); keying for partner/creator tokens is undocumented, docs/tiktok-api.md#rate-limit-keying-without-a-shop,
 * so the category asset / creator open_id plays the shop's role). An exact sliding 1 s window in
 * real time: a request is admitted when fewer than `limit` were admitted in the last 1000 ms.
 */

/** Ring of the last `capacity` timestamps. */
class Ring {
  private readonly times: Float64Array;
  private head = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this.times = new Float64Array(capacity);
  }

  oldest(): number {
    return this.times[(this.head - this.size + this.capacity) % this.capacity] ?? 0;
  }

  push(t: number): void {
    this.times[this.head] = t;
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }
}

export class RateLimiter {
  private readonly admitted = new Map<string, Ring>();

  constructor(
    private readonly limitPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** true = admitted; false = throttled (answer 429). */
  admit(key: string): boolean {
    if (this.limitPerSecond <= 0) return true;
    const t = this.now();
    let ring = this.admitted.get(key);
    if (!ring) {
      ring = new Ring(this.limitPerSecond);
      this.admitted.set(key, ring);
    }
    if (ring.size === ring.capacity && t - ring.oldest() < 1000) return false;
    ring.push(t);
    return true;
  }
}

/** Arrivals per key in the last second (all requests, throttled or not), and the peak seen. */
export class RpsMeter {
  private readonly windows = new Map<string, number[]>();
  peak = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  record(key: string): void {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w) {
      w = [];
      this.windows.set(key, w);
    }
    w.push(t);
    let drop = 0;
    while (drop < w.length && t - (w[drop] ?? t) >= 1000) drop++;
    if (drop > 0) w.splice(0, drop);
    if (w.length > this.peak) this.peak = w.length;
  }

  reset(): void {
    this.windows.clear();
    this.peak = 0;
  }
}
