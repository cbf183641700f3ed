// Stable error codes, declared once. Clients branch on `extensions.code`, never on messages.
import { GraphQLError } from "graphql";

export const ERROR_CODES = {
  UNAUTHENTICATED: "no valid token: sign in, or send a fresh token",
  FORBIDDEN: "authenticated, but this principal may not do this here",
  BAD_USER_INPUT: "an argument is invalid; `extensions.field` names it",
  NOT_FOUND: "no record with that key",
  OPERATION_LIMIT_EXCEEDED: "the operation is too deep, too wide or too costly",
  GRAPHQL_VALIDATION_FAILED: "the operation does not match the schema",
  GRAPHQL_PARSE_FAILED: "the operation is not valid GraphQL",
  INTERNAL_SERVER_ERROR: "unexpected; logged with the request id",
  AUDIT_UNAVAILABLE:
    "the audit trail cannot be written at the moment (its queue is full); retry later, another instance may answer",
  SUBSCRIBER_TOO_SLOW:
    "a subscription fell too far behind and was ended; subscribe again with `after` set to `extensions.after`",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export function hubError(
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const badInput = (field: string, message: string, extra: Record<string, unknown> = {}) =>
  hubError("BAD_USER_INPUT", message, { field, ...extra });

export const notFound = (what: string, key: string) =>
  hubError("NOT_FOUND", `${what} "${key}" was not found`, { key });
