/**
 * The byte space of the order hot path: memoized JSON fragments and the page being written share
 * ONE buffer, so copying a fragment into the page is a `copyWithin` (a memmove, no allocation, no
 * per-fragment object). A 100-order page of the large dataset is ~120 KB assembled from ~1,000
 * fragments; measured on this machine, copying them out of many small Buffers (one object and one
 * backing store per fragment, scattered over the heap) cost about twice as much as this.
 *
 * Layout: fragments grow up from 0 ([0, fragTop)); the page being written sits above them at
 * [base, base + pos). When either needs room, the buffer doubles and both are moved, so fragment
 * handles (offsets) stay valid. One page is written at a time (the request pipeline is synchronous):
 * `reset()` starts a page, `copyTo()` / `toBuffer()` / `toString()` take it out.
 */
export class ByteWriter {
  private mem: Buffer;
  private fragTop = 0;
  private base: number;
  private pos = 0;
  /** Offset of each interned text. */
  private readonly offsets = new Map<string, number>();

  constructor(pageSize = 1 << 18, fragmentSize = 1 << 16) {
    this.mem = Buffer.allocUnsafe(fragmentSize + pageSize);
    this.base = fragmentSize;
  }

  /** Starts a new page (fragments are kept). */
  reset(): void {
    this.pos = 0;
  }

  /** Bytes of the current page. */
  get length(): number {
    return this.pos;
  }

  /** Moves everything into a bigger buffer with at least `fragRoom` free fragment bytes and `pageRoom` free page bytes. */
  private grow(fragRoom: number, pageRoom: number): void {
    const pageNow = this.mem.length - this.base;
    const pageCap = this.pos + pageRoom > pageNow ? Math.max(pageNow * 2, this.pos + pageRoom) : pageNow;
    const fragCap =
      this.fragTop + fragRoom > this.base ? Math.max(this.base * 2, this.fragTop + fragRoom) : this.base;
    const next = Buffer.allocUnsafe(fragCap + pageCap);
    this.mem.copy(next, 0, 0, this.fragTop);
    this.mem.copy(next, fragCap, this.base, this.base + this.pos);
    this.mem = next;
    this.base = fragCap;
  }

  private room(n: number): void {
    if (this.base + this.pos + n > this.mem.length) this.grow(0, n);
  }

  /** Appends bytes that live outside this space. */
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.mem.set(b, this.base + this.pos);
    this.pos += b.length;
  }

  /** Appends any string, UTF-8 encoded. */
  text(s: string): void {
    this.room(s.length * 3);
    this.pos += this.mem.write(s, this.base + this.pos, 'utf8');
  }

  /** Appends a non-negative integer in decimal, left-padded with zeros to `width` digits. */
  digits(n: number, width = 1): void {
    if (!(Number.isSafeInteger(n) && n >= 0))
      throw new RangeError(`digits: ${n} is not a non-negative integer`);
    let len = 1;
    for (let p = 10; p <= n; p *= 10) len++;
    if (len < width) len = width;
    this.room(len);
    const mem = this.mem;
    let at = this.base + this.pos + len;
    for (let i = 0; i < len; i++) {
      const q = Math.floor(n / 10);
      mem[--at] = 48 + (n - q * 10);
      n = q;
    }
    this.pos += len;
  }

  /**
   * Stores a fragment in this space; its handle is the pair (offset, length) written to `table`.
   * Equal texts share their bytes (many keys render the same text, e.g. every zero amount), which
   * keeps the fragments that pages read from small enough to stay in the CPU cache.
   */
  intern(text: string, table: FragmentTable, key: number): void {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes === 0) throw new RangeError('intern: empty fragment');
    let offset = this.offsets.get(text);
    if (offset === undefined) {
      if (this.fragTop + bytes > this.base) this.grow(bytes, 0);
      offset = this.fragTop;
      this.mem.write(text, offset, 'utf8');
      this.fragTop += bytes;
      this.offsets.set(text, offset);
    }
    table.slots[key * 2] = offset;
    table.slots[key * 2 + 1] = bytes;
  }

  /** Bytes held by interned fragments. */
  get fragmentBytes(): number {
    return this.fragTop;
  }

  /** Appends the fragment stored under `key` (it must be interned: check `table.has(key)`). */
  frag(table: FragmentTable, key: number): void {
    const slots = table.slots;
    const start = slots[key * 2] as number;
    const len = slots[key * 2 + 1] as number;
    if (this.base + this.pos + len > this.mem.length) this.grow(0, len);
    this.mem.copyWithin(this.base + this.pos, start, start + len);
    this.pos += len;
  }

  /** Copies the page into `target` (which must hold `length` bytes); returns the byte count. */
  copyTo(target: Buffer): number {
    return this.mem.copy(target, 0, this.base, this.base + this.pos);
  }

  /** A copy of the page's bytes. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.copyTo(out);
    return out;
  }

  toString(): string {
    return this.mem.toString('utf8', this.base, this.base + this.pos);
  }
}

/**
 * Memo of fragments under small integer keys: (offset, length) pairs in one Int32Array, so a lookup
 * touches one dense array instead of an object per fragment. Length 0 = not interned yet.
 */
export class FragmentTable {
  readonly slots: Int32Array;

  constructor(readonly size: number) {
    this.slots = new Int32Array(size * 2);
  }

  has(key: number): boolean {
    return this.slots[key * 2 + 1] !== 0;
  }
}

/** UTF-8 bytes of a constant fragment. */
export function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}
