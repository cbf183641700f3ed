// An anonymous caller learns nothing of the schema: introspection (`__schema`, `__type`) and the
// "Did you mean …?" suggestions in error messages are for the principals INTROSPECTION names
// (`authenticated`, the default; `always`; `never`). GraphiQL sends its token with introspection.
// Both transports: envelop's validate and execute (WebSocket, and the HTTP executor), and Apollo's
// own validation of HTTP documents (an Apollo plugin).
import type { ApolloServerPlugin } from "@apollo/server";
import type { Plugin } from "@envelop/core";
import { type ExecutionResult, GraphQLError, type ValidationRule } from "graphql";
import type { Principal } from "../../domain/principal.js";

export const INTROSPECTION_MODES = ["authenticated", "always", "never"] as const;
export type IntrospectionMode = (typeof INTROSPECTION_MODES)[number];

/** Whether this principal may introspect the schema and read suggestions. */
export function revealsSchema(mode: IntrospectionMode, principal: Principal | undefined): boolean {
  if (mode === "always") return true;
  if (mode === "never") return false;
  return principal?.authenticated === true;
}

/** graphql-js appends its suggestions as one sentence: ` Did you mean "x" or "y"?` */
const SUGGESTION = / ?Did you mean (.+?)\?$/;

export function withoutSuggestions(error: GraphQLError): GraphQLError {
  if (!SUGGESTION.test(error.message)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ""), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

/** `__schema` and `__type` refused (`__typename` is not introspection of the schema). */
const noIntrospection =
  (mode: IntrospectionMode): ValidationRule =>
  (context) => ({
    Field(node) {
      if (node.name.value !== "__schema" && node.name.value !== "__type") return;
      context.reportError(
        new GraphQLError(
          mode === "never"
            ? `introspection (${node.name.value}) is disabled on this hub`
            : `introspection (${node.name.value}) needs a token`,
          {
            nodes: [node],
            extensions: { code: "GRAPHQL_VALIDATION_FAILED", reason: "INTROSPECTION_DISABLED" },
          },
        ),
      );
    },
  });

const stripResult = <T extends ExecutionResult>(result: T): T =>
  result.errors ? { ...result, errors: result.errors.map(withoutSuggestions) } : result;

/** The envelop half: refuses introspection and strips suggestions for whom the mode hides the schema. */
export function useSchemaPrivacy(mode: IntrospectionMode): Plugin<{ principal?: Principal }> {
  // One rule object for every request: the validation cache knows a rule set by its members.
  const rule = noIntrospection(mode);
  return {
    onValidate({ context, addValidationRule }) {
      if (revealsSchema(mode, context.principal)) return;
      addValidationRule(rule);
      return ({ result, setResult }) =>
        setResult(result.map((e) => (e instanceof GraphQLError ? withoutSuggestions(e) : e)));
    },
    onExecute({ args }) {
      if (revealsSchema(mode, (args.contextValue as { principal?: Principal }).principal)) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult(stripResult(result));
        },
      };
    },
  };
}

/** The Apollo half: its own validation of HTTP documents runs before the envelop pipeline. */
export function apolloSchemaPrivacy(mode: IntrospectionMode): ApolloServerPlugin<{ principal: Principal }> {
  return {
    async requestDidStart({ contextValue }) {
      if (revealsSchema(mode, contextValue.principal)) return;
      return {
        async validationDidStart() {
          return async (errors) => {
            for (const error of errors ?? []) error.message = error.message.replace(SUGGESTION, "");
          };
        },
      };
    },
  };
}
