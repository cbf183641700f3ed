// Seeded, splittable pseudo-random numbers for the synthetic city.
//
// One string seed is hashed once (cyrb128) into a 128-bit base state. Every entity draws from its
// own stream, derived from (base, label, index[, sub]) by integer mixing, so that person 123 456 or
// work order 7 can be generated on its own, in any order, without generating what comes before it.
// The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 32-bit variant).
// Pure integer arithmetic on 32-bit values: identical output on every platform and Node version.

export type SeedState = readonly [number, number, number, number];

/** cyrb128: a fast 128-bit string hash (public domain, bryc). */
export function hashSeed(seed: string): SeedState {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < seed.length; i++) {
    const k = seed.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** MurmurHash3's 32-bit finaliser: a good avalanche mix of one word. */
export function fmix32(input: number): number {
  let h = input | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const labelHashes = new Map<string, number>();

/** FNV-1a of a stream label, cached (labels are a small fixed set). */
function labelHash(label: string): number {
  let h = labelHashes.get(label);
  if (h === undefined) {
    h = 0x811c9dc5;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    h = fmix32(h);
    labelHashes.set(label, h);
  }
  return h;
}

export interface Weighted<T> {
  readonly value: T;
  readonly weight: number;
}

/** A weighted table prepared once (cumulative weights) and sampled by binary search. */
export class WeightedTable<T> {
  readonly values: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(entries: readonly Weighted<T>[]) {
    if (entries.length === 0) throw new Error("WeightedTable needs at least one entry");
    this.values = entries.map((e) => e.value);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach((e, i) => {
      if (!(e.weight >= 0)) throw new Error(`negative or NaN weight at ${i}`);
      sum += e.weight;
      this.cumulative[i] = sum;
    });
    if (sum <= 0) throw new Error("WeightedTable weights sum to zero");
    this.total = sum;
  }

  /** Index of the entry that the uniform value u in [0, 1) falls into. */
  indexAt(u: number): number {
    const target = u * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  pick(rng: Rng): T {
    return this.values[this.indexAt(rng.float())]!;
  }
}

/** Build a WeightedTable from [value, weight] pairs. */
export function weighted<T>(pairs: readonly (readonly [T, number])[]): WeightedTable<T> {
  return new WeightedTable(pairs.map(([value, weight]) => ({ value, weight })));
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(state: SeedState) {
    this.a = state[0] | 0;
    this.b = state[1] | 0;
    this.c = state[2] | 0;
    this.d = state[3] | 0;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Next 32-bit unsigned integer (sfc32). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max < min) throw new Error(`int(${min}, ${max}): empty range`);
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** A triangular-ish integer in [min, max] peaking at mode (sum of two uniforms bent to the mode). */
  triangular(min: number, mode: number, max: number): number {
    const u = this.float();
    const f = (mode - min) / (max - min || 1);
    const x =
      u < f
        ? min + Math.sqrt(u * (max - min) * (mode - min))
        : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
    return Math.min(max, Math.max(min, Math.round(x)));
  }

  /** Zero-padded decimal digits. */
  digits(count: number): string {
    let s = "";
    for (let i = 0; i < count; i++) s += String(this.next() % 10);
    return s;
  }
}

/**
 * The stream for one entity: (base seed, label, index, sub). Streams with different arguments are
 * independent for practical purposes; the same arguments always give the same stream.
 */
export function streamRng(base: SeedState, label: string, index: number, sub = 0): Rng {
  const lh = labelHash(label);
  const lo = index >>> 0;
  const hi = Math.floor(index / 4294967296) >>> 0;
  const a = fmix32(base[0] ^ lh ^ Math.imul(lo, 0x9e3779b1));
  const b = fmix32(base[1] ^ fmix32(lo + 0x7f4a7c15) ^ Math.imul(sub + 1, 0x85ebca6b));
  const c = fmix32(base[2] ^ fmix32(lh + hi) ^ Math.imul(lo ^ sub, 0xc2b2ae35));
  const d = fmix32(base[3] ^ fmix32(a ^ b ^ c) ^ sub);
  return new Rng([a, b, c, d]);
}

/**
 * A keyed pseudo-random bijection on [0, n): a 4-round balanced Feistel network over the smallest
 * even number of bits covering n, with cycle walking. Used to hand out unique identifiers (phone
 * tails, ID sequence slots, organisation codes, record numbers) from indices, without a global
 * set of the values already used.
 */
export class Permutation {
  private readonly halfBits: number;
  private readonly mask: number;
  private readonly keys: readonly number[];

  constructor(
    readonly size: number,
    key: number,
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new Error(`Permutation size must be a positive integer: ${size}`);
    let bits = 2;
    while (2 ** bits < size) bits += 2;
    if (bits > 52) throw new Error(`Permutation size too large: ${size}`);
    this.halfBits = bits / 2;
    this.mask = 2 ** this.halfBits - 1;
    this.keys = [
      fmix32(key ^ 0x243f6a88),
      fmix32(key ^ 0x85a308d3),
      fmix32(key ^ 0x13198a2e),
      fmix32(key ^ 0x03707344),
    ];
  }

  /** Round function on a half (< 2^26, so plain 32-bit integer mixing suffices). */
  private round(x: number, k: number): number {
    return fmix32((fmix32(x ^ k) + k) | 0) & this.mask;
  }

  private encrypt(x: number): number {
    const base = this.mask + 1;
    let left = Math.floor(x / base);
    let right = x % base;
    for (const k of this.keys) {
      const next = (left ^ this.round(right, k)) & this.mask;
      left = right;
      right = next;
    }
    return left * base + right;
  }

  apply(x: number): number {
    if (!(x >= 0 && x < this.size)) throw new Error(`Permutation input ${x} outside [0, ${this.size})`);
    let y = this.encrypt(x);
    while (y >= this.size) y = this.encrypt(y);
    return y;
  }
}

/** A 32-bit key for a Permutation, from the base seed and a label. */
export function permutationKey(base: SeedState, label: string): number {
  return fmix32(base[0] ^ labelHash(label) ^ fmix32(base[2]));
}
