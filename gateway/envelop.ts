// One envelop plugin list for both transports. Apollo Server 5 has no envelop adapter, so its
// `gateway` option hands each parsed HTTP operation to an executor that runs envelop's validate
// and execute; graphql-ws runs envelop's parse/validate/execute/subscribe directly (gateway/ws.ts).
import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import { envelop, type Plugin, useEngine, useSchema } from "@envelop/core";
import { execute, type GraphQLSchema, parse, printSchema, specifiedRules, validate } from "graphql";
import type { Context } from "../schema/context.js";
import type { HubConfig } from "./config.js";
import type { Logger } from "./logger.js";
import { useHubMaskedErrors } from "./plugins/masked-errors.js";
import { useOperationLimits } from "./plugins/operation-limits.js";
import { useOperationLog } from "./plugins/operation-log.js";
import { useSchemaPrivacy } from "./plugins/schema-privacy.js";
import { useValidationCache } from "./plugins/validation-cache.js";
import { sharedSubscribe } from "./shared-subscribe.js";

export function createEnveloped(schema: GraphQLSchema, config: HubConfig, log: Logger, extra: Plugin[] = []) {
  return envelop({
    plugins: [
      // A subscription's event is executed once per audience, not once per subscriber.
      useEngine({ parse, validate, execute, subscribe: sharedSubscribe, specifiedRules }),
      useSchema(schema),
      useOperationLimits(config.limits),
      useSchemaPrivacy(config.introspection),
      useOperationLog(log),
      ...extra,
      // Last, so that it sees the errors every other plugin produced.
      useHubMaskedErrors(log, config.env === "development"),
      // After every plugin that adds a rule: a document valid under a rule set is not walked again.
      useValidationCache(),
    ] as Plugin[],
  });
}

export type GetEnveloped = ReturnType<typeof createEnveloped>;

/** Apollo's gateway interface, implemented by envelop: the HTTP half of the one pipeline. */
export function envelopGateway(schema: GraphQLSchema, getEnveloped: GetEnveloped): GatewayInterface {
  const executor: GatewayExecutor = async (request) => {
    const env = getEnveloped(request.context as Context);
    // Apollo has parsed (with the same token limit) and run the standard rules once per document;
    // envelop's rules (the standard ones, limits, schema privacy) run here, once per document and
    // rule set (gateway/plugins/validation-cache.ts).
    const errors = env.validate(env.schema, request.document);
    if (errors.length > 0) return { errors };
    const result = await env.execute({
      schema: env.schema,
      document: request.document,
      variableValues: request.request.variables,
      operationName: request.request.operationName, // as the client asked, so an unknown name is reported
      contextValue: await env.contextFactory(),
    });
    if (Symbol.asyncIterator in result) throw new Error("subscriptions are served over WebSocket");
    return result;
  };
  const listeners = new Set<Parameters<GatewayInterface["onSchemaLoadOrUpdate"]>[0]>();
  return {
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async load() {
      for (const callback of listeners)
        callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return { executor };
    },
    async stop() {},
  };
}
