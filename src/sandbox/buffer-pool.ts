/**
 * Reusable response buffers for the order hot path. A 100-order page is ~120 KB; a fresh Buffer per
 * page costs an allocation of untouched memory (page faults) and external-memory GC pressure, which
 * measured ~70 µs a page here, about a tenth of the whole page. A buffer goes back to the pool when
 * its response is closed (the socket no longer references it).
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    /** Buffers kept for reuse; more in flight at once are allocated and dropped. */
    private readonly keep = 64,
    private readonly minSize = 1 << 18,
  ) {}

  /** A buffer of at least `size` bytes (its contents are garbage). */
  acquire(size: number): Buffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const buf = this.free[i] as Buffer;
      if (buf.length >= size) {
        this.free[i] = this.free[this.free.length - 1] as Buffer;
        this.free.pop();
        return buf;
      }
    }
    let cap = this.minSize;
    while (cap < size) cap *= 2;
    return Buffer.allocUnsafeSlow(cap);
  }

  release(buf: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buf);
  }

  /** Buffers waiting for reuse (for tests). */
  get available(): number {
    return this.free.length;
  }
}
