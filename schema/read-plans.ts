// Read plans: the two operations a command-centre screen sends most (person-360, area-events),
// answered from one statement each (resolvers/read-plans.ts) instead of the graph path's three
// and two statements and its per-field resolvers. The policy still decides every field: each
// field of the plan's tree passes through the same guard the access plugin puts on that field
// (schema/access-plugin.ts: the same verdicts, masks, item filters and audit records), each
// element through the same type-level check (jurisdiction), and the rows are picked by the same
// jurisdiction SQL. A plan answers only when its answer is the graph path's to the byte:
//   - the document is one of the plans' own, printed alike (aliases, fragments or another field
//     make it another document, which the graph path answers);
//   - no field of its answer is refused to the caller (a refusal is an error at its place in the
//     tree, which the graph path writes), and no mask nulls a non-null field;
//   - its variables are of the expected shape, the caller is signed in with a jurisdiction, and
//     every element of the tree passes its type-level check.
// Otherwise it hands the request to the graph path, having recorded nothing of its attempt.
// tests/integration/read-plans.test.ts compares both paths' answers and audit records for each
// kind of principal.
import { formatPrismaCursor, parsePrismaCursor } from "@pothos/plugin-prisma";
import { encodeGlobalID } from "@pothos/plugin-relay";
import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  print,
  type SelectionSetNode,
} from "graphql";
import { normaliseCitizenId } from "../domain/identifiers/citizen-id.js";
import { canReadArea } from "../domain/policies/area.js";
import type { Principal } from "../domain/principal.js";
import type { EventKind } from "../generated/prisma/client.js";
import { EVENT_CURSOR } from "../resolvers/events.js";
import { hasJurisdiction, ownAreaVisible, UUID } from "../resolvers/jurisdiction.js";
import { type EventKeyset, eventPageTree, person360Tree } from "../resolvers/read-plans.js";
import { guard, guarded } from "./access-plugin.js";
import type { Context } from "./context.js";
import { type FieldPolicy, policyFor } from "./field-policy.js";
import { EVENT_TYPE_NAMES, eventFilterOf } from "./types/event.js";

type Raw = Record<string, unknown>;
type Variables = Readonly<Record<string, unknown>>;

/** What a plan reads for one request: the root's raw tree, or null to hand it to the graph path. */
type Load = (ctx: Context, variables: Variables) => Promise<Raw | null>;

interface PlanSpec {
  name: string;
  /** The operation as operations/<name>.graphql writes it (a test keeps the two alike). */
  document: string;
  load: Load;
}

/** The type-level checks of the elements a plan's tree holds, as the types declare them. */
const TYPE_CHECKS: Record<string, (principal: Principal, raw: Raw) => boolean> = {
  Area: (p, a) => typeof a.path === "string" && canReadArea(p, a.path),
  Address: (p, a) => ownAreaVisible(p, "Address", typeof a.areaPath === "string" ? a.areaPath : null),
  ...Object.fromEntries(
    Object.values(EVENT_TYPE_NAMES).map((type) => [
      type,
      (p: Principal, e: Raw) =>
        ownAreaVisible(p, "Event", typeof e.areaPath === "string" ? e.areaPath : null),
    ]),
  ),
  // Person and Organisation: the statement reads only visible ones (their reach), as the graph
  // path proves them visible by the statement that read them (provenVisible).
};

/** The concrete type of an abstract type's value (the interfaces a plan's tree holds). */
const CONCRETE: Record<string, (raw: Raw) => string | undefined> = {
  Event: (e) => EVENT_TYPE_NAMES[e.kind as EventKind],
};

// ---- the plans ----

const PERSON_360 = `query Person360($citizenId: String!) {
  person(citizenId: $citizenId) {
    id name citizenId phone sex birthDate
    addresses { kind address { id fullText area { code name } } }
    organisations { role organisation { id name uscc kind } }
    events(first: 20, orderBy: OCCURRED_AT_DESC) {
      totalCount
      edges {
        role
        node {
          id kind title status occurredAt warningLevel
          area { code name }
          address { fullText }
          parties { role person { id name } }
        }
      }
    }
    sources { connectorId sourceKey fetchedAt }
  }
}`;

const AREA_EVENTS = `query AreaEvents($code: String!, $first: Int!, $after: String) {
  events(filter: { under: $code }, first: $first, after: $after, orderBy: OCCURRED_AT_DESC) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id kind title status occurredAt warningLevel
        area { code name }
        parties { role person { id name } }
      }
    }
  }
}`;

/** Pothos' cap on a connection's page (getConnectionPageSize's default maxSize). */
const PAGE_MAX = 100;

/** The columns of the compound key an event list's cursor carries. */
const CURSOR_FIELDS = EVENT_CURSOR.split("_");

/** An event list's cursor, as plugin-prisma writes it. */
const eventCursor = (occurredAt: string, id: string) =>
  formatPrismaCursor({ occurredAt: new Date(occurredAt), id }, CURSOR_FIELDS);

/** The keyset a cursor of this list names; undefined: not such a cursor (the graph path refuses it). */
function keysetOf(cursor: string): EventKeyset | undefined {
  let parts: unknown;
  try {
    parts = parsePrismaCursor(cursor);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts) || parts.length !== CURSOR_FIELDS.length) return undefined;
  const [occurredAt, id] = parts as unknown[];
  if (!(occurredAt instanceof Date) || Number.isNaN(occurredAt.getTime())) return undefined;
  if (typeof id !== "string" || !UUID.test(id)) return undefined;
  return { occurredAt, id };
}

const PLANS: PlanSpec[] = [
  {
    name: "person-360",
    document: PERSON_360,
    load: async (ctx, v) => {
      if (typeof v.citizenId !== "string") return null;
      const id = normaliseCitizenId(v.citizenId);
      if (!id.ok) return null; // the graph path names the argument and the reason
      return { person: await person360Tree(ctx, id.value) };
    },
  },
  {
    name: "area-events",
    document: AREA_EVENTS,
    load: async (ctx, v) => {
      const { code, first, after } = v;
      if (typeof code !== "string" || typeof first !== "number" || !Number.isInteger(first)) return null;
      if (first < 1 || first > PAGE_MAX) return null;
      let keyset: EventKeyset | null = null;
      if (after !== undefined && after !== null) {
        if (typeof after !== "string") return null;
        keyset = keysetOf(after) ?? null;
        if (!keyset) return null;
      }
      const filter = await eventFilterOf(ctx, { under: code });
      const { totalCount, rows } = await eventPageTree(ctx, filter, first + 1, keyset);
      const edges = rows.slice(0, first).map((node) => ({
        cursor: eventCursor(node.occurredAt as string, node.id as string),
        node,
      }));
      return {
        events: {
          totalCount,
          pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
          edges,
        },
      };
    },
  },
];

// ---- compiling a plan against the schema ----

type Resolver = GraphQLFieldResolver<unknown, object, object>;

/** One selected field, compiled: how its value is read and decided, and what is selected below it. */
interface Step {
  responseKey: string;
  key: string;
  policy: FieldPolicy;
  resolve: Resolver;
  type: GraphQLOutputType;
  /** By concrete type name: the steps of the object below (composite fields only). */
  below: Map<string, Step[]> | null;
}

interface Plan {
  spec: PlanSpec;
  root: Step[];
  operationName: string | null;
}

class NotPlannable extends Error {}

function rawResolver(type: GraphQLCompositeType, fieldName: string): Resolver {
  const isNode = isObjectType(type) && type.getInterfaces().some((i) => i.name === "Node");
  if (isNode && fieldName === "id") return (parent) => encodeGlobalID(type.name, String((parent as Raw).id));
  return (parent) => (parent as Raw)[fieldName] ?? null;
}

function compileSelection(
  schema: GraphQLSchema,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode,
): Map<string, Step[]> {
  const concrete = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
  const out = new Map<string, Step[]>();
  for (const object of concrete) {
    if (!isObjectType(object)) throw new NotPlannable("only object types");
    const steps: Step[] = [];
    for (const selection of selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || selection.directives?.length || selection.alias)
        throw new NotPlannable("only plain fields");
      const field = (object.getFields() as Record<string, GraphQLField<unknown, unknown>>)[
        selection.name.value
      ];
      if (!field) throw new NotPlannable(`${object.name}.${selection.name.value} is not a field`);
      steps.push(compileField(schema, object, field, selection));
    }
    out.set(object.name, steps);
  }
  return out;
}

function compileField(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
): Step {
  const key = `${parent.name}.${field.name}`;
  const policy = policyFor(parent.name, field.name);
  if (!policy) throw new NotPlannable(`no policy for ${key}`);
  const named = getNamedType(field.type);
  const composite = isCompositeType(named);
  // a claimed value takes its class per value (asserts): no plan reads one
  if (policy.asserts) throw new NotPlannable(`${key} asserts another field's class`);
  const raw = rawResolver(parent, field.name);
  let below: Map<string, Step[]> | null = null;
  if (composite) {
    if (!node.selectionSet) throw new NotPlannable(`${key} has no selection`);
    below = compileSelection(schema, named, node.selectionSet);
  }
  return {
    responseKey: node.name.value,
    key,
    policy,
    resolve: guarded(policy) ? guard(key, policy, composite, raw) : raw,
    type: field.type,
    below,
  };
}

function compilePlan(schema: GraphQLSchema, spec: PlanSpec): Plan {
  const document = parse(spec.document);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const rootType = schema.getQueryType();
  if (!rootType) throw new NotPlannable("no query type");
  const root = compileSelection(schema, rootType, operation.selectionSet).get(rootType.name)!;
  return { spec, root, operationName: operation.name?.value ?? null };
}

const compiled = new WeakMap<GraphQLSchema, Map<string, Plan>>();
const byDocument = new WeakMap<DocumentNode, Plan | null>();

/**
 * The plan that answers this document, or null (compiled once per schema, looked up once per
 * document). An operation name other than the plan's own is the graph path's to refuse.
 */
export function planFor(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
): Plan | null {
  const known = byDocument.get(document);
  if (known !== undefined) return known && named(known, operationName);
  let plans = compiled.get(schema);
  if (!plans) {
    plans = new Map(PLANS.map((spec) => [print(parse(spec.document)), compilePlan(schema, spec)]));
    compiled.set(schema, plans);
  }
  const plan = plans.get(print(document)) ?? null;
  byDocument.set(document, plan);
  return plan && named(plan, operationName);
}

function named(plan: Plan, operationName: string | null | undefined): Plan | null {
  return operationName == null || operationName === plan.operationName ? plan : null;
}

/** The plans' documents by name, for the test that keeps them alike to operations/*.graphql. */
export const PLAN_DOCUMENTS: Readonly<Record<string, string>> = Object.fromEntries(
  PLANS.map((p) => [p.name, p.document]),
);

// ---- answering ----

/** The graph path must answer (a refusal, an element that fails its check, an unexpected value). */
class HandBack extends Error {}

/**
 * Whether the plan may answer at all: its root fields are not refused (a refusal there is certain,
 * so the statement is not sent).
 */
function mayAnswer(ctx: Context, plan: Plan): boolean {
  const access = ctx.access;
  if (!access.enforced) return true;
  return plan.root.every(
    ({ key, policy }) => !guarded(policy) || access.verdict(key, policy).decision !== "DENY",
  );
}

function complete(ctx: Context, type: GraphQLOutputType, step: Step, value: unknown): unknown {
  if (isNonNullType(type)) {
    if (value === null || value === undefined) throw new HandBack(`${step.key} is null`);
    return complete(ctx, type.ofType, step, value);
  }
  if (value === null || value === undefined) return null;
  if (isListType(type)) {
    if (!Array.isArray(value)) throw new HandBack(`${step.key} is not a list`);
    return value.map((item) => complete(ctx, type.ofType, step, item));
  }
  if (!step.below) return value; // a leaf: the statement wrote it as GraphQL serialises it
  const named = getNamedType(type);
  const raw = value as Raw;
  const typeName = isAbstractType(named) ? CONCRETE[named.name]?.(raw) : named.name;
  const steps = typeName ? step.below.get(typeName) : undefined;
  if (!steps) throw new HandBack(`${step.key}: no type for the value`);
  const check = TYPE_CHECKS[typeName!];
  if (check && !check(ctx.principal, raw)) throw new HandBack(`${typeName} fails its type-level check`);
  return walk(ctx, steps, raw);
}

function walk(ctx: Context, steps: Step[], raw: Raw): Raw {
  const out: Raw = {};
  for (const step of steps) {
    // the resolvers of a plan read the tree: they never return a promise
    const value = step.resolve(raw, {}, ctx, undefined as never);
    out[step.responseKey] = complete(ctx, step.type, step, value);
  }
  return out;
}

/**
 * The plan's answer to this request, or null when the graph path must answer it (nothing was
 * recorded for the audit trail then). A database error is the request's error, as on the graph
 * path.
 */
export async function runPlan(
  plan: Plan,
  ctx: Context,
  variables: Variables,
): Promise<ExecutionResult | null> {
  if (!ctx.principal.authenticated || !hasJurisdiction(ctx.principal)) return null;
  if (!mayAnswer(ctx, plan)) return null;
  const tree = await plan.spec.load(ctx, variables);
  if (!tree) return null;
  const mark = ctx.access.mark();
  try {
    return { data: walk(ctx, plan.root, tree) };
  } catch (e) {
    // a field refused to the caller (its guard threw FORBIDDEN, having recorded the refusal): the
    // graph path answers with the error at its place in the tree, and records the refusal itself
    if (!(e instanceof HandBack || e instanceof GraphQLError)) throw e;
    ctx.access.rollback(mark);
    return null;
  }
}
