// The closed loop over GraphQL: a matter a grid worker reports is driven through every step by
// the role that owns it (report → accept → dispatch to two departments → each feeds back → verify
// → evaluate and archive), with refusals for the wrong role, jurisdiction or department beside
// their positive controls; a failed verification and a department's return; an on-the-spot
// closure; overdue escalation (督办) on a clock the test moves; 12345 KPIs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ElementDraft } from "../../connectors/contract.js";
import type { Clock } from "../../domain/clock.js";
import { escalateOverdue, OVERDUE_ACTOR, OVERDUE_TASK } from "../../integration/workflow/overdue.js";
import { citizenId, ingestDrafts, personDraft } from "../support/drafts.js";
import { startTestHub, type TestHub } from "../support/hub.js";

// Monday 7 December 2026, 10:00 in China
let now = new Date("2026-12-07T02:00:00Z");
const clock: Clock = { now: () => now };

let hub: TestHub;
const codes = { city: "", district: "", street: "", grid: "", otherDistrict: "" };
const tokens: Record<string, string> = {};

const EVENT_FIELDS = `id status deadlineAt overdue
  assignments { department { code } status respondedAt fedBackAt feedback }
  timeline { fromStatus toStatus action actor department note attachments at }`;

interface EventResult {
  id: string;
  status: string;
  deadlineAt: string | null;
  overdue: boolean;
  assignments: {
    department: { code: string };
    status: string;
    respondedAt: string | null;
    fedBackAt: string | null;
    feedback: string | null;
  }[];
  timeline: {
    fromStatus: string | null;
    toStatus: string;
    action: string | null;
    actor: string;
    department: string | null;
    note: string | null;
    attachments: string[];
    at: string;
  }[];
}

/** Run a workflow mutation as `who`; returns the event, or the first error. */
async function act(
  who: string,
  mutation: string,
  args: Record<string, unknown>,
): Promise<{
  event: EventResult | null;
  error: { message: string; extensions?: Record<string, unknown> } | null;
}> {
  const declared = Object.entries(args)
    .map(([k, v]) => `$${k}: ${typeOf(k, v)}`)
    .join(", ");
  const passed = Object.keys(args)
    .map((k) => `${k}: $${k}`)
    .join(", ");
  const res = await hub.gql<Record<string, EventResult>>(
    `mutation(${declared}) { result: ${mutation}(${passed}) { ${EVENT_FIELDS} } }`,
    { token: tokens[who]!, variables: args },
  );
  return { event: res.data?.result ?? null, error: res.errors?.[0] ?? null };
}

function typeOf(name: string, value: unknown): string {
  if (name === "id") return "ID!";
  if (name === "input") return "ReportEventInput!";
  if (name === "departments") return "[String!]!";
  if (name === "attachments") return "[String!]";
  if (name === "deadlineAt") return "DateTime";
  if (name === "satisfaction") return "Satisfaction";
  if (name === "days") return "Int!";
  return typeof value === "number" ? "Int" : "String";
}

const report = (who: string, input: Record<string, unknown>) =>
  act(who, "reportEvent", { input: { areaCode: codes.grid, title: "楼道堆放杂物", ...input } });

beforeAll(async () => {
  hub = await startTestHub({ SYNC_SCHEDULER: "true" }, [], undefined, { clock });
  const grid = await hub.db.area.findFirstOrThrow({
    where: { level: "GRID", path: { startsWith: "/320600/320602/" } },
    orderBy: { code: "asc" },
  });
  const [, city, district, street] = grid.path.split("/");
  Object.assign(codes, { city: city!, district: district!, street: street!, grid: grid.code });
  const other = await hub.db.area.findFirstOrThrow({
    where: { level: "DISTRICT", code: { not: district! } },
    orderBy: { code: "asc" },
  });
  codes.otherDistrict = other.code;
  const t = (roles: Parameters<TestHub["token"]>[0]["roles"], areas: string[], dept?: string, sub?: string) =>
    hub.token({ roles, areas, ...(dept ? { dept } : {}), sub: sub ?? `${roles[0]}-${dept ?? areas[0]}` });
  Object.assign(tokens, {
    grid: await t(["grid_worker"], [codes.grid], undefined, "grid-worker-1"),
    street: await t(["street_operator"], [codes.street], undefined, "street-centre-1"),
    otherCommander: await t(["district_commander"], [codes.otherDistrict]),
    civil: await t(["department_officer"], [codes.city], "civil_affairs", "civil-officer"),
    police: await t(["department_officer"], [codes.city], "public_security", "police-officer"),
    petition: await t(["department_officer"], [codes.city], "petition", "petition-officer"),
    hotline: await t(["department_officer"], [codes.city], "hotline_12345", "hotline-operator"),
    analyst: await t(["analyst"], [codes.city]),
  });
}, 120_000);

afterAll(async () => {
  await hub?.stop();
});

describe("a grid worker's report, through the whole loop", () => {
  let id = "";

  it("is reported by the grid worker, with a time limit to be accepted", async () => {
    const { event, error } = await report("grid", { note: "巡查发现", attachments: ["photo:1"] });
    expect(error).toBeNull();
    id = event!.id;
    expect(event!.status).toBe("REPORTED");
    // accepted the same day: by 24:00 China time
    expect(event!.deadlineAt).toBe("2026-12-07T15:59:59.999Z");
    expect(event!.timeline).toMatchObject([
      {
        fromStatus: null,
        toStatus: "REPORTED",
        action: "report",
        actor: "grid-worker-1",
        note: "巡查发现",
        attachments: ["photo:1"],
      },
    ]);
  });

  it("is not accepted by the grid worker (role) nor another district's centre (jurisdiction)", async () => {
    const byGrid = await act("grid", "acceptEvent", { id });
    expect(byGrid.error?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "ROLE" });
    const byOther = await act("otherCommander", "acceptEvent", { id });
    expect(byOther.error?.extensions).toMatchObject({ code: "FORBIDDEN", reason: "JURISDICTION" });
  });

  it("is accepted by its street centre", async () => {
    now = new Date("2026-12-07T03:00:00Z");
    const { event, error } = await act("street", "acceptEvent", { id });
    expect(error).toBeNull();
    expect(event!.status).toBe("ACCEPTED");
  });

  it("is not dispatched by a department, nor to a department that does not exist", async () => {
    expect(
      (await act("civil", "dispatchEvent", { id, departments: ["civil_affairs"] })).error?.extensions,
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "ROLE",
    });
    expect(
      (await act("street", "dispatchEvent", { id, departments: ["nowhere"] })).error?.extensions,
    ).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "UNKNOWN_DEPARTMENT",
    });
  });

  it("is dispatched by the street centre to two departments, 3 working days", async () => {
    const { event, error } = await act("street", "dispatchEvent", {
      id,
      departments: ["civil_affairs", "public_security"],
    });
    expect(error).toBeNull();
    expect(event!.status).toBe("DISPATCHED");
    expect(event!.assignments.map((a) => [a.department.code, a.status])).toEqual([
      ["civil_affairs", "ASSIGNED"],
      ["public_security", "ASSIGNED"],
    ]);
    // a grid report: 3 working days from Monday → Thursday 10 December, 24:00 China
    expect(event!.deadlineAt).toBe("2026-12-10T15:59:59.999Z");
  });

  it("is fed back by each assigned department on its own, not by one not assigned", async () => {
    expect((await act("petition", "feedBackEvent", { id, note: "已处理" })).error?.extensions).toMatchObject({
      code: "FORBIDDEN",
      reason: "NOT_ASSIGNED",
    });
    const responded = await act("civil", "respondToEvent", { id });
    expect(responded.error).toBeNull();
    const first = await act("civil", "feedBackEvent", {
      id,
      note: "已联系物业清理",
      attachments: ["photo:2"],
    });
    expect(first.error).toBeNull();
    expect(first.event!.status).toBe("DISPATCHED"); // the police have not fed back yet
    expect(first.event!.assignments.find((a) => a.department.code === "civil_affairs")).toMatchObject({
      status: "FED_BACK",
      feedback: "已联系物业清理",
    });
    const second = await act("police", "feedBackEvent", { id, note: "已消除消防隐患" });
    expect(second.event!.status).toBe("HANDLED");
  });

  it("goes back to the departments when the ground finds it not done (核实退回)", async () => {
    expect((await act("civil", "verifyEvent", { id })).error?.extensions).toMatchObject({
      code: "FORBIDDEN",
      reason: "ROLE",
    });
    const back = await act("grid", "returnEvent", { id, note: "现场仍有杂物" });
    expect(back.error).toBeNull();
    expect(back.event!.status).toBe("DISPATCHED");
    const open = back.event!.assignments.filter((a) => a.status === "ASSIGNED").map((a) => a.department.code);
    expect(open.sort()).toEqual(["civil_affairs", "public_security"]);
    expect((await act("civil", "feedBackEvent", { id, note: "已再次清理" })).event!.status).toBe(
      "DISPATCHED",
    );
    expect((await act("police", "feedBackEvent", { id, note: "已复查" })).event!.status).toBe("HANDLED");
  });

  it("is verified by the grid worker and archived by the street centre, not by the grid worker", async () => {
    expect((await act("grid", "verifyEvent", { id, note: "现场已清理" })).event!.status).toBe("VERIFIED");
    expect((await act("grid", "evaluateEvent", { id })).error?.extensions).toMatchObject({
      code: "FORBIDDEN",
      reason: "ROLE",
    });
    const done = await act("street", "evaluateEvent", { id, note: "办结" });
    expect(done.error).toBeNull();
    expect(done.event!.status).toBe("ARCHIVED");
    expect(done.event!.deadlineAt).toBeNull();
    expect(done.event!.timeline.map((s) => [s.action, s.toStatus, s.actor])).toEqual([
      ["report", "REPORTED", "grid-worker-1"],
      ["accept", "ACCEPTED", "street-centre-1"],
      ["dispatch", "DISPATCHED", "street-centre-1"],
      ["respond", "DISPATCHED", "civil-officer"],
      ["feedback", "DISPATCHED", "civil-officer"],
      ["feedback", "HANDLED", "police-officer"],
      ["return", "DISPATCHED", "grid-worker-1"],
      ["feedback", "DISPATCHED", "civil-officer"],
      ["feedback", "HANDLED", "police-officer"],
      ["verify", "VERIFIED", "grid-worker-1"],
      ["evaluate", "ARCHIVED", "street-centre-1"],
    ]);
    // every step at the hub's clock
    expect(new Set(done.event!.timeline.slice(1).map((s) => s.at))).toEqual(
      new Set(["2026-12-07T03:00:00.000Z"]),
    );
  });

  it("takes no action once archived", async () => {
    expect((await act("street", "acceptEvent", { id })).error?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "NOT_ALLOWED_FROM_STATUS",
    });
  });
});

describe("other paths", () => {
  it("首问负责: the grid worker closes a simple matter on the spot, with a note", async () => {
    const { event } = await report("grid", { title: "路灯不亮" });
    const noNote = await act("grid", "closeEventOnSpot", { id: event!.id });
    expect(noNote.error?.extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    const closed = await act("grid", "closeEventOnSpot", { id: event!.id, note: "已报修并修复" });
    expect(closed.error).toBeNull();
    expect(closed.event!.status).toBe("ARCHIVED");
  });

  it("不予受理: the centre rejects with a reason", async () => {
    const { event } = await report("grid", { title: "重复上报" });
    const rejected = await act("street", "rejectEvent", { id: event!.id, note: "与已受理事件重复" });
    expect(rejected.event!.status).toBe("REJECTED");
  });

  it("退回 and 改派: a department sends back what is not its business; the centre dispatches again", async () => {
    const { event } = await report("grid", { title: "占道经营" });
    const id = event!.id;
    await act("street", "acceptEvent", { id });
    await act("street", "dispatchEvent", { id, departments: ["civil_affairs"] });
    const back = await act("civil", "returnEvent", { id, note: "不属于本部门职责" });
    expect(back.error).toBeNull();
    expect(back.event!.status).toBe("ACCEPTED");
    await act("street", "dispatchEvent", { id, departments: ["public_security"] });
    const moved = await act("street", "reassignEvent", {
      id,
      departments: ["grid"],
      note: "改由网格中心处置",
    });
    expect(moved.error).toBeNull();
    expect(moved.event!.status).toBe("DISPATCHED");
    expect(moved.event!.assignments.map((a) => [a.department.code, a.status])).toEqual([
      ["civil_affairs", "RETURNED"],
      ["public_security", "WITHDRAWN"],
      ["grid", "ASSIGNED"],
    ]);
  });
});

describe("督办: overdue events escalate one level up", () => {
  it("the overdue scan is on the shared job queue as a recurring job", async () => {
    const rows = await hub.db.$queryRawUnsafe<{ identifier: string }[]>(
      "SELECT identifier FROM graphile_worker._private_known_crontabs",
    );
    expect(rows.map((r) => r.identifier)).toContain(OVERDUE_TASK);
  });

  it("past its time limit on the hub's clock, a dispatched event is marked overdue and escalated to the district once", async () => {
    const { event } = await report("grid", { title: "井盖缺失" });
    const id = event!.id;
    await act("street", "acceptEvent", { id });
    const dispatched = await act("street", "dispatchEvent", { id, departments: ["public_security"] });
    const deadline = new Date(dispatched.event!.deadlineAt!);
    const rowId = Buffer.from(id, "base64").toString("utf8").split(":")[1]!;

    // before the limit: nothing
    await escalateOverdue(hub.db, clock);
    expect((await hub.db.event.findUniqueOrThrow({ where: { id: rowId } })).overdueAt).toBeNull();

    now = new Date(deadline.getTime() + 60_000);
    await escalateOverdue(hub.db, clock);
    await escalateOverdue(hub.db, clock); // a second run (another instance) escalates nothing twice
    const alerts = await hub.db.alert.findMany({ where: { eventId: rowId }, include: { area: true } });
    expect(alerts.map((a) => [a.kind, a.area.code, a.status])).toEqual([["OVERDUE", codes.district, "OPEN"]]);

    const read = await hub.gql<{ node: EventResult }>(
      `query($id: ID!) { node(id: $id) { ... on Event { ${EVENT_FIELDS} } } }`,
      {
        token: tokens.street!,
        variables: { id },
      },
    );
    expect(read.data?.node.overdue).toBe(true);
    const escalations = read.data!.node.timeline.filter((s) => s.action === "escalate");
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({
      actor: OVERDUE_ACTOR,
      toStatus: "DISPATCHED",
      at: now.toISOString(),
    });

    // a new time limit (改派) clears the mark
    const moved = await act("street", "reassignEvent", {
      id,
      departments: ["civil_affairs"],
      note: "超期改派",
    });
    expect(moved.event!.overdue).toBe(false);
  });
});

describe("12345: evaluation closes the loop; KPIs per department, area and month", () => {
  it("a work order's evaluation needs the caller's satisfaction", async () => {
    now = new Date("2026-12-14T02:00:00Z");
    const { event, error } = await report("hotline", {
      kind: "HOTLINE_TICKET",
      title: "噪音扰民投诉",
      category: "COMPLAINT",
    });
    expect(error).toBeNull();
    const id = event!.id;
    await act("street", "acceptEvent", { id });
    const dispatched = await act("street", "dispatchEvent", {
      id,
      departments: ["civil_affairs", "public_security"],
    });
    // a complaint: 13 working days from Monday 14 December → Thursday 31 December
    expect(dispatched.event!.deadlineAt).toBe("2026-12-31T15:59:59.999Z");
    await act("civil", "respondToEvent", { id });
    // both departments feed back at once: each sees the other's, and the event moves on once
    const both = await Promise.all([
      act("civil", "feedBackEvent", { id, note: "已协调" }),
      act("police", "feedBackEvent", { id, note: "已处置" }),
    ]);
    expect(both.map((r) => r.error)).toEqual([null, null]);
    expect(both.map((r) => r.event!.status).sort()).toEqual(["DISPATCHED", "HANDLED"]);
    await act("grid", "verifyEvent", { id });
    expect((await act("street", "evaluateEvent", { id })).error?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "satisfaction",
    });
    const done = await act("street", "evaluateEvent", { id, satisfaction: "SATISFIED" });
    expect(done.event!.status).toBe("ARCHIVED");
  });

  it("computes 响应率, 解决率 and 满意率 for the month", async () => {
    const res = await hub.gql<{ hotlineKpis: Record<string, unknown>[] }>(
      `query($under: String!, $month: String!) { hotlineKpis(under: $under, month: $month) {
        departmentCode assigned responded resolved rated satisfied responseRate resolutionRate satisfactionRate } }`,
      { token: tokens.analyst!, variables: { under: codes.district, month: "2026-12" } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.hotlineKpis).toEqual([
      {
        departmentCode: "civil_affairs",
        assigned: 1,
        responded: 1,
        resolved: 1,
        rated: 1,
        satisfied: 1,
        responseRate: 1,
        resolutionRate: 1,
        satisfactionRate: 1,
      },
      // the police fed back without responding first: feedback counts as a response
      {
        departmentCode: "public_security",
        assigned: 1,
        responded: 1,
        resolved: 1,
        rated: 1,
        satisfied: 1,
        responseRate: 1,
        resolutionRate: 1,
        satisfactionRate: 1,
      },
      {
        departmentCode: null,
        assigned: 2,
        responded: 2,
        resolved: 2,
        rated: 1,
        satisfied: 1,
        responseRate: 1,
        resolutionRate: 1,
        satisfactionRate: 1,
      },
    ]);
    const other = await hub.gql<{ hotlineKpis: unknown[] }>(
      `{ hotlineKpis(under: "${codes.district}", month: "2026-11") { assigned } }`,
      {
        token: tokens.analyst!,
      },
    );
    expect(other.data!.hotlineKpis).toEqual([{ assigned: 0 }]);
    const bad = await hub.gql(`{ hotlineKpis(under: "${codes.district}", month: "2026-13") { assigned } }`, {
      token: tokens.analyst!,
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "month" });
  });
});

describe("events from a department's system", () => {
  const ticket = (status: string, extra: Record<string, unknown> = {}) =>
    ({
      element: "EVENT",
      ref: "event",
      kind: "HOTLINE_TICKET",
      title: "工单 H-1 供暖不足",
      occurredAt: "2026-12-01T08:00:00Z",
      reportedAt: "2026-12-01T08:05:00Z",
      areaCode: codes.grid,
      status,
      persons: [],
      organisations: [],
      ...extra,
    }) as ElementDraft;

  it("enter the loop in their source's state; a later update never moves them back past a hub step", async () => {
    await ingestDrafts(hub.db, "hotline-test", "hotline_12345", [["H-1", [ticket("ACCEPTED")]]]);
    const row = await hub.db.event.findFirstOrThrow({ where: { title: "工单 H-1 供暖不足" } });
    expect(row.status).toBe("ACCEPTED");
    const id = Buffer.from(`HotlineTicket:${row.id}`).toString("base64");
    expect((await act("street", "dispatchEvent", { id, departments: ["civil_affairs"] })).event!.status).toBe(
      "DISPATCHED",
    );

    const dispatched = await hub.db.event.findUniqueOrThrow({ where: { id: row.id } });
    expect(dispatched.deadlineAt).not.toBeNull();

    // the source is behind: its status, its time limit and its loop facts do not undo the hub's
    const stale = {
      deadlineAt: "2026-12-02T08:00:00Z",
      details: { category: "供暖", closedAt: "2026-12-01T09:00:00Z" },
    };
    await ingestDrafts(hub.db, "hotline-test", "hotline_12345", [["H-1", [ticket("REPORTED", stale)]]]);
    const behind = await hub.db.event.findUniqueOrThrow({ where: { id: row.id } });
    expect(behind.status).toBe("DISPATCHED");
    expect(behind.deadlineAt).toEqual(dispatched.deadlineAt);
    // source facts are the source's to correct (positive control: the update did land)
    expect(behind.details).toMatchObject({ category: "供暖" });

    const ahead = { deadlineAt: "2026-12-09T08:00:00Z", details: { category: "供暖" } };
    await ingestDrafts(hub.db, "hotline-test", "hotline_12345", [["H-1", [ticket("HANDLED", ahead)]]]);
    const handled = await hub.db.event.findUniqueOrThrow({ where: { id: row.id } });
    expect(handled.status).toBe("HANDLED");
    expect(handled.deadlineAt).toEqual(new Date(ahead.deadlineAt));
  });
});

describe("repeat and collective petitions (重复访, 集体访), flagged at acceptance", () => {
  const ID = citizenId("32060219800101123");
  const event = (
    kind: string,
    title: string,
    reportedAt: string,
    details: Record<string, unknown>,
    role: string,
  ) =>
    ({
      element: "EVENT",
      ref: "event",
      kind,
      title,
      occurredAt: reportedAt,
      reportedAt,
      areaCode: codes.grid,
      status: "REPORTED",
      details,
      persons: [{ ref: "p", role }],
      organisations: [],
    }) as ElementDraft;
  const person = personDraft("p", { citizenId: ID, name: "王某" });
  const petitionFlags = async (title: string) => {
    const row = await hub.db.event.findFirstOrThrow({ where: { title } });
    const id = Buffer.from(`Petition:${row.id}`).toString("base64");
    const accepted = await act("street", "acceptEvent", { id });
    expect(accepted.error).toBeNull();
    // the flags Petition.repeat and Petition.collective read (sensitive: read here from the row)
    const details = (await hub.db.event.findUniqueOrThrow({ where: { id: row.id } })).details as Record<
      string,
      unknown
    >;
    return { repeat: details.isRepeat ?? null, collective: details.isCollective ?? null };
  };

  it("the same person on the same matter within the window, across forms and departments: a repeat", async () => {
    // a 12345 complaint of the person, then a petition letter on the same matter
    await ingestDrafts(hub.db, "hotline-test", "hotline_12345", [
      [
        "H-9",
        [
          person,
          event("HOTLINE_TICKET", "工单 拖欠工资", "2026-11-20T02:00:00Z", { topic: "拖欠工资" }, "REPORTER"),
        ],
      ],
    ]);
    await ingestDrafts(hub.db, "petition-test", "petition", [
      [
        "P-1",
        [
          person,
          event(
            "PETITION",
            "信访 P-1",
            "2026-12-01T02:00:00Z",
            { issueCategory: "拖欠 工资", form: "LETTER" },
            "PETITIONER",
          ),
        ],
      ],
      [
        "P-2",
        [
          person,
          event(
            "PETITION",
            "信访 P-2",
            "2026-12-02T02:00:00Z",
            { issueCategory: "噪音扰民", form: "VISIT" },
            "PETITIONER",
          ),
        ],
      ],
    ]);
    expect(await petitionFlags("信访 P-1")).toEqual({ repeat: true, collective: null });
    // another matter of the same person: not a repeat
    expect(await petitionFlags("信访 P-2")).toEqual({ repeat: null, collective: null });
  });

  it("five people or more: collective", async () => {
    await ingestDrafts(hub.db, "petition-test", "petition", [
      [
        "P-3",
        [
          person,
          event(
            "PETITION",
            "信访 P-3",
            "2026-12-03T02:00:00Z",
            { issueCategory: "征地补偿", personCount: 6 },
            "PETITIONER",
          ),
        ],
      ],
    ]);
    expect(await petitionFlags("信访 P-3")).toEqual({ repeat: null, collective: true });
  });

  it("after 复核 the same matter is not accepted again", async () => {
    await ingestDrafts(hub.db, "petition-test", "petition", [
      [
        "P-4",
        [
          person,
          event(
            "PETITION",
            "信访 P-4",
            "2026-12-04T02:00:00Z",
            { issueCategory: "物业纠纷", reviewStage: "RE_REVIEW" },
            "PETITIONER",
          ),
        ],
      ],
      [
        "P-5",
        [
          person,
          event("PETITION", "信访 P-5", "2026-12-05T02:00:00Z", { issueCategory: "物业纠纷" }, "PETITIONER"),
        ],
      ],
    ]);
    const row = await hub.db.event.findFirstOrThrow({ where: { title: "信访 P-5" } });
    const id = Buffer.from(`Petition:${row.id}`).toString("base64");
    expect((await act("street", "acceptEvent", { id })).error?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      reason: "PETITION_FINAL",
    });
    // the 复核 request itself is accepted
    expect(await petitionFlags("信访 P-4")).toEqual({ repeat: null, collective: null });
  });

  it("延期: a petition's conclusion period is extended once, by at most 30 days, by the centre", async () => {
    const row = await hub.db.event.findFirstOrThrow({ where: { title: "信访 P-3" } });
    const id = Buffer.from(`Petition:${row.id}`).toString("base64");
    // accepted: 60 days to conclude, from the next day
    expect(row.deadlineAt?.toISOString()).toBe(
      new Date(Date.parse("2027-02-12T15:59:59.999Z")).toISOString(),
    );
    expect(
      (await act("grid", "extendEvent", { id, days: 10, note: "案情复杂" })).error?.extensions,
    ).toMatchObject({
      code: "FORBIDDEN",
      reason: "ROLE",
    });
    expect(
      (await act("street", "extendEvent", { id, days: 31, note: "案情复杂" })).error?.extensions,
    ).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "days",
    });
    const extended = await act("street", "extendEvent", { id, days: 30, note: "案情复杂，经批准延期" });
    expect(extended.error).toBeNull();
    expect(extended.event!.deadlineAt).toBe("2027-03-14T15:59:59.999Z");
    expect(
      (await act("street", "extendEvent", { id, days: 5, note: "再次延期" })).error?.extensions,
    ).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "days",
    });
  });
});
