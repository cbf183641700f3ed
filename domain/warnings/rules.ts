// Three-colour early warning (三色预警): the rules, declared as data. Each names what it watches
// (scope), how large a matter must be (threshold) and the colour it raises (BLUE 蓝 limited,
// YELLOW 黄 serious, RED 红 major: escalate). The integration layer counts what each rule asks
// for (integration/warnings/evaluate.ts); whether that count raises an alert, with which reasons
// and under which key (one open alert per rule and scope) is decided here, purely.
import type { EventKind } from "../workflow/transitions.js";

export type WarningLevel = "BLUE" | "YELLOW" | "RED";

interface RuleBase {
  id: string;
  /** What the rule is about, in the centre's words. */
  label: string;
  level: WarningLevel;
}

export type WarningRule = RuleBase &
  (
    | {
        /** 集体访: one petition brought by at least `minPeople` people. */
        match: "collectivePetition";
        minPeople: number;
      }
    | {
        /** 重复访: one petitioner with at least `minPetitions` petitions within `windowDays`. */
        match: "repeatPetitioner";
        minPetitions: number;
        windowDays: number;
      }
    | {
        /** 矛盾纠纷/警情聚集: at least `minEvents` of `kinds` at one address or in one grid within `windowDays`. */
        match: "cluster";
        scope: "address" | "grid";
        kinds: readonly EventKind[];
        minEvents: number;
        windowDays: number;
      }
    | {
        /** 红色事项超期: an event at warning level RED found past its time limit. */
        match: "overdueRed";
      }
  );

export const WARNING_RULES: readonly WarningRule[] = [
  { id: "collective-petition", label: "集体访", level: "YELLOW", match: "collectivePetition", minPeople: 5 },
  {
    id: "large-collective-petition",
    label: "大规模集体访",
    level: "RED",
    match: "collectivePetition",
    minPeople: 50,
  },
  {
    id: "repeat-petitioner",
    label: "重复访",
    level: "YELLOW",
    match: "repeatPetitioner",
    minPetitions: 3,
    windowDays: 90,
  },
  {
    id: "address-cluster",
    label: "同一地址矛盾纠纷、警情聚集",
    level: "BLUE",
    match: "cluster",
    scope: "address",
    kinds: ["DISPUTE", "POLICE_INCIDENT"],
    minEvents: 3,
    windowDays: 30,
  },
  {
    id: "grid-dispute-cluster",
    label: "同一网格矛盾纠纷聚集",
    level: "YELLOW",
    match: "cluster",
    scope: "grid",
    kinds: ["DISPUTE"],
    minEvents: 5,
    windowDays: 7,
  },
  { id: "overdue-red", label: "红色事项超期", level: "RED", match: "overdueRed" },
];

/** What the integration layer observed for one rule around one changed event. */
export interface Observation {
  /** People on a petition (collectivePetition), petitions of one petitioner, or events in scope. */
  count: number;
  /** What the count is about: the event, the petitioner, the address or the grid (an id). */
  scopeId: string;
  /** The events the reasons speak of. */
  eventIds: readonly string[];
  /** A name for the scope in the reasons (a title, an address, a grid's code). */
  scopeName: string;
  /** overdueRed: whether the event is overdue at level RED. */
  holds?: boolean;
}

export interface RaisedWarning {
  rule: string;
  level: WarningLevel;
  /** One open alert per rule and scope: a later match adds to it. */
  dedupeKey: string;
  reasons: string[];
  eventIds: string[];
}

const threshold = (rule: WarningRule): number | null => {
  switch (rule.match) {
    case "collectivePetition":
      return rule.minPeople;
    case "repeatPetitioner":
      return rule.minPetitions;
    case "cluster":
      return rule.minEvents;
    case "overdueRed":
      return null;
  }
};

function reason(rule: WarningRule, o: Observation): string {
  switch (rule.match) {
    case "collectivePetition":
      return `${rule.label}: ${o.count} people on one petition (${o.scopeName}); the rule's threshold is ${rule.minPeople}`;
    case "repeatPetitioner":
      return `${rule.label}: one petitioner brought ${o.count} petitions within ${rule.windowDays} days; the rule's threshold is ${rule.minPetitions}`;
    case "cluster":
      return `${rule.label}: ${o.count} ${rule.kinds.join("/")} events ${rule.scope === "address" ? "at" : "in grid"} ${o.scopeName} within ${rule.windowDays} days; the rule's threshold is ${rule.minEvents}`;
    case "overdueRed":
      return `${rule.label}: a RED event is past its time limit (${o.scopeName})`;
  }
}

/** The warning this observation raises under this rule, or null. */
export function judge(rule: WarningRule, o: Observation): RaisedWarning | null {
  const min = threshold(rule);
  const matched = min === null ? o.holds === true : o.count >= min;
  if (!matched) return null;
  return {
    rule: rule.id,
    level: rule.level,
    dedupeKey: `${rule.id}:${o.scopeId}`,
    reasons: [reason(rule, o)],
    eventIds: [...o.eventIds],
  };
}

/** Of several rules matching the same scope (5 and 50 people), only the most severe counts. */
const RANK: Record<WarningLevel, number> = { BLUE: 1, YELLOW: 2, RED: 3 };
export function mostSevere(warnings: readonly RaisedWarning[]): RaisedWarning[] {
  const byMatch = new Map<string, RaisedWarning>();
  for (const w of warnings) {
    const rule = WARNING_RULES.find((r) => r.id === w.rule);
    const key = `${rule?.match ?? w.rule}:${w.dedupeKey.slice(w.rule.length + 1)}`;
    const held = byMatch.get(key);
    if (!held || RANK[w.level] > RANK[held.level]) byMatch.set(key, w);
  }
  return [...byMatch.values()];
}
