import { describe, expect, it } from "vitest";
import { addWorkingDays, dayOf, formatDate, partsOf, weekday } from "../../../sandbox/generator/calendar.js";
import { hashSeed, Permutation, streamRng, weighted } from "../../../sandbox/generator/rng.js";

describe("seeded PRNG", () => {
  it("gives the same stream for the same (seed, label, index) and different ones otherwise", () => {
    const base = hashSeed("seed-1");
    const draw = (label: string, index: number) => {
      const r = streamRng(base, label, index);
      return Array.from({ length: 8 }, () => r.next());
    };
    expect(draw("person", 42)).toEqual(draw("person", 42));
    expect(draw("person", 42)).not.toEqual(draw("person", 43));
    expect(draw("person", 42)).not.toEqual(draw("household", 42));
    const other = streamRng(hashSeed("seed-2"), "person", 42);
    expect(Array.from({ length: 8 }, () => other.next())).not.toEqual(draw("person", 42));
  });

  it("has helpers that stay in range and follow weights", () => {
    const r = streamRng(hashSeed("x"), "helpers", 0);
    const table = weighted([
      ["a", 1],
      ["b", 3],
    ] as const);
    let b = 0;
    let outOfRange = 0;
    for (let i = 0; i < 20_000; i++) {
      const n = r.int(3, 7);
      if (n < 3 || n > 7) outOfRange++;
      if (table.pick(r) === "b") b++;
    }
    expect(outOfRange).toBe(0);
    expect(b / 20_000).toBeGreaterThan(0.73);
    expect(b / 20_000).toBeLessThan(0.77);
  });

  it("Permutation is a bijection on [0, n)", () => {
    for (const n of [1, 2, 7, 1000, 182_500]) {
      const p = new Permutation(n, 12345);
      const seen = new Uint8Array(n);
      for (let x = 0; x < n; x++) seen[p.apply(x)] = 1;
      expect(seen.reduce((s, v) => s + v, 0)).toBe(n);
    }
  });
});

describe("calendar", () => {
  it("converts days to civil dates like Date does", () => {
    for (let day = dayOf("1900-01-01"); day < dayOf("2100-01-01"); day += 37) {
      const d = new Date(day * 86_400_000);
      expect(partsOf(day)).toEqual({
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
      });
    }
  });

  it("adds working days skipping weekends", () => {
    const fri = dayOf("2024-07-05");
    expect(weekday(fri)).toBe(5);
    expect(formatDate(addWorkingDays(fri, 0))).toBe("2024-07-05");
    expect(formatDate(addWorkingDays(fri, 1))).toBe("2024-07-08");
    expect(formatDate(addWorkingDays(fri, 3))).toBe("2024-07-10");
    expect(formatDate(addWorkingDays(fri, 13))).toBe("2024-07-24");
    const sat = dayOf("2024-07-06");
    expect(formatDate(addWorkingDays(sat, 1))).toBe("2024-07-08");
  });
});
