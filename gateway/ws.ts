// graphql-ws on the HTTP server's /graphql path: the WebSocket half of the one envelop pipeline.
// The token travels in the connection_init payload ({ authorization: "Bearer …" }), because
// browsers cannot set headers on a WebSocket.
import type { Server } from "node:http";
import { type ExecutionArgs, GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Principal } from "../domain/principal.js";
import { AuthError } from "./auth.js";
import type { ContextFactory } from "./context.js";
import type { GetEnveloped } from "./envelop.js";
import type { Logger } from "./logger.js";
import { classifyParseError } from "./plugins/operation-limits.js";

/** WebSocket close code for a refused token (graphql-ws uses 44xx for protocol-level refusals). */
export const WS_CLOSE_UNAUTHENTICATED = 4401;

interface EnvelopedRoot {
  execute: ReturnType<GetEnveloped>["execute"];
  subscribe: ReturnType<GetEnveloped>["subscribe"];
}

function authorizationFrom(
  params: Record<string, unknown> | undefined,
  header: string | undefined,
): string | null {
  const fromParams = params?.authorization ?? params?.Authorization;
  if (typeof fromParams === "string" && fromParams.length > 0) return fromParams;
  const nested = params?.headers as Record<string, unknown> | undefined;
  const fromNested = nested?.authorization ?? nested?.Authorization;
  if (typeof fromNested === "string" && fromNested.length > 0) return fromNested;
  return header ?? null;
}

export function attachWebSocket(
  httpServer: Server,
  deps: { path: string; getEnveloped: GetEnveloped; contexts: ContextFactory; log: Logger },
) {
  const wss = new WebSocketServer({ server: httpServer, path: deps.path });
  const principals = new WeakMap<object, Principal>();

  const server = useServer<Record<string, unknown> | undefined>(
    {
      onConnect: async (ctx) => {
        try {
          const auth = authorizationFrom(ctx.connectionParams, ctx.extra.request.headers.authorization);
          principals.set(ctx, await deps.contexts.principal(auth));
          return true;
        } catch (e) {
          if (!(e instanceof AuthError)) throw e;
          ctx.extra.socket.close(WS_CLOSE_UNAUTHENTICATED, `UNAUTHENTICATED: ${e.reason}: ${e.message}`);
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const principal = principals.get(ctx);
        if (!principal)
          return [
            new GraphQLError("connection is not initialised", { extensions: { code: "UNAUTHENTICATED" } }),
          ];
        const env = deps.getEnveloped(deps.contexts.context(principal, "ws"));
        let document: ReturnType<typeof env.parse>;
        try {
          document = env.parse(payload.query);
        } catch (e) {
          return [classifyParseError(e as GraphQLError)];
        }
        const errors = env.validate(env.schema, document);
        if (errors.length > 0) return errors;
        const root: EnvelopedRoot = { execute: env.execute, subscribe: env.subscribe };
        return {
          schema: env.schema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
          contextValue: await env.contextFactory(),
          rootValue: root,
        } satisfies ExecutionArgs;
      },
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
    },
    wss,
  );

  return {
    /** Complete every subscription, close every socket (1001 going away) and the server. */
    close: () => server.dispose(),
  };
}
