// One request's access state: who asks (with the purpose resolved once), the decisions taken so
// far (one per field, not per value), and what the audit trail must record of this request.
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

export class RequestAccess {
  readonly subject: AccessSubject;
  private readonly verdicts = new Map<string, Verdict>();
  private readonly entries = new Map<
    string,
    { outcome: AuditOutcome; entityId: string | null; fields: Set<string> }
  >();

  constructor(
    readonly principal: Principal,
    purpose: (Purpose & { reference: string | null }) | null,
    purposes: readonly Purpose[],
    /** False only when the hub runs with ACCESS_CONTROL=off (overhead measurement). */
    readonly enforced = true,
  ) {
    this.subject = { principal, purpose, purposes };
  }

  /** The decision for a field (by its `Type.field` key), taken once per request. */
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
    const k = `${outcome}\u0000${entityId ?? ""}`;
    let e = this.entries.get(k);
    if (!e) {
      e = { outcome, entityId, fields: new Set() };
      this.entries.set(k, e);
    }
    e.fields.add(field);
  }

  /** Hand over what was recorded, grouped by outcome and field set (once: the request is finished). */
  drain(): AuditEntry[] {
    const groups = new Map<string, AuditEntry>();
    for (const e of this.entries.values()) {
      const fields = [...e.fields].sort();
      const k = `${e.outcome}\u0000${fields.join("\u0000")}`;
      let g = groups.get(k);
      if (!g) {
        g = { outcome: e.outcome, entityIds: [], fields };
        groups.set(k, g);
      }
      if (e.entityId !== null) g.entityIds.push(e.entityId);
    }
    this.entries.clear();
    const out = [...groups.values()];
    for (const g of out) g.entityIds.sort();
    return out;
  }
}
