/**
 * Seeded, stateless hashing and a small sequential PRNG. The dataset is LAZY: a record is a pure
 * function of (seed, stream, index), so any record can be produced in O(1) without holding the
 * dataset in memory (memory stays flat at any scale).
 */

/** murmur3 fmix32: a bijection on 32-bit integers with good avalanche. */
export function mix32(input: number): number {
  let x = input >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hash of up to four non-negative integers (each < 2^32). Hot path: no rest arrays. */
export function hash4(a: number, b: number, c = 0, d = 0): number {
  let h = mix32(a ^ 0x9e3779b9);
  h = mix32(h ^ (b >>> 0));
  h = mix32((h + Math.imul(c >>> 0, 0x27d4eb2f)) >>> 0);
  h = mix32(h ^ Math.imul(d >>> 0, 0x165667b1));
  return h;
}

/**
 * hash4(a, b) in two steps for hot loops that hash one `a` with many `b`: `hashWith(hashSeed(a), b)`
 * equals `hash4(a, b)` (c and d zero) with one mix32 less per call.
 */
export function hashSeed(a: number): number {
  return mix32(a ^ 0x9e3779b9);
}

export function hashWith(seed: number, b: number): number {
  return mix32(mix32(mix32(seed ^ (b >>> 0))));
}

/**
 * `h % n` for a 32-bit hash `h` and a small `n` (0 < n <= 32768) known only at run time, the same
 * value computed in int32 arithmetic: hashes above 2^31 are not int32, and V8 takes a slower modulus
 * for them (~15 ns against ~4 ns here, measured; a page of orders takes a few thousand of these).
 * A literal `n` needs none of this: V8 already turns `h % 10` into a multiplication. Other `n`: `h % n`.
 */
export function modU32(h: number, n: number): number {
  if (n > 32768) return h % n;
  return ((((h >>> 16) % n) << 16) + (h & 0xffff)) % n;
}

/** A float in [0, 1) from a 32-bit hash. */
export function unit(h: number): number {
  return h / 4294967296;
}

/** FNV-1a of a string, for deriving numeric seeds from names. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Bijective scramble of an index (unique in, unique out): ids look random but never collide. */
export function permute32(index: number, key: number): number {
  return mix32((index + key) >>> 0);
}

/**
 * A numeric-string id of `digits` length, unique for distinct (prefix, index) pairs: a fixed prefix
 * (2-8 digits naming the collection), the 10-digit bijective scramble of the index, then filler
 * digits from a second hash. Hot path (order ids): no loops.
 */
export function numericId(prefix: string, index: number, key: number, digits = 19): string {
  const core = String(permute32(index, key)).padStart(10, '0');
  const fill = idFillWidth(prefix.length, digits);
  if (fill === 0) return prefix + core;
  return prefix + core + String(idFill(index, key, fill)).padStart(fill, '0');
}

/**
 * A numeric-string id of a world-level entity (seller account, shop), distinct for every
 * (seed, index) pair with seed < 2^32 and index < 10^filler: the prefix, the 10-digit bijective
 * scramble of the SEED (distinct seeds, distinct cores), then the index through a bijection of the
 * filler digits (distinct indices of one seed, distinct fillers).
 * numericId() cannot promise this across seeds: it scrambles index + key, so a seed folded into
 * the key (seed ^ salt) makes (seed, index) and (seed', index') meet whenever
 * index + (seed ^ salt) == index' + (seed' ^ salt), e.g. seeds 12 and 13 with indices 0 and 1.
 */
export function worldId(prefix: string, seed: number, index: number, salt: number, digits = 19): string {
  const fill = idFillWidth(prefix.length, digits);
  const span = POW10[fill] as number;
  if (fill === 0 || !Number.isInteger(index) || index < 0 || index >= span) {
    throw new Error(`worldId: index ${index} does not fit the ${fill} filler digits of a ${digits}-digit id`);
  }
  const core = String(permute32(seed, salt)).padStart(10, '0');
  // 7919 is prime and neither 2 nor 5, so coprime with 10^fill: index -> tail is a bijection.
  const tail = (index * 7919 + (mix32(seed ^ salt) % span)) % span;
  return prefix + core + String(tail).padStart(fill, '0');
}

/** How many filler digits follow the prefix and the 10-digit core in a `digits`-long id. */
export function idFillWidth(prefixLength: number, digits: number): number {
  return Math.min(9, Math.max(0, digits - prefixLength - 10));
}

/** The filler of numericId (written zero-padded to `fill` digits): the byte-level writers share it. */
export function idFill(index: number, key: number, fill: number): number {
  return mix32(index ^ key ^ 0x5bd1e995) % (POW10[fill] as number);
}
const POW10 = Array.from({ length: 10 }, (_, i) => 10 ** i);

/** Sequential PRNG (mulberry32) for building the small in-memory parts of the world. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.float() * items.length)];
    if (item === undefined) throw new Error('Rng.pick: empty list');
    return item;
  }

  /** Standard normal sample (Box-Muller). */
  normal(): number {
    const u = Math.max(this.float(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }
}

/** Pick from a list with a hash instead of a sequential PRNG (lazy records). */
export function pickBy<T>(items: readonly T[], h: number): T {
  const item = items[h % items.length];
  if (item === undefined) throw new Error('pickBy: empty list');
  return item;
}
