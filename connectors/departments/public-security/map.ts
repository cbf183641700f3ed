// Public security (公安) records → element drafts. The hub hands over { dataset, record } with the
// registry's own shapes (sandbox/generator/silos/public-security.ts):
//   population  人口信息 row (GMSFHM XM XBDM MZDM CSRQ HJDZ/HJDZXZQH XZZ/XZZXZQH LXDH …) → PersonDraft
//   incidents   110 接处警 row (JJDBH BJSJ BJR* BJNR AFDD JQLB GXDW XZQH CJJG SJRY[]) → POLICE_INCIDENT,
//               its reporter and involved persons with the sex the police wrote down (BJRXB, XB)
//               EventDraft + the reporter and the involved persons (涉事人员) as PersonDrafts.
// Identifiers pass through as written (the hub normalises them on ingest); only what decides whether
// an element can exist is checked here, and every failure becomes a MappingProblem, never an exception.
import type { ElementDraft, EventDraft, JsonValue, PersonDraft } from "../../contract.js";
import {
  areaCode,
  type Ctx,
  coded,
  datasetMapper,
  type Fields,
  forEachEntry,
  isoDate,
  isoTime,
  parsed,
  personEntry,
  problem,
  prune,
  show,
  text,
} from "../mapping.js";

// ---- translation tables (declared once) ----

/** 性别代码 XBDM (GB/T 2261.1-2003): 0 未知的性别 and 9 未说明的性别 carry no sex. */
export const SEX_CODES: Readonly<Record<string, PersonDraft["sex"]>> = {
  "0": null,
  "1": "MALE",
  "2": "FEMALE",
  "9": null,
};

/** 警情类别 JQLB → category (07 非警务警情 are transferred to 12345 or other departments). */
export const INCIDENT_CATEGORIES: Readonly<Record<string, { category: string; name: string }>> = {
  "01": { category: "CRIMINAL", name: "刑事警情" },
  "02": { category: "PUBLIC_ORDER", name: "治安警情" },
  "03": { category: "TRAFFIC", name: "交通警情" },
  "04": { category: "FIRE", name: "火灾警情" },
  "05": { category: "DISPUTE", name: "纠纷警情" },
  "06": { category: "ASSISTANCE", name: "群众求助" },
  "07": { category: "NON_POLICE", name: "非警务警情" },
  "99": { category: "OTHER", name: "其他警情" },
};

/**
 * 处警结果 CJJG → closed-loop status. A call with a result has been dealt with on the spot
 * (HANDLED); a filed case (已立案) is accepted for investigation; a transfer hands the matter to
 * another department (DISPATCHED). A call without a result yet is REPORTED.
 */
export const INCIDENT_OUTCOME_STATUS: Readonly<Record<string, EventDraft["status"]>> = {
  已调解: "HANDLED",
  已处理: "HANDLED",
  现场劝离: "HANDLED",
  已告知: "HANDLED",
  已立案: "ACCEPTED",
  已移交: "DISPATCHED",
  已移交12345热线: "DISPATCHED",
  已移交网格调解: "DISPATCHED",
};
export const INCIDENT_STATUS_WITHOUT_OUTCOME: EventDraft["status"] = "REPORTED";

/** 人员类型 RYLX of a 涉事人员 → the person's role in the incident. */
export const INVOLVED_ROLES: Readonly<Record<string, EventDraft["persons"][number]["role"]>> = {
  当事人: "PARTY",
  嫌疑人: "SUBJECT",
  受害人: "VICTIM",
  证人: "WITNESS",
  求助人: "OTHER",
};

/** Which kind of address each population field holds, and the field naming its community. */
export const POPULATION_ADDRESSES = [
  { field: "HJDZ", areaField: "HJDZXZQH", kind: "REGISTERED" },
  { field: "XZZ", areaField: "XZZXZQH", kind: "RESIDENT" },
] as const;

/** Where an incident names its reporter (报警人) and each involved person (涉事人员 SJRY[i]). */
const SEX_EXPECTED = "a GB/T 2261.1 sex code";
const sexCode = (field: string) => ({ field, codes: SEX_CODES, expected: SEX_EXPECTED });
const REPORTER_FIELDS = {
  citizenId: "BJRSFZH",
  name: "BJRXM",
  phone: "BJRDH",
  sex: sexCode("BJRXB"),
} as const;
const INVOLVED_FIELDS = { citizenId: "GMSFHM", name: "XM", phone: "LXDH", sex: sexCode("XB") } as const;

/** 民族代码 MZDM (GB 3304-1991): 01–56, 97 其他, 98 外国血统中国籍人士. */
const ETHNICITY_CODE = /^(0[1-9]|[1-4]\d|5[0-6]|97|98)$/;

// ---- formats ----

/** YYYYMMDD (or YYYY-MM-DD) → YYYY-MM-DD, or null when it is not a calendar date. */
const parseDate = (v: string): string | null => isoDate(/^(\d{4})-?(\d{2})-?(\d{2})$/.exec(v.trim()));

/** YYYYMMDDHHmmss, Beijing time → ISO 8601 with +08:00, or null when it is not a real time. */
const parseTime = (v: string): string | null =>
  isoTime(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v.trim()));

// ---- datasets ----

function mapPopulation(rec: Fields, ctx: Ctx): ElementDraft[] {
  const citizenId = text(rec, "GMSFHM", ctx);
  const name = text(rec, "XM", ctx);
  if (citizenId === null && name === null)
    problem(ctx, "MISSING_FIELD", "GMSFHM", "neither GMSFHM (citizen ID) nor XM (name): no person to record");

  const sex = coded(text(rec, "XBDM", ctx), "XBDM", SEX_CODES, ctx, SEX_EXPECTED);

  const ethnicity = text(rec, "MZDM", ctx);
  if (ethnicity !== null && !ETHNICITY_CODE.test(ethnicity.trim()))
    problem(ctx, "INVALID_VALUE", "MZDM", `MZDM "${ethnicity}" is not a GB 3304 ethnicity code`);

  const birthDate = parsed(text(rec, "CSRQ", ctx), "CSRQ", ctx, parseDate, "a YYYYMMDD date");

  const addresses: NonNullable<PersonDraft["addresses"]> = [];
  for (const a of POPULATION_ADDRESSES) {
    const addressText = text(rec, a.field, ctx);
    const rawArea = text(rec, a.areaField, ctx);
    const code = rawArea === null ? null : areaCode(rawArea, ["COMMUNITY", "STREET"], ctx, a.areaField);
    if (addressText !== null) addresses.push(prune({ kind: a.kind, text: addressText, areaCode: code }));
  }

  const person: PersonDraft = prune({
    element: "PERSON",
    ref: "person",
    citizenId,
    name,
    sex,
    birthDate,
    ethnicity: ethnicity?.trim() ?? null,
    phone: text(rec, "LXDH", ctx),
    addresses: addresses.length > 0 ? addresses : undefined,
  });
  return [person];
}

function mapIncident(rec: Fields, ctx: Ctx): ElementDraft[] {
  const rawTime = text(rec, "BJSJ", ctx);
  if (rawTime === null)
    problem(ctx, "MISSING_FIELD", "BJSJ", "no BJSJ (报警时间): an incident needs its time");
  const time = parsed(rawTime, "BJSJ", ctx, parseTime, "a YYYYMMDDHHmmss time");

  const rawArea = text(rec, "XZQH", ctx);
  const area =
    rawArea === null ? null : areaCode(rawArea, ["STREET", "COMMUNITY", "GRID", "DISTRICT"], ctx, "XZQH");
  if (rawArea === null)
    problem(ctx, "MISSING_FIELD", "XZQH", "no XZQH (行政区划): an incident needs the area it happened in");

  const category = coded(text(rec, "JQLB", ctx), "JQLB", INCIDENT_CATEGORIES, ctx, "a known 警情类别 code");
  const categoryName = text(rec, "JQLBMC", ctx) ?? category?.name ?? null;

  const outcome = text(rec, "CJJG", ctx);
  const status =
    coded(outcome, "CJJG", INCIDENT_OUTCOME_STATUS, ctx, "a known 处警结果") ??
    INCIDENT_STATUS_WITHOUT_OUTCOME;

  const drafts: ElementDraft[] = [];
  const persons: EventDraft["persons"] = [];
  const reporter = personEntry(rec, "reporter", REPORTER_FIELDS, ctx);
  if (reporter) {
    drafts.push(reporter);
    persons.push({ ref: "reporter", role: "REPORTER" });
  }

  const involved = rec.SJRY ?? [];
  if (!Array.isArray(involved))
    problem(ctx, "MALFORMED_RECORD", "SJRY", `SJRY (涉事人员) should be a list, got ${show(involved)}`);
  else
    forEachEntry(involved, "SJRY", ctx, (entry, i, path) => {
      const kind = text(entry, "RYLX", ctx, `${path}.RYLX`);
      const role = coded(kind, `${path}.RYLX`, INVOLVED_ROLES, ctx, "a known 人员类型");
      const person = personEntry(entry, `involved:${i}`, INVOLVED_FIELDS, ctx, path);
      // nobody to link when the police learned nothing about the person
      if (!person) return;
      drafts.push(person);
      persons.push({ ref: person.ref, role: role ?? "PARTY" });
    });

  if (ctx.problems.length > 0 || time === null || area === null) return drafts;
  const event: EventDraft = prune({
    element: "EVENT",
    ref: "incident",
    kind: "POLICE_INCIDENT",
    title: categoryName ?? "110警情",
    description: text(rec, "BJNR", ctx),
    occurredAt: time,
    reportedAt: time,
    areaCode: area,
    addressText: text(rec, "AFDD", ctx),
    status,
    handlingUnit: text(rec, "GXDW", ctx),
    details: prune<Record<string, JsonValue>>({
      category: category?.category ?? null,
      categoryName,
      reportMode: text(rec, "BJFS", ctx),
      outcome,
    }),
    persons,
    organisations: [],
  });
  drafts.push(event);
  return drafts;
}

/** Dataset name → its mapping and the field holding the record's own key. */
const DATASETS = {
  population: { label: "population record", keyField: "RYBH", map: mapPopulation },
  incidents: { label: "incident", keyField: "JJDBH", map: mapIncident },
};

export const mapPublicSecurity = datasetMapper(DATASETS);
