// The closed loop's transition table, one rule at a time (who, where, from which status).
import { describe, expect, it } from "vitest";
import type { Principal } from "../../../domain/principal.js";
import type { Role } from "../../../domain/roles.js";
import { escalationTarget } from "../../../domain/workflow/escalation.js";
import {
  actionsFrom,
  decide,
  type EventFacts,
  eventAfterSourceUpdate,
  statusAfterSourceUpdate,
  TRANSITIONS,
  transitionFor,
  WORKFLOW_ACTIONS,
} from "../../../domain/workflow/transitions.js";

const CITY = "/320600/";
const DISTRICT = "/320600/320602/";
const STREET = "/320600/320602/320602001000/";
const GRID = "/320600/320602/320602001000/320602001001/320602001001001/";
const OTHER_DISTRICT = "/320600/320612/";

const who = (roles: Role[], paths: string[], department: string | null = null): Principal => ({
  subject: "p",
  roles,
  department,
  jurisdiction: [],
  jurisdictionPaths: paths,
  purpose: null,
  purposeRef: null,
  authenticated: true,
});

const event = (status: EventFacts["status"], over: Partial<EventFacts> = {}): EventFacts => ({
  kind: "GRID_REPORT",
  status,
  areaPath: GRID,
  openDepartments: [],
  ...over,
});

describe("the table", () => {
  it("has a row for every action, and at most one row per action and status", () => {
    for (const a of WORKFLOW_ACTIONS) expect(TRANSITIONS.some((t) => t.action === a)).toBe(true);
    const pairs = TRANSITIONS.flatMap((t) => t.from.map((f) => `${t.action}:${f}`));
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it("moves nothing out of a closed status", () => {
    expect(actionsFrom("ARCHIVED")).toEqual([]);
    expect(actionsFrom("REJECTED")).toEqual([]);
  });
});

describe("accept (统一受理)", () => {
  it.each([
    ["street_operator", STREET, true],
    ["district_commander", DISTRICT, true],
    ["city_commander", CITY, true],
    ["district_commander", OTHER_DISTRICT, false],
  ] as const)("%s of %s: %s", (role, path, ok) => {
    expect(decide(who([role], [path]), "accept", event("REPORTED")).ok).toBe(ok);
  });

  it("is refused to a grid worker in its own grid (role)", () => {
    const d = decide(who(["grid_worker"], [GRID]), "accept", event("REPORTED"));
    expect(d).toMatchObject({ ok: false, refusal: { code: "ROLE" } });
  });

  it("is refused from DISPATCHED (status)", () => {
    const d = decide(who(["city_commander"], [CITY]), "accept", event("DISPATCHED"));
    expect(d).toMatchObject({ ok: false, refusal: { code: "NOT_ALLOWED_FROM_STATUS" } });
  });
});

describe("dispatch (指挥派遣)", () => {
  it("needs departments and is the centre's", () => {
    expect(transitionFor("dispatch", "ACCEPTED")?.needs.departments).toBe(true);
    expect(decide(who(["street_operator"], [STREET]), "dispatch", event("ACCEPTED")).ok).toBe(true);
    expect(
      decide(who(["department_officer"], [CITY], "civil_affairs"), "dispatch", event("ACCEPTED")).ok,
    ).toBe(false);
  });
});

describe("feedback (处置反馈)", () => {
  const assigned = event("DISPATCHED", { openDepartments: ["civil_affairs", "public_security"] });
  it("is taken by an officer of an assigned department", () => {
    expect(decide(who(["department_officer"], [CITY], "civil_affairs"), "feedback", assigned).ok).toBe(true);
  });
  it("is refused to an officer of a department not assigned", () => {
    const d = decide(who(["department_officer"], [CITY], "petition"), "feedback", assigned);
    expect(d).toMatchObject({ ok: false, refusal: { code: "NOT_ASSIGNED" } });
  });
  it("is refused to an assigned department's officer outside the event's area", () => {
    const d = decide(who(["department_officer"], [OTHER_DISTRICT], "civil_affairs"), "feedback", assigned);
    expect(d).toMatchObject({ ok: false, refusal: { code: "JURISDICTION" } });
  });
  it("needs a note", () => expect(transitionFor("feedback", "DISPATCHED")?.needs.note).toBe(true));
});

describe("verify (任务核实)", () => {
  it.each(["grid_worker", "community_worker", "street_operator"] as const)("%s verifies", (role) => {
    expect(decide(who([role], [GRID]), "verify", event("HANDLED")).ok).toBe(true);
  });
  it("is not a department's", () => {
    expect(decide(who(["department_officer"], [CITY], "civil_affairs"), "verify", event("HANDLED")).ok).toBe(
      false,
    );
  });
});

describe("evaluate (评价归档)", () => {
  it("archives a verified event, by the centre", () => {
    expect(transitionFor("evaluate", "VERIFIED")?.to).toBe("ARCHIVED");
    expect(decide(who(["district_commander"], [DISTRICT]), "evaluate", event("VERIFIED")).ok).toBe(true);
    expect(decide(who(["grid_worker"], [GRID]), "evaluate", event("VERIFIED")).ok).toBe(false);
  });
});

describe("return (退回)", () => {
  it("an assigned department sends a dispatched event back to the centre", () => {
    expect(transitionFor("return", "DISPATCHED")?.to).toBe("ACCEPTED");
  });
  it("a failed verification sends a handled event back to the departments", () => {
    expect(transitionFor("return", "HANDLED")?.to).toBe("DISPATCHED");
    expect(decide(who(["grid_worker"], [GRID]), "return", event("HANDLED")).ok).toBe(true);
  });
});

describe("reject (不予受理), reassign (改派)", () => {
  it("reject closes a reported event with a reason", () => {
    expect(transitionFor("reject", "REPORTED")).toMatchObject({ to: "REJECTED", needs: { note: true } });
  });
  it("reassign keeps the event dispatched", () => {
    expect(transitionFor("reassign", "DISPATCHED")).toMatchObject({
      to: "SAME",
      needs: { departments: true },
    });
  });
});

describe("closeOnSpot (首问负责)", () => {
  it.each(["REPORTED", "ACCEPTED"] as const)("closes from %s", (status) => {
    expect(decide(who(["grid_worker"], [GRID]), "closeOnSpot", event(status)).ok).toBe(true);
  });
  it("not once dispatched", () => {
    expect(decide(who(["grid_worker"], [GRID]), "closeOnSpot", event("DISPATCHED")).ok).toBe(false);
  });
  it("not outside the worker's grid", () => {
    expect(decide(who(["grid_worker"], [OTHER_DISTRICT]), "closeOnSpot", event("REPORTED")).ok).toBe(false);
  });
});

describe("extend (延期)", () => {
  it("is for petitions only", () => {
    const centre = who(["city_commander"], [CITY]);
    expect(decide(centre, "extend", event("DISPATCHED", { kind: "PETITION" })).ok).toBe(true);
    expect(decide(centre, "extend", event("DISPATCHED"))).toMatchObject({
      ok: false,
      refusal: { code: "WRONG_KIND" },
    });
  });
});

describe("statusAfterSourceUpdate", () => {
  it("follows the source forward", () =>
    expect(statusAfterSourceUpdate("ACCEPTED", "HANDLED")).toBe("HANDLED"));
  it("never moves back past a hub step", () =>
    expect(statusAfterSourceUpdate("DISPATCHED", "REPORTED")).toBe("DISPATCHED"));
  it("keeps a closed event closed", () =>
    expect(statusAfterSourceUpdate("ARCHIVED", "REJECTED")).toBe("ARCHIVED"));
});

describe("eventAfterSourceUpdate", () => {
  const hubDeadline = new Date("2026-12-20T00:00:00Z");
  const sourceDeadline = new Date("2026-12-10T00:00:00Z");
  const held = {
    status: "DISPATCHED" as const,
    deadlineAt: hubDeadline,
    details: {
      category: "噪音",
      acceptedAt: "2026-12-01T08:00:00Z",
      extendedDeadline: "2026-12-20T00:00:00Z",
    },
  };
  const update = {
    status: "ACCEPTED" as const,
    deadlineAt: sourceDeadline,
    details: { category: "噪声扰民", acceptedAt: "2026-11-30T00:00:00Z" },
  };
  it("takes the source's word while only the source has moved the event", () =>
    expect(eventAfterSourceUpdate({ ...held, status: "ACCEPTED" }, update, false)).toEqual({
      status: "ACCEPTED",
      deadlineAt: sourceDeadline,
      details: update.details,
    }));
  it("keeps the hub's status, time limit and facts of the loop once the hub has acted", () =>
    expect(eventAfterSourceUpdate(held, update, true)).toEqual({
      status: "DISPATCHED",
      deadlineAt: hubDeadline,
      details: {
        category: "噪声扰民",
        acceptedAt: "2026-12-01T08:00:00Z",
        extendedDeadline: "2026-12-20T00:00:00Z",
      },
    }));
  it("takes the source's time limit when the source moves the event past the hub's status", () =>
    expect(
      eventAfterSourceUpdate(held, { ...update, status: "HANDLED", deadlineAt: sourceDeadline }, true),
    ).toMatchObject({ status: "HANDLED", deadlineAt: sourceDeadline }));
});

describe("escalationTarget (督办)", () => {
  const city = { id: "c", code: "320600", name: "南通市", level: "CITY" as const };
  const district = { id: "d", code: "320602", name: "崇川区", level: "DISTRICT" as const };
  const street = { id: "s", code: "320602001000", name: "街道", level: "STREET" as const };
  const community = { id: "m", code: "320602001001", name: "社区", level: "COMMUNITY" as const };
  const grid = { id: "g", code: "320602001001001", name: "网格", level: "GRID" as const };
  it("a grid's matter: from its street centre to the district", () => {
    expect(escalationTarget([city, district, street, community, grid])?.id).toBe("d");
  });
  it("a street's matter: to the district; a district's: to the city", () => {
    expect(escalationTarget([city, district, street])?.id).toBe("d");
    expect(escalationTarget([city, district])?.id).toBe("c");
  });
  it("the city supervises itself", () => expect(escalationTarget([city])?.id).toBe("c"));
});
