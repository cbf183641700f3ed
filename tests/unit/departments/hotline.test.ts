// 12345 hotline mapping: every work order of a generated city → a HOTLINE_TICKET with its caller
// and target unit, agreeing with the ground truth; status, category, urgency and satisfaction
// translated through the declared tables.
import { describe, expect, it } from "vitest";
import { connectorManifestSchema, type JsonValue } from "../../../connectors/contract.js";
import { hotlineManifest } from "../../../connectors/departments/hotline/manifest.js";
import {
  CALLER_SEXES,
  CATEGORIES,
  mapHotline,
  ORDER_STATUSES,
  SATISFACTION,
  TARGET_ROLE,
  URGENCIES,
} from "../../../connectors/departments/hotline/map.js";
import {
  SATISFACTION as GENERATED_SATISFACTION,
  HOTLINE_CATEGORIES,
  HOTLINE_STATUSES,
} from "../../../sandbox/generator/tables/codes.js";
import { DATASETS } from "../../../sandbox/generator/truth.js";
import {
  danglingRefs,
  declaredFields,
  draftsOf,
  eventsOf,
  filledFields,
  organisationMismatches,
  organisationsOf,
  personMismatches,
  personsOf,
  siloItems,
  wrap,
} from "./support.js";

const items = siloItems("hotline");
const outcomes = items.map((item) => mapHotline(item.input));
const pairs = items.map((item, i) => ({ item, outcome: outcomes[i]! }));
const sexes = { sex: (v: string) => CALLER_SEXES[v] ?? null };
const iso = (sql: string) => `${sql.replace(" ", "T")}+08:00`;

describe("hotline manifest", () => {
  it("passes the contract schema and takes pushed orders", () => {
    expect(connectorManifestSchema.parse(hotlineManifest)).toEqual(hotlineManifest);
    expect(hotlineManifest.id).toBe("hotline-12345");
    expect(hotlineManifest.department.code).toBe("hotline_12345");
    expect(hotlineManifest.capabilities.push).toBe(true);
    expect(hotlineManifest.produces.sort()).toEqual(["EVENT", "ORGANISATION", "PERSON"]);
  });

  it("declares every field the mapping fills, and nothing else", () => {
    const filled = filledFields(outcomes.flatMap(draftsOf));
    expect([...declaredFields(hotlineManifest)].sort()).toEqual([...filled].sort());
  });

  it("classes the caller's ID sensitive and their contact data personal", () => {
    const cls = (element: string, field: string) =>
      hotlineManifest.fields.find((f) => f.element === element && f.field === field)?.sensitivity;
    expect(cls("PERSON", "citizenId")).toBe("SENSITIVE");
    expect(cls("PERSON", "phone")).toBe("PERSONAL");
    expect(cls("EVENT", "title")).toBe("INTERNAL");
    expect(cls("EVENT", "addressText")).toBe("PERSONAL");
  });
});

describe("mapping the generated city", () => {
  it("maps every work order, duplicates and 110 transfers included", () => {
    expect(new Set(items.map((i) => i.dataset))).toEqual(new Set(DATASETS.hotline));
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(items.some((i) => i.truth.duplicateOf !== null)).toBe(true);
    expect(items.some((i) => i.record.source_ref !== null)).toBe(true);
  });

  it("callers and target units agree with the ground truth", () => {
    for (const { item, outcome } of pairs) {
      const drafts = draftsOf(outcome);
      expect(personMismatches(item, drafts, sexes)).toEqual([]);
      expect(organisationMismatches(item, drafts)).toEqual([]);
      expect(danglingRefs(drafts)).toEqual([]);
    }
  });

  it("keeps anonymous callers reachable by phone and passes honorific names through", () => {
    const anonymous = pairs.filter(
      ({ item }) => item.record.caller_name === null && item.record.caller_id_no === null,
    );
    expect(anonymous.length).toBeGreaterThan(0);
    for (const { item, outcome } of anonymous) {
      const sex = item.record.caller_sex;
      expect(personsOf(draftsOf(outcome))).toEqual([
        {
          element: "PERSON",
          ref: "caller",
          phone: item.record.caller_phone,
          ...(typeof sex === "string" ? { sex: CALLER_SEXES[sex] } : {}),
        },
      ]);
    }
    const honorific = pairs.find(({ item }) => item.truth.dirt.some((d) => d.kind === "nameHonorific"))!;
    expect(personsOf(draftsOf(honorific.outcome))[0]!.name).toMatch(/(先生|女士)$/);
  });

  it("passes on the sex the operator heard (来电人性别): the caller's own, blank or misheard as the record has it", () => {
    const callers = pairs.map(({ item, outcome }) => ({ item, caller: personsOf(draftsOf(outcome))[0]! }));
    const blank = callers.filter(({ item }) => item.record.caller_sex === null);
    const heard = callers.filter(({ item }) => item.record.caller_sex !== null);
    expect(blank.length).toBeGreaterThan(0);
    expect(heard.length).toBeGreaterThan(blank.length);
    for (const { caller } of blank) expect(caller.sex).toBeUndefined();
    for (const { item, caller } of heard)
      expect(caller.sex).toBe(item.record.caller_sex === "男" ? "MALE" : "FEMALE");
    // "王先生" was written down by the same ear: the form of address and the sex agree
    for (const { caller } of heard.filter(({ caller }) => /(先生|女士)$/.test(caller.name ?? "")))
      expect(caller.sex).toBe(caller.name!.endsWith("先生") ? "MALE" : "FEMALE");
  });

  it("tickets: kind, street, times, status and details from the order", () => {
    for (const { item, outcome } of pairs) {
      const r = item.record as Record<string, string | null>;
      const [event, ...more] = eventsOf(draftsOf(outcome));
      expect(more).toHaveLength(0);
      const status = ORDER_STATUSES[r.status!]!;
      expect(event).toMatchObject({
        kind: "HOTLINE_TICKET",
        title: r.title,
        areaCode: item.truth.areas.find((a) => a.field === "street_code")!.code,
        occurredAt: iso(r.created_at!),
        reportedAt: iso(r.created_at!),
        deadlineAt: iso(r.deadline!),
        status: status.status,
        handlingUnit: r.handling_unit,
        persons: [{ ref: "caller", role: "REPORTER" }],
      });
      expect(event!.addressText ?? null).toBe(r.address);
      expect(event!.details).toMatchObject({
        category: CATEGORIES[r.category!],
        urgency: URGENCIES[r.urgency!],
        channel: r.channel,
        overdue: status.overdue,
      });
      expect(event!.details?.satisfaction ?? null).toBe(r.satisfaction ? SATISFACTION[r.satisfaction] : null);
      expect(event!.details?.sourceRef ?? null).toBe(r.source_ref);
      expect(event!.details?.closedAt ?? null).toBe(r.closed_at ? iso(r.closed_at) : null);
      const target = organisationsOf(draftsOf(outcome));
      expect(event!.organisations).toEqual(target.map((o) => ({ ref: o.ref, role: TARGET_ROLE })));
      expect(target.map((o) => o.name)).toEqual(r.target_unit === null ? [] : [r.target_unit]);
    }
  });
});

describe("translation tables cover every value the generator knows", () => {
  it("工单状态, 诉求类型, 紧急程度, 满意度", () => {
    for (const s of HOTLINE_STATUSES) expect(ORDER_STATUSES[s], s).toBeDefined();
    for (const c of HOTLINE_CATEGORIES) expect(CATEGORIES[c], c).toBeDefined();
    for (const u of ["一般", "紧急"]) expect(URGENCIES[u], u).toBeDefined();
    for (const [s] of GENERATED_SATISFACTION) expect(SATISFACTION[s], s).toBeDefined();
  });
  it("only an overdue order is flagged overdue", () => {
    expect(Object.entries(ORDER_STATUSES).filter(([, v]) => v.overdue)).toEqual([
      ["超期未办结", { status: "DISPATCHED", overdue: true }],
    ]);
  });
});

describe("problems instead of exceptions", () => {
  const order = pairs.find(({ item }) => item.record.satisfaction !== null)!.item;
  const edit = (change: Record<string, JsonValue>) =>
    wrap("workOrders", { ...order.record, ...change }, order.truth.sourceKey);

  const cases: [string, Record<string, JsonValue>, string, string][] = [
    ["no creation time", { created_at: null }, "MISSING_FIELD", "created_at"],
    ["a creation time on 31 April", { created_at: "2025-04-31 10:00:00" }, "INVALID_VALUE", "created_at"],
    ["a creation time in another format", { created_at: "2025/4/1 10:00" }, "INVALID_VALUE", "created_at"],
    ["an unreadable deadline", { deadline: "三个工作日" }, "INVALID_VALUE", "deadline"],
    ["no street code", { street_code: "" }, "MISSING_FIELD", "street_code"],
    ["a street code that names no street", { street_code: "320602" }, "UNKNOWN_AREA", "street_code"],
    ["an unknown status", { status: "已挂起" }, "INVALID_VALUE", "status"],
    ["no status", { status: null }, "MISSING_FIELD", "status"],
    ["an unknown category", { category: "表扬" }, "INVALID_VALUE", "category"],
    ["an unknown urgency", { urgency: "特急" }, "INVALID_VALUE", "urgency"],
    ["an unknown satisfaction", { satisfaction: "很好" }, "INVALID_VALUE", "satisfaction"],
    ["a caller phone that is not text", { caller_phone: [138] }, "INVALID_VALUE", "caller_phone"],
    ["an unknown caller sex", { caller_sex: "M" }, "INVALID_VALUE", "caller_sex"],
  ];
  it.each(cases)("%s", (_what, change, code, field) => {
    const outcome = mapHotline(edit(change));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toEqual([expect.objectContaining({ code, field })]);
    expect(outcome.problems[0]!.message).toContain(String(order.record.order_no));
  });

  const payloads: [string, JsonValue, string][] = [
    ["a bare work order without the envelope", { order_no: "1" }, "dataset"],
    ["a number", 12345, "payload"],
    ["an unknown dataset", { dataset: "calls", record: {} }, "dataset"],
    ["a record that is a string", { dataset: "workOrders", record: "order" }, "record"],
  ];
  it.each(payloads)("%s is a malformed record", (_what, payload, field) => {
    const outcome = mapHotline({ sourceKey: "K-5", payload });
    expect(outcome).toEqual({
      ok: false,
      problems: [{ code: "MALFORMED_RECORD", field, message: expect.stringContaining("K-5") }],
    });
  });
});
