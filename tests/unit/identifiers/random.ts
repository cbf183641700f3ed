// Seeded PRNG (mulberry32) so property-style loops are reproducible.

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(rand: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

export function digits(rand: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String(Math.floor(rand() * 10));
  return s;
}

/** Replace the character at `i` with a different one from `alphabet`. */
export function substitute(rand: () => number, s: string, i: number, alphabet: string): string {
  const current = s[i];
  const others = [...alphabet].filter((ch) => ch !== current);
  return s.slice(0, i) + pick(rand, others) + s.slice(i + 1);
}
