// Dates and times without time zones: every time in the city is Beijing local time (UTC+8), kept
// as "local seconds since 1970-01-01 00:00" and formatted with UTC getters, so output never depends
// on the machine's TZ. Days are integers (days since 1970-01-01).

const DAY_SECONDS = 86_400;

export function dayOf(ymd: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) throw new Error(`not a YYYY-MM-DD date: ${ymd}`);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000);
}

export function dayFromParts(year: number, month: number, dayOfMonth: number): number {
  return Math.floor(Date.UTC(year, month - 1, dayOfMonth) / 86_400_000);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The day `doy` (0-based) of `year`. */
export function dayOfYear(year: number, doy: number): number {
  return dayFromParts(year, 1, 1) + doy;
}

export interface DateParts {
  year: number;
  month: number;
  day: number;
}

/** Civil date of a day number (H. Hinnant's days-to-civil; pure arithmetic, no Date object). */
export function partsOf(day: number): DateParts {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d };
}

const p2 = (n: number) => String(n).padStart(2, "0");

/** Date styles used by the silos. */
export type DateStyle = "iso" | "compact" | "slash";

export function formatDate(day: number, style: DateStyle = "iso"): string {
  const { year, month, day: d } = partsOf(day);
  switch (style) {
    case "iso":
      return `${year}-${p2(month)}-${p2(d)}`;
    case "compact":
      return `${year}${p2(month)}${p2(d)}`;
    case "slash":
      return `${year}/${month}/${d}`;
  }
}

/** Time styles: "sql" 2024-07-01 08:05:00, "compact" 20240701080500, "iso" with +08:00. */
export type TimeStyle = "sql" | "compact" | "iso";

export function formatTime(localSeconds: number, style: TimeStyle = "sql"): string {
  const day = Math.floor(localSeconds / DAY_SECONDS);
  const rest = localSeconds - day * DAY_SECONDS;
  const hh = p2(Math.floor(rest / 3600));
  const mm = p2(Math.floor((rest % 3600) / 60));
  const ss = p2(rest % 60);
  switch (style) {
    case "sql":
      return `${formatDate(day, "iso")} ${hh}:${mm}:${ss}`;
    case "compact":
      return `${formatDate(day, "compact")}${hh}${mm}${ss}`;
    case "iso":
      return `${formatDate(day, "iso")}T${hh}:${mm}:${ss}+08:00`;
  }
}

export function secondsOfDay(day: number): number {
  return day * DAY_SECONDS;
}

export function dayOfSeconds(localSeconds: number): number {
  return Math.floor(localSeconds / DAY_SECONDS);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWorkingDay(day: number): boolean {
  const w = weekday(day);
  return w !== 0 && w !== 6;
}

/**
 * The day `n` working days after `day` (weekends skipped; public holidays are not modelled).
 * n = 0 is the same day ("urgent: same day").
 */
export function addWorkingDays(day: number, n: number): number {
  let d = day;
  let left = n;
  while (left > 0) {
    d++;
    if (isWorkingDay(d)) left--;
  }
  return d;
}

/** Whole years between two days (age on `onDay` of someone born on `birthDay`). */
export function yearsBetween(birthDay: number, onDay: number): number {
  const b = partsOf(birthDay);
  const o = partsOf(onDay);
  let years = o.year - b.year;
  if (o.month < b.month || (o.month === b.month && o.day < b.day)) years--;
  return years;
}
