// The field table: every field of the graph with its sensitivity class, its owning department and
// the data type its mask follows, declared once, here. buildSchema() refuses to start when a field
// is missing (schema/field-policy.ts); the access plugin (schema/access-plugin.ts) enforces it with
// the decision table (./decisions.ts); docs/access-control.md is generated from both.
import type { DepartmentCode } from "../departments.js";
import type { MaskKind } from "../masking.js";
import type { SensitivityClass } from "../sensitivity.js";
import type { FieldClass } from "./decisions.js";
import { sourcePresenceClass } from "./sources.js";

/** The audit trail's owner: only the auditor reads it (RESTRICTED_OWNERS in ./decisions.ts). */
export type FieldOwner = DepartmentCode | "audit";

export interface FieldPolicy {
  class: SensitivityClass;
  owner: FieldOwner;
  /** How a masked value is shown; scalar fields without one are withheld (null) when masked. */
  mask?: MaskKind;
  /**
   * The value asserts another field (a claimed attribute in provenance): its class and mask are that
   * field's, given as `Type.field` from the parent.
   */
  asserts?: (parent: unknown) => FieldPolicy;
  /** List items carry their own class (a provenance record of a petition is petitioner status). */
  items?: (item: unknown) => FieldClass | null;
}

/** The same policy with a mask. */
const masked = (policy: FieldPolicy, mask: MaskKind): FieldPolicy => ({ ...policy, mask });

const PUBLIC_GRID: FieldPolicy = { class: "PUBLIC", owner: "grid" };
const INTERNAL_GRID: FieldPolicy = { class: "INTERNAL", owner: "grid" };
const INTERNAL_HUB: FieldPolicy = { class: "INTERNAL", owner: "command_centre" };

const SENSITIVE_HUB: FieldPolicy = { class: "SENSITIVE", owner: "command_centre" };
const PUBLIC_HUB: FieldPolicy = { class: "PUBLIC", owner: "command_centre" };
const INTERNAL_POLICE: FieldPolicy = { class: "INTERNAL", owner: "public_security" };
const INTERNAL_HOTLINE: FieldPolicy = { class: "INTERNAL", owner: "hotline_12345" };
const INTERNAL_PETITION: FieldPolicy = { class: "INTERNAL", owner: "petition" };
const SENSITIVE_PETITION: FieldPolicy = { class: "SENSITIVE", owner: "petition" };
// Canonical person and event values are asserted by several departments; the command centre
// owns the merged record, the assertions keep each department's own claim.
const PERSONAL_HUB: FieldPolicy = { class: "PERSONAL", owner: "command_centre" };
const AUDIT: FieldPolicy = { class: "SENSITIVE", owner: "audit" };
const SENSITIVE_CIVIL: FieldPolicy = { class: "SENSITIVE", owner: "civil_affairs" };

/** Several fields of one type under one policy. */
const fields = (type: string, names: string[], policy: FieldPolicy) =>
  Object.fromEntries(names.map((n) => [`${type}.${n}`, policy]));
/** The same fields of several types (an interface and the types implementing it). */
const forEach = (types: string[], names: string[], policy: FieldPolicy) =>
  Object.assign({}, ...types.map((type) => fields(type, names, policy))) as Record<string, FieldPolicy>;

/** The Event interface and its kinds. */
const EVENT_TYPES = ["Event", "PoliceIncident", "HotlineTicket", "Petition", "Dispute", "GridReport"];
const EVENT_INTERNAL_FIELDS = [
  "id",
  "kind",
  "title",
  "status",
  "warningLevel",
  "occurredAt",
  "reportedAt",
  "deadlineAt",
  "overdue",
  "area",
  "handlingDepartment",
  "reportingDepartment",
  "organisations",
  "timeline",
  "sources",
  "assignments",
];
// What people reported, where, and who: personal by default; each department's own kind may be
// stricter (the 110 call text is SECRET, petitioners and disputes' parties SENSITIVE).
const EVENT_PERSONAL_FIELDS = ["address", "parties", "persons"];
const SECRET_POLICE: FieldPolicy = { class: "SECRET", owner: "public_security" };
const SENSITIVE_POLICE: FieldPolicy = { class: "SENSITIVE", owner: "public_security" };
const SENSITIVE_GRID: FieldPolicy = { class: "SENSITIVE", owner: "grid" };

/** A provenance record tells that a department holds a record of the element: as sensitive as that. */
const provenanceItem = (item: unknown): FieldClass | null => {
  const department = (item as { departmentCode?: unknown; row?: { departmentCode?: unknown } }) ?? {};
  const code = department.departmentCode ?? department.row?.departmentCode;
  return typeof code === "string" ? { class: sourcePresenceClass(code), owner: code } : null;
};

/** A claimed attribute value takes the class and mask of the person's field it asserts. */
const ATTRIBUTE_FIELDS: Readonly<Record<string, FieldPolicy>> = {
  name: { class: "PERSONAL", owner: "command_centre", mask: "name" },
  phone: { class: "PERSONAL", owner: "command_centre", mask: "phone" },
  sex: { class: "PERSONAL", owner: "command_centre", mask: "keep" },
  birthDate: { class: "PERSONAL", owner: "command_centre", mask: "date" },
  citizenId: { class: "SENSITIVE", owner: "command_centre", mask: "citizenId" },
  citizenIdLowTrust: { class: "SENSITIVE", owner: "command_centre", mask: "citizenId" },
  ethnicity: { class: "SENSITIVE", owner: "command_centre", mask: "withhold" },
};
/** Addresses (address.RESIDENT …) are personal, masked to community; anything unknown is sensitive. */
const assertedAttribute = (parent: unknown): FieldPolicy => {
  const attribute = String((parent as { attribute?: unknown })?.attribute ?? "");
  if (attribute.startsWith("address")) return { class: "PERSONAL", owner: "command_centre", mask: "address" };
  return ATTRIBUTE_FIELDS[attribute] ?? { class: "SENSITIVE", owner: "command_centre", mask: "withhold" };
};
const CLAIMED: FieldPolicy = { class: "PERSONAL", owner: "command_centre", asserts: assertedAttribute };
const PROVENANCE_LIST: FieldPolicy = { class: "INTERNAL", owner: "command_centre", items: provenanceItem };

export const FIELD_POLICY: Record<string, FieldPolicy> = {
  // Roots: the query paths. Jurisdiction applies below them.
  "Query.node": INTERNAL_HUB,
  "Query.nodes": INTERNAL_HUB,
  // The caller's own token: every role reads it, the auditor included.
  "Query.me": PUBLIC_HUB,
  "Query.area": PUBLIC_GRID,
  "Query.areas": PUBLIC_GRID,
  "Mutation.updateArea": INTERNAL_GRID,
  "Subscription.areaChanged": PUBLIC_GRID,
  "Subscription.heartbeat": INTERNAL_HUB,

  // Live changes from the outbox and alerts (三色预警, 督办): the command centre's own working
  // data; an event's state in a change carries only the event's internal fields.
  ...fields(
    "Subscription",
    ["eventReported", "eventChanged", "alertRaised", "connectorStatusChanged"],
    INTERNAL_HUB,
  ),
  ...fields("EventChange", ["cursor", "change", "event"], INTERNAL_HUB),
  ...fields(
    "EventState",
    [
      "id",
      "kind",
      "title",
      "status",
      "warningLevel",
      "areaCode",
      "areaName",
      "occurredAt",
      "reportedAt",
      "deadlineAt",
      "overdue",
      "handlingDepartmentCode",
      "updatedAt",
    ],
    INTERNAL_HUB,
  ),
  ...fields("AlertChange", ["cursor", "change", "alert"], INTERNAL_HUB),
  ...fields(
    "ConnectorStatusChange",
    [
      "cursor",
      "connectorId",
      "department",
      "state",
      "health",
      "lastRunAt",
      "lastSuccessAt",
      "lastErrorAt",
      "lastError",
      "circuitOpenUntil",
    ],
    INTERNAL_HUB,
  ),
  "Query.alerts": INTERNAL_HUB,
  // 平安稳定指数: aggregates of an area, no one in them; the centre's working figures.
  "Query.stabilityIndex": INTERNAL_HUB,
  ...fields(
    "StabilityIndex",
    ["areaCode", "areaName", "month", "residents", "score", "previousScore", "change", "breakdown"],
    INTERNAL_HUB,
  ),
  ...fields(
    "StabilityIndicator",
    ["indicator", "label", "unit", "weight", "value", "score", "contribution"],
    INTERNAL_HUB,
  ),
  "Mutation.acknowledgeAlert": INTERNAL_HUB,
  "Mutation.closeAlert": INTERNAL_HUB,
  ...fields(
    "Alert",
    [
      "id",
      "kind",
      "rule",
      "level",
      "status",
      "areaCode",
      "areaName",
      "reasons",
      "eventIds",
      "raisedAt",
      "acknowledgedBy",
      "acknowledgedAt",
      "closedBy",
      "closedAt",
    ],
    INTERNAL_HUB,
  ),

  // Area: division names and codes are public (GB/T 2260); the grid layout is internal.
  "Area.id": PUBLIC_GRID,
  "Area.code": PUBLIC_GRID,
  "Area.name": PUBLIC_GRID,
  "Area.level": PUBLIC_GRID,
  "Area.kind": PUBLIC_GRID,
  "Area.depth": PUBLIC_GRID,
  "Area.latitude": PUBLIC_GRID,
  "Area.longitude": PUBLIC_GRID,
  "Area.parent": PUBLIC_GRID,
  "Area.children": PUBLIC_GRID,
  "Area.ancestors": PUBLIC_GRID,
  "Area.subtreeCounts": INTERNAL_GRID,
  "Area.updatedAt": INTERNAL_GRID,
  "AreaSubtreeCounts.total": INTERNAL_GRID,
  "AreaSubtreeCounts.districts": INTERNAL_GRID,
  "AreaSubtreeCounts.streets": INTERNAL_GRID,
  "AreaSubtreeCounts.communities": INTERNAL_GRID,
  "AreaSubtreeCounts.grids": INTERNAL_GRID,

  // The caller's own token, shown back to it.
  "Principal.subject": PUBLIC_HUB,
  "Principal.roles": PUBLIC_HUB,
  "Principal.roleLabels": PUBLIC_HUB,
  "Principal.department": PUBLIC_HUB,
  "Principal.purpose": PUBLIC_HUB,
  "Principal.jurisdiction": PUBLIC_HUB,

  // Entity resolution (integration/resolution): per-attribute provenance carries the claimed
  // values themselves (masked like the person's fields); the review queue and merges are the
  // command centre's data governance, audited.
  "Person.attributes": { ...PERSONAL_HUB, items: (a) => assertedAttribute(a) },
  "Person.merges": INTERNAL_HUB,
  ...fields("AttributeProvenance", ["attribute", "conflict"], INTERNAL_HUB),
  "AttributeProvenance.values": PERSONAL_HUB,
  "AttributeProvenance.value": CLAIMED,
  "ClaimedValue.chosen": INTERNAL_HUB,
  "ClaimedValue.sources": PROVENANCE_LIST,
  "ClaimedValue.value": CLAIMED,
  ...fields(
    "ClaimSource",
    ["connectorId", "departmentCode", "sourceKey", "ref", "fetchedAt", "method", "score", "reasons"],
    INTERNAL_HUB,
  ),
  ...fields("MatchReason", ["feature", "level", "weight"], INTERNAL_HUB),
  "Query.reviewQueue": PERSONAL_HUB,
  "Mutation.mergePersons": PERSONAL_HUB,
  "Mutation.unmergePersons": PERSONAL_HUB,
  "Mutation.decideMatch": PERSONAL_HUB,
  "Mutation.runResolutionPass": INTERNAL_HUB,
  ...fields(
    "ResolutionPass",
    [
      "organisationsMerged",
      "organisationReviews",
      "sameRepresentative",
      "sameRoleHolder",
      "mentions",
      "full",
      "registryChanged",
      "busy",
      "compared",
      "merged",
      "reviews",
      "byPosterior",
      "prior",
      "ms",
    ],
    INTERNAL_HUB,
  ),
  ...fields("PosteriorBand", ["band", "count"], INTERNAL_HUB),
  ...fields(
    "MatchCandidate",
    [
      "id",
      "entityType",
      "status",
      "score",
      "reasons",
      "organisation",
      "candidateOrganisation",
      "createdAt",
      "decidedAt",
      "decidedBy",
    ],
    INTERNAL_HUB,
  ),
  ...fields("MatchCandidate", ["person", "candidate"], PERSONAL_HUB),
  ...fields(
    "Merge",
    [
      "id",
      "mergedPersonId",
      "method",
      "score",
      "reason",
      "actor",
      "at",
      "undoneAt",
      "undoneBy",
      "undoReason",
    ],
    INTERNAL_HUB,
  ),
  "Merge.survivor": PERSONAL_HUB,
  "Mutation.mergeOrganisations": INTERNAL_HUB,
  "Mutation.unmergeOrganisations": INTERNAL_HUB,
  ...fields(
    "OrganisationMerge",
    [
      "id",
      "survivor",
      "mergedOrganisationId",
      "method",
      "reason",
      "actor",
      "at",
      "undoneAt",
      "undoneBy",
      "undoReason",
    ],
    INTERNAL_HUB,
  ),

  // Posts: who serves which grid is how the command centre dispatches; internal, not personal.
  "Person.posts": INTERNAL_GRID,
  ...fields("PersonPost", ["role", "area", "since"], INTERNAL_GRID),

  // Connectors: operational state of the federation, for operators; raw payloads are as
  // sensitive as the most sensitive thing a department record can hold.
  "Query.connectors": INTERNAL_HUB,
  "Connector.dataQuality": INTERNAL_HUB,
  ...fields("DataQualityCount", ["code", "count", "lastRunCount", "quarantined", "examples"], INTERNAL_HUB),
  "Query.quarantinedRecords": INTERNAL_HUB,
  "Mutation.triggerSync": INTERNAL_HUB,
  "Mutation.setConnectorState": INTERNAL_HUB,
  "Mutation.retryQuarantined": INTERNAL_HUB,
  "Mutation.registerConnector": INTERNAL_HUB,
  "Mutation.replayConnector": INTERNAL_HUB,
  "Query.previewConnector": SENSITIVE_HUB, // shows raw source records
  ...fields("DefinitionError", ["path", "message"], INTERNAL_HUB),
  ...fields("ConnectorPreview", ["records", "errors"], INTERNAL_HUB),
  ...fields("PreviewRecord", ["sourceKey", "problems", "placements"], INTERNAL_HUB),
  ...fields("AddressPlacement", ["areaCode", "level", "outside", "confidence"], INTERNAL_HUB),
  ...fields("AddressPlacement", ["text", "standardAddress", "doubt"], masked(SENSITIVE_HUB, "freeText")),
  ...fields("PreviewRecord", ["payload", "drafts"], masked(SENSITIVE_HUB, "json")),
  ...fields("QuarantineRetryReport", ["retried", "ingested", "stillQuarantined"], INTERNAL_HUB),
  ...fields(
    "Connector",
    [
      "id",
      "department",
      "description",
      "kind",
      "produces",
      "state",
      "health",
      "intervalSeconds",
      "lastRunAt",
      "lastSuccessAt",
      "lagSeconds",
      "lastErrorAt",
      "lastError",
      "circuitOpenUntil",
      "recordsIngested",
      "recordsUnchanged",
      "recordsQuarantined",
      "recordsServed",
      "recordsDuplicates",
      "nextRunAt",
      "lastRun",
    ],
    INTERNAL_HUB,
  ),
  ...fields(
    "SyncRun",
    [
      "id",
      "trigger",
      "outcome",
      "startedAt",
      "finishedAt",
      "pages",
      "served",
      "stored",
      "unchanged",
      "quarantined",
      "duplicates",
      "error",
    ],
    INTERNAL_HUB,
  ),
  ...fields(
    "QuarantinedRecord",
    [
      "id",
      "connectorId",
      "sourceKey",
      "reasonCode",
      "field",
      "message",
      "problems",
      "quarantinedAt",
      "resolvedAt",
    ],
    INTERNAL_HUB,
  ),
  "QuarantinedRecord.payload": masked(SENSITIVE_HUB, "json"),
  ...fields("MappingProblem", ["code", "field", "message"], INTERNAL_HUB),
  ...fields(
    "SyncRunReport",
    [
      "connectorId",
      "outcome",
      "skipped",
      "pages",
      "ingested",
      "unchanged",
      "quarantined",
      "served",
      "stored",
      "duplicates",
      "error",
    ],
    INTERNAL_HUB,
  ),

  // Events: handling data is internal; what people reported, and who, is personal. The Event
  // interface and each kind carry the same common fields; each kind adds its department's own.
  "Query.events": INTERNAL_HUB,
  ...forEach(EVENT_TYPES, EVENT_INTERNAL_FIELDS, INTERNAL_HUB),
  ...forEach(EVENT_TYPES, EVENT_PERSONAL_FIELDS, PERSONAL_HUB),
  ...forEach(EVENT_TYPES, ["description"], masked(PERSONAL_HUB, "freeText")),
  "Event.sources": PROVENANCE_LIST,
  ...fields("PoliceIncident", ["sources"], PROVENANCE_LIST),
  ...fields("HotlineTicket", ["sources"], PROVENANCE_LIST),
  ...fields("Petition", ["sources"], PROVENANCE_LIST),
  ...fields("Dispute", ["sources"], PROVENANCE_LIST),
  ...fields("GridReport", ["sources"], PROVENANCE_LIST),
  // 110: who is involved, what the call said and what the police did are restricted (SECRET);
  // where it happened is whereabouts (SENSITIVE), as the public-security manifest declares.
  ...fields("PoliceIncident", ["category", "categoryName", "reportMode"], INTERNAL_POLICE),
  "PoliceIncident.outcome": masked(SECRET_POLICE, "freeText"),
  "PoliceIncident.description": masked(SECRET_POLICE, "freeText"),
  ...fields("PoliceIncident", ["parties", "persons"], SECRET_POLICE),
  "PoliceIncident.address": SENSITIVE_POLICE,
  // Disputes and patrol reports: what happened and who is involved (grid manifest: SENSITIVE).
  ...fields("Dispute", ["parties", "persons"], SENSITIVE_GRID),
  "Dispute.description": masked(SENSITIVE_GRID, "freeText"),
  ...fields("GridReport", ["parties", "persons"], SENSITIVE_GRID),
  "GridReport.description": masked(SENSITIVE_GRID, "freeText"),
  ...fields(
    "HotlineTicket",
    [
      "category",
      "urgency",
      "satisfaction",
      "channel",
      "topic",
      "overdueInSource",
      "closedAt",
      "transferredIncidentNo",
    ],
    INTERNAL_HOTLINE,
  ),
  // Petitions: petitioner status is sensitive (PIPL art. 28), so are who petitioned and what about.
  // Repeat and collective (集体访) petitions mark petitioners (the petition manifest: SENSITIVE).
  ...fields("Petition", ["parties", "persons", "repeat", "collective", "previousCaseNo"], SENSITIVE_PETITION),
  "Petition.description": masked(SENSITIVE_PETITION, "freeText"),
  ...fields(
    "Petition",
    [
      "form",
      "issueCategory",
      "locality",
      "personCount",
      "acceptedDate",
      "concludeBy",
      "extendedConcludeBy",
      "reviewStage",
    ],
    INTERNAL_PETITION,
  ),
  ...fields("Dispute", ["disputeType", "mediationOutcome", "transferredIncidentNo"], INTERNAL_GRID),
  ...fields("GridReport", ["patrolType", "workerNo", "handledAt"], INTERNAL_GRID),
  ...fields("EventStep", ["fromStatus", "toStatus", "actor", "at"], INTERNAL_HUB),
  // The closed loop (schema/types/workflow.ts): steps, handling departments, actions, 12345 KPIs.
  ...fields("EventStep", ["action", "note", "department", "attachments"], INTERNAL_HUB),
  ...fields(
    "EventAssignment",
    ["department", "status", "deadlineAt", "assignedAt", "respondedAt", "fedBackAt", "feedback"],
    INTERNAL_HUB,
  ),
  ...fields(
    "Mutation",
    [
      "reportEvent",
      "acceptEvent",
      "rejectEvent",
      "dispatchEvent",
      "respondToEvent",
      "feedBackEvent",
      "returnEvent",
      "reassignEvent",
      "verifyEvent",
      "evaluateEvent",
      "closeEventOnSpot",
      "extendEvent",
    ],
    INTERNAL_HUB,
  ),
  "Query.hotlineKpis": INTERNAL_HOTLINE,
  ...fields(
    "HotlineKpi",
    [
      "departmentCode",
      "assigned",
      "responded",
      "resolved",
      "rated",
      "satisfied",
      "responseRate",
      "resolutionRate",
      "satisfactionRate",
    ],
    INTERNAL_HOTLINE,
  ),
  ...fields("EventOrganisation", ["role", "event", "organisation"], INTERNAL_HUB),
  ...fields("Department", ["code", "name"], PUBLIC_HUB),
  ...fields(
    "Provenance",
    ["connectorId", "connector", "departmentCode", "sourceKey", "fetchedAt", "method"],
    INTERNAL_HUB,
  ),

  // Persons: personal by default; the ID number and assistance are PIPL art. 28 sensitive.
  "Query.person": SENSITIVE_HUB,
  "Query.persons": PERSONAL_HUB,
  ...fields("Person", ["addresses", "organisations", "events", "coParties"], PERSONAL_HUB),
  ...fields("Person", ["id", "sex", "birthYear"], masked(PERSONAL_HUB, "keep")),
  "Person.name": masked(PERSONAL_HUB, "name"),
  "Person.phone": masked(PERSONAL_HUB, "phone"),
  "Person.birthDate": masked(PERSONAL_HUB, "date"),
  "Person.sources": PROVENANCE_LIST,
  "Person.citizenId": masked(SENSITIVE_HUB, "citizenId"),
  "Person.assistanceStatus": SENSITIVE_CIVIL,
  ...fields("AssistanceStatus", ["status", "category", "amount"], SENSITIVE_CIVIL),
  ...fields("PersonAddress", ["kind", "since", "until", "address", "person"], PERSONAL_HUB),
  ...fields("PersonOrganisation", ["role", "since", "until", "person", "organisation"], PERSONAL_HUB),
  ...fields("EventPerson", ["role", "event", "person"], PERSONAL_HUB),
  ...fields("CoParty", ["person", "sharedEvents", "lastSharedAt"], PERSONAL_HUB),
  // The kind of a tie (resident, reporter …) and how much two persons share identify no one; a
  // masked view keeps them (withheld, these non-null fields would null out their parent).
  ...fields("PersonAddress", ["kind"], masked(PERSONAL_HUB, "keep")),
  ...fields("PersonOrganisation", ["role"], masked(PERSONAL_HUB, "keep")),
  ...fields("EventPerson", ["role"], masked(PERSONAL_HUB, "keep")),
  "PersonEventsEdge.role": masked(PERSONAL_HUB, "keep"),
  ...fields("CoParty", ["sharedEvents", "lastSharedAt"], masked(PERSONAL_HUB, "keep")),

  // Places: where someone lives is personal; what is placed there follows its own class.
  "Query.addresses": PERSONAL_HUB,
  ...fields("Address", ["area", "residents"], PERSONAL_HUB),
  "Address.id": masked(PERSONAL_HUB, "keep"),
  "Address.fullText": masked(PERSONAL_HUB, "address"),
  ...fields("Address", ["organisations", "events"], INTERNAL_HUB),
  "Address.sources": PROVENANCE_LIST,
  "Area.subtree": PUBLIC_GRID,
  ...fields("Area", ["residents", "addresses"], PERSONAL_HUB),
  ...fields("Area", ["organisations", "events"], INTERNAL_HUB),

  // Organisations: registry data is internal to the hub; their people are personal.
  "Query.organisation": INTERNAL_HUB,
  "Query.organisations": INTERNAL_HUB,
  ...fields(
    "Organisation",
    ["id", "name", "uscc", "usccValid", "kind", "area", "address", "events"],
    INTERNAL_HUB,
  ),
  "Organisation.sources": PROVENANCE_LIST,
  "Organisation.members": PERSONAL_HUB,
  // what the register holds; the contact number of a small unit is usually a person's own mobile
  ...fields("Organisation", ["registeredOn", "registeringAuthority", "status"], {
    class: "INTERNAL",
    owner: "civil_affairs",
  }),
  "Organisation.usccLowTrust": INTERNAL_HUB,
  "Organisation.merges": INTERNAL_HUB,
  "Organisation.phone": masked(PERSONAL_HUB, "phone"),
  "OrganisationEventsEdge.role": INTERNAL_HUB,

  // Search: a hit is as sensitive as the personal elements it can return.
  "Query.search": PERSONAL_HUB,
  ...fields("SearchHit", ["element"], PERSONAL_HUB),
  ...fields("SearchHit", ["score", "matchedOn"], INTERNAL_HUB),

  // The audit trail: who looked at whom is itself sensitive, and only the auditor reads it.
  "Query.auditTrail": AUDIT,
  ...fields(
    "AuditRecord",
    [
      "at",
      "subject",
      "roles",
      "department",
      "purpose",
      "purposeRef",
      "operationName",
      "documentHash",
      "requestId",
      "entityIds",
      "fields",
      "outcome",
    ],
    AUDIT,
  ),

  "Heartbeat.at": INTERNAL_HUB,
  "Heartbeat.databaseReady": INTERNAL_HUB,
  "Heartbeat.instance": INTERNAL_HUB,
};

/** Relay plumbing carries no data of its own: its fields take the class of what they wrap. */
const STRUCTURAL: FieldPolicy = { class: "PUBLIC", owner: "command_centre" };
function structuralPolicy(typeName: string, fieldName: string): FieldPolicy | null {
  if (typeName === "PageInfo") return STRUCTURAL;
  // The global ID names the element's type; each element's own `id` carries the element's class.
  if (typeName === "Node" && fieldName === "id") return STRUCTURAL;
  if (typeName.endsWith("Connection") && ["edges", "pageInfo", "totalCount"].includes(fieldName))
    return STRUCTURAL;
  if (typeName.endsWith("Edge") && ["cursor", "node"].includes(fieldName)) return STRUCTURAL;
  return null;
}

export function policyFor(typeName: string, fieldName: string): FieldPolicy | null {
  return FIELD_POLICY[`${typeName}.${fieldName}`] ?? structuralPolicy(typeName, fieldName);
}
