// The field policy: every field of the graph, its sensitivity class and owning department,
// declared once, here. buildSchema() refuses to start when a field is missing, so no field ships
// without a class. Enforcement with masking and audit reads this same table.
import type { GraphQLField, GraphQLSchema } from "graphql";
import { isInterfaceType, isObjectType } from "graphql";
import type { DepartmentCode } from "../domain/departments.js";
import type { SensitivityClass } from "../domain/sensitivity.js";

export interface FieldPolicy {
  class: SensitivityClass;
  owner: DepartmentCode;
}

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
];
const EVENT_PERSONAL_FIELDS = ["description", "address", "parties", "persons"];

export const FIELD_POLICY: Record<string, FieldPolicy> = {
  // Roots: the query paths. Jurisdiction applies below them.
  "Query.node": INTERNAL_HUB,
  "Query.nodes": INTERNAL_HUB,
  "Query.me": INTERNAL_HUB,
  "Query.area": PUBLIC_GRID,
  "Query.areas": PUBLIC_GRID,
  "Mutation.updateArea": INTERNAL_GRID,
  "Subscription.areaChanged": PUBLIC_GRID,
  "Subscription.heartbeat": INTERNAL_HUB,

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
  "Principal.subject": INTERNAL_HUB,
  "Principal.roles": INTERNAL_HUB,
  "Principal.roleLabels": INTERNAL_HUB,
  "Principal.department": INTERNAL_HUB,
  "Principal.purpose": INTERNAL_HUB,
  "Principal.jurisdiction": INTERNAL_HUB,

  // Entity resolution (integration/resolution): per-attribute provenance carries the claimed
  // values themselves (masked like the person's fields); the review queue and merges are the
  // command centre's data governance, audited.
  "Person.attributes": PERSONAL_HUB,
  "Person.merges": INTERNAL_HUB,
  ...fields("AttributeProvenance", ["attribute", "conflict"], INTERNAL_HUB),
  ...fields("AttributeProvenance", ["value", "values"], PERSONAL_HUB),
  ...fields("ClaimedValue", ["chosen", "sources"], INTERNAL_HUB),
  "ClaimedValue.value": PERSONAL_HUB,
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
    ["sameRepresentative", "mentions", "compared", "merged", "reviews", "byPosterior", "ms"],
    INTERNAL_HUB,
  ),
  ...fields("PosteriorBand", ["band", "count"], INTERNAL_HUB),
  ...fields(
    "MatchCandidate",
    ["id", "status", "score", "reasons", "createdAt", "decidedAt", "decidedBy"],
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

  // Posts: who serves which grid is how the command centre dispatches; internal, not personal.
  "Person.posts": INTERNAL_GRID,
  ...fields("PersonPost", ["role", "area", "since"], INTERNAL_GRID),

  // Connectors: operational state of the federation, for operators; raw payloads are as
  // sensitive as the most sensitive thing a department record can hold.
  "Query.connectors": INTERNAL_HUB,
  "Query.quarantinedRecords": SENSITIVE_HUB,
  "Mutation.triggerSync": INTERNAL_HUB,
  "Mutation.setConnectorState": INTERNAL_HUB,
  "Mutation.retryQuarantined": INTERNAL_HUB,
  "Mutation.registerConnector": INTERNAL_HUB,
  "Query.previewConnector": SENSITIVE_HUB, // shows raw source records
  ...fields("DefinitionError", ["path", "message"], INTERNAL_HUB),
  ...fields("ConnectorPreview", ["records", "errors"], SENSITIVE_HUB),
  ...fields("PreviewRecord", ["sourceKey", "problems"], INTERNAL_HUB),
  ...fields("PreviewRecord", ["payload", "drafts"], SENSITIVE_HUB),
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
  "QuarantinedRecord.payload": SENSITIVE_HUB,
  ...fields("MappingProblem", ["code", "field", "message"], INTERNAL_HUB),
  ...fields(
    "SyncRunReport",
    ["connectorId", "outcome", "skipped", "pages", "ingested", "unchanged", "quarantined", "error"],
    INTERNAL_HUB,
  ),

  // Events: handling data is internal; what people reported, and who, is personal. The Event
  // interface and each kind carry the same common fields; each kind adds its department's own.
  "Query.events": INTERNAL_HUB,
  ...forEach(EVENT_TYPES, EVENT_INTERNAL_FIELDS, INTERNAL_HUB),
  ...forEach(EVENT_TYPES, EVENT_PERSONAL_FIELDS, PERSONAL_HUB),
  ...fields("PoliceIncident", ["category", "categoryName", "reportMode", "outcome"], INTERNAL_POLICE),
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
  ...fields(
    "Petition",
    ["parties", "persons", "description", "repeat", "previousCaseNo"],
    SENSITIVE_PETITION,
  ),
  ...fields(
    "Petition",
    [
      "form",
      "issueCategory",
      "locality",
      "personCount",
      "collective",
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
  ...fields("EventOrganisation", ["role", "event", "organisation"], INTERNAL_HUB),
  ...fields("Department", ["code", "name"], PUBLIC_HUB),
  ...fields("Provenance", ["connectorId", "connector", "sourceKey", "fetchedAt", "method"], INTERNAL_HUB),

  // Persons: personal by default; the ID number and assistance are PIPL art. 28 sensitive.
  "Query.person": SENSITIVE_HUB,
  "Query.persons": PERSONAL_HUB,
  ...fields(
    "Person",
    [
      "id",
      "name",
      "sex",
      "birthYear",
      "birthDate",
      "phone",
      "addresses",
      "organisations",
      "events",
      "coParties",
      "sources",
    ],
    PERSONAL_HUB,
  ),
  "Person.citizenId": SENSITIVE_HUB,
  "Person.assistanceStatus": SENSITIVE_CIVIL,
  ...fields("AssistanceStatus", ["status", "category", "amount"], SENSITIVE_CIVIL),
  ...fields("PersonAddress", ["kind", "since", "until", "address", "person"], PERSONAL_HUB),
  ...fields("PersonOrganisation", ["role", "since", "until", "person", "organisation"], PERSONAL_HUB),
  ...fields("EventPerson", ["role", "event", "person"], PERSONAL_HUB),
  "PersonEventsEdge.role": PERSONAL_HUB,
  ...fields("CoParty", ["person", "sharedEvents", "lastSharedAt"], PERSONAL_HUB),

  // Places: where someone lives is personal; what is placed there follows its own class.
  "Query.addresses": PERSONAL_HUB,
  ...fields("Address", ["id", "fullText", "area", "residents"], PERSONAL_HUB),
  ...fields("Address", ["organisations", "events", "sources"], INTERNAL_HUB),
  "Area.subtree": PUBLIC_GRID,
  ...fields("Area", ["residents", "addresses"], PERSONAL_HUB),
  ...fields("Area", ["organisations", "events"], INTERNAL_HUB),

  // Organisations: registry data is internal to the hub; their people are personal.
  "Query.organisation": INTERNAL_HUB,
  "Query.organisations": INTERNAL_HUB,
  ...fields(
    "Organisation",
    ["id", "name", "uscc", "usccValid", "kind", "area", "address", "events", "sources"],
    INTERNAL_HUB,
  ),
  "Organisation.members": PERSONAL_HUB,
  "OrganisationEventsEdge.role": INTERNAL_HUB,

  // Search: a hit is as sensitive as the personal elements it can return.
  "Query.search": PERSONAL_HUB,
  ...fields("SearchHit", ["element"], PERSONAL_HUB),
  ...fields("SearchHit", ["score", "matchedOn"], INTERNAL_HUB),

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

export class MissingFieldPolicyError extends Error {
  constructor(readonly fields: string[]) {
    super(`fields without a sensitivity class in schema/field-policy.ts: ${fields.join(", ")}`);
  }
}

/**
 * Check that every field of every object and interface type has a policy and stamp it on the field: in `extensions.policy` for the
 * enforcement plugin, and at the end of its description for analysts reading GraphiQL.
 */
export function applyFieldPolicy(schema: GraphQLSchema): GraphQLSchema {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(isObjectType(type) || isInterfaceType(type)) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      const policy = policyFor(type.name, field.name);
      if (!policy) {
        missing.push(`${type.name}.${field.name}`);
        continue;
      }
      const stamped = field as {
        extensions: Record<string, unknown>;
        description: string | null | undefined;
      };
      stamped.extensions = { ...field.extensions, policy };
      stamped.description =
        `${field.description ?? ""}\n\nSensitivity: ${policy.class}. Owner: ${policy.owner}.`.trim();
    }
  }
  const stale = Object.keys(FIELD_POLICY).filter((key) => {
    const [typeName, fieldName] = key.split(".") as [string, string];
    const type = schema.getType(typeName);
    return !type || !(isObjectType(type) || isInterfaceType(type)) || !type.getFields()[fieldName];
  });
  if (missing.length > 0) throw new MissingFieldPolicyError(missing);
  if (stale.length > 0)
    throw new Error(`schema/field-policy.ts names fields the schema does not have: ${stale.join(", ")}`);
  return schema;
}
