// WORK_CALENDAR_FILE: a year given in the file replaces the built-in one; a malformed file stops
// the hub with a message naming the variable.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { workCalendar } from "../../../domain/workflow/calendar.js";
import { ConfigError, loadConfig } from "../../../gateway/config.js";

const file = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), "calendar-")), "calendar.json");
  writeFileSync(path, content);
  return path;
};

describe("WORK_CALENDAR_FILE", () => {
  it("unset: the built-in years and default petition settings", () => {
    const config = loadConfig({ NODE_ENV: "test" });
    expect(config.workflow).toEqual({ calendarYears: [], repeatWindowDays: 180, collectiveMinPeople: 5 });
  });

  it("a configured year is read and replaces the built-in one", () => {
    const config = loadConfig({
      NODE_ENV: "test",
      WORK_CALENDAR_FILE: file(JSON.stringify([{ year: 2026, holidays: ["2026-12-07"], workdays: [] }])),
      COLLECTIVE_PETITION_MIN_PEOPLE: "10",
    });
    const calendar = workCalendar(config.workflow.calendarYears);
    expect(calendar.isWorkingDay("2026-12-07")).toBe(false); // a Monday, made a holiday
    expect(calendar.isWorkingDay("2026-10-01")).toBe(true); // the built-in 2026 is replaced
    expect(config.workflow.collectiveMinPeople).toBe(10);
  });

  it("a malformed file names the variable", () => {
    expect(() =>
      loadConfig({
        NODE_ENV: "test",
        WORK_CALENDAR_FILE: file(JSON.stringify([{ year: 2026, holidays: ["1 Oct"] }])),
      }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: "test", WORK_CALENDAR_FILE: file("{") })).toThrow(
      /WORK_CALENDAR_FILE/,
    );
  });
});
