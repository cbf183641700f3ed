// One request's access state: who asks (with the purpose resolved once), the decisions taken so
// far (one per field, not per value), and what the audit trail must record of this request.
import type { Principal } from "../principal.js";
import { type AccessSubject, decide, type FieldClass, type Verdict } from "./decisions.js";
import type { Purpose } from "./purposes.js";

export type AuditOutcome = "READ" | "DENIED";

/** What one request read in full or was refused, per entity: fields grouped for the audit trail. */
export interface AuditEntry {
  outcome: AuditOutcome;
  entityId: string | null;
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

  /** Hand over what was recorded (once: the request is finished). */
  drain(): AuditEntry[] {
    const out = [...this.entries.values()].map((e) => ({
      outcome: e.outcome,
      entityId: e.entityId,
      fields: [...e.fields].sort(),
    }));
    this.entries.clear();
    return out;
  }
}
