// Grid mapping: grid workers, standard addresses, units, patrol reports and disputes of a
// generated city (and the demo area tree as a grid-map export) → drafts agreeing with the truth.
import { describe, expect, it } from "vitest";
import { connectorManifestSchema, type JsonValue } from "../../../connectors/contract.js";
import { gridManifest } from "../../../connectors/departments/grid/manifest.js";
import {
  AREA_LEVEL_NAMES,
  DISPUTE_TYPES,
  LEGAL_REPRESENTATIVE,
  MEDIATION_STATUSES,
  MEDIATOR,
  mapGrid,
  PARTY_ROLES,
  PARTY_TYPES,
  PATROL_STATUSES,
  PATROL_TYPES,
  SEX_NAMES,
  UNIT_KINDS,
  WARNING_LEVELS,
} from "../../../connectors/departments/grid/map.js";
import { AREA_LEVEL_RULES } from "../../../domain/area.js";
import { buildDemoAreaTree } from "../../../sandbox/city/areas.js";
import {
  COMPANY_TYPES,
  DISPUTE_TYPES as GENERATED_DISPUTE_TYPES,
  MEDIATION_STATUSES as GENERATED_MEDIATION,
  PATROL_TYPES as GENERATED_PATROL_TYPES,
  WARNING_LEVELS as GENERATED_WARNINGS,
} from "../../../sandbox/generator/tables/codes.js";
import { DATASETS } from "../../../sandbox/generator/truth.js";
import { GRID_AREA_LEVELS, gridAreas } from "../../../sandbox/services/grid.js";
import {
  danglingRefs,
  declaredFields,
  draftsOf,
  eventsOf,
  filledFields,
  type Item,
  organisationMismatches,
  organisationsOf,
  personMismatches,
  personsOf,
  siloItems,
  wrap,
} from "./support.js";

const items = siloItems("grid");
const outcomes = items.map((item) => mapGrid(item.input));
const byDataset = (name: string) =>
  items.map((item, i) => ({ item, outcome: outcomes[i]! })).filter((x) => x.item.dataset === name);
const translations = { sex: (v: string) => SEX_NAMES[v] ?? null };
const tree = buildDemoAreaTree();
/** The grid map as the sandbox grid service exports it. */
const areaRecords = gridAreas().map((a) => wrap("areas", { ...a }, `areas:${a.areaCode}`));
const gridOf = (item: Item) => item.truth.areas.find((a) => a.field === "gridCode")!.code;

/** A dispute mediated by the community committee (the grid worker is a party), for coverage. */
const disputeBase = byDataset("disputes")[0]!.item;
const committeeMediated = wrap(
  "disputes",
  { ...disputeBase.record, mediator: "友谊社区人民调解委员会" },
  String(disputeBase.record.disputeNo),
);

describe("grid manifest", () => {
  it("passes the contract schema", () => {
    expect(connectorManifestSchema.parse(gridManifest)).toEqual(gridManifest);
    expect(gridManifest.id).toBe("grid");
    expect(gridManifest.department.code).toBe("grid");
    expect(gridManifest.produces.sort()).toEqual(["ADDRESS", "AREA", "EVENT", "ORGANISATION", "PERSON"]);
  });

  it("declares every field the mapping fills, and nothing else", () => {
    const all = [...outcomes, ...areaRecords.map(mapGrid), mapGrid(committeeMediated)];
    const filled = filledFields(all.flatMap(draftsOf));
    expect([...declaredFields(gridManifest)].sort()).toEqual([...filled].sort());
  });

  it("classes area names public, IDs sensitive and who was visited sensitive", () => {
    const cls = (element: string, field: string) =>
      gridManifest.fields.find((f) => f.element === element && f.field === field)?.sensitivity;
    expect(cls("AREA", "name")).toBe("PUBLIC");
    expect(cls("PERSON", "citizenId")).toBe("SENSITIVE");
    expect(cls("PERSON", "name")).toBe("PERSONAL");
    expect(cls("EVENT", "persons")).toBe("SENSITIVE");
    expect(cls("EVENT", "title")).toBe("INTERNAL");
  });
});

describe("mapping the generated city", () => {
  it("covers every grid dataset and maps every record", () => {
    expect(new Set(items.map((i) => i.dataset))).toEqual(new Set(DATASETS.grid));
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  });

  it("grid workers: the worker agrees with the truth, sex translated", () => {
    for (const { item, outcome } of byDataset("gridWorkers")) {
      const drafts = draftsOf(outcome);
      expect(personMismatches(item, drafts, translations)).toEqual([]);
      expect(drafts.map((d) => `${d.element}:${d.ref}`)).toEqual(["PERSON:worker"]);
    }
  });

  it("standard addresses: text, grid and coordinates", () => {
    for (const { item, outcome } of byDataset("addresses")) {
      const r = item.record as Record<string, JsonValue>;
      expect(draftsOf(outcome)).toEqual([
        {
          element: "ADDRESS",
          ref: "address",
          text: r.fullAddress,
          areaCode: gridOf(item),
          latitude: r.lat,
          longitude: r.lng,
        },
      ]);
    }
  });

  it("units: the organisation, its kind and grid, and its legal representative", () => {
    const withId = { yes: 0, no: 0 };
    for (const { item, outcome } of byDataset("units")) {
      const drafts = draftsOf(outcome);
      // the representative's ID where the grid worker recorded it, else a name-only mention
      const recorded = item.record.legalPersonIdNumber;
      expect(personsOf(drafts)[0]!.citizenId ?? null).toBe(recorded ?? null);
      withId[recorded ? "yes" : "no"]++;
      expect(organisationMismatches(item, drafts)).toEqual([]);
      expect(personMismatches(item, drafts)).toEqual([]);
      expect(danglingRefs(drafts)).toEqual([]);
      expect(organisationsOf(drafts)[0]).toMatchObject({
        kind: UNIT_KINDS[String(item.record.unitType)],
        areaCode: gridOf(item),
        members: [{ personRef: "legalRepresentative", role: LEGAL_REPRESENTATIVE }],
      });
    }
    expect(withId.yes).toBeGreaterThan(0);
    expect(withId.no).toBeGreaterThan(0);
  });

  it("patrol reports: a GRID_REPORT in the grid with the reporting worker and the visited person", () => {
    let visits = 0;
    for (const { item, outcome } of byDataset("patrolReports")) {
      const drafts = draftsOf(outcome);
      expect(personMismatches(item, drafts)).toEqual([]);
      expect(danglingRefs(drafts)).toEqual([]);
      const r = item.record as Record<string, JsonValue>;
      const [event] = eventsOf(drafts);
      expect(event).toMatchObject({
        kind: "GRID_REPORT",
        title: r.type,
        areaCode: gridOf(item),
        occurredAt: r.reportedAt,
        status: PATROL_STATUSES[String(r.status)],
        addressText: r.addressText,
      });
      expect(event!.details).toMatchObject({
        patrolType: PATROL_TYPES[String(r.type)],
        workerNo: r.workerNo,
      });
      expect(event!.persons[0]).toEqual({ ref: "reporter", role: "REPORTER" });
      if (r.visitedPerson !== null) {
        visits++;
        expect(event!.persons[1]).toEqual({ ref: "visited", role: "SUBJECT" });
      }
    }
    expect(visits).toBeGreaterThan(0);
  });

  it("disputes: a DISPUTE with its parties, mediator, status and three-colour warning", () => {
    let units = 0;
    let committees = 0;
    for (const { item, outcome } of byDataset("disputes")) {
      const drafts = draftsOf(outcome);
      expect(personMismatches(item, drafts, translations)).toEqual([]);
      expect(organisationMismatches(item, drafts)).toEqual([]);
      expect(danglingRefs(drafts)).toEqual([]);
      const r = item.record as Record<string, JsonValue>;
      const [event] = eventsOf(drafts);
      const mediation = MEDIATION_STATUSES[String(r.mediationStatus)]!;
      expect(event).toMatchObject({
        kind: "DISPUTE",
        title: r.type,
        areaCode: gridOf(item),
        occurredAt: r.occurredAt,
        reportedAt: r.registeredAt,
        status: mediation.status,
        warningLevel: WARNING_LEVELS[String(r.warningLevel)],
      });
      expect(event!.details).toMatchObject({
        disputeType: DISPUTE_TYPES[String(r.type)],
        mediationOutcome: mediation.outcome,
        partyRoles: { "party:0": "APPLICANT", "party:1": "RESPONDENT" },
      });
      expect(event!.details?.sourceRef ?? null).toBe(r.sourceRef);
      const parties = r.parties as { partyType: string }[];
      parties.forEach((p, i) => {
        if (p.partyType === "单位") {
          units++;
          expect(event!.organisations).toContainEqual({
            ref: `party:${i}`,
            role: i === 0 ? "APPLICANT" : "RESPONDENT",
          });
        } else expect(event!.persons).toContainEqual({ ref: `party:${i}`, role: "PARTY" });
      });
      // the grid worker mediates, unless they are a party: then the community committee does
      if (String(r.mediator).endsWith("人民调解委员会")) {
        committees++;
        expect(event!.organisations).toContainEqual({ ref: "mediator", role: MEDIATOR });
      } else expect(event!.persons).toContainEqual({ ref: "mediator", role: "OTHER" });
    }
    expect(units).toBeGreaterThan(0);
    expect(committees).toBeGreaterThan(0);
  });

  it("a dispute mediated by the committee links the committee as a grassroots organisation", () => {
    const drafts = draftsOf(mapGrid(committeeMediated));
    const [event] = eventsOf(drafts);
    expect(event!.handlingUnit).toBe("友谊社区人民调解委员会");
    expect(event!.organisations).toContainEqual({ ref: "mediator", role: MEDIATOR });
    expect(organisationsOf(drafts).find((o) => o.ref === "mediator")).toMatchObject({
      kind: "GRASSROOTS",
      areaCode: gridOf(disputeBase).slice(0, 12),
    });
    expect(personsOf(drafts).some((p) => p.ref === "mediator")).toBe(false);
  });

  it("a grid-map export maps to the area tree, every level", () => {
    const drafts = areaRecords.map(mapGrid).flatMap(draftsOf);
    expect(drafts).toEqual(
      tree.map((a) => ({
        element: "AREA",
        ref: "area",
        code: a.code,
        name: a.name,
        level: a.level,
        parentCode: a.parentCode,
      })),
    );
  });
});

describe("translation tables cover every value the generator knows", () => {
  it("巡查类型 and status, 纠纷类型, 调解状态, 三色预警", () => {
    for (const [t] of GENERATED_PATROL_TYPES) expect(PATROL_TYPES[t], t).toBeDefined();
    for (const s of ["已上报", "处置中", "已办结"]) expect(PATROL_STATUSES[s], s).toBeDefined();
    for (const [t] of GENERATED_DISPUTE_TYPES) expect(DISPUTE_TYPES[t], t).toBeDefined();
    for (const [s] of GENERATED_MEDIATION) expect(MEDIATION_STATUSES[s], s).toBeDefined();
    for (const [w] of GENERATED_WARNINGS) expect(WARNING_LEVELS[w], w).toBeDefined();
    expect(Object.values(WARNING_LEVELS).sort()).toEqual(["BLUE", "NONE", "RED", "YELLOW"]);
  });
  it("单位类型, 当事人角色 and 当事人类型", () => {
    for (const t of ["社会组织", ...COMPANY_TYPES.map((c) => c.type)]) expect(UNIT_KINDS[t], t).toBeDefined();
    for (const r of ["申请人", "被申请人"]) expect(PARTY_ROLES[r], r).toBeDefined();
    for (const t of ["自然人", "单位"]) expect(PARTY_TYPES[t], t).toBeDefined();
  });
  it("area levels: the grid service's labels, the domain's labels and the codes", () => {
    for (const [level, rule] of Object.entries(AREA_LEVEL_RULES)) {
      expect(AREA_LEVEL_NAMES[level]).toBe(level);
      expect(AREA_LEVEL_NAMES[rule.label]).toBe(level);
      expect(AREA_LEVEL_NAMES[GRID_AREA_LEVELS[level as keyof typeof GRID_AREA_LEVELS]]).toBe(level);
    }
  });
});

describe("problems instead of exceptions", () => {
  const first = (name: string) => byDataset(name)[0]!.item;
  const dispute = first("disputes");
  const patrol = first("patrolReports");
  const address = first("addresses");
  const unit = first("units");
  const worker = first("gridWorkers");
  const area = areaRecords[3]!.payload as { record: { [key: string]: JsonValue } };
  const areaItem = {
    dataset: "areas",
    record: area.record,
    truth: { ...worker.truth, sourceKey: String(area.record.code) },
  } as Item;
  const edit = (base: Item, change: Record<string, JsonValue>) =>
    wrap(base.dataset, { ...base.record, ...change }, base.truth.sourceKey);

  const cases: [string, Item, Record<string, JsonValue>, string, string][] = [
    ["a dispute without its time", dispute, { occurredAt: null }, "MISSING_FIELD", "occurredAt"],
    [
      "a dispute registered at an unreadable time",
      dispute,
      { registeredAt: "昨天下午" },
      "INVALID_VALUE",
      "registeredAt",
    ],
    ["an unknown warning colour", dispute, { warningLevel: "紫色" }, "INVALID_VALUE", "warningLevel"],
    [
      "an unknown mediation status",
      dispute,
      { mediationStatus: "已和好" },
      "INVALID_VALUE",
      "mediationStatus",
    ],
    ["an unknown dispute type", dispute, { type: "网络纠纷" }, "INVALID_VALUE", "type"],
    ["parties that are not a list", dispute, { parties: { name: "张三" } }, "MALFORMED_RECORD", "parties"],
    [
      "a party of an unknown type",
      dispute,
      {
        parties: [
          {
            role: "申请人",
            partyType: "外星人",
            name: "X",
            idNumber: null,
            phone: null,
            address: null,
            creditCode: null,
          },
        ],
      },
      "INVALID_VALUE",
      "parties[0].partyType",
    ],
    ["a report without a status", patrol, { status: "" }, "MISSING_FIELD", "status"],
    ["an unknown report status", patrol, { status: "已飞走" }, "INVALID_VALUE", "status"],
    [
      "a report time on 31 June",
      patrol,
      { reportedAt: "2025-06-31T10:00:00+08:00" },
      "INVALID_VALUE",
      "reportedAt",
    ],
    ["an unknown patrol type", patrol, { type: "天气预报" }, "INVALID_VALUE", "type"],
    [
      "a visited person that is not an object",
      patrol,
      { visitedPerson: "张三" },
      "MALFORMED_RECORD",
      "visitedPerson",
    ],
    ["an address without a grid", address, { gridCode: null }, "MISSING_FIELD", "gridCode"],
    [
      "an address in a grid code that names no grid",
      address,
      { gridCode: "320602001001" },
      "UNKNOWN_AREA",
      "gridCode",
    ],
    ["an address without text", address, { fullAddress: "" }, "MISSING_FIELD", "fullAddress"],
    ["a latitude off the globe", address, { lat: 132.5 }, "INVALID_VALUE", "lat"],
    ["a unit without a name", unit, { unitName: null }, "MISSING_FIELD", "unitName"],
    ["an unknown unit type", unit, { unitType: "外星企业" }, "INVALID_VALUE", "unitType"],
    [
      "a worker with neither name nor ID",
      worker,
      { name: null, idNumber: null, mobile: null },
      "MISSING_FIELD",
      "name",
    ],
    ["an unknown sex", worker, { sex: "M" }, "INVALID_VALUE", "sex"],
    ["an area without a code", areaItem, { areaCode: "" }, "MISSING_FIELD", "areaCode"],
    ["an unknown area level", areaItem, { areaLevel: "省" }, "INVALID_VALUE", "areaLevel"],
    [
      "an area code that does not fit its level",
      areaItem,
      { areaCode: "320602001" },
      "INVALID_VALUE",
      "areaCode",
    ],
    ["an area code outside its parent", areaItem, { areaCode: "320612001001" }, "INVALID_VALUE", "areaCode"],
    ["a community without a parent", areaItem, { parentAreaCode: null }, "MISSING_FIELD", "parentAreaCode"],
  ];
  it.each(cases)("%s", (_what, base, change, code, field) => {
    const outcome = mapGrid(edit(base, change));
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.problems).toEqual([expect.objectContaining({ code, field })]);
    // the message names the record by its own key (or, without one, the source key)
    const record = { ...base.record, ...change };
    const keyField = ["disputeNo", "reportNo", "unitNo", "workerNo", "addressCode", "areaCode"].find(
      (k) => record[k],
    );
    expect(outcome.problems[0]!.message).toContain(
      keyField ? String(record[keyField]) : base.truth.sourceKey,
    );
  });

  const payloads: [string, JsonValue, string][] = [
    ["a boolean payload", true, "payload"],
    ["a dataset name that is a number", { dataset: 5, record: {} }, "dataset"],
    ["an unknown dataset", { dataset: "buildings", record: {} }, "dataset"],
    ["a record that is null", { dataset: "disputes", record: null }, "record"],
    ["a prototype key as dataset", { dataset: "constructor", record: {} }, "dataset"],
  ];
  it.each(payloads)("%s is a malformed record", (_what, payload, field) => {
    const outcome = mapGrid({ sourceKey: "K-1", payload });
    expect(outcome).toEqual({
      ok: false,
      problems: [{ code: "MALFORMED_RECORD", field, message: expect.stringContaining("K-1") }],
    });
  });
});
