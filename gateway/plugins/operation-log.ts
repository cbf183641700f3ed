// One log line per operation: who, what, how long, how it ended. The audit trail (a later issue)
// hooks in at the same place.
import type { Plugin } from "@envelop/core";
import { type ExecutionArgs, type ExecutionResult, getOperationAST } from "graphql";
import type { Context } from "../../schema/context.js";
import type { Logger } from "../logger.js";

const operationName = (args: ExecutionArgs) =>
  getOperationAST(args.document, args.operationName)?.name?.value ?? args.operationName ?? null;

export function useOperationLog(log: Logger): Plugin<Context> {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const ctx = args.contextValue;
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result) return;
          const r = result as ExecutionResult;
          log.info("operation", {
            requestId: ctx.requestId,
            transport: ctx.transport,
            operation: operationName(args),
            subject: ctx.principal.subject,
            ms: Math.round(performance.now() - started),
            errors: r.errors?.map((e) => e.extensions?.code ?? "UNKNOWN") ?? [],
          });
        },
      };
    },
    onSubscribe({ args }) {
      const ctx = args.contextValue;
      log.info("subscription started", {
        requestId: ctx.requestId,
        operation: operationName(args),
        subject: ctx.principal.subject,
      });
    },
  };
}
