// A span per GraphQL operation, active while it executes (so that the spans of the database
// statements and root fields it causes are its children), and a span per root field of queries
// and mutations: the resolvers that go to the database or a connector. Nested fields read
// through DataLoaders; their statements appear under the operation as they run.
import type { Plugin } from "@envelop/core";
import { context, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import {
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getOperationAST,
} from "graphql";
import type { Context } from "../../schema/context.js";
import { inSpan } from "../tracing.js";

const wrapped = new WeakSet<GraphQLSchema>();

/** Root fields of queries and mutations run in a span each; the schema is changed once. */
function traceRootFields(schema: GraphQLSchema, tracer: Tracer): void {
  if (wrapped.has(schema)) return;
  wrapped.add(schema);
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve as GraphQLFieldResolver<unknown, Context> | undefined;
      if (!resolve) continue;
      const name = `${type.name}.${field.name}`;
      field.resolve = (source, args, ctx, info) =>
        inSpan(tracer, `graphql.resolve ${name}`, { "graphql.field.path": name }, async () =>
          resolve(source, args, ctx, info),
        );
    }
  }
}

export function useTracing(tracer: Tracer): Plugin<Context> {
  return {
    onSchemaChange({ schema }) {
      traceRootFields(schema, tracer);
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const op = getOperationAST(args.document, args.operationName);
      const name = op?.name?.value;
      const span = tracer.startSpan(`graphql.${op?.operation ?? "operation"}${name ? ` ${name}` : ""}`, {
        attributes: {
          "graphql.operation.type": op?.operation ?? "unknown",
          "graphql.operation.name": name ?? "",
          "citygraph.request_id": args.contextValue.requestId,
          "citygraph.transport": args.contextValue.transport,
        },
      });
      const active = trace.setSpan(context.active(), span);
      setExecuteFn((a: ExecutionArgs) => context.with(active, () => executeFn(a)));
      return {
        onExecuteDone({ result }) {
          if (!(Symbol.asyncIterator in result)) {
            const codes = ((result as ExecutionResult).errors ?? []).map((e) =>
              String(e.extensions?.code ?? "ERROR"),
            );
            if (codes.length > 0) {
              span.setAttribute("graphql.error.codes", codes.join(","));
              span.setStatus({ code: SpanStatusCode.ERROR, message: codes[0] });
            }
          }
          span.end();
        },
      };
    },
  };
}
