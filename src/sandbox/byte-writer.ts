/**
 * The byte space of the order hot path. A 100-order page of the large dataset is ~130 KB assembled
 * from ~2,000 pieces: memoized JSON fragments (interned once, e.g. a product's price object),
 * constants (`,"status":"`) and a few digits written per order (ids, times).
 *
 * Copying each piece as it comes costs one `copyWithin` per piece: ~65 ns, nearly all of it the
 * call into the engine's builtin, not the bytes (measured here: the same for 64 KB and 2.8 MB of
 * fragments). So pieces are not copied as they come. Each append records an (offset, length) pair
 * in a list; digits go to a scratch area first. `flush()` then assembles the page in one call into
 * a WebAssembly loop of twenty instructions (gather-wasm.ts) that runs `memory.copy` for every pair:
 * ~24 ns a piece, list writing included. Fragments, scratch, list and page all live in the one
 * WebAssembly.Memory that function copies within.
 *
 * Layout: [fragments | scratch | list | page]. Fragments grow up from 0 and their offsets never
 * change. When the fragments need room, pending pieces are flushed first, then the memory grows and
 * the page moves up; when the page needs room, the memory grows (the page is last). One page is
 * written at a time (the request pipeline is synchronous): `reset()` starts a page; `length`,
 * `copyTo()`, `toBuffer()` and `toString()` see every piece appended so far.
 */
import { createGatherer, WASM_PAGE_BYTES, type WasmMemory } from './gather-wasm.ts';

export interface ByteWriterSizes {
  /** Initial page room in bytes (grows as needed). */
  page?: number;
  /** Initial fragment room in bytes (grows as needed). */
  fragments?: number;
  /** Digits written between two flushes. */
  scratch?: number;
  /** Pieces recorded between two flushes. */
  pieces?: number;
}

export class ByteWriter {
  private readonly memory: WasmMemory;
  private readonly gather: (list: number, count: number, dst: number) => number;
  private mem!: Buffer;
  private list!: Int32Array;
  private fragCap: number;
  private fragTop = 0;
  private readonly scratchCap: number;
  private readonly listCap: number;
  private scratchBase = 0;
  private listBase = 0;
  private pageBase = 0;
  private pageCap: number;
  /** Bytes of the page already assembled at pageBase. */
  private pos = 0;
  /** Pieces recorded and not assembled yet, their total bytes, and the scratch bytes they use. */
  private count = 0;
  private pendingBytes = 0;
  private scratchPos = 0;
  /** Offset of each interned text. */
  private readonly offsets = new Map<string, number>();
  /** (offset, length) of each constant interned so far, by Constant.id. */
  private constantSlots = new Int32Array(256);

  constructor(sizes: ByteWriterSizes = {}) {
    this.pageCap = atLeast(sizes.page ?? 1 << 18, 'page');
    this.fragCap = atLeast(sizes.fragments ?? 1 << 16, 'fragments');
    this.scratchCap = atLeast(sizes.scratch ?? 1 << 14, 'scratch');
    this.listCap = atLeast(sizes.pieces ?? 4096, 'pieces');
    const { memory, gather } = createGatherer();
    this.memory = memory;
    this.gather = gather;
    this.layout();
  }

  /** Places scratch, list and page above the fragments, growing the memory to hold them. */
  private layout(): void {
    this.scratchBase = this.fragCap;
    this.listBase = align4(this.scratchBase + this.scratchCap);
    this.pageBase = this.listBase + this.listCap * 8;
    const need = this.pageBase + this.pageCap;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / WASM_PAGE_BYTES));
    // Growing detaches the old ArrayBuffer: views are made afresh.
    this.mem = Buffer.from(this.memory.buffer);
    this.list = new Int32Array(this.memory.buffer, this.listBase, this.listCap * 2);
  }

  /** Starts a new page (fragments are kept). */
  reset(): void {
    this.pos = 0;
    this.count = 0;
    this.pendingBytes = 0;
    this.scratchPos = 0;
  }

  /** Bytes of the current page. */
  get length(): number {
    return this.pos + this.pendingBytes;
  }

  /** Assembles the recorded pieces into the page. */
  private flush(): void {
    if (this.count === 0) return;
    if (this.pos + this.pendingBytes > this.pageCap) this.growPage(this.pos + this.pendingBytes);
    // The i32 result is signed in JS: `>>> 0` reads it back as the unsigned offset it is.
    const end = this.gather(this.listBase, this.count, this.pageBase + this.pos) >>> 0;
    this.pos = end - this.pageBase;
    this.count = 0;
    this.pendingBytes = 0;
    this.scratchPos = 0;
  }

  private growPage(bytes: number): void {
    this.pageCap = Math.max(this.pageCap * 2, bytes);
    this.layout();
  }

  /** More fragment room: pending pieces are assembled first, then the page moves up. */
  private growFragments(bytes: number): void {
    this.flush();
    const oldPage = this.pageBase;
    this.fragCap = Math.max(this.fragCap * 2, this.fragTop + bytes);
    this.layout();
    this.mem.copyWithin(this.pageBase, oldPage, oldPage + this.pos);
  }

  private piece(offset: number, length: number): void {
    if (this.count === this.listCap) this.flush();
    const at = this.count * 2;
    this.list[at] = offset;
    this.list[at + 1] = length;
    this.count++;
    this.pendingBytes += length;
  }

  /** Appends a constant (interned into this space the first time this writer meets it). */
  constant(c: Constant): void {
    const at = c.id * 2;
    if (at + 1 >= this.constantSlots.length) this.growConstantSlots(at + 2);
    const slots = this.constantSlots;
    if (slots[at + 1] === 0) {
      const offset = this.store(c.bytes.length);
      this.mem.set(c.bytes, offset);
      slots[at] = offset;
      slots[at + 1] = c.bytes.length;
    }
    this.piece(slots[at] as number, slots[at + 1] as number);
  }

  private growConstantSlots(size: number): void {
    const next = new Int32Array(Math.max(size, this.constantSlots.length * 2));
    next.set(this.constantSlots);
    this.constantSlots = next;
  }

  /** Appends any string, UTF-8 encoded. */
  text(s: string): void {
    this.flush();
    const room = s.length * 3;
    if (this.pos + room > this.pageCap) this.growPage(this.pos + room);
    this.pos += this.mem.write(s, this.pageBase + this.pos, 'utf8');
  }

  /** Appends a non-negative integer in decimal, left-padded with zeros to `width` digits. */
  digits(n: number, width = 1): void {
    if (!(Number.isSafeInteger(n) && n >= 0))
      throw new RangeError(`digits: ${n} is not a non-negative integer`);
    let len = 1;
    for (let p = 10; p <= n; p *= 10) len++;
    if (len < width) len = width;
    if (this.scratchPos + len > this.scratchCap || this.count === this.listCap) {
      // Flushed BEFORE the digits are written: a flush frees the scratch area for reuse.
      this.flush();
      // A number wider than the whole scratch area (only a huge `width` can be) goes to the page.
      if (len > this.scratchCap) {
        if (this.pos + len > this.pageCap) this.growPage(this.pos + len);
        writeDigits(this.mem, this.pageBase + this.pos, n, len);
        this.pos += len;
        return;
      }
    }
    const at = this.scratchBase + this.scratchPos;
    writeDigits(this.mem, at, n, len);
    this.scratchPos += len;
    this.piece(at, len);
  }

  /** Room for `bytes` more fragment bytes; returns where they go. */
  private store(bytes: number): number {
    if (this.fragTop + bytes > this.fragCap) this.growFragments(bytes);
    const offset = this.fragTop;
    this.fragTop += bytes;
    return offset;
  }

  /**
   * Stores a fragment in this space; its handle is the pair (offset, length) written to `table`.
   * Equal texts share their bytes (many keys render the same text, e.g. every zero amount), which
   * keeps the fragments that pages read from small.
   */
  intern(text: string, table: FragmentTable, key: number): void {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes === 0) throw new RangeError('intern: empty fragment');
    let offset = this.offsets.get(text);
    if (offset === undefined) {
      offset = this.store(bytes);
      this.mem.write(text, offset, 'utf8');
      this.offsets.set(text, offset);
    }
    table.slots[key * 2] = offset;
    table.slots[key * 2 + 1] = bytes;
  }

  /** Bytes held by interned fragments and constants. */
  get fragmentBytes(): number {
    return this.fragTop;
  }

  /** Appends the fragment stored under `key` (it must be interned: check `table.has(key)`). */
  frag(table: FragmentTable, key: number): void {
    const slots = table.slots;
    this.piece(slots[key * 2] as number, slots[key * 2 + 1] as number);
  }

  /** Copies the page into `target` (which must hold `length` bytes); returns the byte count. */
  copyTo(target: Buffer): number {
    this.flush();
    return this.mem.copy(target, 0, this.pageBase, this.pageBase + this.pos);
  }

  /** A copy of the page's bytes. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.copyTo(out);
    return out;
  }

  toString(): string {
    this.flush();
    return this.mem.toString('utf8', this.pageBase, this.pageBase + this.pos);
  }
}

function writeDigits(mem: Buffer, start: number, n: number, len: number): void {
  let at = start + len;
  for (let i = 0; i < len; i++) {
    const q = Math.floor(n / 10);
    mem[--at] = 48 + (n - q * 10);
    n = q;
  }
}

function atLeast(n: number, what: string): number {
  if (!(Number.isSafeInteger(n) && n >= 1))
    throw new RangeError(`ByteWriter: ${what} must be a positive integer`);
  return n;
}

function align4(n: number): number {
  return (n + 3) & ~3;
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

/**
 * Bytes that never change (JSON punctuation and keys), declared once at module level and appended
 * by number: a writer keeps each one's handle in a small array indexed by `id`, so the hot path
 * neither hashes nor looks anything up. Ids are process-wide, so constants are module-level only
 * (per-instance bytes are fragments).
 */
export class Constant {
  private static created = 0;
  readonly id: number;
  readonly bytes: Buffer;

  constructor(readonly text: string) {
    this.bytes = Buffer.from(text, 'utf8');
    if (this.bytes.length === 0) throw new RangeError('Constant: empty text');
    this.id = Constant.created++;
  }
}
