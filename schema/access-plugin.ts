// The access plugin: the one place where the policy is enforced. It wraps every field's resolver
// (and subscription) with the field table's entry (schema/field-policy.ts) and the decision table
// (domain/access/decisions.ts):
//   DENY  → FORBIDDEN naming the field and what is missing; the resolver never runs, so a refused
//           value is never loaded from a live connector; the refusal is audited.
//   MASK  → the resolver runs and its value leaves masked by the field's data type; composite
//           values pass, their own fields decide.
//   ALLOW → the value as resolved; a PERSONAL, SENSITIVE or SECRET value read in full is audited.
// List fields whose items carry their own class (provenance) drop the items refused.
// Resolvers and types return raw values and never mask anything themselves.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import type { GraphQLFieldResolver } from "graphql";
import { RESTRICTED_OWNERS } from "../domain/access/decisions.js";
import type { RequestAccess } from "../domain/access/request.js";
import { applyMask } from "../domain/masking.js";
import { sensitivityRank } from "../domain/sensitivity.js";
import { hubError } from "./errors.js";
import { type FieldPolicy, policyFor } from "./field-policy.js";

const pluginName = "access";

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      access: PothosAccessPlugin<Types>;
    }
  }
}

const PERSONAL = sensitivityRank("PERSONAL");
const SENSITIVE = sensitivityRank("SENSITIVE");

type FieldTypeShape = { kind: string; type?: FieldTypeShape };
function isComposite(type: FieldTypeShape): boolean {
  if (type.kind === "List" && type.type) return isComposite(type.type);
  return type.kind === "Object" || type.kind === "Interface" || type.kind === "Union";
}

/** The entity a value belongs to, for the audit trail: the parent's id where it has one. */
function entityIdOf(parent: unknown): string | null {
  if (!parent || typeof parent !== "object") return null;
  const p = parent as { id?: unknown; entityId?: unknown };
  if (typeof p.entityId === "string") return p.entityId;
  return typeof p.id === "string" ? p.id : null;
}

function accessOf(ctx: unknown): RequestAccess {
  const access = (ctx as { access?: RequestAccess }).access;
  // Fail closed: a context without access state (a wiring mistake) serves nothing classified.
  if (!access) throw hubError("INTERNAL_SERVER_ERROR", "request has no access state");
  return access;
}

type Resolver = GraphQLFieldResolver<unknown, object, object>;

/** What a guard knows of its field, fixed when the schema is built. */
interface Guarded {
  key: string;
  policy: FieldPolicy;
  /** The mask of a MASK verdict (null: composite values pass, their own fields decide). */
  mask: FieldPolicy["mask"] | null;
  /** Whether a value read in full is audited. */
  auditReads: boolean;
}

/**
 * Wrap one field's resolver (or subscribe function) with its policy. The wrapper runs for every
 * value of a classified field, so it creates no closure unless the value is a promise; the
 * verdict is taken once per subject and field (RequestAccess shares it).
 */
export function guard(key: string, policy: FieldPolicy, composite: boolean, resolver: Resolver): Resolver {
  const rank = sensitivityRank(policy.class);
  const g: Guarded = {
    key,
    policy,
    mask: policy.mask ?? (composite ? null : "withhold"),
    auditReads: composite ? rank >= SENSITIVE : rank >= PERSONAL,
  };
  return (parent, args, ctx, info) => {
    const access = accessOf(ctx);
    if (!access.enforced) return resolver(parent, args, ctx, info);
    // A claimed value takes the class and mask of the field it asserts.
    const field: FieldPolicy = policy.asserts ? policy.asserts(parent) : policy;
    const verdict = access.verdict(policy.asserts ? `${key}:${field.class}:${field.owner}` : key, field);
    const entityId = entityIdOf(parent);
    if (verdict.decision === "DENY") {
      access.record("DENIED", key, entityId);
      throw hubError(
        "FORBIDDEN",
        `${key} is ${field.class} data of ${field.owner}: it needs ${verdict.reason}`,
        {
          field: key,
          class: field.class,
          owner: field.owner,
        },
      );
    }
    const mask = policy.asserts ? (field.mask ?? "withhold") : g.mask;
    const value = resolver(parent, args, ctx, info);
    return value instanceof Promise
      ? value.then((v) => release(g, access, verdict.decision, mask, entityId, v))
      : release(g, access, verdict.decision, mask, entityId, value);
  };
}

/** A resolved value on its way out: refused items dropped, masked, or audited as read in full. */
function release(
  g: Guarded,
  access: RequestAccess,
  decision: "ALLOW" | "MASK",
  mask: FieldPolicy["mask"] | null,
  entityId: string | null,
  value: unknown,
): unknown {
  let out = value;
  if (g.policy.items && Array.isArray(out)) out = filterItems(access, g.key, g.policy, out);
  if (decision === "MASK") return mask ? applyMask(mask, out) : out;
  if (g.auditReads && out !== null && out !== undefined) access.record("READ", g.key, entityId);
  return out;
}

function filterItems(access: RequestAccess, key: string, policy: FieldPolicy, items: unknown[]): unknown[] {
  return items.filter((item) => {
    const cls = policy.items?.(item);
    if (!cls) return true;
    const verdict = access.verdict(`${key}[${cls.class}:${cls.owner}]`, cls);
    if (verdict.decision === "ALLOW") return true;
    // A claim shows masked; a record's presence has no masked form, and that a sensitive one
    // exists (a petition, assistance) is the fact itself: refused.
    const maskable = (cls as FieldPolicy).mask !== undefined || sensitivityRank(cls.class) < SENSITIVE;
    if (verdict.decision === "MASK" && maskable) return true;
    access.record("DENIED", `${key}[${cls.owner}]`, entityIdOf(item));
    return false;
  });
}

/** The decision for a field by its `Type.field` key (ALLOW when the hub runs with access off). */
function decisionFor(ctx: object, key: string): "ALLOW" | "MASK" | "DENY" {
  const access = accessOf(ctx);
  if (!access.enforced) return "ALLOW";
  const [typeName, fieldName] = key.split(".") as [string, string];
  const policy = policyFor(typeName, fieldName);
  if (!policy) throw new Error(`no policy for ${key}`);
  return access.verdict(key, policy).decision;
}

/**
 * Whether the caller reads this field in full: for paths that look values up (search by an
 * identifier, filters) so that a value shown masked can never be found by guessing it.
 */
export const mayRead = (ctx: object, key: string): boolean => decisionFor(ctx, key) === "ALLOW";

/** Whether the caller may know of this field's values at all (in full or masked): not refused. */
export const mayKnow = (ctx: object, key: string): boolean => decisionFor(ctx, key) !== "DENY";

type Selection = (args: object, ctx: object, ...rest: unknown[]) => unknown;

/** A field's key with its policy (looked up once, when the first request plans the field). */
type KeyedPolicy = { key: string; policy: FieldPolicy | null };

/**
 * Whether every field is refused to this request (when it does not enforce, none is). A claimed
 * value (asserts) is decided per value, never here.
 */
function refusedEverywhere(ctx: object, fields: readonly KeyedPolicy[]): boolean {
  const access = (ctx as { access?: RequestAccess }).access;
  if (!access?.enforced || fields.length === 0) return false;
  for (const { key, policy } of fields) {
    if (!policy || policy.asserts || access.verdict(key, policy).decision !== "DENY") return false;
  }
  return true;
}

export class PothosAccessPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  /**
   * A refused field selects nothing: plugin-prisma plans a field's columns and relations from its
   * `select` before any resolver runs, so the selection asks the same decision the guard takes
   * (one per request and field) and a column the caller is refused is never read. A field of an
   * interface is resolved on the row's own type, so it is left out only when every implementing
   * type refuses it. Plugins run this hook last to first: plugin-prisma's selection is final here.
   */
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const select = fieldConfig.extensions?.pothosPrismaSelect as object | Selection | undefined;
    if (!select) return fieldConfig;
    const parent = this.buildCache.getTypeConfig(fieldConfig.parentType);
    const name = fieldConfig.name;
    if (parent.kind !== "Interface") {
      const policy = policyFor(parent.name, name);
      if (!policy || policy.asserts || !guarded(policy)) return fieldConfig;
    }
    let fields: KeyedPolicy[] | null = null;
    // Interface implementers are known once the schema is built, i.e. at the first request.
    const fieldsOf = (): KeyedPolicy[] => {
      fields ??= (
        parent.kind === "Interface"
          ? this.buildCache.getImplementers(parent as never).map((t) => t.name)
          : [parent.name]
      ).map((type) => ({ key: `${type}.${name}`, policy: policyFor(type, name) }));
      return fields;
    };
    const selected: Selection = typeof select === "function" ? (select as Selection) : () => ({ select });
    const unlessRefused: Selection = (args, ctx, ...rest) =>
      refusedEverywhere(ctx, fieldsOf()) ? null : selected(args, ctx, ...rest);
    return { ...fieldConfig, extensions: { ...fieldConfig.extensions, pothosPrismaSelect: unlessRefused } };
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    return this.wrap(resolver, fieldConfig) ?? resolver;
  }

  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types["Context"], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> | undefined {
    if (!subscribe) return subscribe;
    return this.wrap(subscribe, fieldConfig, true) ?? subscribe;
  }

  private wrap(
    resolver: Resolver,
    fieldConfig: PothosOutputFieldConfig<Types>,
    subscribe = false,
  ): Resolver | null {
    const policy = policyFor(fieldConfig.parentType, fieldConfig.name);
    // A field without a policy makes buildSchema() fail (applyFieldPolicy); nothing to wrap here.
    if (!policy) return null;
    // Public fields of no restricted owner need no decision: skip the wrapper (the hot path).
    if (!guarded(policy)) return null;
    const key = `${fieldConfig.parentType}.${fieldConfig.name}`;
    return guard(key, policy, subscribe || isComposite(fieldConfig.type as FieldTypeShape), resolver);
  }
}

// Owners only some roles may read (the audit trail) are never public, whatever their class says.
const isRestricted = (owner: string) => Object.hasOwn(RESTRICTED_OWNERS, owner);

/** Whether a field needs a decision: all but public fields of no restricted owner. */
export const guarded = (policy: FieldPolicy) =>
  !(policy.class === "PUBLIC" && !policy.items && !policy.asserts && !isRestricted(policy.owner));

SchemaBuilder.registerPlugin(pluginName, PothosAccessPlugin);

export default pluginName;
