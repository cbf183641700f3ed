// A connector's manifest declares the class of every field it supplies; the hub must never serve a
// field less strictly than its source declares it. Built-in connectors that disagree stop the hub;
// a runtime registration that disagrees is rejected. The hub may be stricter than a source.
import type { SensitivityClass } from "../sensitivity.js";
import { sensitivityRank } from "../sensitivity.js";
import { policyFor } from "./fields.js";

/** What the check reads of a manifest (connectors/contract.ts ConnectorManifest). */
export interface DeclaredFields {
  id: string;
  department: { code: string };
  fields: readonly { element: string; field: string; sensitivity: SensitivityClass }[];
}

const EVENT_KINDS = ["PoliceIncident", "HotlineTicket", "Petition", "Dispute", "GridReport"];
/** The event kinds each built-in department's records become; others may produce any kind. */
const DEPARTMENT_EVENT_TYPES: Readonly<Record<string, readonly string[]>> = {
  public_security: ["PoliceIncident"],
  hotline_12345: ["HotlineTicket"],
  petition: ["Petition"],
  grid: ["Dispute", "GridReport"],
};

/** Where a manifest field is served in the graph: element → field → graph fields (per type). */
const SERVED_AS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  PERSON: {
    citizenId: ["Person.citizenId"],
    name: ["Person.name"],
    sex: ["Person.sex"],
    birthDate: ["Person.birthDate"],
    phone: ["Person.phone"],
    addresses: ["Person.addresses"],
    assistanceStatus: ["Person.assistanceStatus"],
    posts: ["Person.posts"],
  },
  ORGANISATION: {
    uscc: ["Organisation.uscc"],
    name: ["Organisation.name"],
    kind: ["Organisation.kind"],
    members: ["Organisation.members"],
    addressText: ["Organisation.address"],
    phone: ["Organisation.phone"],
  },
  ADDRESS: { text: ["Address.fullText"] },
  AREA: { code: ["Area.code"], name: ["Area.name"], level: ["Area.level"] },
  // Event fields are served on the kind's type: `*` stands for it.
  EVENT: {
    title: ["*.title"],
    status: ["*.status"],
    occurredAt: ["*.occurredAt"],
    reportedAt: ["*.reportedAt"],
    deadlineAt: ["*.deadlineAt"],
    warningLevel: ["*.warningLevel"],
    description: ["*.description"],
    addressText: ["*.address"],
    persons: ["*.parties", "*.persons"],
    organisations: ["*.organisations"],
    "details.isCollective": ["*.collective"],
    "details.isRepeat": ["*.repeat"],
  },
};

/** The graph fields a manifest field is served as (an unexposed field: none). */
function servedAs(manifest: DeclaredFields, element: string, field: string): string[] {
  const declared =
    SERVED_AS[element]?.[field] ??
    (element === "EVENT" && field.startsWith("details.") ? [`*.${field.slice(8)}`] : []);
  const kinds = DEPARTMENT_EVENT_TYPES[manifest.department.code] ?? EVENT_KINDS;
  return declared.flatMap((key) => (key.startsWith("*.") ? kinds.map((k) => `${k}${key.slice(1)}`) : [key]));
}

/** Disagreements between a manifest and the field table, one sentence each (empty: they agree). */
export function manifestDisagreements(manifest: DeclaredFields): string[] {
  const problems: string[] = [];
  for (const f of manifest.fields) {
    for (const key of servedAs(manifest, f.element, f.field)) {
      const [typeName, fieldName] = key.split(".") as [string, string];
      const policy = policyFor(typeName, fieldName);
      if (!policy) continue; // not served by the graph (a detail no type exposes)
      if (policy.asserts) continue;
      if (sensitivityRank(policy.class) < sensitivityRank(f.sensitivity))
        problems.push(
          `${manifest.id}: ${f.element}.${f.field} is declared ${f.sensitivity}, but the hub serves ${key} as ${policy.class} (domain/access/fields.ts)`,
        );
    }
  }
  return problems;
}
