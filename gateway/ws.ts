// graphql-ws on the HTTP server's /graphql path: the WebSocket half of the one envelop pipeline.
// The token travels in the connection_init payload ({ authorization: "Bearer …" }), because
// browsers cannot set headers on a WebSocket.
import type { Server } from "node:http";
import { type ExecutionArgs, GraphQLError } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { decodeJwt } from "jose";
import { WebSocketServer } from "ws";
import { PurposeError } from "../domain/access/purposes.js";
import type { Principal } from "../domain/principal.js";
import { AuthError } from "./auth.js";
import type { ContextFactory } from "./context.js";
import type { GetEnveloped } from "./envelop.js";
import type { Logger } from "./logger.js";
import { classifyParseError } from "./plugins/operation-limits.js";

/** WebSocket close code for a refused token (graphql-ws uses 44xx for protocol-level refusals). */
export const WS_CLOSE_UNAUTHENTICATED = 4401;
/** A declared purpose that is not configured (graphql-ws leaves 4400–4499 to the application). */
export const WS_CLOSE_FORBIDDEN = 4403;

/** setTimeout's longest delay; a later expiry is re-armed in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** When the (already verified) bearer token expires, in ms since the epoch; null without one. */
function expiryOf(authorization: string | null): number | null {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "")?.[1];
  if (!token) return null;
  const { exp } = decodeJwt(token);
  return typeof exp === "number" ? exp * 1000 : null;
}

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
  deps: {
    path: string;
    getEnveloped: GetEnveloped;
    contexts: ContextFactory;
    log: Logger;
    /** Largest frame, in bytes: the HTTP body limit (a larger one closes the socket, 1009). */
    maxPayload: number;
    /** Operations one socket may have running at once (WS_MAX_SUBSCRIPTIONS_PER_SOCKET). */
    maxSubscriptions: number;
  },
) {
  const wss = new WebSocketServer({ server: httpServer, path: deps.path, maxPayload: deps.maxPayload });
  const principals = new WeakMap<object, Principal>();
  // Aborted when the socket closes: the operations still running on it stop their long reads.
  const closed = new WeakMap<object, AbortSignal>();

  const server = useServer<Record<string, unknown> | undefined>(
    {
      onConnect: async (ctx) => {
        try {
          const auth = authorizationFrom(ctx.connectionParams, ctx.extra.request.headers.authorization);
          const params = ctx.connectionParams ?? {};
          const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);
          principals.set(
            ctx,
            await deps.contexts.principal(auth, {
              purpose: text(params.purpose),
              purposeRef: text(params.purposeRef),
            }),
          );
          // A socket lives as long as its token: at expiry it is closed (4401), as graphql-ws
          // closes an unauthorised one, and the client must connect again with a fresh token.
          const expiresAt = expiryOf(auth);
          if (expiresAt !== null) {
            const socket = ctx.extra.socket;
            let timer: NodeJS.Timeout;
            const arm = () => {
              const left = expiresAt - Date.now();
              if (left <= 0)
                return socket.close(
                  WS_CLOSE_UNAUTHENTICATED,
                  "UNAUTHENTICATED: TOKEN_EXPIRED: token has expired",
                );
              timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
            };
            arm();
            socket.once("close", () => clearTimeout(timer));
          }
          const gone = new AbortController();
          ctx.extra.socket.once("close", () => gone.abort());
          closed.set(ctx, gone.signal);
          return true;
        } catch (e) {
          if (e instanceof PurposeError) {
            ctx.extra.socket.close(WS_CLOSE_FORBIDDEN, `BAD_USER_INPUT: ${e.message}`.slice(0, 120));
            return false;
          }
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
        // This operation is counted already; one over the bound is refused, the socket stays open.
        const running = Object.keys(ctx.subscriptions).length;
        if (running > deps.maxSubscriptions)
          return [
            new GraphQLError(
              `this socket already runs ${deps.maxSubscriptions} operations, the most one socket may (complete one, or open another socket)`,
              { extensions: { code: "OPERATION_LIMIT_EXCEEDED", limit: "subscriptionsPerSocket" } },
            ),
          ];
        const env = deps.getEnveloped({ ...deps.contexts.context(principal, "ws"), signal: closed.get(ctx) });
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
