// Every dataset of every silo pages completely through its connector's source: the records equal
// the generator's (decoded from each silo's wire format), in order, without duplicates; the
// composite cursor walks a silo's datasets in order and is incremental after `done`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonValue, SourceRecordInput } from "../../../connectors/contract.js";
import { iterateDataset } from "../../../sandbox/generator/dataset.js";
import { siloDatasets } from "../../../sandbox/generator/silos/index.js";
import type { DatasetName } from "../../../sandbox/generator/truth.js";
import { gridAreas } from "../../../sandbox/services/grid.js";
import type { Sandbox } from "../../../sandbox/services/index.js";
import { datasetOfKey, sourcesFor, startSmallSandbox, syncToEnd, testCtx } from "./support.js";

let sandbox: Sandbox;
let sources: ReturnType<typeof sourcesFor>;

beforeAll(async () => {
  sandbox = await startSmallSandbox();
  sources = sourcesFor(sandbox);
});
afterAll(() => sandbox?.stop());

/** The generator's records of a dataset, with its key field. */
function generated(name: DatasetName): { keyField: string; records: Record<string, unknown>[] } {
  const ds = siloDatasets(sandbox.city).find((d) => d.name === name)!;
  return {
    keyField: ds.keyField,
    records: [...iterateDataset(ds)].map((e) => e.record as Record<string, unknown>),
  };
}

const asJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as JsonValue;
/** A row as the CSV export writes it: every cell a string, null → "". */
const asCsvRow = (r: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? "" : String(v)]));

function checkDataset(
  records: SourceRecordInput[],
  dataset: string,
  expected: { keyField: string; records: Record<string, unknown>[] },
  decode: (r: Record<string, unknown>) => unknown = asJson,
) {
  const mine = records.filter((r) => datasetOfKey(r) === dataset);
  expect(mine.length).toBe(expected.records.length);
  expect(new Set(mine.map((r) => r.sourceKey)).size).toBe(mine.length);
  expect(mine.map((r) => r.sourceKey)).toEqual(
    expected.records.map((r) => `${dataset}:${String(r[expected.keyField])}`),
  );
  expect(mine.map((r) => r.payload)).toEqual(expected.records.map((r) => ({ dataset, record: decode(r) })));
}

describe("paging every dataset with the client", () => {
  it("public security: population then incidents, records as served", async () => {
    const run = await syncToEnd(sources.publicSecurity, 333);
    expect([...new Set(run.records.map(datasetOfKey))]).toEqual(["population", "incidents"]);
    checkDataset(run.records, "population", generated("population"));
    checkDataset(run.records, "incidents", generated("incidents"));
    expect(run.records.length).toBe(sandbox.city.counts.incidents + generated("population").records.length);
  });

  it("civil affairs: GB18030 CSV rows keyed by the Chinese headers", async () => {
    const run = await syncToEnd(sources.civilAffairs, 40);
    expect([...new Set(run.records.map(datasetOfKey))]).toEqual(["assistance", "socialOrganisations"]);
    checkDataset(run.records, "assistance", generated("assistance"), asCsvRow);
    checkDataset(run.records, "socialOrganisations", generated("socialOrganisations"), asCsvRow);
  });

  it("hotline: work orders", async () => {
    const run = await syncToEnd(sources.hotline, 100);
    checkDataset(run.records, "workOrders", generated("workOrders"));
  });

  it("petition: XML cases decode to the generator's objects (petitioners an array, nulls, numbers, booleans)", async () => {
    const run = await syncToEnd(sources.petition, 5);
    checkDataset(run.records, "cases", generated("cases"));
    const payloads = run.records.map(
      (r) => r.payload as { record: { petitioners: unknown[]; personCount: number } },
    );
    expect(payloads.every((p) => Array.isArray(p.record.petitioners))).toBe(true);
    expect(payloads.some((p) => p.record.petitioners.length === 1)).toBe(true);
  });

  it("grid: areas, workers, addresses, units, patrols, disputes", async () => {
    const run = await syncToEnd(sources.grid, 700);
    expect([...new Set(run.records.map(datasetOfKey))]).toEqual([
      "areas",
      "gridWorkers",
      "addresses",
      "units",
      "patrolReports",
      "disputes",
    ]);
    const areas = gridAreas();
    checkDataset(run.records, "areas", {
      keyField: "areaCode",
      records: areas as unknown as Record<string, unknown>[],
    });
    expect(areas[0]).toEqual({
      areaCode: "320600",
      areaName: "南通市",
      areaLevel: "市",
      parentAreaCode: null,
    });
    for (const name of ["gridWorkers", "addresses", "units", "patrolReports", "disputes"] as const)
      checkDataset(run.records, name, generated(name));
  });

  it("counts equal the generator's for every dataset of the city", async () => {
    const all = await Promise.all(
      [sources.publicSecurity, sources.civilAffairs, sources.hotline, sources.petition, sources.grid].map(
        (s) => syncToEnd(s, 5_000),
      ),
    );
    const counts = new Map<string, number>();
    for (const run of all)
      for (const r of run.records) counts.set(datasetOfKey(r), (counts.get(datasetOfKey(r)) ?? 0) + 1);
    for (const ds of siloDatasets(sandbox.city)) {
      const n = [...iterateDataset(ds)].length;
      expect(counts.get(ds.name), ds.name).toBe(n);
    }
  });
});

describe("the composite cursor", () => {
  it("is done only at the end of the last dataset, and the next run finds nothing new", async () => {
    const run = await syncToEnd(sources.publicSecurity, 5_000);
    expect(run.pages.map((p) => p.done)).toEqual([false, true]);
    const again = await syncToEnd(sources.publicSecurity, 5_000, run.cursor);
    expect(again.records).toEqual([]);
    expect(again.pages).toHaveLength(1);
  });

  it("resumes mid-dataset from a persisted cursor", async () => {
    const first = await sources.grid.sync(null, 100, testCtx());
    const rest = await syncToEnd(sources.grid, 1_000, first.nextCursor);
    const whole = await syncToEnd(sources.grid, 1_000);
    expect([...first.records, ...rest.records].map((r) => r.sourceKey)).toEqual(
      whole.records.map((r) => r.sourceKey),
    );
  });

  it("rejects a cursor of another connector", async () => {
    const page = await sources.grid.sync(null, 10, testCtx());
    await expect(sources.publicSecurity.sync(page.nextCursor, 10, testCtx())).rejects.toThrow(/not a cursor/);
  });
});
