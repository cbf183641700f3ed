// The one Pothos builder. Plugin order as proven in ../shared/STACK.md.
import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin, { decodeGlobalID } from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import ValidationPlugin from "@pothos/plugin-validation";
import { valueFromASTUntyped } from "graphql";
import { hasRole } from "../domain/principal.js";
import type { Role } from "../domain/roles.js";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import type { Context } from "./context.js";
import { hubError } from "./errors.js";

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
  // Validation (zod schemas declared on inputs) maps arguments, as Relay's ID decoding does: both
  // run before any plugin's resolver wrapper, so their place in the list does not matter.
  plugins: [ScopeAuthPlugin, ValidationPlugin, PrismaPlugin, RelayPlugin, DataloaderPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // Check subscriptions when they start, not on each event: a refused one never runs.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      authenticated: ctx.principal.authenticated,
      role: (role: Role) => hasRole(ctx.principal, role),
    }),
    // Anonymous callers are told to authenticate; authenticated ones that they may not.
    unauthorizedError: (_parent, ctx, _info, result) =>
      ctx.principal.authenticated
        ? hubError("FORBIDDEN", result.message)
        : hubError("UNAUTHENTICATED", "this field needs a valid bearer token"),
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
    nodeQueryOptions: { description: "Any element of the graph by its global ID." },
    nodesQueryOptions: {
      description: "Several elements by their global IDs, in order; null where not found.",
    },
  },
});

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
