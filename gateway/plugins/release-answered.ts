// Let go of a request's objects once its answer is written.
//
// Apollo Server in gateway mode (the hub's: envelop executes) hands the executor a context made by
// makeGatewayGraphQLRequestContext, whose `response.http.status` is an object literal's get/set
// pair closing over the whole request context: its clone of our context (loaders and their
// cached rows, the access record) and the response body (the answer's tree). V8's young
// collection does not free what such a pair keeps (a full collection does), so every request's
// objects outlived two scavenges and were promoted: at c=1 each scavenge of the 64 MiB young
// generation copied about 12 MB and paused the hub 18–25 ms (the requests that met one made its
// p99), and under load the old generation filled with them. docs/benchmarks.md, "Young
// collections", has the measurements and how the cause was found.
//
// The Apollo plugin notes each request's context when its response is about to be sent, keyed by
// the request's abort signal (one per HTTP request, shared by Apollo's clone of the context);
// release() empties it after the handler has written the answer, so what the closure keeps is a
// husk of a few hundred bytes.
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from "@apollo/server";
import type { Context } from "../../schema/context.js";

export interface AnsweredRequests {
  plugin: ApolloServerPlugin<Context>;
  /** After the answer to the request with this signal is written: empty what it held. */
  release(signal: AbortSignal): void;
  /** Requests noted and not yet released (0 between requests: nothing is kept by mistake). */
  readonly pending: number;
}

export function answeredRequests(): AnsweredRequests {
  const answered = new Map<AbortSignal, GraphQLRequestContextWillSendResponse<Context>>();
  return {
    plugin: {
      async requestDidStart() {
        return {
          async willSendResponse(requestContext) {
            const signal = requestContext.contextValue.signal;
            if (signal) answered.set(signal, requestContext);
          },
        };
      },
    },
    release(signal) {
      const requestContext = answered.get(signal);
      if (!requestContext) return;
      answered.delete(signal);
      const held = requestContext.contextValue as unknown as Record<string, unknown>;
      for (const key of Object.keys(held)) delete held[key];
      (requestContext.response as { body?: unknown }).body = undefined;
    },
    get pending() {
      return answered.size;
    },
  };
}
