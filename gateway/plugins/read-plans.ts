// Read plans in the pipeline (schema/read-plans.ts): a document that is one of the plans' is
// answered from its one statement, the policy deciding every field; anything the plan hands back
// (a refusal, an unexpected variable, an element that fails its check) runs the graph path as
// before. Other plugins see an ordinary execution: the audit plugin drains the same access state,
// metrics and traces time the same phase.
import type { Plugin } from "@envelop/core";
import type { ExecutionArgs } from "graphql";
import type { Context } from "../../schema/context.js";
import { planFor, runPlan } from "../../schema/read-plans.js";

export function useReadPlans(): Plugin<Context> {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const plan = planFor(args.schema, args.document, args.operationName);
      if (!plan) return;
      setExecuteFn(async (execution: ExecutionArgs) => {
        const answer = await runPlan(
          plan,
          execution.contextValue as Context,
          (execution.variableValues ?? {}) as Record<string, unknown>,
        );
        return answer ?? executeFn(execution);
      });
    },
  };
}
