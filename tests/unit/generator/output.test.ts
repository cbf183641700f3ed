import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeCity, writeGroundTruth } from "../../../sandbox/generator/output.js";
import { emptyTruth, type Summary } from "../../../sandbox/generator/truth.js";

const dir = mkdtempSync(join(tmpdir(), "citygraph-generator-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (path: string) => readFileSync(path, "utf8").split("\n").filter(Boolean);

describe("writing the city", () => {
  it("writes every dataset, the ground truth separately, truth entities and a summary", () => {
    const { summary } = writeCity({ seed: "out", persons: 600 }, dir);
    let records = 0;
    for (const ds of summary.datasets) {
      const rows = lines(join(dir, ds.file));
      expect(rows.length, ds.file).toBe(ds.records);
      records += rows.length;
      // source files never contain ground-truth fields
      expect(rows.some((r) => r.includes('"duplicateOf"') || r.includes('"persons":['))).toBe(false);
    }
    const truth = lines(join(dir, "ground-truth.jsonl"));
    expect(truth.length).toBe(records);
    expect(summary.groundTruthRecords).toBe(records);
    expect(lines(join(dir, "truth", "persons.jsonl")).length).toBe(summary.truth.persons);
    const onDisk = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as Summary;
    expect(onDisk.silos.hotline.records).toBe(summary.silos.hotline.records);
    const again = mkdtempSync(join(tmpdir(), "citygraph-generator-"));
    writeCity({ seed: "out", persons: 600 }, again, { truthEntities: false });
    expect(readFileSync(join(again, "ground-truth.jsonl"), "utf8")).toBe(
      readFileSync(join(dir, "ground-truth.jsonl"), "utf8"),
    );
    rmSync(again, { recursive: true, force: true });
  });

  it("writeGroundTruth writes one JSON line per record", () => {
    const path = join(dir, "gt", "x.jsonl");
    const n = writeGroundTruth(path, [
      emptyTruth("hotline", "workOrders", "a"),
      emptyTruth("petition", "cases", "b"),
    ]);
    expect(n).toBe(2);
    expect(lines(path).map((l) => JSON.parse(l).sourceKey)).toEqual(["a", "b"]);
  });
});
