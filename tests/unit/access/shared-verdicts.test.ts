// Requests of one subject share their decisions (domain/access/request.ts). Sharing is only safe
// if every part of the subject that decide() reads is part of what is shared by: each case below
// builds two subjects that differ in one such part and decide() answers differently for, and
// checks that the second request gets its own decision after the first has taken and cached its
// own. The positive control: identical subjects do share.
import { describe, expect, it } from "vitest";
import { decide, type FieldClass } from "../../../domain/access/decisions.js";
import { DEFAULT_PURPOSES, type Purpose } from "../../../domain/access/purposes.js";
import { RequestAccess } from "../../../domain/access/request.js";
import { ANONYMOUS, type Principal } from "../../../domain/principal.js";
import type { Role } from "../../../domain/roles.js";

interface SubjectSpec {
  roles?: Role[];
  department?: string | null;
  authenticated?: boolean;
  purpose?: string | null;
  reference?: string | null;
  purposes?: readonly Purpose[];
}

function request(spec: SubjectSpec): RequestAccess {
  const purposes = spec.purposes ?? DEFAULT_PURPOSES;
  const principal: Principal = {
    ...ANONYMOUS,
    subject: "u1",
    roles: spec.roles ?? ["city_commander"],
    department: spec.department ?? null,
    authenticated: spec.authenticated ?? true,
  };
  const found = spec.purpose ? purposes.find((p) => p.code === spec.purpose) : undefined;
  if (spec.purpose && !found) throw new Error(`no purpose ${spec.purpose}`);
  const purpose = found ? { ...found, reference: spec.reference ?? null } : null;
  return new RequestAccess(principal, purpose, purposes);
}

// The same code as the default purpose, unlocking nothing: only the configured list tells them apart.
const CASE_HANDLING_UNLOCKS_NOTHING: readonly Purpose[] = DEFAULT_PURPOSES.map((p) =>
  p.code === "CASE_HANDLING" ? { ...p, unlocks: [] } : p,
);

const personal: FieldClass = { class: "PERSONAL", owner: "public_security" };
const sensitive: FieldClass = { class: "SENSITIVE", owner: "petition" };

const cases: { part: string; field: FieldClass; first: SubjectSpec; second: SubjectSpec }[] = [
  { part: "authenticated", field: personal, first: {}, second: { authenticated: false } },
  { part: "roles", field: personal, first: {}, second: { roles: ["analyst"] } },
  {
    part: "department",
    field: personal,
    first: { roles: ["department_officer"], department: "public_security" },
    second: { roles: ["department_officer"], department: "civil_affairs" },
  },
  {
    part: "purpose",
    field: sensitive,
    first: { purpose: "CASE_HANDLING", reference: "EV-1" },
    second: { purpose: "ASSISTANCE_VERIFICATION" },
  },
  {
    part: "whether the purpose carries a reference",
    field: sensitive,
    first: { purpose: "CASE_HANDLING", reference: "EV-1" },
    second: { purpose: "CASE_HANDLING", reference: null },
  },
  {
    part: "the configured purposes",
    field: sensitive,
    first: { purpose: "CASE_HANDLING", reference: "EV-1" },
    second: { purpose: "CASE_HANDLING", reference: "EV-1", purposes: CASE_HANDLING_UNLOCKS_NOTHING },
  },
];

describe("RequestAccess.verdict shared by a subject's requests", () => {
  for (const c of cases) {
    it(`is not shared across subjects that differ in ${c.part}`, () => {
      const a = request(c.first);
      const b = request(c.second);
      // The case must be one where the difference decides something, or it proves nothing.
      expect(decide(a.subject, c.field).decision).not.toBe(decide(b.subject, c.field).decision);
      const key = `Test.${c.part}`;
      expect(a.verdict(key, c.field)).toEqual(decide(a.subject, c.field));
      expect(b.verdict(key, c.field)).toEqual(decide(b.subject, c.field));
    });
  }

  it("is shared by identical subjects (positive control)", () => {
    const spec: SubjectSpec = { purpose: "CASE_HANDLING", reference: "EV-1" };
    const first = request(spec).verdict("Test.shared", sensitive);
    // Another request of the same subject, with another reference to the same kind of case.
    const second = request({ ...spec, reference: "EV-2" }).verdict("Test.shared", sensitive);
    expect(second).toBe(first);
    expect(first.decision).toBe("ALLOW");
  });
});
