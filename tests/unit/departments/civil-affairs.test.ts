// Civil affairs mapping: assistance rosters and social organisations of a generated city, as the
// spreadsheet rows the bureau exports (every cell a string) → drafts agreeing with the ground truth.
import { describe, expect, it } from "vitest";
import { connectorManifestSchema, type JsonValue } from "../../../connectors/contract.js";
import { civilAffairsManifest } from "../../../connectors/departments/civil-affairs/manifest.js";
import {
  LEGAL_REPRESENTATIVE,
  mapCivilAffairs,
  SELF_RELATIONS,
  SEX_NAMES,
  SOCIAL_ORG_KINDS,
} from "../../../connectors/departments/civil-affairs/map.js";
import { RELATIONS, SOCIAL_ORG_TYPES } from "../../../sandbox/generator/tables/codes.js";
import { DATASETS } from "../../../sandbox/generator/truth.js";
import {
  asCsvRow,
  asJson,
  danglingRefs,
  declaredFields,
  draftsOf,
  filledFields,
  type Item,
  organisationMismatches,
  organisationsOf,
  personMismatches,
  personsOf,
  siloItems,
  wrap,
} from "./support.js";

const items = siloItems("civilAffairs", asCsvRow);
const outcomes = items.map((item) => mapCivilAffairs(item.input));
const byDataset = (name: string) =>
  items.map((item, i) => ({ item, outcome: outcomes[i]! })).filter((x) => x.item.dataset === name);
const translations = { sex: (v: string) => SEX_NAMES[v] ?? null };

describe("civil affairs manifest", () => {
  it("passes the contract schema and offers the live assistance lookup", () => {
    expect(connectorManifestSchema.parse(civilAffairsManifest)).toEqual(civilAffairsManifest);
    expect(civilAffairsManifest.id).toBe("civil-affairs");
    expect(civilAffairsManifest.department.code).toBe("civil_affairs");
    expect(civilAffairsManifest.capabilities).toEqual({ lookups: ["assistanceStatus"], push: false });
    expect(civilAffairsManifest.produces.sort()).toEqual(["ORGANISATION", "PERSON"]);
  });

  it("declares every field the mapping fills, plus the looked-up one, and nothing else", () => {
    const filled = filledFields(outcomes.flatMap(draftsOf));
    for (const lookup of civilAffairsManifest.capabilities.lookups) filled.add(`PERSON.${lookup}`);
    expect([...declaredFields(civilAffairsManifest)].sort()).toEqual([...filled].sort());
  });

  it("classes the ID and the assistance status sensitive", () => {
    const cls = (element: string, field: string) =>
      civilAffairsManifest.fields.find((f) => f.element === element && f.field === field)?.sensitivity;
    expect(cls("PERSON", "citizenId")).toBe("SENSITIVE");
    expect(cls("PERSON", "assistanceStatus")).toBe("SENSITIVE");
    expect(cls("PERSON", "name")).toBe("PERSONAL");
    expect(cls("ORGANISATION", "uscc")).toBe("PUBLIC");
  });
});

describe("mapping the generated city", () => {
  it("covers both datasets and maps every row, as CSV strings and as typed JSON", () => {
    expect(new Set(items.map((i) => i.dataset))).toEqual(new Set(DATASETS.civilAffairs));
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    const typed = siloItems("civilAffairs", asJson).map((item) => mapCivilAffairs(item.input));
    expect(typed.filter((o) => !o.ok)).toEqual([]);
    expect(typed.map(draftsOf)).toEqual(outcomes.map(draftsOf));
  });

  it("assistance rows: the recipient agrees with the truth; the head of household is named once", () => {
    let heads = 0;
    for (const { item, outcome } of byDataset("assistance")) {
      const drafts = draftsOf(outcome);
      // a recipient who heads the household is one person: 户主姓名 then repeats 姓名 (perhaps
      // spelt differently) and adds no draft of its own
      const recipientKey = item.truth.persons.find((p) => p.role === "recipient")!.person;
      const truth = {
        ...item.truth,
        persons: item.truth.persons.filter((p) => p.role === "recipient" || p.person !== recipientKey),
      };
      expect(personMismatches({ ...item, truth }, drafts, translations)).toEqual([]);
      const r = item.record as Record<string, string>;
      const recipient = personsOf(drafts).find((p) => p.ref === "person")!;
      expect(recipient.addresses).toEqual([
        { kind: "REGISTERED", text: r.户籍地址, areaCode: r.社区代码 },
        { kind: "RESIDENT", text: r.居住地址 },
      ]);
      const isHead = SELF_RELATIONS.includes(r.与户主关系!);
      expect(drafts).toHaveLength(isHead ? 1 : 2);
      if (!isHead) {
        heads++;
        // the head is registered at the household's address, the recipient's 户籍地址
        expect(drafts[1]).toEqual({
          element: "PERSON",
          ref: "householdHead",
          name: r.户主姓名,
          addresses: [{ kind: "REGISTERED", text: r.户籍地址, areaCode: r.社区代码 }],
        });
      }
    }
    expect(heads).toBeGreaterThan(0);
  });

  it("social organisations: the organisation and its legal representative", () => {
    const rows = byDataset("socialOrganisations");
    expect(rows.length).toBeGreaterThan(0);
    let identified = 0;
    for (const { item, outcome } of rows) {
      const drafts = draftsOf(outcome);
      expect(organisationMismatches(item, drafts)).toEqual([]);
      expect(personMismatches(item, drafts)).toEqual([]);
      expect(danglingRefs(drafts)).toEqual([]);
      // the register holds the representative's ID (法定代表人登记表), passed on as written
      const recorded = item.record.法定代表人身份证号码;
      expect(personsOf(drafts)[0]!.citizenId ?? null).toBe(recorded ?? null);
      if (recorded) identified++;
      const [org] = organisationsOf(drafts);
      expect(org).toMatchObject({
        kind: "SOCIAL_ORGANISATION",
        addressText: item.record.住所,
        members: [{ personRef: "legalRepresentative", role: LEGAL_REPRESENTATIVE }],
      });
    }
    expect(identified).toBeGreaterThan(0);
  });

  it("passes dirty identifiers and names through as written", () => {
    const dirty = byDataset("assistance").filter(({ item }) =>
      item.truth.dirt.some((d) => ["身份证号码", "姓名"].includes(d.field) && d.kind !== "idMissing"),
    );
    expect(dirty.length).toBeGreaterThan(0);
    for (const { item, outcome } of dirty) {
      const p = personsOf(draftsOf(outcome))[0]!;
      expect(p.citizenId ?? "").toBe(item.record.身份证号码);
      expect(p.name).toBe(item.record.姓名);
    }
  });
});

describe("translation tables cover every value the generator knows", () => {
  it("性别, 社会组织类型 and the head-of-household relation", () => {
    expect(SEX_NAMES.男).toBe("MALE");
    expect(SEX_NAMES.女).toBe("FEMALE");
    for (const t of SOCIAL_ORG_TYPES) expect(SOCIAL_ORG_KINDS[t.type], t.type).toBe("SOCIAL_ORGANISATION");
    expect(RELATIONS.filter((r) => SELF_RELATIONS.includes(r))).toEqual(["户主"]);
  });
});

describe("problems instead of exceptions", () => {
  const row = byDataset("assistance")[0]!.item;
  const org = byDataset("socialOrganisations")[0]!.item;
  const edit = (base: Item, change: Record<string, JsonValue>) =>
    wrap(base.dataset, { ...base.record, ...change }, base.truth.sourceKey);

  const cases: [string, Item, Record<string, JsonValue>, string, string][] = [
    ["a recipient with neither name nor ID", row, { 姓名: "", 身份证号码: " " }, "MISSING_FIELD", "姓名"],
    ["an unknown 性别", row, { 性别: "M" }, "INVALID_VALUE", "性别"],
    ["a 社区代码 that names no community", row, { 社区代码: "320602001" }, "UNKNOWN_AREA", "社区代码"],
    ["a cell that is not text", row, { 联系电话: true }, "INVALID_VALUE", "联系电话"],
    ["an organisation without a name", org, { 社会组织名称: "" }, "MISSING_FIELD", "社会组织名称"],
    ["an unknown 社会组织类型", org, { 社会组织类型: "有限公司" }, "INVALID_VALUE", "社会组织类型"],
  ];
  it.each(cases)("%s", (_what, base, change, code, field) => {
    const outcome = mapCivilAffairs(edit(base, change));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toContainEqual(expect.objectContaining({ code, field }));
    const key = String(base.record.救助对象编号 ?? base.record.统一社会信用代码);
    expect(outcome.problems.every((p) => p.message.includes(key))).toBe(true);
  });

  const payloads: [string, JsonValue, string][] = [
    ["a CSV line instead of a row", "MZDB0001,张三,男", "payload"],
    ["an unknown dataset", { dataset: "marriages", record: {} }, "dataset"],
    ["a row that is an array", { dataset: "assistance", record: ["张三"] }, "record"],
  ];
  it.each(payloads)("%s is a malformed record", (_what, payload, field) => {
    const outcome = mapCivilAffairs({ sourceKey: "K-7", payload });
    expect(outcome).toEqual({
      ok: false,
      problems: [{ code: "MALFORMED_RECORD", field, message: expect.stringContaining("K-7") }],
    });
  });
});
