// The decision table: role × sensitivity class × owner → ALLOW, MASK or DENY, and what a purpose
// unlocks. This table and the field table (./fields.ts: class, owner and data type of
// every field) are the whole access policy; docs/access-control.md is generated from both.
//
// Read a cell as: for fields its own department owns (`own`) and for the rest (`other`), what the
// role gets without a purpose, and what it gets with a purpose that unlocks the field (`…Purpose`).
// A principal with several roles gets the most open decision any of its roles gives.
import type { Principal } from "../principal.js";
import type { Role } from "../roles.js";
import { type SensitivityClass, sensitivityRank } from "../sensitivity.js";
import { type Purpose, purposesUnlocking, purposeUnlocks } from "./purposes.js";

export const DECISIONS = ["DENY", "MASK", "ALLOW"] as const;
export type Decision = (typeof DECISIONS)[number];

export interface Cell {
  other: Decision;
  /** For fields the principal's own department owns; defaults to `other`. */
  own?: Decision;
  /** With a purpose that unlocks the field (class and owner), for others' fields. */
  otherPurpose?: Decision;
  /** With a purpose that unlocks the field, for its own department's fields. */
  ownPurpose?: Decision;
}

const A: Cell = { other: "ALLOW" };
const M: Cell = { other: "MASK" };
const D: Cell = { other: "DENY" };
/** Refused unless a purpose unlocks it, then shown in full. */
const PURPOSE: Cell = { other: "DENY", otherPurpose: "ALLOW" };
/** Own department's fields: in full; others': masked. */
const OWN_FULL: Cell = { other: "MASK", own: "ALLOW" };
/** Own department's fields with a purpose; others' refused. */
const OWN_PURPOSE: Cell = { other: "DENY", own: "DENY", ownPurpose: "ALLOW" };

/** Who gets what. Separation of duties (GB/T 35273, MLPS 2.0 level 3): operators, security, audit. */
export const GRANTS: Readonly<Record<Role, Readonly<Record<SensitivityClass, Cell>>>> = {
  // The city centre: everything, sensitive and secret values for a purpose.
  city_commander: { PUBLIC: A, INTERNAL: A, PERSONAL: A, SENSITIVE: PURPOSE, SECRET: PURPOSE },
  district_commander: { PUBLIC: A, INTERNAL: A, PERSONAL: A, SENSITIVE: PURPOSE, SECRET: D },
  street_operator: { PUBLIC: A, INTERNAL: A, PERSONAL: A, SENSITIVE: PURPOSE, SECRET: D },
  community_worker: { PUBLIC: A, INTERNAL: A, PERSONAL: A, SENSITIVE: PURPOSE, SECRET: D },
  grid_worker: { PUBLIC: A, INTERNAL: A, PERSONAL: A, SENSITIVE: PURPOSE, SECRET: D },
  // A department: its own silo in full (sensitive and secret for a purpose), others' masked.
  department_officer: {
    PUBLIC: A,
    INTERNAL: A,
    PERSONAL: OWN_FULL,
    SENSITIVE: OWN_PURPOSE,
    SECRET: OWN_PURPOSE,
  },
  // Analysts: aggregates and masked values, never sensitive ones.
  analyst: { PUBLIC: A, INTERNAL: A, PERSONAL: M, SENSITIVE: D, SECRET: D },
  area_admin: { PUBLIC: A, INTERNAL: A, PERSONAL: D, SENSITIVE: D, SECRET: D },
  // Operators of connectors see records masked, to find what went wrong, not who is in them.
  connector_admin: { PUBLIC: A, INTERNAL: A, PERSONAL: M, SENSITIVE: M, SECRET: D },
  // Stewards judge whether two records are one person: names and phones, IDs for a purpose.
  data_steward: { PUBLIC: A, INTERNAL: A, PERSONAL: A, SENSITIVE: PURPOSE, SECRET: D },
  security_admin: { PUBLIC: A, INTERNAL: A, PERSONAL: D, SENSITIVE: D, SECRET: D },
  // The auditor reads the audit trail (owner `audit`, below) and nothing else.
  auditor: { PUBLIC: A, INTERNAL: D, PERSONAL: D, SENSITIVE: D, SECRET: D },
};

/**
 * Owners whose fields only some roles may read, whatever their class: the audit trail belongs to
 * the auditor alone (operators must not read who watched them).
 */
export const RESTRICTED_OWNERS: Readonly<Record<string, readonly Role[]>> = {
  audit: ["auditor"],
};

/** A field's place in the policy: its class and the department that owns it. */
export interface FieldClass {
  class: SensitivityClass;
  owner: string;
}

/** What a principal brings to a decision: roles, department, and its resolved purpose. */
export interface AccessSubject {
  principal: Pick<Principal, "roles" | "department" | "authenticated">;
  purpose: (Purpose & { reference: string | null }) | null;
  purposes: readonly Purpose[];
}

export type Verdict = { decision: "ALLOW" | "MASK" } | { decision: "DENY"; reason: string };

const rank = (d: Decision) => DECISIONS.indexOf(d);

/** The decision for one field, and when refused, what is missing (named in the FORBIDDEN error). */
export function decide(subject: AccessSubject, field: FieldClass): Verdict {
  const { principal, purpose } = subject;
  if (!principal.authenticated) return { decision: "DENY", reason: "a valid bearer token" };
  const restricted = RESTRICTED_OWNERS[field.owner];
  if (restricted) {
    return principal.roles.some((r) => restricted.includes(r))
      ? { decision: "ALLOW" }
      : { decision: "DENY", reason: `the role ${restricted.join(" or ")}` };
  }
  const own = principal.department !== null && principal.department === field.owner;
  const unlock = purposeUnlocks(purpose, field.class, field.owner);
  let best: Decision = "DENY";
  for (const role of principal.roles) {
    const cell = GRANTS[role][field.class];
    const base = own ? (cell.own ?? cell.other) : cell.other;
    const withPurpose = own ? (cell.ownPurpose ?? cell.otherPurpose) : cell.otherPurpose;
    const d = unlock.ok && withPurpose && rank(withPurpose) > rank(base) ? withPurpose : base;
    if (rank(d) > rank(best)) best = d;
  }
  // De-identified purposes (statistics) never see a personal value in full.
  if (best === "ALLOW" && purpose?.deIdentified && sensitivityRank(field.class) >= PERSONAL_RANK)
    best = "MASK";
  if (best !== "DENY") return { decision: best };
  return { decision: "DENY", reason: refusalReason(subject, field, unlock) };
}

const PERSONAL_RANK = sensitivityRank("PERSONAL");

function refusalReason(
  subject: AccessSubject,
  field: FieldClass,
  unlock: { ok: true } | { ok: false; missing: string },
): string {
  const own = subject.principal.department === field.owner;
  const couldWithPurpose = subject.principal.roles.some((role) => {
    const cell = GRANTS[role][field.class];
    const withPurpose = own ? (cell.ownPurpose ?? cell.otherPurpose) : cell.otherPurpose;
    return withPurpose !== undefined && withPurpose !== "DENY";
  });
  if (!couldWithPurpose)
    return `a role cleared for ${field.class} data of ${field.owner} (roles held: ${subject.principal.roles.join(", ") || "none"})`;
  const options = purposesUnlocking(subject.purposes, field.class, field.owner);
  const missing = unlock.ok ? "a purpose" : unlock.missing;
  return `${missing}; purposes that unlock it: ${options.join(", ") || "none configured"}`;
}
