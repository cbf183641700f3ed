// Clients see stable codes and our own messages, never stack traces or internal messages: an
// unexpected error becomes INTERNAL_SERVER_ERROR ("Unexpected error.") and is logged in full.
import { type Plugin, useMaskedErrors } from "@envelop/core";
import { GraphQLError } from "graphql";
import type { Logger } from "../logger.js";

export function useHubMaskedErrors(log: Logger, isDev: boolean): Plugin<{ requestId?: string }> {
  return useMaskedErrors({
    maskError(error, message) {
      const gqlError = error instanceof GraphQLError ? error : null;
      const original = gqlError?.originalError ?? (gqlError ? null : error);
      // GraphQLErrors with no foreign cause were raised on purpose (ours carry a code; graphql-js's
      // own, such as an unknown operation name, describe the request): they pass unchanged.
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
