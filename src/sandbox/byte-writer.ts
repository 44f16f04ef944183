/**
 * A growable byte buffer for the order hot path: memoized JSON fragments are copied in as bytes,
 * so a page is serialized without building (and later flattening) large string ropes.
 */
export class ByteWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 1 << 18) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  reset(): void {
    this.pos = 0;
  }

  get length(): number {
    return this.pos;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Any string, UTF-8 encoded. */
  text(s: string): void {
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A copy of the bytes written (the internal buffer is reused). */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  toString(): string {
    return this.buf.toString('utf8', 0, this.pos);
  }
}

/** UTF-8 bytes of a constant fragment. */
export function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}
