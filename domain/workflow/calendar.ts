// Working days (工作日): weekends off, except the year's public holidays (法定节假日) and adjusted
// working days (调休: a Saturday or Sunday that is worked). Each year's list is published by the
// State Council's General Office; it is data, one year at a time, replaceable by configuration
// (WORK_CALENDAR_FILE, gateway/config.ts). Dates are China's (UTC+8, no daylight saving). Pure.
import { z } from "zod";

/** One year's published calendar: days off that would be working days, and weekend days worked. */
export const calendarYearSchema = z.object({
  year: z.number().int().min(2000).max(2100),
  /** 放假: YYYY-MM-DD, weekdays among them are days off. */
  holidays: z.array(z.iso.date()),
  /** 调休上班: YYYY-MM-DD, Saturdays or Sundays that are working days. */
  workdays: z.array(z.iso.date()),
});
export type CalendarYear = z.infer<typeof calendarYearSchema>;
export const calendarFileSchema = z.array(calendarYearSchema);

const OFFSET_MS = 8 * 3_600_000; // China Standard Time, UTC+8
const DAY_MS = 86_400_000;

/**
 * 2026, as we read 国务院办公厅关于2026年部分节假日安排的通知. NOT verified against the published
 * notice from here: check it, and replace it with WORK_CALENDAR_FILE when it differs.
 */
export const CHINA_2026: CalendarYear = {
  year: 2026,
  holidays: [
    ...range("2026-01-01", 3), // 元旦
    ...range("2026-02-15", 9), // 春节
    ...range("2026-04-04", 3), // 清明节
    ...range("2026-05-01", 5), // 劳动节
    ...range("2026-06-19", 3), // 端午节
    ...range("2026-09-25", 3), // 中秋节
    ...range("2026-10-01", 7), // 国庆节
  ],
  workdays: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
};

/** n consecutive ISO dates from `first`. */
function range(first: string, n: number): string[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10));
}

/** The China date (YYYY-MM-DD) of an instant. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** The last millisecond of a China date, as an instant. */
export function endOfChinaDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - OFFSET_MS + DAY_MS - 1);
}

const nextDate = (date: string, days = 1) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

export class WorkCalendar {
  private readonly off = new Set<string>();
  private readonly worked = new Set<string>();
  private readonly years = new Set<number>();

  constructor(years: readonly CalendarYear[]) {
    for (const y of years) {
      this.years.add(y.year);
      for (const d of y.holidays) this.off.add(d);
      for (const d of y.workdays) this.worked.add(d);
    }
  }

  /** Whether the year's calendar is configured (otherwise only weekends are days off). */
  knows(year: number): boolean {
    return this.years.has(year);
  }

  isWorkingDay(date: string): boolean {
    if (this.worked.has(date)) return true;
    if (this.off.has(date)) return false;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /**
   * The end of the n-th working day after `from`'s day (periods start the next day: 3 working days
   * from a Friday afternoon end on Wednesday evening, holidays skipped, 调休 Saturdays counted).
   */
  addWorkingDays(from: Date, n: number): Date {
    let date = chinaDate(from);
    for (let left = n; left > 0; ) {
      date = nextDate(date);
      if (this.isWorkingDay(date)) left--;
    }
    return endOfChinaDay(date);
  }

  /** The end of the n-th calendar day after `from`'s day (n = 0: the same day). */
  addDays(from: Date, n: number): Date {
    return endOfChinaDay(nextDate(chinaDate(from), n));
  }
}

/** The calendar the hub ships with; WORK_CALENDAR_FILE's years replace these. */
export const DEFAULT_CALENDAR_YEARS: readonly CalendarYear[] = [CHINA_2026];

/** The built-in years, with configured ones replacing a year they repeat. */
export function workCalendar(configured: readonly CalendarYear[] = []): WorkCalendar {
  const byYear = new Map(DEFAULT_CALENDAR_YEARS.map((y) => [y.year, y]));
  for (const y of configured) byYear.set(y.year, y);
  return new WorkCalendar([...byYear.values()]);
}
