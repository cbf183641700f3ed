// Working days: holidays skipped, adjusted weekend days (调休) counted; periods start the next day.
import { describe, expect, it } from "vitest";
import { chinaDate, endOfChinaDay, WorkCalendar, workCalendar } from "../../../domain/workflow/calendar.js";
import {
  deadlineAt,
  extensionProblem,
  limitFor,
  petitionAcceptable,
} from "../../../domain/workflow/deadlines.js";
import { isCollective, matterKey, repeatsOf } from "../../../domain/workflow/petitions.js";

const at = (iso: string) => new Date(iso);
const cal = new WorkCalendar([
  { year: 2026, holidays: ["2026-10-01", "2026-10-02", "2026-10-05"], workdays: ["2026-10-10"] },
]);

describe("WorkCalendar", () => {
  it("weekdays work, weekends do not", () => {
    expect(cal.isWorkingDay("2026-12-04")).toBe(true); // Friday
    expect(cal.isWorkingDay("2026-12-05")).toBe(false); // Saturday
  });
  it("a holiday on a weekday is off; an adjusted Saturday is worked", () => {
    expect(cal.isWorkingDay("2026-10-01")).toBe(false);
    expect(cal.isWorkingDay("2026-10-10")).toBe(true);
  });
  it("counts from the next day and ends at midnight China time", () => {
    // Friday 4 Dec 15:00 (China) + 3 working days → Wednesday 9 Dec, 23:59:59.999 China
    expect(cal.addWorkingDays(at("2026-12-04T07:00:00Z"), 3).toISOString()).toBe("2026-12-09T15:59:59.999Z");
  });
  it("skips holidays and counts the adjusted Saturday", () => {
    // from Wed 30 Sep: 1 Oct, 2 Oct off; 3, 4 weekend; 5 off; 6 Tue(1) 7 Wed(2) 8 Thu(3) 9 Fri(4) 10 Sat 调休(5)
    expect(chinaDate(cal.addWorkingDays(at("2026-09-30T02:00:00Z"), 5))).toBe("2026-10-10");
  });
  it("reads an instant's China date (after 16:00 UTC it is the next day)", () => {
    expect(chinaDate(at("2026-12-04T16:30:00Z"))).toBe("2026-12-05");
    expect(endOfChinaDay("2026-12-05").toISOString()).toBe("2026-12-05T15:59:59.999Z");
  });
  it("a configured year replaces the built-in one", () => {
    const replaced = workCalendar([{ year: 2026, holidays: [], workdays: [] }]);
    expect(replaced.isWorkingDay("2026-10-01")).toBe(true);
    expect(workCalendar().isWorkingDay("2026-10-01")).toBe(false);
    expect(workCalendar().knows(2026)).toBe(true);
  });
});

describe("deadlines", () => {
  const hotline = (details: Record<string, unknown>) => ({
    kind: "HOTLINE_TICKET" as const,
    details,
    warningLevel: "NONE",
  });
  const friday = at("2026-12-04T07:00:00Z");
  it("urgent hotline tickets: the same day", () => {
    expect(
      deadlineAt(
        limitFor("HANDLE", hotline({ urgency: "URGENT", category: "COMPLAINT" })),
        friday,
        cal,
      ).toISOString(),
    ).toBe("2026-12-04T15:59:59.999Z");
  });
  it("consultation 3 working days, complaint 13", () => {
    expect(limitFor("HANDLE", hotline({ category: "CONSULTATION" }))).toEqual({ unit: "WORKING_DAYS", n: 3 });
    expect(limitFor("HANDLE", hotline({ category: "COMPLAINT" }))).toEqual({ unit: "WORKING_DAYS", n: 13 });
  });
  it("return visit: the next day", () => {
    expect(chinaDate(deadlineAt(limitFor("EVALUATE", hotline({})), friday, cal))).toBe("2026-12-05");
  });
  it("petitions: 15 days to accept, 60 to conclude, 30 under review, from the next day", () => {
    const p = (details: Record<string, unknown>) => ({
      kind: "PETITION" as const,
      details,
      warningLevel: "NONE",
    });
    expect(chinaDate(deadlineAt(limitFor("ACCEPT", p({})), friday, cal))).toBe("2026-12-19");
    expect(limitFor("HANDLE", p({}))).toEqual({ unit: "DAYS", n: 60 });
    expect(limitFor("HANDLE", p({ reviewStage: "REVIEW" }))).toEqual({ unit: "DAYS", n: 30 });
  });
  it("disputes by warning level", () => {
    const d = (warningLevel: string) => ({ kind: "DISPUTE" as const, details: {}, warningLevel });
    expect(limitFor("HANDLE", d("RED"))).toEqual({ unit: "DAYS", n: 3 });
    expect(limitFor("HANDLE", d("NONE"))).toEqual({ unit: "DAYS", n: 30 });
  });
  it("one extension of at most 30 days; nothing accepted after 复核", () => {
    expect(extensionProblem(30, false)).toBeNull();
    expect(extensionProblem(31, false)).not.toBeNull();
    expect(extensionProblem(10, true)).not.toBeNull();
    expect(petitionAcceptable({}, [{ reviewStage: "RE_REVIEW" }])).toBe(false);
    expect(petitionAcceptable({}, [{ reviewStage: "REVIEW" }, {}])).toBe(true);
    expect(petitionAcceptable({ reviewStage: "RE_REVIEW" }, [{ reviewStage: "REVIEW" }])).toBe(true);
  });
});

describe("repeat and collective petitions", () => {
  const base = { personIds: ["p1"], matter: "拖欠工资", at: at("2026-12-01T00:00:00Z") };
  it("same person, same matter, within the window: a repeat", () => {
    const earlier = [
      { id: "a", personIds: ["p1", "p2"], matter: "拖欠 工资。", at: at("2026-10-01T00:00:00Z") },
    ];
    expect(repeatsOf({ id: "b", ...base }, earlier, 90)).toEqual(["a"]);
  });
  it("outside the window, another person or another matter: not", () => {
    expect(
      repeatsOf({ id: "b", ...base }, [{ id: "a", ...base, at: at("2026-01-01T00:00:00Z") }], 90),
    ).toEqual([]);
    expect(repeatsOf({ id: "b", ...base }, [{ id: "a", ...base, personIds: ["p9"] }], 90)).toEqual([]);
    expect(repeatsOf({ id: "b", ...base }, [{ id: "a", ...base, matter: "噪音扰民" }], 90)).toEqual([]);
  });
  it("matters compare without punctuation and spaces", () => expect(matterKey(" A，b ")).toBe("ab"));
  it("collective: N people or more, counted or named", () => {
    expect(isCollective(5, 1, 5)).toBe(true);
    expect(isCollective(null, 5, 5)).toBe(true);
    expect(isCollective(4, 2, 5)).toBe(false);
  });
});
