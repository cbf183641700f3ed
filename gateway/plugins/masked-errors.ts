// Clients see stable codes and our own messages, never stack traces or internal messages: an
// unexpected error becomes INTERNAL_SERVER_ERROR with the request id, and is logged in full.
import { type Plugin, useMaskedErrors } from "@envelop/core";
import { GraphQLError } from "graphql";
import type { Logger } from "../logger.js";

export function useHubMaskedErrors(log: Logger, isDev: boolean): Plugin<{ requestId?: string }> {
  return useMaskedErrors({
    maskError(error, message) {
      const gqlError = error instanceof GraphQLError ? error : null;
      const original = gqlError?.originalError ?? (gqlError ? null : error);
      // Errors we raised on purpose are GraphQLErrors with a code and no foreign cause.
      if (gqlError && !(original && !(original instanceof GraphQLError)) && gqlError.extensions?.code)
        return gqlError;
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
