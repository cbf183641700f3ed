// The safety-stability index (平安稳定指数): a monthly score per area, 0–100, from weighted
// indicators. Which indicators, their weights and the values that score 0 and 100 are local policy
// (declared here as data); the raw values are computed in SQL (integration/warnings/stability.ts)
// and scored here. An indicator without data that month (no rated work orders) is left out and the
// others' weights are renormalised.

export type IndicatorId =
  | "incidentRate"
  | "petitionRate"
  | "complaintRate"
  | "disputeRate"
  | "redAlerts"
  | "resolutionRate"
  | "overdueRate"
  | "satisfactionRate";

export interface Indicator {
  id: IndicatorId;
  label: string;
  /** Share of the index (weights are normalised over the indicators that have data). */
  weight: number;
  /** The value that scores 100 … */
  best: number;
  /** … and the value that scores 0; between them the score is linear. */
  worst: number;
  unit: string;
}

export const INDICATORS: readonly Indicator[] = [
  { id: "incidentRate", label: "110 警情发案率", weight: 0.2, best: 0, worst: 50, unit: "per 10k residents" },
  { id: "petitionRate", label: "信访率", weight: 0.15, best: 0, worst: 10, unit: "per 10k residents" },
  { id: "complaintRate", label: "12345 投诉率", weight: 0.1, best: 0, worst: 30, unit: "per 10k residents" },
  { id: "disputeRate", label: "矛盾纠纷发生率", weight: 0.1, best: 0, worst: 20, unit: "per 10k residents" },
  { id: "redAlerts", label: "红色预警", weight: 0.1, best: 0, worst: 5, unit: "alerts" },
  { id: "resolutionRate", label: "事项办结率", weight: 0.15, best: 1, worst: 0.5, unit: "share" },
  { id: "overdueRate", label: "超期率", weight: 0.1, best: 0, worst: 0.3, unit: "share" },
  { id: "satisfactionRate", label: "群众满意率", weight: 0.1, best: 1, worst: 0.5, unit: "share" },
];

/** A month-over-month drop of more than this many points raises an alert. */
export const INDEX_DROP_ALERT_POINTS = 5;
/** …at this level. */
export const INDEX_DROP_ALERT_LEVEL = "YELLOW" as const;

export type IndicatorValues = Readonly<Record<IndicatorId, number | null>>;

export interface IndicatorScore {
  indicator: Indicator;
  value: number | null;
  /** 0–100, null without data. */
  score: number | null;
  /** Points this indicator adds to the index. */
  contribution: number;
}

export interface IndexScore {
  /** 0–100, one decimal; null when no indicator has data. */
  score: number | null;
  breakdown: IndicatorScore[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** An indicator's score: 100 at `best`, 0 at `worst`, linear between, clamped. */
export function indicatorScore(indicator: Indicator, value: number): number {
  const span = indicator.worst - indicator.best;
  if (span === 0) return value === indicator.best ? 100 : 0;
  const t = (value - indicator.best) / span;
  return round1(100 * Math.min(1, Math.max(0, 1 - t)));
}

export function scoreIndex(
  values: IndicatorValues,
  indicators: readonly Indicator[] = INDICATORS,
): IndexScore {
  const present = indicators.filter((i) => values[i.id] !== null && Number.isFinite(values[i.id]));
  const total = present.reduce((s, i) => s + i.weight, 0);
  const breakdown = indicators.map((indicator) => {
    const value = values[indicator.id];
    if (value === null || !Number.isFinite(value) || total === 0)
      return { indicator, value: value ?? null, score: null, contribution: 0 };
    const score = indicatorScore(indicator, value);
    return { indicator, value, score, contribution: round1((score * indicator.weight) / total) };
  });
  if (total === 0) return { score: null, breakdown };
  const score = present.reduce((s, i) => s + indicatorScore(i, values[i.id] as number) * i.weight, 0) / total;
  return { score: round1(score), breakdown };
}

/** Whether the change from last month's score to this month's calls for an alert. */
export function dropAlert(previous: number | null, current: number | null): string | null {
  if (previous === null || current === null) return null;
  const drop = round1(previous - current);
  return drop > INDEX_DROP_ALERT_POINTS
    ? `平安稳定指数 fell ${drop} points month over month (${previous} → ${current}); the threshold is ${INDEX_DROP_ALERT_POINTS}`
    : null;
}

/** The month before a YYYY-MM month. */
export function previousMonth(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}
