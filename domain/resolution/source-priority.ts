// Which source's value a canonical attribute shows when the silos disagree. One rule per
// attribute: the departments in order of authority, and whether recency or authority comes
// first. Every claim stays visible through provenance; this only picks the one the graph shows.

export type ChoiceOrder = "PRIORITY_THEN_RECENCY" | "RECENCY_THEN_PRIORITY";

export interface AttributeRule {
  /** Departments in order of authority for this attribute; others rank after them. */
  priority: readonly string[];
  order: ChoiceOrder;
}

// The population registry (公安人口库) is the authority on identity; civil affairs verifies the
// people it assists; the grid visits households. Phones change: the newest claim wins, then the
// more authoritative source.
const IDENTITY = ["public_security", "civil_affairs", "grid", "petition", "hotline_12345"] as const;

export const PERSON_ATTRIBUTE_RULES: Readonly<Record<string, AttributeRule>> = {
  citizenId: { priority: IDENTITY, order: "PRIORITY_THEN_RECENCY" },
  citizenIdLowTrust: { priority: IDENTITY, order: "PRIORITY_THEN_RECENCY" },
  name: { priority: IDENTITY, order: "PRIORITY_THEN_RECENCY" },
  sex: { priority: IDENTITY, order: "PRIORITY_THEN_RECENCY" },
  birthDate: { priority: IDENTITY, order: "PRIORITY_THEN_RECENCY" },
  ethnicity: { priority: IDENTITY, order: "PRIORITY_THEN_RECENCY" },
  phone: {
    priority: ["public_security", "civil_affairs", "grid", "petition", "hotline_12345"],
    order: "RECENCY_THEN_PRIORITY",
  },
};

// The registries are the authority on an organisation: market regulation for enterprises, civil
// affairs for social organisations; the grid's unit records come next. A contact number changes:
// the newest claim first.
const REGISTRIES = ["market_regulation", "civil_affairs", "grid", "public_security"] as const;

export const ORGANISATION_ATTRIBUTE_RULES: Readonly<Record<string, AttributeRule>> = {
  uscc: { priority: REGISTRIES, order: "PRIORITY_THEN_RECENCY" },
  usccLowTrust: { priority: REGISTRIES, order: "PRIORITY_THEN_RECENCY" },
  name: { priority: REGISTRIES, order: "PRIORITY_THEN_RECENCY" },
  kind: { priority: REGISTRIES, order: "PRIORITY_THEN_RECENCY" },
  registeredOn: { priority: REGISTRIES, order: "PRIORITY_THEN_RECENCY" },
  registeringAuthority: { priority: REGISTRIES, order: "PRIORITY_THEN_RECENCY" },
  status: { priority: REGISTRIES, order: "PRIORITY_THEN_RECENCY" },
  phone: { priority: REGISTRIES, order: "RECENCY_THEN_PRIORITY" },
};

/** Attributes without a rule of their own (addresses, low-trust keys): the newest claim first. */
export const DEFAULT_RULE: AttributeRule = { priority: IDENTITY, order: "RECENCY_THEN_PRIORITY" };

/** One source's claim for one attribute. */
export interface Claim<V> {
  value: V;
  department: string;
  /** When the claiming record version was fetched (ISO 8601 or Date). */
  at: Date;
  /** Stable tie-breaker: connector and source key of the claim. */
  source: string;
  /** A stand-in rather than a value ("王先生" for a name): any real value wins over it. */
  weak?: boolean;
}

export interface Choice<V> {
  value: V;
  /** The claim that won. */
  chosen: Claim<V>;
  /** More than one distinct value is claimed. */
  conflict: boolean;
}

const rank = (rule: AttributeRule, department: string) => {
  const i = rule.priority.indexOf(department);
  return i === -1 ? rule.priority.length : i;
};

/** The claim a rule picks, or null when nothing is claimed. Deterministic for the same claims. */
export function chooseValue<V>(rule: AttributeRule, claims: readonly Claim<V>[]): Choice<V> | null {
  if (claims.length === 0) return null;
  const sorted = [...claims].sort((a, b) => {
    const byStrength = Number(a.weak ?? false) - Number(b.weak ?? false);
    if (byStrength !== 0) return byStrength;
    const byRank = rank(rule, a.department) - rank(rule, b.department);
    const byTime = b.at.getTime() - a.at.getTime();
    const first = rule.order === "PRIORITY_THEN_RECENCY" ? byRank || byTime : byTime || byRank;
    return first || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);
  });
  const chosen = sorted[0]!;
  const distinct = new Set(claims.map((c) => JSON.stringify(c.value)));
  return { value: chosen.value, chosen, conflict: distinct.size > 1 };
}

/** Canonical values for every attribute a rule table covers. */
export function chooseValues(
  rules: Readonly<Record<string, AttributeRule>>,
  claimsByAttribute: ReadonlyMap<string, readonly Claim<unknown>[]>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [attribute, rule] of Object.entries(rules)) {
    const choice = chooseValue(rule, claimsByAttribute.get(attribute) ?? []);
    if (choice) out[attribute] = choice.value;
  }
  return out;
}

export interface AttributeExplanation<C> {
  attribute: string;
  /** The value the graph shows. */
  value: unknown;
  conflict: boolean;
  /** Each distinct value with the claims (sources) that assert it; the chosen value first. */
  values: { value: unknown; chosen: boolean; claims: C[] }[];
}

/** "Who says so" for every claimed attribute: each value, which sources assert it, which won. */
export function explainAttributes<C extends Claim<unknown>>(
  rules: Readonly<Record<string, AttributeRule>>,
  claimsByAttribute: ReadonlyMap<string, readonly C[]>,
): AttributeExplanation<C>[] {
  const out: AttributeExplanation<C>[] = [];
  for (const [attribute, claims] of [...claimsByAttribute].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const choice = chooseValue(rules[attribute] ?? DEFAULT_RULE, claims);
    if (!choice) continue;
    const groups = new Map<string, { value: unknown; chosen: boolean; claims: C[] }>();
    const chosenKey = JSON.stringify(choice.value);
    for (const c of claims) {
      const key = JSON.stringify(c.value);
      const group = groups.get(key) ?? { value: c.value, chosen: key === chosenKey, claims: [] };
      group.claims.push(c);
      groups.set(key, group);
    }
    out.push({
      attribute,
      value: choice.value,
      conflict: choice.conflict,
      values: [...groups.values()].sort(
        (a, b) => Number(b.chosen) - Number(a.chosen) || b.claims.length - a.claims.length,
      ),
    });
  }
  return out;
}
