// Operation limits: depth, aliases, directives, cost (graphql-armor's rules) and tokens
// (graphql's own parser bound). One plugin, so both transports enforce the same limits, and its
// errors carry one stable code. Every alias counts (`__typename` too) and every directive (unknown
// ones too): Apollo runs the same rules in its own validation of HTTP documents (limitRules), so a
// document over a limit is refused with OPERATION_LIMIT_EXCEEDED before anything else is checked.
import type { Plugin } from "@envelop/core";
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { GraphQLError, parse, type ValidationContext, type ValidationRule } from "graphql";
import type { HubConfig } from "../config.js";

export type OperationLimits = HubConfig["limits"];

/** graphql's own message when `maxTokens` stops the parser. */
const TOKEN_LIMIT = /^Syntax Error: Document contains more th\w+ (\d+) tokens/; // graphql 16 writes "more that"

export function limitError(message: string, limit: string, nodes?: GraphQLError["nodes"]): GraphQLError {
  return new GraphQLError(message.replace(/^Syntax Error: /, ""), {
    nodes,
    extensions: { code: "OPERATION_LIMIT_EXCEEDED", limit },
  });
}

/** A parse error caused by the token limit becomes a limit error; others stay parse errors. */
export function classifyParseError(error: GraphQLError): GraphQLError {
  return TOKEN_LIMIT.test(error.message)
    ? limitError(error.message, "tokens")
    : new GraphQLError(error.message, { extensions: { code: "GRAPHQL_PARSE_FAILED" }, nodes: error.nodes });
}

/** The limits as validation rules (envelop's validate, and Apollo's `validationRules`). */
export function limitRules(limits: OperationLimits): ValidationRule[] {
  // The rules would throw their error out of validate(); report it as a validation error with
  // our code instead, so both transports answer it like any other invalid operation.
  const reporting = (limit: string) => ({
    onReject: [
      (ctx: ValidationContext | null, error: GraphQLError) =>
        ctx?.reportError(limitError(error.message, limit)),
    ],
    propagateOnRejection: false,
    exposeLimits: true,
  });
  return [
    maxDepthRule({
      n: limits.maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
      ...reporting("depth"),
    }),
    // graphql-armor allows aliased `__typename` by default: 101 of them would be answered
    maxAliasesRule({ n: limits.maxAliases, allowList: [], ...reporting("aliases") }),
    maxDirectivesRule({ n: limits.maxDirectives, ...reporting("directives") }),
    costLimitRule({ maxCost: limits.maxCost, ignoreIntrospection: true, ...reporting("cost") }),
  ];
}

export function useOperationLimits(limits: OperationLimits): Plugin {
  const rules = limitRules(limits);
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => parse(source, { ...options, maxTokens: limits.maxTokens }));
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
