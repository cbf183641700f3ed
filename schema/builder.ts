// The one Pothos builder. Plugin order as proven in ../shared/STACK.md.
import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin, { decodeGlobalID, encodeGlobalID, resolveNodes } from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import ValidationPlugin from "@pothos/plugin-validation";
import { type GraphQLResolveInfo, valueFromASTUntyped } from "graphql";
import { hasRole } from "../domain/principal.js";
import type { Role } from "../domain/roles.js";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import { ELEMENT_REACH, type Element, locateElements } from "../resolvers/jurisdiction.js";
import AccessPlugin from "./access-plugin.js";
import type { Context } from "./context.js";
import { hubError } from "./errors.js";
import ExposedColumnPlugin from "./exposed-column-plugin.js";

export interface BuilderTypes {
  Context: Context;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    /** Any verified token. */
    authenticated: boolean;
    /** The principal holds this role. */
    role: Role;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultFieldNullability: false;
}

export const builder = new SchemaBuilder<BuilderTypes>({
  // The access plugin sits inside scope-auth (jurisdiction first) and outside Prisma, so that a
  // refused relation is never queried.
  // Validation (zod schemas declared on inputs) maps arguments, as Relay's ID decoding does: both
  // run before any plugin's resolver wrapper, so their place in the list does not matter.
  // The exposed-column plugin sits just outside Prisma: it answers a column the row already holds
  // before plugin-prisma's select-mode wrapper looks the row's plan up.
  plugins: [
    ScopeAuthPlugin,
    AccessPlugin,
    ValidationPlugin,
    ExposedColumnPlugin,
    PrismaPlugin,
    RelayPlugin,
    DataloaderPlugin,
  ],
  defaultFieldNullability: false,
  scopeAuth: {
    // Check subscriptions when they start, not on each event: a refused one never runs.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      authenticated: ctx.principal.authenticated,
      role: (role: Role) => hasRole(ctx.principal, role),
    }),
    // Anonymous callers are told to authenticate; authenticated ones that they may not, except
    // for an element outside jurisdiction (its type-level check): that one does not exist for them.
    unauthorizedError: (_parent, ctx, info, result) => {
      if (!ctx.principal.authenticated)
        return hubError("UNAUTHENTICATED", "this field needs a valid bearer token");
      const type = info.parentType.name;
      if (result.message === `Not authorized to read fields for ${type}` && elementOfType(type))
        return elementNotFound();
      return hubError("FORBIDDEN", result.message);
    },
  },
  validation: {
    // An input that fails its schema is the caller's mistake: BAD_USER_INPUT naming the first
    // input at fault ("input.name", "reason"), with the schema's message.
    validationError: (failure) => {
      const first = failure.issues[0];
      const field = (first?.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".");
      return hubError("BAD_USER_INPUT", first?.message ?? "invalid input", field ? { field } : {});
    },
  },
  prisma: {
    // The client is taken from the context: each request may use its own (tests count statements).
    client: (ctx) => ctx.db,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "warn",
  },
  relay: {
    clientMutationId: "omit",
    // A malformed ID is the caller's mistake, not the hub's: say so with a stable code.
    decodeGlobalID: (globalID) => {
      try {
        return decodeGlobalID(globalID);
      } catch {
        throw hubError("BAD_USER_INPUT", `"${globalID}" is not a global ID this hub gives out`, {
          globalID,
        });
      }
    },
    cursorType: "String",
    // An element that does not exist and one outside jurisdiction answer alike (null, NOT_FOUND);
    // a merged person's or organisation's ID answers with its survivor.
    nodeQueryOptions: {
      description:
        "Any element of the graph by its global ID: null with NOT_FOUND when there is none the caller may see; a merged person's ID gives the person it was merged into.",
      resolve: async (_root, args, ctx, info) => {
        const [node] = await locateNodes(ctx, info, [args.id]);
        if (node instanceof Error) throw node;
        return node;
      },
    },
    nodesQueryOptions: {
      description:
        "Several elements by their global IDs, in order; null with a NOT_FOUND error where there is none the caller may see.",
      // An Error in the list is that item's error: null at its index, the others unaffected.
      resolve: (_root, args, ctx, info) => locateNodes(ctx, info, args.ids) as Promise<never>,
    },
  },
});

/** The answer for an element the caller may not see, whether or not it exists. */
export const elementNotFound = (globalId?: string) =>
  hubError(
    "NOT_FOUND",
    globalId === undefined ? "no such element" : `no element with the ID "${globalId}"`,
    globalId === undefined ? {} : { key: globalId },
  );

const JURISDICTION_ELEMENTS = new Set<string>(Object.keys(ELEMENT_REACH));

/** The Prisma model behind a GraphQL object type, or null (an unknown type name included). */
function modelOf(typename: string): string | null {
  try {
    const model = builder.configStore.getTypeConfig(typename).extensions?.pothosPrismaModel;
    return typeof model === "string" ? model : null;
  } catch {
    return null;
  }
}

/** The element (ELEMENT_REACH) a GraphQL type shows, or null. */
function elementOfType(typename: string): Element | null {
  const model = modelOf(typename);
  return model && JURISDICTION_ELEMENTS.has(model) ? (model as Element) : null;
}

/**
 * node/nodes: each ID is first located with the jurisdiction rule of its element (unknown, not
 * visible: NOT_FOUND; merged: its survivor), then loaded as Relay loads it. A record that is gone
 * by the time it is loaded (or a global ID naming another kind of event) is NOT_FOUND as well.
 */
async function locateNodes(
  ctx: Context,
  info: GraphQLResolveInfo,
  ids: readonly { typename: string; id: string }[],
): Promise<unknown[]> {
  const encode = (g: { typename: string; id: string }) => encodeGlobalID(g.typename, g.id);
  const located = new Map<string, Map<string, string>>();
  for (const model of new Set(ids.map((g) => modelOf(g.typename)))) {
    const element = model && JURISDICTION_ELEMENTS.has(model) ? (model as Element) : null;
    if (model && element) {
      const of = ids.filter((g) => modelOf(g.typename) === model).map((g) => g.id);
      located.set(model, await locateElements(ctx, element, of));
    }
  }
  return Promise.all(
    ids.map(async (g) => {
      const model = modelOf(g.typename);
      if (!model) return elementNotFound(encode(g));
      const target = located.has(model) ? located.get(model)!.get(g.id) : g.id;
      if (target === undefined) return elementNotFound(encode(g));
      try {
        const [node] = await resolveNodes(builder, ctx, info, [{ typename: g.typename, id: target }]);
        return node ?? elementNotFound(encode(g));
      } catch (error) {
        if ((error as { code?: unknown }).code === "P2025") return elementNotFound(encode(g));
        throw error;
      }
    }),
  );
}

builder.scalarType("DateTime", {
  description: "An instant, as an ISO 8601 string with time zone (e.g. 2026-11-22T08:00:00.000Z).",
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const d = typeof value === "string" ? new Date(value) : null;
    if (!d || Number.isNaN(d.getTime()))
      throw hubError("BAD_USER_INPUT", "DateTime must be an ISO 8601 string");
    return d;
  },
});

builder.scalarType("JSON", {
  description: "Any JSON value (a connector definition, a raw source record, mapped drafts).",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
