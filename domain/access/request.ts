// One request's access state: who asks (with the purpose resolved once), the decisions (one per
// subject and field, not per value), and what the audit trail must record of this request.
import type { Principal } from "../principal.js";
import { type AccessSubject, decide, type FieldClass, type Verdict } from "./decisions.js";
import type { Purpose } from "./purposes.js";

export type AuditOutcome = "READ" | "DENIED";

/**
 * What one request read in full or was refused: one entry per outcome and set of fields, naming
 * every entity that set was read on (a list of 40 events read alike is one entry, not 40), so
 * that which fields of which entity stays exact while the trail grows by request, not by value.
 */
export interface AuditEntry {
  outcome: AuditOutcome;
  /** The elements' database ids, sorted (empty: root fields only, e.g. a look-up by citizen ID). */
  entityIds: string[];
  fields: string[];
}

/**
 * Verdicts shared by the requests of one subject. decide() is a pure function of the subject
 * (authenticated or not, roles, department, the purpose and whether it carries a reference, the
 * configured purposes) and the field, so a principal's requests with one purpose take each
 * decision once per process, not once per request. Keyed first by the configured purposes (a
 * test or a reload with other purposes never shares), then by the subject's signature; bounded.
 */
const sharedVerdicts = new WeakMap<readonly Purpose[], Map<string, Map<string, Verdict>>>();
const MAX_SUBJECTS = 1_000;

function verdictsOf(subject: AccessSubject): Map<string, Verdict> {
  const { principal: p, purpose } = subject;
  const signature = [
    p.authenticated ? "1" : "0",
    p.roles.join(","),
    p.department ?? "",
    purpose?.code ?? "",
    purpose?.reference ? "1" : "0",
  ].join("\u0000");
  let bySubject = sharedVerdicts.get(subject.purposes);
  if (!bySubject) {
    bySubject = new Map();
    sharedVerdicts.set(subject.purposes, bySubject);
  }
  let verdicts = bySubject.get(signature);
  if (!verdicts) {
    if (bySubject.size >= MAX_SUBJECTS) bySubject.clear();
    verdicts = new Map();
    bySubject.set(signature, verdicts);
  }
  return verdicts;
}

export class RequestAccess {
  readonly subject: AccessSubject;
  private readonly verdicts: Map<string, Verdict>;
  /**
   * What was read in full and refused, as (field, entity) pairs in parallel arrays: recording runs
   * for every classified value, so it only appends (no key built, no set per entity: a request
   * with many in flight keeps little alive); drain() groups and de-duplicates once.
   */
  private readonly recorded: Record<AuditOutcome, { fields: string[]; entityIds: (string | null)[] }> = {
    READ: { fields: [], entityIds: [] },
    DENIED: { fields: [], entityIds: [] },
  };

  constructor(
    readonly principal: Principal,
    purpose: (Purpose & { reference: string | null }) | null,
    purposes: readonly Purpose[],
    /** False only when the hub runs with ACCESS_CONTROL=off (overhead measurement). */
    readonly enforced = true,
  ) {
    this.subject = { principal, purpose, purposes };
    this.verdicts = verdictsOf(this.subject);
  }

  /** The decision for a field (by its `Type.field` key), taken once per subject. */
  verdict(key: string, field: FieldClass): Verdict {
    let v = this.verdicts.get(key);
    if (!v) {
      v = decide(this.subject, field);
      this.verdicts.set(key, v);
    }
    return v;
  }

  /** Record a read in full or a refusal of `field` on `entityId`. */
  record(outcome: AuditOutcome, field: string, entityId: string | null): void {
    const r = this.recorded[outcome];
    r.fields.push(field);
    r.entityIds.push(entityId);
  }

  /** Where the record stands now, for rollback(). */
  mark(): { READ: number; DENIED: number } {
    return { READ: this.recorded.READ.fields.length, DENIED: this.recorded.DENIED.fields.length };
  }

  /**
   * Forget what was recorded since `mark`: a read plan that hands the request back to the graph
   * path (which records its own) leaves nothing of its attempt behind.
   */
  rollback(mark: { READ: number; DENIED: number }): void {
    for (const outcome of ["READ", "DENIED"] as const) {
      this.recorded[outcome].fields.length = mark[outcome];
      this.recorded[outcome].entityIds.length = mark[outcome];
    }
  }

  /** Hand over what was recorded, grouped by outcome and field set (once: the request is finished). */
  drain(): AuditEntry[] {
    const groups = new Map<string, AuditEntry>();
    for (const outcome of ["READ", "DENIED"] as const) {
      const r = this.recorded[outcome];
      // entity → the fields recorded on it
      const byEntity = new Map<string | null, Set<string>>();
      for (let i = 0; i < r.fields.length; i++) {
        const entityId = r.entityIds[i] ?? null;
        let set = byEntity.get(entityId);
        if (!set) {
          set = new Set();
          byEntity.set(entityId, set);
        }
        set.add(r.fields[i]!);
      }
      r.fields = [];
      r.entityIds = [];
      for (const [entityId, set] of byEntity) {
        const fields = [...set].sort();
        const k = `${outcome}\u0000${fields.join("\u0000")}`;
        let g = groups.get(k);
        if (!g) {
          g = { outcome, entityIds: [], fields };
          groups.set(k, g);
        }
        if (entityId !== null) g.entityIds.push(entityId);
      }
    }
    const out = [...groups.values()];
    for (const g of out) g.entityIds.sort();
    return out;
  }
}
