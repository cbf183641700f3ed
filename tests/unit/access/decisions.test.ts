// The decision table checked against a second, plain reading of its own data: every role (and
// every pair of roles) × class × owner × department × purpose (with and without a reference).
// Hand-written spot checks pin the intended policy, so that a table changed to "allow everything"
// or "refuse everything" fails here even though it would agree with itself.
import { getNamedType, isEnumType, isNonNullType, isObjectType, isScalarType } from "graphql";
import { describe, expect, it } from "vitest";
import {
  type AccessSubject,
  type Decision,
  decide,
  GRANTS,
  RESTRICTED_OWNERS,
} from "../../../domain/access/decisions.js";
import { FIELD_POLICY } from "../../../domain/access/fields.js";
import { DEFAULT_PURPOSES, type Purpose } from "../../../domain/access/purposes.js";
import { DEPARTMENTS } from "../../../domain/departments.js";
import { ROLE_NAMES, type Role } from "../../../domain/roles.js";
import { SENSITIVITY_CLASSES, type SensitivityClass } from "../../../domain/sensitivity.js";
import { buildSchema } from "../../../schema/index.js";

type DeclaredPurpose = (Purpose & { reference: string | null }) | null;

function subject(
  roles: readonly Role[],
  options: { dept?: string | null; purpose?: string; ref?: string | null; anonymous?: boolean } = {},
): AccessSubject {
  const p = options.purpose ? DEFAULT_PURPOSES.find((x) => x.code === options.purpose) : undefined;
  if (options.purpose && !p) throw new Error(`no purpose ${options.purpose}`);
  return {
    principal: {
      roles: [...roles],
      department: options.dept ?? null,
      authenticated: !options.anonymous,
    },
    purpose: p ? { ...p, reference: options.ref ?? null } : null,
    purposes: DEFAULT_PURPOSES,
  };
}

// ---- the second implementation: the table read the plain way -------------------------------

const ORDER: Record<Decision, number> = { DENY: 0, MASK: 1, ALLOW: 2 };
const PERSONAL_OR_ABOVE = new Set<SensitivityClass>(["PERSONAL", "SENSITIVE", "SECRET"]);

function expected(s: AccessSubject, cls: SensitivityClass, owner: string): Decision {
  if (!s.principal.authenticated) return "DENY";
  const readers = RESTRICTED_OWNERS[owner];
  if (readers) return s.principal.roles.some((r) => readers.includes(r)) ? "ALLOW" : "DENY";
  const p: DeclaredPurpose = s.purpose;
  const unlocked = p
    ? p.unlocks.includes(cls) &&
      (p.owners === "*" || p.owners.includes(owner)) &&
      (!p.requiresReference || (p.reference ?? "") !== "")
    : false;
  const mine = s.principal.department === owner;
  const options: Decision[] = ["DENY"];
  for (const role of s.principal.roles) {
    const cell = GRANTS[role][cls];
    options.push(mine && cell.own !== undefined ? cell.own : cell.other);
    if (unlocked) {
      const withPurpose = mine && cell.ownPurpose !== undefined ? cell.ownPurpose : cell.otherPurpose;
      if (withPurpose !== undefined) options.push(withPurpose);
    }
  }
  let best = options.sort((a, b) => ORDER[b] - ORDER[a])[0]!;
  if (best === "ALLOW" && p?.deIdentified && PERSONAL_OR_ABOVE.has(cls)) best = "MASK";
  return best;
}

const OWNERS = [...DEPARTMENTS.map((d) => d.code), ...Object.keys(RESTRICTED_OWNERS), "registered_later"];
const DEPTS: (string | null)[] = [null, ...DEPARTMENTS.map((d) => d.code)];
const PURPOSE_VARIANTS: { purpose?: string; ref?: string | null }[] = [
  {},
  ...DEFAULT_PURPOSES.flatMap((p) => [
    { purpose: p.code, ref: null },
    { purpose: p.code, ref: "CASE-2026-0001" },
  ]),
];
const ROLE_SETS: Role[][] = [
  [],
  ...ROLE_NAMES.map((r) => [r]),
  ...ROLE_NAMES.flatMap((a, i) => ROLE_NAMES.slice(i + 1).map((b) => [a, b])),
];

describe("decide()", () => {
  it("is what the grant table and the purposes say, for every role, class, owner, department and purpose", () => {
    const mismatches: string[] = [];
    const seen: Record<Decision, number> = { ALLOW: 0, MASK: 0, DENY: 0 };
    let cases = 0;
    for (const roles of ROLE_SETS)
      for (const dept of DEPTS)
        for (const pv of PURPOSE_VARIANTS) {
          const s = subject(roles, { dept, ...pv });
          for (const cls of SENSITIVITY_CLASSES)
            for (const owner of OWNERS) {
              cases++;
              const got = decide(s, { class: cls, owner });
              const want = expected(s, cls, owner);
              seen[got.decision]++;
              if (got.decision !== want)
                mismatches.push(
                  `${roles.join("+") || "-"} dept=${dept} ${pv.purpose ?? "-"}${pv.ref ? "+ref" : ""} ${cls}/${owner}: ${got.decision}, table says ${want}`,
                );
              if (got.decision === "DENY" && !got.reason)
                mismatches.push(`${roles.join("+")} ${cls}/${owner}: DENY without a reason`);
            }
        }
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(cases).toBeGreaterThan(100_000);
    // Every outcome occurs, and often: neither side of the table is empty.
    for (const d of ["ALLOW", "MASK", "DENY"] as const) expect(seen[d]).toBeGreaterThan(10_000);
  });

  it("refuses an anonymous caller everything, public fields of a restricted owner included", () => {
    const anon = subject([], { anonymous: true });
    for (const cls of SENSITIVITY_CLASSES)
      for (const owner of OWNERS) {
        const v = decide(anon, { class: cls, owner });
        expect(v.decision).toBe("DENY");
        if (v.decision === "DENY") expect(v.reason).toContain("bearer token");
      }
  });
});

/** Shorthand for spot checks. */
const d = (s: AccessSubject, cls: SensitivityClass, owner = "command_centre") =>
  decide(s, { class: cls, owner }).decision;

describe("the intended policy (positive controls)", () => {
  it("the city commander reads personal data in full, sensitive and secret data for a purpose", () => {
    const plain = subject(["city_commander"]);
    expect(d(plain, "PUBLIC")).toBe("ALLOW");
    expect(d(plain, "INTERNAL")).toBe("ALLOW");
    expect(d(plain, "PERSONAL")).toBe("ALLOW");
    expect(d(plain, "SENSITIVE")).toBe("DENY");
    expect(d(plain, "SECRET", "public_security")).toBe("DENY");
    const emergency = subject(["city_commander"], { purpose: "EMERGENCY_RESPONSE" });
    expect(d(emergency, "SENSITIVE")).toBe("ALLOW");
    expect(d(emergency, "SECRET", "public_security")).toBe("ALLOW");
  });

  it("an analyst sees personal values masked and never a sensitive one, whatever the purpose", () => {
    expect(d(subject(["analyst"]), "PERSONAL")).toBe("MASK");
    expect(d(subject(["analyst"]), "INTERNAL")).toBe("ALLOW");
    for (const pv of PURPOSE_VARIANTS) {
      const s = subject(["analyst"], pv);
      expect(d(s, "SENSITIVE"), pv.purpose).toBe("DENY");
      expect(d(s, "SECRET", "public_security"), pv.purpose).toBe("DENY");
    }
  });

  it("a petition officer reads petition-sensitive data only for petition handling with a case reference", () => {
    const officer = (pv: { purpose?: string; ref?: string | null }) =>
      subject(["department_officer"], { dept: "petition", ...pv });
    expect(d(officer({}), "PERSONAL", "petition")).toBe("ALLOW");
    expect(d(officer({}), "PERSONAL", "civil_affairs")).toBe("MASK");
    expect(d(officer({}), "SENSITIVE", "petition")).toBe("DENY");
    expect(d(officer({ purpose: "PETITION_HANDLING" }), "SENSITIVE", "petition")).toBe("DENY");
    expect(d(officer({ purpose: "PETITION_HANDLING", ref: "XF-2026-1" }), "SENSITIVE", "petition")).toBe(
      "ALLOW",
    );
    // Another department's sensitive data stays refused, whatever purpose the officer declares.
    expect(d(officer({ purpose: "PETITION_HANDLING", ref: "XF-2026-1" }), "SENSITIVE", "civil_affairs")).toBe(
      "DENY",
    );
    for (const pv of PURPOSE_VARIANTS)
      expect(d(officer(pv), "SENSITIVE", "civil_affairs"), pv.purpose).toBe("DENY");
  });

  it("the auditor reads the audit trail and nothing else; nobody else reads the audit trail", () => {
    for (const pv of PURPOSE_VARIANTS) {
      const auditor = subject(["auditor"], pv);
      for (const cls of SENSITIVITY_CLASSES) {
        expect(d(auditor, cls, "audit"), `${cls} ${pv.purpose}`).toBe("ALLOW");
        if (cls !== "PUBLIC")
          for (const owner of DEPARTMENTS.map((x) => x.code))
            expect(d(auditor, cls, owner), `${cls}/${owner} ${pv.purpose}`).toBe("DENY");
      }
      for (const role of ROLE_NAMES.filter((r) => r !== "auditor"))
        for (const dept of DEPTS)
          for (const cls of SENSITIVITY_CLASSES)
            expect(d(subject([role], { dept, ...pv }), cls, "audit"), `${role} ${cls}`).toBe("DENY");
    }
  });

  it("statistics turns every full personal read into a masked one and unlocks nothing", () => {
    for (const role of ROLE_NAMES)
      for (const dept of DEPTS)
        for (const cls of ["PERSONAL", "SENSITIVE", "SECRET"] as const)
          for (const owner of DEPARTMENTS.map((x) => x.code)) {
            const stats = d(subject([role], { dept, purpose: "STATISTICS" }), cls, owner);
            const plain = d(subject([role], { dept }), cls, owner);
            expect(stats, `${role} ${dept} ${cls}/${owner}`).toBe(plain === "ALLOW" ? "MASK" : plain);
          }
    expect(d(subject(["city_commander"], { purpose: "STATISTICS" }), "PERSONAL")).toBe("MASK");
    expect(d(subject(["city_commander"], { purpose: "STATISTICS" }), "INTERNAL")).toBe("ALLOW");
  });

  it("names the purposes that would unlock a refused field, and what is missing", () => {
    const noPurpose = decide(subject(["city_commander"]), { class: "SENSITIVE", owner: "petition" });
    expect(noPurpose.decision).toBe("DENY");
    if (noPurpose.decision !== "DENY") return;
    expect(noPurpose.reason).toContain("a declared purpose");
    for (const code of ["CASE_HANDLING", "PETITION_HANDLING", "EMERGENCY_RESPONSE", "DATA_GOVERNANCE"])
      expect(noPurpose.reason).toContain(code);
    expect(noPurpose.reason).not.toContain("ASSISTANCE_VERIFICATION"); // civil affairs' data only
    expect(noPurpose.reason).not.toContain("STATISTICS");

    const noRef = decide(subject(["city_commander"], { purpose: "CASE_HANDLING" }), {
      class: "SENSITIVE",
      owner: "petition",
    });
    expect(noRef.decision === "DENY" && noRef.reason).toMatch(/reference for CASE_HANDLING/);

    const wrongOwner = decide(subject(["city_commander"], { purpose: "ASSISTANCE_VERIFICATION" }), {
      class: "SENSITIVE",
      owner: "petition",
    });
    expect(wrongOwner.decision === "DENY" && wrongOwner.reason).toMatch(
      /ASSISTANCE_VERIFICATION does not.*PETITION_HANDLING/,
    );

    const noRole = decide(subject(["analyst"], { purpose: "EMERGENCY_RESPONSE" }), {
      class: "SENSITIVE",
      owner: "command_centre",
    });
    expect(noRole.decision === "DENY" && noRole.reason).toMatch(/a role cleared for SENSITIVE.*analyst/);
  });
});

describe("masking never breaks a field", () => {
  const schema = buildSchema();
  const STRING_MASKS = new Set(["name", "citizenId", "phone", "address", "freeText", "date"]);
  /** Whether any principal of the table gets this field masked (the audit trail's never is). */
  const canBeMasked = (field: { class: SensitivityClass; owner: string }) =>
    ROLE_SETS.some((roles) =>
      DEPTS.some((dept) =>
        PURPOSE_VARIANTS.some((pv) => decide(subject(roles, { dept, ...pv }), field).decision === "MASK"),
      ),
    );

  it("every personal or stricter scalar field can be shown masked: it has a mask that fits its type, or null is a valid answer", () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [key, policy] of Object.entries(FIELD_POLICY)) {
      const [typeName, fieldName] = key.split(".") as [string, string];
      const type = schema.getType(typeName);
      if (!type || !("getFields" in type)) continue;
      const field = type.getFields()[fieldName];
      if (!field || !("args" in field)) continue;
      const named = getNamedType(field.type);
      const composite = !(isScalarType(named) || isEnumType(named));
      if (composite) continue;
      const nullable = !isNonNullType(field.type);
      if (!PERSONAL_OR_ABOVE.has(policy.class) || !canBeMasked(policy)) continue;
      checked++;
      const mask = policy.asserts ? "withhold" : (policy.mask ?? "withhold");
      if (mask === "withhold" && !nullable) problems.push(`${key}: non-null and masked to null`);
      // A string mask on a non-string value would let it through unchanged (applyMask keeps non-strings).
      if (STRING_MASKS.has(mask) && !["String", "ID"].includes(named.name))
        problems.push(`${key}: mask ${mask} on a ${named.name}`);
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
    // The objects the matrix test reads are all in the table.
    for (const t of ["Person", "Address", "Organisation", "PoliceIncident", "Petition"])
      expect(isObjectType(schema.getType(t))).toBe(true);
  });
});
