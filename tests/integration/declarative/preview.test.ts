// previewConnector: the dry run an operator sees before registering a definition — the first N
// records from the real source, mapped, with every record problem and every definition problem.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeclarativeDefinitionInput } from "../../../connectors/declarative/definition.js";
import { closeEvaluator } from "../../../connectors/declarative/evaluator.js";
import { previewConnector } from "../../../connectors/declarative/preview.js";
import {
  definitionFor,
  EXAMPLE,
  type HousingRentalSystem,
  type Rental,
  rentals,
  startHousingRentalSystem,
} from "./support.js";

let system: HousingRentalSystem;
const clean = rentals(60);

/** Registrations with the faults real exports have, at known places. */
function dirty(): Rental[] {
  const data = structuredClone(clean);
  data[3]!.登记日期 = "2026-02-30 10:00:00"; // not a calendar date
  data[5]!.状态 = "待审核"; // a status the mapping does not know
  data[7]!.登记编号 = ""; // no key
  (data[9] as { 月租金: unknown }).月租金 = "面议"; // "negotiable": not a number
  return data;
}

beforeAll(async () => {
  system = await startHousingRentalSystem(clean);
});
afterAll(async () => {
  await system.close();
  await closeEvaluator();
});

const example = (): DeclarativeDefinitionInput => definitionFor(system, "/api/rentals", EXAMPLE.source);

describe("previewConnector", () => {
  it("returns the first N records mapped, in one request", async () => {
    system.state.requests = [];
    const preview = await previewConnector(example(), { limit: 7 });
    expect(preview.errors).toEqual([]);
    expect(preview.records.map((r) => r.sourceKey)).toEqual(clean.slice(0, 7).map((r) => r.登记编号));
    expect(preview.records[0]!.payload).toEqual(clean[0]);
    for (const r of preview.records) {
      expect(r.problems).toEqual([]);
      expect(r.drafts!.map((d) => `${d.element}:${d.ref}`)).toEqual([
        "PERSON:landlord",
        "PERSON:tenant",
        "EVENT:registration",
      ]);
    }
    expect(preview.records[6]!.drafts![2]).toMatchObject({
      kind: "GRID_REPORT",
      title: `出租房屋登记 ${clean[6]!.登记编号}`,
      areaCode: clean[6]!.网格编码,
    });
    expect(system.state.requests).toEqual(["/api/rentals?limit=7"]);
  });

  it("pages on when one page is not enough", async () => {
    const page = definitionFor(system, "/api/rentals/by-page", {
      format: "JSON",
      recordsPath: "data.list",
      paging: { style: "PAGE", pageParam: "pageNo", sizeParam: "pageSize" },
    });
    const preview = await previewConnector(page, { limit: 45 });
    expect(preview.errors).toEqual([]);
    expect(preview.records).toHaveLength(45);
    const few = await previewConnector(example(), { limit: 200 });
    expect(few.records).toHaveLength(clean.length);
  });

  it("reports every problem: per record, and for the definition", async () => {
    system.state.data = dirty();
    try {
      const preview = await previewConnector(example(), { limit: 12 });
      expect(preview.records).toHaveLength(12);
      const problems = Object.fromEntries(
        preview.records.map((r, i) => [i, r.problems.map((p) => `${p.code} ${p.field}`)]),
      );
      expect(problems).toEqual({
        0: [],
        1: [],
        2: [],
        3: ["INVALID_VALUE drafts[2].occurredAt", "INVALID_VALUE drafts[2].reportedAt"],
        4: [],
        5: ["MISSING_FIELD drafts[2].status"],
        6: [],
        7: ["MISSING_FIELD 登记编号"], // quarantined by sync, the rest of its page stored
        8: [],
        9: ["INVALID_VALUE mapping.expression"],
        10: [],
        11: [],
      });
      expect(preview.records[3]!.drafts).toBeNull();
      expect(preview.records[9]!.problems[0]!.message).toMatch(/JSONata D3030 at position \d+ .*"面议"/);
      expect(preview.records[7]!.sourceKey).toBeNull();
      expect(preview.errors).toEqual([]);
    } finally {
      system.state.data = clean;
    }
  });

  it("finds element kinds and fields the manifest does not declare", async () => {
    const def = example();
    const preview = await previewConnector(
      {
        ...def,
        mapping: {
          language: "JSONata",
          // the kind is computed, so only real records can show it
          expression:
            '[{"element": "PERSON", "ref": "t", "name": 承租人姓名, "sex": "FEMALE"},' +
            ' {"element": $uppercase("organisation"), "ref": "bureau", "name": 登记机关, "kind": "GOVERNMENT_UNIT"}]',
        },
      },
      { limit: 3 },
    );
    expect(preview.records.every((r) => r.problems.some((p) => p.field === "drafts[1].element"))).toBe(true);
    expect(preview.errors).toEqual([
      {
        path: "manifest.produces",
        message: expect.stringMatching(
          /^the mapping produces ORGANISATION \(record ZL2026000001 drafts\[1\]\)/,
        ),
      },
      { path: "manifest.fields", message: expect.stringContaining("fills PERSON.sex") },
      { path: "manifest.fields", message: expect.stringContaining("fills ORGANISATION.name") },
      { path: "manifest.fields", message: expect.stringContaining("fills ORGANISATION.kind") },
    ]);
  });

  it("a mapping of the wrong shape: problems naming the field on every record", async () => {
    const preview = await previewConnector(
      {
        ...example(),
        mapping: {
          language: "JSONata",
          expression:
            '{"element": "EVENT", "ref": "e", "kind": "GRID_REPORT", "title": 登记编号, "occurredAt": 登记日期,' +
            ' "reportedAt": 登记日期, "areaCode": 网格编码, "status": "REPORTED", "persons": [], "organisations": []}',
        },
      },
      { limit: 4 },
    );
    for (const r of preview.records)
      expect(r.problems.map((p) => p.field)).toEqual(["drafts[0].occurredAt", "drafts[0].reportedAt"]);
  });

  it("returns definition errors without asking the source", async () => {
    system.state.requests = [];
    const preview = await previewConnector(
      { ...example(), mapping: { language: "JSONata", expression: "[{" } },
      { limit: 5 },
    );
    expect(preview).toEqual({
      records: [],
      errors: [
        {
          path: "mapping.expression",
          message: expect.stringMatching(/^JSONata syntax error S0\d+ at position/),
        },
      ],
    });
    expect(system.state.requests).toEqual([]);
  });

  it("names the part of the definition the source did not fit", async () => {
    for (const [fault, path, message] of [
      ["error500", "source.endpoint", /HTTP 500/],
      ["garbage", "source.format", /not valid JSON/],
      ["noRecords", "source.recordsPath", /no list of records at data\.records/],
    ] as const) {
      system.state.fault = fault;
      try {
        const preview = await previewConnector(example(), { limit: 5 });
        expect(preview.records).toEqual([]);
        expect(preview.errors).toEqual([{ path, message: expect.stringMatching(message) }]);
      } finally {
        system.state.fault = "none";
      }
    }
  });

  it("takes a limit from 1 to 1000", async () => {
    await expect(previewConnector(example(), { limit: 0 })).rejects.toThrow(RangeError);
    await expect(previewConnector(example(), { limit: 1.5 })).rejects.toThrow(RangeError);
  });
});
