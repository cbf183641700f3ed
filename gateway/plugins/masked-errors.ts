// Clients see stable codes and our own messages, never stack traces or internal messages: an
// unexpected error becomes INTERNAL_SERVER_ERROR ("Unexpected error.") and is logged in full.
// Pothos refuses a connection's arguments (a cursor it cannot read, `first` negative, `before`
// with `after`) with its own validation error: that is the caller's mistake, BAD_USER_INPUT
// naming the argument.
import { type Plugin, useMaskedErrors } from "@envelop/core";
import { PothosValidationError } from "@pothos/core";
import { GraphQLError, Kind } from "graphql";
import { cursorRefused } from "../../resolvers/events.js";
import type { Logger } from "../logger.js";

const CURSOR_ARGUMENTS = ["after", "before"];

/** A connection argument Pothos refused, as BAD_USER_INPUT naming it. */
function refusedArgument(error: PothosValidationError, at: GraphQLError): GraphQLError {
  const given = new Set(
    (at.nodes ?? []).flatMap((n) =>
      n.kind === Kind.FIELD ? (n.arguments ?? []).map((a) => a.name.value) : [],
    ),
  );
  const cursor = /cursor|base64/i.test(error.message);
  const field = cursor
    ? (CURSOR_ARGUMENTS.find((a) => given.has(a)) ?? "after")
    : (/"(\w+)"/.exec(error.message)?.[1] ?? null);
  if (cursor) return cursorRefused(field ?? "after", at);
  return new GraphQLError(error.message, {
    nodes: at.nodes,
    path: at.path,
    extensions: { code: "BAD_USER_INPUT", ...(field ? { field } : {}) },
  });
}

export function useHubMaskedErrors(log: Logger, isDev: boolean): Plugin<{ requestId?: string }> {
  return useMaskedErrors({
    maskError(error, message) {
      const gqlError = error instanceof GraphQLError ? error : null;
      const original = gqlError?.originalError ?? (gqlError ? null : error);
      // GraphQLErrors with no foreign cause were raised on purpose (ours carry a code; graphql-js's
      // own, such as an unknown operation name, describe the request): they pass unchanged.
      // (Pothos's errors are GraphQLErrors too, without a code: its refusals are recoded first.)
      if (gqlError && original instanceof PothosValidationError) return refusedArgument(original, gqlError);
      if (gqlError && (!original || original instanceof GraphQLError)) return gqlError;
      const cause = original instanceof Error ? original : new Error(String(original ?? error));
      log.error("unexpected error in resolver", {
        error: cause.message,
        stack: cause.stack,
        path: gqlError?.path,
      });
      return new GraphQLError(isDev ? `${message} (${cause.message})` : message, {
        nodes: gqlError?.nodes,
        path: gqlError?.path,
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      });
    },
  });
}
