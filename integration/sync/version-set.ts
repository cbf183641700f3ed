// The record versions (source key + payload hash) a run has been served, to tell a record served
// again within the run (a duplicate) from a new one. A run of a large silo is served a million
// versions: as a Set of "key NUL hash" strings that was two to three heap objects and ~200 bytes a
// version, all of it old-generation data every major collection marked. Here a version is a
// 128-bit digest in one open-addressing table of 32-bit words: one typed array, no object per
// version, 16 bytes (at most 64 with the table's slack) off the JavaScript heap.
import { createHash } from "node:crypto";

const WORDS = 4; // 128 bits a version

export class VersionSet {
  private table = new Uint32Array(1024 * WORDS);
  private mask = 1024 - 1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Add the version; false when it was there already. */
  add(sourceKey: string, hash: string): boolean {
    const d = createHash("sha256").update(sourceKey).update("\u0000").update(hash).digest();
    // an all-zero first word marks an empty slot
    const w0 = d.readUInt32LE(0) || 1;
    const w1 = d.readUInt32LE(4);
    const w2 = d.readUInt32LE(8);
    const w3 = d.readUInt32LE(12);
    if (!this.insert(w0, w1, w2, w3)) return false;
    if (++this.count * 2 > this.mask + 1) this.grow();
    return true;
  }

  private insert(w0: number, w1: number, w2: number, w3: number): boolean {
    const t = this.table;
    for (let slot = w1 & this.mask; ; slot = (slot + 1) & this.mask) {
      const i = slot * WORDS;
      if (t[i] === 0) {
        t[i] = w0;
        t[i + 1] = w1;
        t[i + 2] = w2;
        t[i + 3] = w3;
        return true;
      }
      if (t[i] === w0 && t[i + 1] === w1 && t[i + 2] === w2 && t[i + 3] === w3) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = (old.length / WORDS) * 2 - 1;
    for (let i = 0; i < old.length; i += WORDS)
      if (old[i] !== 0) this.insert(old[i]!, old[i + 1]!, old[i + 2]!, old[i + 3]!);
  }
}
