// Petition (信访) cases → element drafts. The hub hands over { dataset: "cases", record } with the
// petition system's case (sandbox/generator/silos/petition.ts), decoded from XML: values
// may arrive as strings ("12", "true", "" for an empty element), so numbers and booleans are read
// defensively; petitioners come as a list (a single object is accepted as a list of one).
// Each case → a PETITION EventDraft in its 问题属地 street, each listed petitioner a PersonDraft
// ("petitioner:0" …) linked as PETITIONER. Every failure is a MappingProblem, never an exception.
import type { ElementDraft, EventDraft, JsonValue, PersonDraft } from "../../contract.js";
import {
  areaCode,
  type Ctx,
  coded,
  datasetMapper,
  type Fields,
  forEachEntry,
  isFields,
  isoDate,
  lookup,
  parsed,
  personEntry,
  problem,
  prune,
  required,
  show,
  text,
} from "../mapping.js";

// ---- translation tables (declared once) ----

/**
 * 办理状态 → closed-loop status (信访工作条例 2022). 办理中 means assigned to the responsible unit;
 * 已办结 means the written answer was given. A 复查 / 复核 request reopens the matter at the next
 * level, which has accepted it: ACCEPTED, with the review stage kept in the details.
 */
export const CASE_STATUSES: Readonly<
  Record<string, { status: EventDraft["status"]; reviewStage: string | null }>
> = {
  待受理: { status: "REPORTED", reviewStage: null },
  已受理: { status: "ACCEPTED", reviewStage: null },
  办理中: { status: "DISPATCHED", reviewStage: null },
  已办结: { status: "HANDLED", reviewStage: null },
  不予受理: { status: "REJECTED", reviewStage: null },
  复查中: { status: "ACCEPTED", reviewStage: "REVIEW" },
  复核中: { status: "ACCEPTED", reviewStage: "RE_REVIEW" },
};

/** 信访形式 (条例 art. 17: 信息网络、书信、电话、传真、走访) → form code. */
export const FORMS: Readonly<Record<string, string>> = {
  来信: "LETTER",
  来访: "VISIT",
  网上信访: "ONLINE",
  电话: "PHONE",
  传真: "FAX",
};

/** Boolean spellings an XML export uses. */
export const BOOLEANS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  "1": true,
  "0": false,
  是: true,
  否: false,
};

/** Where a petitioner entry names the person. */
const PETITIONER_FIELDS = {
  citizenId: "idNumber",
  name: "name",
  phone: "phone",
  address: "address",
} as const;

// ---- record reading (problems, not exceptions) ----

/** A count: a JSON number or its decimal string. */
function count(obj: Fields, name: string, ctx: Ctx): number | null {
  const v = obj[name];
  if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) return null;
  const n =
    typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= 0) return n;
  return problem(ctx, "INVALID_VALUE", name, `${name} ${show(v)} is not a count`);
}

/** A flag: a JSON boolean or one of the spellings in BOOLEANS. */
function flag(obj: Fields, name: string, ctx: Ctx): boolean | null {
  const v = obj[name];
  if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) return null;
  if (typeof v === "boolean") return v;
  const hit =
    typeof v === "string" || typeof v === "number" ? lookup(BOOLEANS, String(v).trim().toLowerCase()) : null;
  return hit ? hit.value : problem(ctx, "INVALID_VALUE", name, `${name} ${show(v)} is not true / false`);
}

/** A YYYY-MM-DD date as written; a present but unreadable date is a problem. */
const date = (raw: string | null, name: string, ctx: Ctx): string | null =>
  parsed(raw, name, ctx, (v) => isoDate(/^(\d{4})-(\d{2})-(\d{2})$/.exec(v.trim())), "a YYYY-MM-DD date");

/** Start and end of a Beijing-time day, ISO 8601: registration at the start, time limits at the end. */
const startOfDay = (ymd: string) => `${ymd}T00:00:00+08:00`;
const endOfDay = (ymd: string) => `${ymd}T23:59:59+08:00`;

// ---- datasets ----

function mapPetitioners(rec: Fields, ctx: Ctx): PersonDraft[] {
  const raw = rec.petitioners;
  if (raw === undefined || raw === null || raw === "") return [];
  // an XML decoder without a list hint turns a single <petitioner> into an object
  const list = Array.isArray(raw) ? raw : isFields(raw) ? [raw] : null;
  if (list === null) {
    problem(ctx, "MALFORMED_RECORD", "petitioners", `petitioners should be a list, got ${show(raw)}`);
    return [];
  }
  const out: PersonDraft[] = [];
  forEachEntry(list, "petitioners", ctx, (entry, i, path) => {
    // an address alone identifies nobody: personEntry gives null then
    const person = personEntry(entry, `petitioner:${i}`, PETITIONER_FIELDS, ctx, path);
    if (person) out.push(person);
  });
  return out;
}

function mapCase(rec: Fields, ctx: Ctx): ElementDraft[] {
  const registeredRaw = required(rec, "registeredDate", ctx, "a petition needs the day it was registered");
  const registered = date(registeredRaw, "registeredDate", ctx);
  const rawArea = required(rec, "localityCode", ctx, "a petition needs its 问题属地");
  const area =
    rawArea === null
      ? null
      : areaCode(rawArea, ["STREET", "COMMUNITY", "GRID", "DISTRICT"], ctx, "localityCode");
  const rawStatus = required(rec, "status", ctx, "a petition needs its status");
  const status = coded(rawStatus, "status", CASE_STATUSES, ctx, "a known 办理状态");
  const formLabel = text(rec, "form", ctx);
  const form = coded(formLabel, "form", FORMS, ctx, "a known 信访形式");
  const accepted = date(text(rec, "acceptedDate", ctx), "acceptedDate", ctx);
  const deadline = date(text(rec, "deadline", ctx), "deadline", ctx);
  const extended = date(text(rec, "extendedDeadline", ctx), "extendedDeadline", ctx);
  const personCount = count(rec, "personCount", ctx);
  const isCollective = flag(rec, "isCollective", ctx);
  const isRepeat = flag(rec, "isRepeat", ctx);
  const issue = text(rec, "issueCategory", ctx);
  const petitioners = mapPetitioners(rec, ctx);

  if (ctx.problems.length > 0 || registered === null || area === null || status === null) return petitioners;
  // the time limit in force: the extended one (+30 days with approval) when there is one
  const limit = extended ?? deadline;
  const event: EventDraft = prune({
    element: "EVENT",
    ref: "petition",
    kind: "PETITION",
    title: `${issue ?? "其他"}类信访${formLabel === null ? "" : `（${formLabel}）`}`,
    description: text(rec, "summary", ctx),
    occurredAt: startOfDay(registered),
    reportedAt: startOfDay(registered),
    deadlineAt: limit === null ? null : endOfDay(limit),
    areaCode: area,
    status: status.status,
    handlingUnit: text(rec, "responsibleUnit", ctx),
    details: prune<Record<string, JsonValue>>({
      form,
      issueCategory: issue,
      locality: text(rec, "locality", ctx),
      personCount,
      isCollective,
      isRepeat,
      previousCaseNo: text(rec, "previousCaseNo", ctx),
      acceptedDate: accepted,
      deadline,
      extendedDeadline: extended,
      reviewStage: status.reviewStage,
    }),
    persons: petitioners.map((p) => ({ ref: p.ref, role: "PETITIONER" as const })),
    organisations: [],
  });
  return [...petitioners, event];
}

/** Dataset name → its mapping and the field holding the record's own key. */
const DATASETS = {
  cases: { label: "petition case", keyField: "caseNo", map: mapCase },
};

export const mapPetition = datasetMapper(DATASETS);
