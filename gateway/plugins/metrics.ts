// Operations, their latency and (over WebSocket) their errors into the hub's metrics; open
// subscriptions as a gauge. HTTP errors are counted by Apollo's hook (gateway/metrics.ts), which
// also sees the ones refused before execution.
import type { Plugin } from "@envelop/core";
import { type ExecutionArgs, type ExecutionResult, getOperationAST } from "graphql";
import type { Context } from "../../schema/context.js";
import type { HubMetrics } from "../metrics.js";

const operationOf = (args: ExecutionArgs) => {
  const op = getOperationAST(args.document, args.operationName);
  return { name: op?.name?.value ?? null, type: op?.operation ?? "unknown" };
};

const codesOf = (result: ExecutionResult) =>
  (result.errors ?? []).map((e) => {
    const code = e.extensions?.code;
    return typeof code === "string" ? code : null;
  });

export function useMetrics(metrics: HubMetrics): Plugin<Context> {
  return {
    onValidate({ context }) {
      return ({ result }) => {
        if (context.transport === "ws" && result.length > 0)
          metrics.errors(
            result.map((e) => (typeof e.extensions?.code === "string" ? e.extensions.code : null)),
          );
      };
    },
    onExecute({ args }) {
      const started = performance.now();
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result) return;
          const { name, type } = operationOf(args);
          metrics.operation(name, type, (performance.now() - started) / 1000);
          if (args.contextValue.transport === "ws") metrics.errors(codesOf(result as ExecutionResult));
        },
      };
    },
    onSubscribe({ args }) {
      const { name } = operationOf(args);
      metrics.operation(name, "subscription", 0);
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in result)) {
            metrics.errors(codesOf(result));
            return;
          }
          metrics.subscriptionOpened();
          return { onEnd: () => metrics.subscriptionClosed() };
        },
      };
    },
  };
}
