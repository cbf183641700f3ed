// Grid management (网格化管理) records → element drafts. The hub hands over { dataset, record } with
// the grid platform's camelCase JSON (sandbox/generator/silos/grid.ts):
//   gridWorkers    网格员 → the worker as a PersonDraft
//   addresses      标准地址 (一标) → AddressDraft in its grid, with coordinates
//   units          实有单位 → OrganisationDraft in its grid + the legal representative
//   patrolReports  巡查上报 → GRID_REPORT EventDraft + the reporting worker and any visited person
//   disputes       矛盾纠纷 → DISPUTE EventDraft with its parties (persons or units), the mediator
//                  and the three-colour warning level
//   areas          the grid map (areaCode, areaName, areaLevel 市/区县/乡镇街道/村社区/网格,
//                  parentAreaCode) → AreaDraft (served by the sandbox grid service from the demo
//                  area tree; the generator itself has no such dataset)
// Identifiers pass through as written; every failure is a MappingProblem, never an exception.
import { AREA_LEVELS, type AreaLevel, checkAreaCode, normaliseAreaCode } from "../../../domain/area.js";
import { normaliseUscc } from "../../../domain/identifiers/index.js";
import { organisationStatusOf } from "../../../domain/organisation-status.js";
import type {
  AddressDraft,
  AreaDraft,
  ElementDraft,
  EventDraft,
  JsonValue,
  OrganisationDraft,
  PersonDraft,
} from "../../contract.js";
import {
  areaCode,
  type Ctx,
  coded,
  datasetMapper,
  type Fields,
  forEachEntry,
  isFields,
  isoTime,
  lookup,
  parsed,
  personEntry,
  problem,
  prune,
  required,
  show,
  text,
  withRepresentative,
} from "../mapping.js";

// ---- translation tables (declared once) ----

/** 性别 as the platform writes it. */
export const SEX_NAMES: Readonly<Record<string, PersonDraft["sex"]>> = {
  男: "MALE",
  女: "FEMALE",
  未知: null,
};

/**
 * 区划层级 (areaLevel) of the grid map → area level: the platform's labels (市 / 区县 / 乡镇街道 /
 * 村社区 / 网格), the labels of domain/area.ts and their single-word variants, and the canonical
 * names themselves.
 */
export const AREA_LEVEL_NAMES: Readonly<Record<string, AreaLevel>> = {
  ...Object.fromEntries(AREA_LEVELS.map((l) => [l, l])),
  市: "CITY",
  区县: "DISTRICT",
  "区/县": "DISTRICT",
  区: "DISTRICT",
  县: "DISTRICT",
  县级市: "DISTRICT",
  乡镇街道: "STREET",
  "街道/乡镇": "STREET",
  街道: "STREET",
  镇: "STREET",
  乡: "STREET",
  村社区: "COMMUNITY",
  "社区/村": "COMMUNITY",
  社区: "COMMUNITY",
  村: "COMMUNITY",
  网格: "GRID",
};

/** 单位类型 of a real unit (实有单位) → organisation kind. */
export const UNIT_KINDS: Readonly<Record<string, OrganisationDraft["kind"]>> = {
  社会组织: "SOCIAL_ORGANISATION",
  社会团体: "SOCIAL_ORGANISATION",
  民办非企业单位: "SOCIAL_ORGANISATION",
  基金会: "SOCIAL_ORGANISATION",
  企业: "ENTERPRISE",
  个体工商户: "ENTERPRISE",
  农民专业合作社: "ENTERPRISE",
  事业单位: "PUBLIC_INSTITUTION",
  机关: "GOVERNMENT_UNIT",
  村民委员会: "GRASSROOTS",
  居民委员会: "GRASSROOTS",
  其他: "OTHER",
};

/**
 * Organisation kind of a unit known only by its credit code (a dispute party): the registering
 * authority (GB 32100 pos 1), refined by the organisation type (pos 2) where that decides.
 * Authorities not listed give OTHER.
 */
export const CREDIT_CODE_KINDS: Readonly<Record<string, OrganisationDraft["kind"]>> = {
  "11": "GOVERNMENT_UNIT",
  "12": "PUBLIC_INSTITUTION",
  "1": "PUBLIC_INSTITUTION",
  "5": "SOCIAL_ORGANISATION",
  "9": "ENTERPRISE",
  N: "GRASSROOTS",
};

/** 巡查类型 → patrol type code. */
export const PATROL_TYPES: Readonly<Record<string, string>> = {
  安全隐患: "SAFETY_HAZARD",
  消防隐患: "FIRE_HAZARD",
  环境卫生: "SANITATION",
  占道经营: "STREET_OCCUPATION",
  矛盾纠纷线索: "DISPUTE_LEAD",
  特殊人群走访: "SPECIAL_GROUP_VISIT",
  独居老人走访: "LONE_ELDERLY_VISIT",
};

/** 巡查上报 status → closed-loop status. */
export const PATROL_STATUSES: Readonly<Record<string, EventDraft["status"]>> = {
  已上报: "REPORTED",
  已受理: "ACCEPTED",
  处置中: "DISPATCHED",
  已办结: "HANDLED",
  已核实: "VERIFIED",
  已归档: "ARCHIVED",
};

/** 纠纷类型 → dispute type code. */
export const DISPUTE_TYPES: Readonly<Record<string, string>> = {
  邻里纠纷: "NEIGHBOURHOOD",
  婚姻家庭纠纷: "MARRIAGE_FAMILY",
  劳资纠纷: "LABOUR",
  物业纠纷: "PROPERTY_MANAGEMENT",
  土地承包纠纷: "LAND_CONTRACT",
  损害赔偿纠纷: "DAMAGES",
  房屋宅基地纠纷: "HOUSING_HOMESTEAD",
};

/**
 * 调解状态 → closed-loop status and mediation outcome. A mediation that ended (agreement or not)
 * has been handled; in progress or handed to another body, it is still dispatched.
 */
export const MEDIATION_STATUSES: Readonly<Record<string, { status: EventDraft["status"]; outcome: string }>> =
  {
    调解中: { status: "DISPATCHED", outcome: "IN_PROGRESS" },
    已移交: { status: "DISPATCHED", outcome: "TRANSFERRED" },
    调解成功: { status: "HANDLED", outcome: "AGREED" },
    调解不成功: { status: "HANDLED", outcome: "NOT_AGREED" },
  };

/** 三色预警 → warning level. */
export const WARNING_LEVELS: Readonly<Record<string, NonNullable<EventDraft["warningLevel"]>>> = {
  无: "NONE",
  蓝色: "BLUE",
  黄色: "YELLOW",
  红色: "RED",
};

/** 当事人角色 → the party's side (persons link as PARTY; the side is kept in details.partyRoles). */
export const PARTY_ROLES: Readonly<Record<string, string>> = {
  申请人: "APPLICANT",
  被申请人: "RESPONDENT",
};

/** 当事人类型 → which draft a party becomes. */
export const PARTY_TYPES: Readonly<Record<string, "PERSON" | "ORGANISATION">> = {
  自然人: "PERSON",
  单位: "ORGANISATION",
  法人: "ORGANISATION",
  非法人组织: "ORGANISATION",
};

/** A mediator written as a body (人民调解委员会 …) rather than a person's name. */
export const MEDIATING_BODY = /(委员会|调解室|调解中心|工作站|司法所|派出所)$/;

/** Where the platform names a person (a visited person, a dispute party); a worker has a mobile. */
const PERSON_FIELDS = { citizenId: "idNumber", name: "name", phone: "phone", address: "address" } as const;
const WORKER_FIELDS = { ...PERSON_FIELDS, phone: "mobile" } as const;
/** A unit's 法定代表人: a name, and an ID where the grid worker recorded it (the unit's phone is the unit's). */
const REPRESENTATIVE_FIELDS = { citizenId: "legalPersonIdNumber", name: "legalPerson" } as const;

/** Roles in organisation links (LEGAL_REPRESENTATIVE is every silo's, from ../mapping.ts). */
export const MEDIATOR = "MEDIATOR";
export { LEGAL_REPRESENTATIVE } from "../mapping.js";

// ---- record reading (problems, not exceptions) ----

/** A coordinate: a JSON number or its decimal string, within ±limit. */
function coordinate(obj: Fields, name: string, limit: number, ctx: Ctx): number | null {
  const v = obj[name];
  if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) return null;
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v.trim()) : Number.NaN;
  if (Number.isFinite(n) && Math.abs(n) <= limit) return n;
  return problem(ctx, "INVALID_VALUE", name, `${name} ${show(v)} is not a coordinate within ±${limit}°`);
}

/** An ISO 8601 time as written (Beijing time +08:00 when it carries no offset). */
const time = (raw: string | null, path: string, ctx: Ctx): string | null =>
  parsed(
    raw,
    path,
    ctx,
    (v) => {
      const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(
        v.trim(),
      );
      return isoTime(m, m?.[8]);
    },
    "an ISO 8601 time",
  );

/** The grid code every grid record carries: required, a 15-digit grid code. */
function gridCode(rec: Fields, ctx: Ctx, why: string): string | null {
  const raw = required(rec, "gridCode", ctx, why);
  return raw === null ? null : areaCode(raw, ["GRID"], ctx, "gridCode");
}

/** The community a grid lies in: a grid code is its community's 12 digits + a 3-digit number. */
const communityOf = (grid: string) => grid.slice(0, 12);

// ---- datasets ----

function mapGridWorker(rec: Fields, ctx: Ctx): ElementDraft[] {
  const worker = personEntry(rec, "worker", WORKER_FIELDS, ctx);
  if (worker === null && ctx.problems.length === 0)
    problem(ctx, "MISSING_FIELD", "name", "neither name nor idNumber: no grid worker to record");
  const sex = coded(text(rec, "sex", ctx), "sex", SEX_NAMES, ctx, "a known 性别");
  // the grid itself comes from the grid map (dataset "areas"); the worker's post is the grid they
  // serve, which disputes name them by (as the mediator)
  const rawGrid = text(rec, "gridCode", ctx);
  const grid = rawGrid === null ? null : areaCode(rawGrid, ["GRID"], ctx, "gridCode");
  if (!worker) return [];
  return [
    prune<PersonDraft>({
      ...worker,
      ...(sex === null ? {} : { sex }),
      posts: grid === null ? undefined : [{ role: "GRID_WORKER", areaCode: grid }],
    }),
  ];
}

function mapAddress(rec: Fields, ctx: Ctx): ElementDraft[] {
  const fullAddress = required(rec, "fullAddress", ctx, "a standard address needs its text");
  const grid = gridCode(rec, ctx, "a standard address lies in a grid");
  const latitude = coordinate(rec, "lat", 90, ctx);
  const longitude = coordinate(rec, "lng", 180, ctx);
  if (fullAddress === null || grid === null) return [];
  return [
    prune<AddressDraft>({
      element: "ADDRESS",
      ref: "address",
      text: fullAddress,
      areaCode: grid,
      latitude,
      longitude,
    }),
  ];
}

function mapUnit(rec: Fields, ctx: Ctx): ElementDraft[] {
  const name = required(rec, "unitName", ctx, "a unit needs its name");
  const kind = coded(text(rec, "unitType", ctx), "unitType", UNIT_KINDS, ctx, "a known 单位类型");
  const rawGrid = text(rec, "gridCode", ctx);
  const grid = rawGrid === null ? null : areaCode(rawGrid, ["GRID"], ctx, "gridCode");
  const representative = personEntry(rec, "legalRepresentative", REPRESENTATIVE_FIELDS, ctx);
  if (name === null) return withRepresentative(representative, null);
  const unit = prune<OrganisationDraft>({
    element: "ORGANISATION",
    ref: "unit",
    uscc: text(rec, "creditCode", ctx),
    name,
    kind: kind ?? "OTHER",
    areaCode: grid,
    addressText: text(rec, "address", ctx),
    phone: text(rec, "phone", ctx),
    // 存续 / 注销 / 吊销 / 正常 …, as the unit register holds it
    status: organisationStatusOf(text(rec, "status", ctx)),
  });
  return withRepresentative(representative, unit);
}

function mapPatrolReport(rec: Fields, ctx: Ctx): ElementDraft[] {
  const reported = time(required(rec, "reportedAt", ctx, "a report needs its time"), "reportedAt", ctx);
  const grid = gridCode(rec, ctx, "a report belongs to a grid");
  const rawStatus = required(rec, "status", ctx, "a report needs its status");
  const status = coded(rawStatus, "status", PATROL_STATUSES, ctx, "a known 巡查状态");
  const typeLabel = text(rec, "type", ctx);
  const type = coded(typeLabel, "type", PATROL_TYPES, ctx, "a known 巡查类型");
  const handledAt = time(text(rec, "handledAt", ctx), "handledAt", ctx);

  const drafts: ElementDraft[] = [];
  const persons: EventDraft["persons"] = [];
  const reporter = text(rec, "reporterName", ctx);
  const workerNo = text(rec, "workerNo", ctx);
  if (reporter !== null) {
    // the worker's number names their record in the gridWorkers dataset: the same person
    const sameAs = workerNo === null ? null : { sourceKey: `gridWorkers:${workerNo}`, ref: "worker" };
    drafts.push(prune<PersonDraft>({ element: "PERSON", ref: "reporter", name: reporter, sameAs }));
    persons.push({ ref: "reporter", role: "REPORTER" });
  }
  const visitedRaw = rec.visitedPerson;
  if (isFields(visitedRaw)) {
    const visited = personEntry(visitedRaw, "visited", PERSON_FIELDS, ctx, "visitedPerson");
    if (visited) {
      drafts.push(visited);
      persons.push({ ref: "visited", role: "SUBJECT" });
    }
  } else if (visitedRaw !== undefined && visitedRaw !== null && visitedRaw !== "")
    problem(
      ctx,
      "MALFORMED_RECORD",
      "visitedPerson",
      `visitedPerson should be an object, got ${show(visitedRaw)}`,
    );

  if (ctx.problems.length > 0 || reported === null || grid === null || status === null) return drafts;
  drafts.push(
    prune<EventDraft>({
      element: "EVENT",
      ref: "report",
      kind: "GRID_REPORT",
      title: typeLabel ?? "网格巡查上报",
      description: text(rec, "description", ctx),
      occurredAt: reported,
      reportedAt: reported,
      areaCode: grid,
      addressText: text(rec, "addressText", ctx),
      status,
      details: prune<Record<string, JsonValue>>({
        patrolType: type,
        workerNo,
        addressCode: text(rec, "addressCode", ctx),
        handledAt,
      }),
      persons,
      organisations: [],
    }),
  );
  return drafts;
}

/** The organisation kind of a party known by its credit code. */
function kindOfCreditCode(code: string | null): OrganisationDraft["kind"] {
  if (code === null) return "OTHER";
  const checked = normaliseUscc(code);
  const key = checked.ok ? checked.value : (checked.lowTrustKey ?? "");
  return (
    lookup(CREDIT_CODE_KINDS, key.slice(0, 2))?.value ??
    lookup(CREDIT_CODE_KINDS, key.slice(0, 1))?.value ??
    "OTHER"
  );
}

function mapDispute(rec: Fields, ctx: Ctx): ElementDraft[] {
  const occurred = time(required(rec, "occurredAt", ctx, "a dispute needs its time"), "occurredAt", ctx);
  const registered = time(text(rec, "registeredAt", ctx), "registeredAt", ctx);
  const grid = gridCode(rec, ctx, "a dispute belongs to a grid");
  const rawMediation = required(rec, "mediationStatus", ctx, "a dispute needs its mediation status");
  const mediation = coded(rawMediation, "mediationStatus", MEDIATION_STATUSES, ctx, "a known 调解状态");
  const rawWarning = text(rec, "warningLevel", ctx);
  const warning = coded(rawWarning, "warningLevel", WARNING_LEVELS, ctx, "a known 三色预警等级");
  const typeLabel = text(rec, "type", ctx);
  const type = coded(typeLabel, "type", DISPUTE_TYPES, ctx, "a known 纠纷类型");

  const drafts: ElementDraft[] = [];
  const persons: EventDraft["persons"] = [];
  const organisations: EventDraft["organisations"] = [];
  const partyRoles: Record<string, JsonValue> = {};
  const parties = rec.parties ?? [];
  if (!Array.isArray(parties))
    problem(ctx, "MALFORMED_RECORD", "parties", `parties should be a list, got ${show(parties)}`);
  else
    forEachEntry(parties, "parties", ctx, (entry, i, path) => {
      const ref = `party:${i}`;
      const rawSide = text(entry, "role", ctx, `${path}.role`);
      const side = coded(rawSide, `${path}.role`, PARTY_ROLES, ctx, "a known 当事人角色");
      const rawPartyType = text(entry, "partyType", ctx, `${path}.partyType`);
      const partyType =
        coded(rawPartyType, `${path}.partyType`, PARTY_TYPES, ctx, "a known 当事人类型") ?? "PERSON";
      if (partyType === "PERSON") {
        const person = personEntry(entry, ref, PERSON_FIELDS, ctx, path);
        if (!person) return;
        drafts.push(person);
        persons.push({ ref, role: "PARTY" });
      } else {
        const name = text(entry, "name", ctx, `${path}.name`);
        const uscc = text(entry, "creditCode", ctx, `${path}.creditCode`);
        // an organisation draft needs a name; a nameless unit is left out of the graph
        if (name === null) return;
        drafts.push(
          prune<OrganisationDraft>({
            element: "ORGANISATION",
            ref,
            uscc,
            name,
            kind: kindOfCreditCode(uscc),
            addressText: text(entry, "address", ctx, `${path}.address`),
          }),
        );
        organisations.push({ ref, role: side ?? "PARTY" });
      }
      if (side !== null) partyRoles[ref] = side;
    });

  // the mediator: the grid worker by name, or the community's mediation committee
  const mediator = text(rec, "mediator", ctx);
  let handlingUnit: string | null = null;
  if (mediator !== null && MEDIATING_BODY.test(mediator.trim())) {
    handlingUnit = mediator;
    drafts.push(
      prune<OrganisationDraft>({
        element: "ORGANISATION",
        ref: "mediator",
        name: mediator,
        kind: "GRASSROOTS",
        areaCode: grid === null ? null : communityOf(grid),
      }),
    );
    organisations.push({ ref: "mediator", role: MEDIATOR });
  } else if (mediator !== null) {
    // a person mediating is the grid's worker: their post is what identifies them, with the name
    drafts.push(
      prune<PersonDraft>({
        element: "PERSON",
        ref: "mediator",
        name: mediator,
        posts: grid === null ? undefined : [{ role: "GRID_WORKER", areaCode: grid }],
      }),
    );
    persons.push({ ref: "mediator", role: "OTHER" });
  }

  if (ctx.problems.length > 0 || occurred === null || grid === null || mediation === null) return drafts;
  drafts.push(
    prune<EventDraft>({
      element: "EVENT",
      ref: "dispute",
      kind: "DISPUTE",
      title: typeLabel ?? "矛盾纠纷",
      description: text(rec, "summary", ctx),
      occurredAt: occurred,
      reportedAt: registered ?? occurred,
      areaCode: grid,
      addressText: text(rec, "addressText", ctx),
      status: mediation.status,
      warningLevel: warning ?? undefined,
      handlingUnit,
      details: prune<Record<string, JsonValue>>({
        disputeType: type,
        mediationOutcome: mediation.outcome,
        partyRoles: Object.keys(partyRoles).length > 0 ? partyRoles : null,
        addressCode: text(rec, "addressCode", ctx),
        // 来源: the 110 接警单编号 when the police handed the dispute over (警调对接)
        sourceRef: text(rec, "sourceRef", ctx),
      }),
      persons,
      organisations,
    }),
  );
  return drafts;
}

function mapArea(rec: Fields, ctx: Ctx): ElementDraft[] {
  const code = required(rec, "areaCode", ctx, "an area needs its code");
  const name = required(rec, "areaName", ctx, "an area needs its name");
  const rawLevel = required(rec, "areaLevel", ctx, "an area needs its level");
  const level = coded(rawLevel, "areaLevel", AREA_LEVEL_NAMES, ctx, "a known 区划层级");
  const parentRaw = text(rec, "parentAreaCode", ctx);
  const parentCode = parentRaw === null ? null : normaliseAreaCode(parentRaw);
  if (level !== null && level !== "CITY" && parentCode === null)
    problem(ctx, "MISSING_FIELD", "parentAreaCode", `no parentAreaCode: a ${level} area lies inside another`);
  if (code === null || name === null || level === null || ctx.problems.length > 0) return [];
  const normalised = normaliseAreaCode(code);
  const bad = checkAreaCode(level, normalised, parentCode);
  if (bad) {
    problem(ctx, "INVALID_VALUE", "areaCode", bad.detail);
    return [];
  }
  return [{ element: "AREA", ref: "area", code: normalised, name, level, parentCode } satisfies AreaDraft];
}

/** Dataset name → its mapping and the field holding the record's own key. */
const DATASETS = {
  gridWorkers: { label: "grid worker", keyField: "workerNo", map: mapGridWorker },
  addresses: { label: "standard address", keyField: "addressCode", map: mapAddress },
  units: { label: "unit", keyField: "unitNo", map: mapUnit },
  patrolReports: { label: "patrol report", keyField: "reportNo", map: mapPatrolReport },
  disputes: { label: "dispute", keyField: "disputeNo", map: mapDispute },
  areas: { label: "area", keyField: "areaCode", map: mapArea },
};

export const mapGrid = datasetMapper(DATASETS);
