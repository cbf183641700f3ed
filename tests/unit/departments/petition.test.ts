// Petition mapping: every case of a generated city, as JSON and as XML decoded to strings → a
// PETITION event in its 问题属地 with its petitioners, agreeing with the ground truth.
import { describe, expect, it } from "vitest";
import { connectorManifestSchema, type JsonValue } from "../../../connectors/contract.js";
import { petitionManifest } from "../../../connectors/departments/petition/manifest.js";
import { CASE_STATUSES, FORMS, mapPetition } from "../../../connectors/departments/petition/map.js";
import { PETITION_FORMS, PETITION_STATUSES } from "../../../sandbox/generator/tables/codes.js";
import { DATASETS } from "../../../sandbox/generator/truth.js";
import {
  asXmlDecoded,
  danglingRefs,
  declaredFields,
  draftsOf,
  eventsOf,
  filledFields,
  personMismatches,
  personsOf,
  siloItems,
  wrap,
} from "./support.js";

const items = siloItems("petition");
const outcomes = items.map((item) => mapPetition(item.input));
const pairs = items.map((item, i) => ({ item, outcome: outcomes[i]! }));
const base = pairs.find(
  ({ item }) => item.record.acceptedDate !== null && (item.record.petitioners as unknown[]).length > 1,
)!.item;

/** Hand-written cases for branches a small city may not reach (extension, review, repeat). */
const rare = [
  {
    ...base.record,
    caseNo: "XF-R1",
    status: "复查中",
    extendedDeadline: "2025-03-01",
    isRepeat: true,
    previousCaseNo: "XF-R0",
  },
  { ...base.record, caseNo: "XF-R2", status: "复核中" },
].map((record) => wrap("cases", record, String(record.caseNo)));

describe("petition manifest", () => {
  it("passes the contract schema", () => {
    expect(connectorManifestSchema.parse(petitionManifest)).toEqual(petitionManifest);
    expect(petitionManifest.id).toBe("petition");
    expect(petitionManifest.department.code).toBe("petition");
    expect(petitionManifest.produces.sort()).toEqual(["EVENT", "PERSON"]);
  });

  it("declares every field the mapping fills, and nothing else", () => {
    const filled = filledFields([...outcomes, ...rare.map(mapPetition)].flatMap(draftsOf));
    expect([...declaredFields(petitionManifest)].sort()).toEqual([...filled].sort());
  });

  it("classes petitioner status sensitive", () => {
    const cls = (field: string) => petitionManifest.fields.find((f) => f.field === field)?.sensitivity;
    expect(cls("citizenId")).toBe("SENSITIVE");
    expect(cls("persons")).toBe("SENSITIVE");
    expect(cls("details.isRepeat")).toBe("SENSITIVE");
    expect(cls("details.isCollective")).toBe("SENSITIVE");
    expect(cls("title")).toBe("INTERNAL");
  });
});

describe("mapping the generated city", () => {
  it("maps every case, duplicates and collective petitions included", () => {
    expect(new Set(items.map((i) => i.dataset))).toEqual(new Set(DATASETS.petition));
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(items.some((i) => i.truth.duplicateOf !== null)).toBe(true);
  });

  it("reads XML-decoded cases (every value a string) exactly like JSON ones", () => {
    const decoded = siloItems("petition", asXmlDecoded).map((item) => mapPetition(item.input));
    expect(decoded.filter((o) => !o.ok)).toEqual([]);
    expect(decoded.map(draftsOf)).toEqual(outcomes.map(draftsOf));
  });

  it("petitioners agree with the ground truth and are linked as PETITIONER", () => {
    for (const { item, outcome } of pairs) {
      const drafts = draftsOf(outcome);
      expect(personMismatches(item, drafts)).toEqual([]);
      expect(danglingRefs(drafts)).toEqual([]);
      const persons = personsOf(drafts);
      expect(persons.map((p) => p.ref)).toEqual(
        (item.record.petitioners as unknown[]).map((_, i) => `petitioner:${i}`),
      );
      expect(persons.every((p) => p.addresses?.[0]?.kind === "RESIDENT")).toBe(true);
      expect(eventsOf(drafts)[0]!.persons).toEqual(persons.map((p) => ({ ref: p.ref, role: "PETITIONER" })));
    }
  });

  it("cases: kind, locality, registration day, time limit, status and the collective / repeat flags", () => {
    for (const { item, outcome } of pairs) {
      const r = item.record as Record<string, JsonValue>;
      const [event, ...more] = eventsOf(draftsOf(outcome));
      expect(more).toHaveLength(0);
      const status = CASE_STATUSES[String(r.status)]!;
      expect(event).toMatchObject({
        kind: "PETITION",
        areaCode: item.truth.areas.find((a) => a.field === "localityCode")!.code,
        occurredAt: `${r.registeredDate}T00:00:00+08:00`,
        status: status.status,
        handlingUnit: r.responsibleUnit,
        description: r.summary,
      });
      const limit = r.extendedDeadline ?? r.deadline;
      expect(event!.deadlineAt ?? null).toBe(limit === null ? null : `${limit}T23:59:59+08:00`);
      expect(event!.details).toMatchObject({
        form: FORMS[String(r.form)],
        issueCategory: r.issueCategory,
        personCount: r.personCount,
        isCollective: r.isCollective,
        isRepeat: r.isRepeat,
      });
      expect(event!.details?.previousCaseNo ?? null).toBe(r.previousCaseNo);
    }
    const collective = pairs.filter(({ item }) => item.record.isCollective === true);
    for (const { outcome } of collective)
      expect(eventsOf(draftsOf(outcome))[0]!.details?.personCount).toBeGreaterThanOrEqual(5);
  });

  it("a review reopens the matter: ACCEPTED with its stage; the extension is the time limit", () => {
    const [review, reReview] = rare.map((r) => eventsOf(draftsOf(mapPetition(r)))[0]!);
    expect(review).toMatchObject({ status: "ACCEPTED", deadlineAt: "2025-03-01T23:59:59+08:00" });
    expect(review!.details).toMatchObject({ reviewStage: "REVIEW", isRepeat: true, previousCaseNo: "XF-R0" });
    expect(reReview!.details?.reviewStage).toBe("RE_REVIEW");
  });

  it("accepts a single petitioner decoded as an object instead of a list", () => {
    const one = (base.record.petitioners as JsonValue[])[0]!;
    const drafts = draftsOf(mapPetition(wrap("cases", { ...base.record, petitioners: one })));
    expect(personsOf(drafts).map((p) => p.ref)).toEqual(["petitioner:0"]);
  });
});

describe("translation tables cover every value the generator knows", () => {
  it("办理状态 and 信访形式", () => {
    for (const s of PETITION_STATUSES) expect(CASE_STATUSES[s], s).toBeDefined();
    for (const [f] of PETITION_FORMS) expect(FORMS[f], f).toBeDefined();
    expect(CASE_STATUSES.不予受理!.status).toBe("REJECTED");
  });
});

describe("problems instead of exceptions", () => {
  const edit = (change: Record<string, JsonValue>) =>
    wrap("cases", { ...base.record, ...change }, String(base.record.caseNo));

  const cases: [string, Record<string, JsonValue>, string, string][] = [
    ["no registration day", { registeredDate: "" }, "MISSING_FIELD", "registeredDate"],
    [
      "an unparseable registration day",
      { registeredDate: "2024年7月1日" },
      "INVALID_VALUE",
      "registeredDate",
    ],
    ["a deadline on 29 February of a common year", { deadline: "2025-02-29" }, "INVALID_VALUE", "deadline"],
    ["no 问题属地", { localityCode: null }, "MISSING_FIELD", "localityCode"],
    ["a 问题属地 code that names no area", { localityCode: "999" }, "UNKNOWN_AREA", "localityCode"],
    ["an unknown status", { status: "已撤销" }, "INVALID_VALUE", "status"],
    ["an unknown form", { form: "飞鸽传书" }, "INVALID_VALUE", "form"],
    ["a head count that is not a number", { personCount: "许多" }, "INVALID_VALUE", "personCount"],
    ["a collective flag that is not a boolean", { isCollective: "maybe" }, "INVALID_VALUE", "isCollective"],
    ["petitioners that are not a list", { petitioners: "张三" }, "MALFORMED_RECORD", "petitioners"],
    ["a petitioner that is not an object", { petitioners: ["张三"] }, "MALFORMED_RECORD", "petitioners[0]"],
    [
      "a petitioner ID that is not text",
      { petitioners: [{ name: "张三", idNumber: { value: "1" }, phone: null, address: null }] },
      "INVALID_VALUE",
      "petitioners[0].idNumber",
    ],
  ];
  it.each(cases)("%s", (_what, change, code, field) => {
    const outcome = mapPetition(edit(change));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toEqual([expect.objectContaining({ code, field })]);
    expect(outcome.problems[0]!.message).toContain(String(base.record.caseNo));
  });

  const payloads: [string, JsonValue, string][] = [
    ["an XML string that was never decoded", "<case><caseNo>XF1</caseNo></case>", "payload"],
    ["a list of cases", [{ dataset: "cases", record: {} }], "payload"],
    ["an unknown dataset", { dataset: "letters", record: {} }, "dataset"],
    ["a missing record", { dataset: "cases" }, "record"],
  ];
  it.each(payloads)("%s is a malformed record", (_what, payload, field) => {
    const outcome = mapPetition({ sourceKey: "K-3", payload });
    expect(outcome).toEqual({
      ok: false,
      problems: [{ code: "MALFORMED_RECORD", field, message: expect.stringContaining("K-3") }],
    });
  });
});
