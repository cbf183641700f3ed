// The sync engine's set of versions served in a run: a version is new once, a duplicate after,
// whatever the table's size, and a key or a hash alone does not make two versions one.
import { describe, expect, it } from "vitest";
import { VersionSet } from "../../../integration/sync/version-set.js";

describe("VersionSet", () => {
  it("says a version is new the first time and a duplicate every time after", () => {
    const seen = new VersionSet();
    expect(seen.add("population:R1", "h1")).toBe(true);
    expect(seen.add("population:R1", "h1")).toBe(false);
    expect(seen.add("population:R1", "h1")).toBe(false);
    expect(seen.size).toBe(1);
  });

  it("keeps the same key with another hash, and another key with the same hash, apart", () => {
    const seen = new VersionSet();
    expect(seen.add("k", "h")).toBe(true);
    expect(seen.add("k", "h2")).toBe(true);
    expect(seen.add("k2", "h")).toBe(true);
    // the separator keeps "a" + "bc" and "ab" + "c" apart
    expect(seen.add("a", "bc")).toBe(true);
    expect(seen.add("ab", "c")).toBe(true);
    expect(seen.size).toBe(5);
  });

  it("remembers every version as it grows past its first table", () => {
    const seen = new VersionSet();
    const n = 50_000;
    for (let i = 0; i < n; i++) expect(seen.add(`key${i}`, `hash${i % 97}`)).toBe(true);
    let duplicates = 0;
    for (let i = 0; i < n; i++) if (!seen.add(`key${i}`, `hash${i % 97}`)) duplicates++;
    expect(duplicates).toBe(n);
    expect(seen.size).toBe(n);
  });
});
