// Public security mapping: population rows and 110 incidents of a generated city → drafts that
// agree with the ground truth; the manifest declares exactly what the drafts fill.
import { describe, expect, it } from "vitest";
import { connectorManifestSchema, type JsonValue } from "../../../connectors/contract.js";
import { publicSecurityManifest } from "../../../connectors/departments/public-security/manifest.js";
import {
  INCIDENT_CATEGORIES,
  INCIDENT_OUTCOME_STATUS,
  INVOLVED_ROLES,
  mapPublicSecurity,
  SEX_CODES,
} from "../../../connectors/departments/public-security/map.js";
import {
  SEX_CODES as GB_SEX_CODES,
  INCIDENT_CATEGORIES as GENERATED_CATEGORIES,
  INCIDENT_OUTCOMES,
} from "../../../sandbox/generator/tables/codes.js";
import { DATASETS } from "../../../sandbox/generator/truth.js";
import {
  danglingRefs,
  declaredFields,
  draftsOf,
  eventsOf,
  filledFields,
  type Item,
  personMismatches,
  personsOf,
  siloItems,
  wrap,
} from "./support.js";

const items = siloItems("publicSecurity");
const outcomes = items.map((item) => mapPublicSecurity(item.input));
const byDataset = (name: string) =>
  items.map((item, i) => ({ item, outcome: outcomes[i]! })).filter((x) => x.item.dataset === name);
const compactDate = (v: string) => `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
const translations = {
  sex: (v: string) => SEX_CODES[v] ?? null,
  birthDate: compactDate,
};

describe("public security manifest", () => {
  it("passes the contract schema", () => {
    expect(connectorManifestSchema.parse(publicSecurityManifest)).toEqual(publicSecurityManifest);
    expect(publicSecurityManifest.id).toBe("public-security");
    expect(publicSecurityManifest.department.code).toBe("public_security");
    expect(publicSecurityManifest.produces.sort()).toEqual(["EVENT", "PERSON"]);
  });

  it("declares every field the mapping fills, and nothing else", () => {
    const filled = filledFields(outcomes.flatMap(draftsOf));
    expect([...declaredFields(publicSecurityManifest)].sort()).toEqual([...filled].sort());
  });

  it("classes IDs sensitive, contact data personal and police matters secret", () => {
    const cls = (element: string, field: string) =>
      publicSecurityManifest.fields.find((f) => f.element === element && f.field === field)?.sensitivity;
    expect(cls("PERSON", "citizenId")).toBe("SENSITIVE");
    expect(cls("PERSON", "name")).toBe("PERSONAL");
    expect(cls("PERSON", "phone")).toBe("PERSONAL");
    expect(cls("EVENT", "description")).toBe("SECRET");
    expect(cls("EVENT", "persons")).toBe("SECRET");
    expect(cls("EVENT", "title")).toBe("INTERNAL");
  });
});

describe("mapping the generated city", () => {
  it("covers both datasets and maps every record", () => {
    expect(new Set(items.map((i) => i.dataset))).toEqual(new Set(DATASETS.publicSecurity));
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed).toEqual([]);
  });

  it("population rows: one person agreeing with the ground truth, both addresses with their community", () => {
    for (const { item, outcome } of byDataset("population")) {
      const drafts = draftsOf(outcome);
      expect(personMismatches(item, drafts, translations)).toEqual([]);
      expect(drafts).toHaveLength(1);
      const [person] = personsOf(drafts);
      expect(person!.ethnicity).toBe(item.record.MZDM);
      expect(person!.addresses).toEqual([
        { kind: "REGISTERED", text: item.record.HJDZ, areaCode: item.record.HJDZXZQH },
        { kind: "RESIDENT", text: item.record.XZZ, areaCode: item.record.XZZXZQH },
      ]);
    }
  });

  it("incidents: a POLICE_INCIDENT in the truth's street, at the call time, with its persons", () => {
    for (const { item, outcome } of byDataset("incidents")) {
      const drafts = draftsOf(outcome);
      expect(personMismatches(item, drafts, translations)).toEqual([]);
      expect(danglingRefs(drafts)).toEqual([]);
      const [event, ...more] = eventsOf(drafts);
      expect(more).toHaveLength(0);
      const r = item.record as Record<string, string>;
      expect(event).toMatchObject({
        kind: "POLICE_INCIDENT",
        areaCode: item.truth.areas.find((a) => a.field === "XZQH")!.code,
        occurredAt: `${compactDate(r.BJSJ!)}T${r.BJSJ!.slice(8, 10)}:${r.BJSJ!.slice(10, 12)}:${r.BJSJ!.slice(12)}+08:00`,
        status: INCIDENT_OUTCOME_STATUS[r.CJJG!],
        addressText: r.AFDD,
        handlingUnit: r.GXDW,
        title: r.JQLBMC,
      });
      expect(event!.details).toMatchObject({
        category: INCIDENT_CATEGORIES[r.JQLB!]!.category,
        outcome: r.CJJG,
      });
      expect(event!.persons.find((p) => p.role === "REPORTER")?.ref).toBe("reporter");
      const involved = item.record.SJRY as {
        RYLX: string;
        XM: string | null;
        GMSFHM: string | null;
        LXDH: string | null;
      }[];
      involved.forEach((entry, i) => {
        const known = entry.XM !== null || entry.GMSFHM !== null || entry.LXDH !== null;
        const link = event!.persons.find((p) => p.ref === `involved:${i}`);
        expect(link?.role).toBe(known ? INVOLVED_ROLES[entry.RYLX] : undefined);
      });
    }
  });

  it("reporters and involved persons carry the sex the police wrote down (报警人性别, 性别), blank left out", () => {
    const persons = byDataset("incidents").flatMap(({ item, outcome }) =>
      item.truth.persons.map((ref, i) => ({ ref, draft: personsOf(draftsOf(outcome))[i] })),
    );
    const written = persons.filter(({ ref }) => ref.fields.sex !== undefined);
    expect(written.filter(({ ref }) => ref.role === "reporter").length).toBeGreaterThan(0);
    expect(written.filter(({ ref }) => ref.role === "involved").length).toBeGreaterThan(0);
    for (const { draft } of written) expect(draft?.sex).toMatch(/^(MALE|FEMALE)$/);
    for (const { ref, draft } of persons.filter(({ ref }) => ref.fields.sex === undefined))
      if (draft) expect(draft.sex, JSON.stringify(ref)).toBeUndefined();
  });

  it("passes dirty identifiers through as written (15-digit, lower-case x, bad check)", () => {
    const dirtyIds = byDataset("population").filter(({ item }) =>
      item.truth.dirt.some((d) => d.field === "GMSFHM" && d.kind.startsWith("id")),
    );
    expect(dirtyIds.length).toBeGreaterThan(0);
    for (const { item, outcome } of dirtyIds)
      expect(personsOf(draftsOf(outcome))[0]!.citizenId).toBe(item.record.GMSFHM);
  });

  it("every transfer to 12345 and to the grid is DISPATCHED", () => {
    const transfers = byDataset("incidents").filter(({ item }) =>
      String(item.record.CJJG).startsWith("已移交"),
    );
    expect(transfers.length).toBeGreaterThan(0);
    for (const { outcome } of transfers) expect(eventsOf(draftsOf(outcome))[0]!.status).toBe("DISPATCHED");
  });
});

describe("translation tables cover every code the generator knows", () => {
  it("sex codes (GB/T 2261.1)", () => {
    expect(Object.keys(SEX_CODES).sort()).toEqual(Object.keys(GB_SEX_CODES).sort());
  });
  it("警情类别 and 处警结果", () => {
    for (const c of GENERATED_CATEGORIES) expect(INCIDENT_CATEGORIES[c.code]?.name, c.code).toBe(c.name);
    for (const o of [...INCIDENT_OUTCOMES, "已移交12345热线", "已移交网格调解"])
      expect(INCIDENT_OUTCOME_STATUS[o], o).toBeDefined();
  });
  it("人员类型", () => {
    for (const t of ["当事人", "嫌疑人", "求助人"]) expect(INVOLVED_ROLES[t], t).toBeDefined();
  });
});

describe("problems instead of exceptions", () => {
  const incident = byDataset("incidents").find(
    ({ item }) => (item.record.SJRY as unknown[]).length > 0,
  )!.item;
  const person = byDataset("population")[0]!.item;
  const edit = (base: Item, change: Record<string, JsonValue | undefined>) => {
    const record: Record<string, JsonValue> = { ...base.record };
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) delete record[k];
      else record[k] = v;
    }
    return wrap(base.dataset, record, base.truth.sourceKey);
  };

  const cases: [string, Item, Record<string, JsonValue | undefined>, string, string][] = [
    ["no call time", incident, { BJSJ: undefined }, "MISSING_FIELD", "BJSJ"],
    ["blank call time", incident, { BJSJ: "  " }, "MISSING_FIELD", "BJSJ"],
    ["a call time on 30 February", incident, { BJSJ: "20250230101010" }, "INVALID_VALUE", "BJSJ"],
    ["no area", incident, { XZQH: undefined }, "MISSING_FIELD", "XZQH"],
    ["an area code that names no area", incident, { XZQH: "32060" }, "UNKNOWN_AREA", "XZQH"],
    ["an unknown 处警结果", incident, { CJJG: "已飞走" }, "INVALID_VALUE", "CJJG"],
    ["an unknown 警情类别", incident, { JQLB: "42" }, "INVALID_VALUE", "JQLB"],
    ["涉事人员 not a list", incident, { SJRY: "张三" }, "MALFORMED_RECORD", "SJRY"],
    [
      "an unknown 人员类型",
      incident,
      { SJRY: [{ XM: "张三", GMSFHM: null, LXDH: null, RYLX: "路人甲" }] },
      "INVALID_VALUE",
      "SJRY[0].RYLX",
    ],
    ["an unknown 报警人性别", incident, { BJRXB: "M" }, "INVALID_VALUE", "BJRXB"],
    [
      "an unknown 涉事人员性别",
      incident,
      { SJRY: [{ XM: "张三", GMSFHM: null, LXDH: null, XB: "5", RYLX: "当事人" }] },
      "INVALID_VALUE",
      "SJRY[0].XB",
    ],
    ["a person with neither ID nor name", person, { GMSFHM: null, XM: "" }, "MISSING_FIELD", "GMSFHM"],
    ["an unparseable birth date", person, { CSRQ: "1990-13-45" }, "INVALID_VALUE", "CSRQ"],
    ["an unknown sex code", person, { XBDM: "3" }, "INVALID_VALUE", "XBDM"],
    ["a name that is not text", person, { XM: { first: "三" } }, "INVALID_VALUE", "XM"],
    ["a community code that names no area", person, { XZZXZQH: "abc" }, "UNKNOWN_AREA", "XZZXZQH"],
  ];
  it.each(cases)("%s", (_what, base, change, code, field) => {
    const outcome = mapPublicSecurity(edit(base, change));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toContainEqual(expect.objectContaining({ code, field }));
    // the message names the record by its own key
    const key = String(base.record.JJDBH ?? base.record.RYBH);
    expect(outcome.problems.every((p) => p.message.includes(key))).toBe(true);
  });

  const payloads: [string, JsonValue, string][] = [
    ["a string payload", "GMSFHM,XM", "payload"],
    ["an array payload", [1, 2], "payload"],
    ["a null payload", null, "payload"],
    ["no dataset name", { record: {} }, "dataset"],
    ["an unknown dataset", { dataset: "vehicles", record: {} }, "dataset"],
    ["a record that is not an object", { dataset: "incidents", record: [1] }, "record"],
  ];
  it.each(payloads)("%s is a malformed record", (_what, payload, field) => {
    const outcome = mapPublicSecurity({ sourceKey: "K-9", payload });
    expect(outcome).toEqual({
      ok: false,
      problems: [{ code: "MALFORMED_RECORD", field, message: expect.stringContaining("K-9") }],
    });
  });
});
