// 12345 hotline (政务服务便民热线) work orders → element drafts. The hub hands over
// { dataset: "workOrders", record } with the ticket system's snake_case row
// (sandbox/generator/silos/hotline.ts): a HOTLINE_TICKET EventDraft in the order's
// street, the caller as a PersonDraft (often only a surname + 先生/女士 and a phone, with the
// sex the operator heard: passed through, the hub resolves) and the unit complained about
// (被反映单位) as an OrganisationDraft.
// Every failure is a MappingProblem, never an exception.
import type { ElementDraft, EventDraft, JsonValue, OrganisationDraft, PersonDraft } from "../../contract.js";
import {
  areaCode,
  type Ctx,
  coded,
  datasetMapper,
  type Fields,
  isoTime,
  parsed,
  personEntry,
  problem,
  prune,
  required,
  text,
} from "../mapping.js";

// ---- translation tables (declared once) ----

/**
 * 工单状态 → closed-loop status (一号主叫—中心派单—部门响应—考核评价). 已办结 means the department
 * fed back its handling; 已回访 means the return visit evaluated it, which closes the loop. An
 * overdue order (超期未办结) is still with the department: DISPATCHED, flagged overdue.
 */
export const ORDER_STATUSES: Readonly<Record<string, { status: EventDraft["status"]; overdue: boolean }>> = {
  待受理: { status: "REPORTED", overdue: false },
  已受理: { status: "ACCEPTED", overdue: false },
  已派单: { status: "DISPATCHED", overdue: false },
  办理中: { status: "DISPATCHED", overdue: false },
  超期未办结: { status: "DISPATCHED", overdue: true },
  已办结: { status: "HANDLED", overdue: false },
  已回访: { status: "ARCHIVED", overdue: false },
  已退回: { status: "REJECTED", overdue: false },
};

/** 诉求类型 (GB/T 33358 service categories) → category code. */
export const CATEGORIES: Readonly<Record<string, string>> = {
  投诉: "COMPLAINT",
  求助: "HELP",
  咨询: "CONSULTATION",
  建议: "SUGGESTION",
  举报: "REPORT",
};

/** 紧急程度 → urgency code. */
export const URGENCIES: Readonly<Record<string, string>> = {
  一般: "NORMAL",
  紧急: "URGENT",
};

/** 满意度 (回访 evaluation, feeds the 满意率 KPI) → satisfaction code. */
export const SATISFACTION: Readonly<Record<string, string>> = {
  满意: "SATISFIED",
  基本满意: "FAIRLY_SATISFIED",
  不满意: "DISSATISFIED",
  未评价: "NOT_RATED",
};

/**
 * 来电人性别 as the ticket system writes it: the operator's judgement of the voice, so it is the
 * caller's, not the phone holder's (a wife calling on her husband's mobile is 女).
 */
export const CALLER_SEXES: Readonly<Record<string, PersonDraft["sex"]>> = {
  男: "MALE",
  女: "FEMALE",
  未知: null,
};

/** Where a work order names its caller. */
const CALLER_FIELDS = {
  citizenId: "caller_id_no",
  name: "caller_name",
  phone: "caller_phone",
  sex: { field: "caller_sex", codes: CALLER_SEXES, expected: "男 / 女" },
} as const;

/** How the unit a caller complains about is linked to the ticket. */
export const TARGET_ROLE = "TARGET";

// ---- formats ----

/** "YYYY-MM-DD HH:mm:ss" (MySQL DATETIME, Beijing time) → ISO 8601 with +08:00; unreadable → problem. */
const time = (raw: string | null, name: string, ctx: Ctx): string | null =>
  parsed(
    raw,
    name,
    ctx,
    (v) => isoTime(/^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(v.trim())),
    "a YYYY-MM-DD HH:mm:ss time",
  );

// ---- datasets ----

function mapWorkOrder(rec: Fields, ctx: Ctx): ElementDraft[] {
  const created = time(
    required(rec, "created_at", ctx, "a ticket needs the time it was taken"),
    "created_at",
    ctx,
  );
  const rawArea = required(rec, "street_code", ctx, "a ticket needs the street it concerns");
  const area =
    rawArea === null ? null : areaCode(rawArea, ["STREET", "COMMUNITY", "GRID"], ctx, "street_code");
  const rawStatus = required(rec, "status", ctx, "a ticket needs its status");
  const status = coded(rawStatus, "status", ORDER_STATUSES, ctx, "a known 工单状态");
  const category = coded(text(rec, "category", ctx), "category", CATEGORIES, ctx, "a known 诉求类型");
  const urgency = coded(text(rec, "urgency", ctx), "urgency", URGENCIES, ctx, "a known 紧急程度");
  const rawSatisfaction = text(rec, "satisfaction", ctx);
  const satisfaction = coded(rawSatisfaction, "satisfaction", SATISFACTION, ctx, "a known 满意度");
  const deadline = time(text(rec, "deadline", ctx), "deadline", ctx);
  const closedAt = time(text(rec, "closed_at", ctx), "closed_at", ctx);
  const topic = text(rec, "topic", ctx);
  const title = text(rec, "title", ctx) ?? topic;
  if (title === null)
    problem(ctx, "MISSING_FIELD", "title", "neither title nor topic: a ticket needs a title");

  const drafts: ElementDraft[] = [];
  const persons: EventDraft["persons"] = [];
  const organisations: EventDraft["organisations"] = [];
  // an anonymous caller is still reachable by the phone number: keep whatever identifies them
  const caller = personEntry(rec, "caller", CALLER_FIELDS, ctx);
  if (caller) {
    drafts.push(caller);
    persons.push({ ref: "caller", role: "REPORTER" });
  }
  const target = text(rec, "target_unit", ctx);
  if (target !== null) {
    // the name as the caller said it: what kind of unit it is, the hotline does not know
    drafts.push({
      element: "ORGANISATION",
      ref: "target",
      name: target,
      kind: "OTHER",
    } satisfies OrganisationDraft);
    organisations.push({ ref: "target", role: TARGET_ROLE });
  }

  if (ctx.problems.length > 0 || created === null || area === null || status === null || title === null)
    return drafts;
  const event: EventDraft = prune({
    element: "EVENT",
    ref: "ticket",
    kind: "HOTLINE_TICKET",
    title,
    description: text(rec, "content", ctx),
    occurredAt: created,
    reportedAt: created,
    deadlineAt: deadline,
    areaCode: area,
    addressText: text(rec, "address", ctx),
    status: status.status,
    handlingUnit: text(rec, "handling_unit", ctx),
    details: prune<Record<string, JsonValue>>({
      category,
      urgency,
      satisfaction,
      channel: text(rec, "channel", ctx),
      topic,
      overdue: status.overdue,
      closedAt,
      // 来源编号: the 110 接警单编号 of a transferred non-police call, so the hub can join the two
      sourceRef: text(rec, "source_ref", ctx),
    }),
    persons,
    organisations,
  });
  drafts.push(event);
  return drafts;
}

/** Dataset name → its mapping and the field holding the record's own key. */
const DATASETS = {
  workOrders: { label: "work order", keyField: "order_no", map: mapWorkOrder },
};

export const mapHotline = datasetMapper(DATASETS);
