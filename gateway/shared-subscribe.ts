// The engine's `subscribe` for envelop: graphql-js's, except that an event's payload is executed
// once per audience instead of once per subscriber. Every outbox change reaches each subscriber
// as the same frozen object (integration/outbox.ts), and what a subscriber's selection makes of it
// depends only on the operation (document, operation name, variables) and on what the field
// policy looks at (roles, department, purpose, jurisdiction, whether access is enforced). So the
// first subscriber of an audience executes the payload through the access plugin as usual; the
// others of that audience get its result, and the fields it read in full (the audit entries the
// access plugin recorded) are recorded for each of them as if they had read them, so the audit
// trail stays per subscriber. A result with errors (a refusal, SUBSCRIBER_TOO_SLOW) is never shared.
// Results live as long as the payload object does (a WeakMap): no per-message cache outlives the
// change it belongs to.
import {
  createSourceEventStream,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  getOperationAST,
  print,
} from "graphql";
import type { AuditEntry } from "../domain/access/request.js";
import type { Context } from "../schema/context.js";

interface Shared {
  result: ExecutionResult;
  /** What executing it recorded in the access state (to be recorded for every subscriber). */
  entries: AuditEntry[];
}

/** Per payload object: the result per audience (bounded by the number of audiences), shared while still executing. */
const results = new WeakMap<object, Map<string, Promise<Shared>>>();

/** Documents are parsed per subscription: their text, computed once per document object. */
const documentKeys = new WeakMap<object, string>();

/** Who the payload is executed for, as far as the result can differ; null: execute per subscriber. */
function audienceOf(args: ExecutionArgs): string | null {
  const ctx = args.contextValue as Partial<Context> | undefined;
  const principal = ctx?.principal;
  const access = ctx?.access;
  if (!principal || !access) return null;
  let document = documentKeys.get(args.document);
  if (document === undefined) {
    document = print(args.document);
    documentKeys.set(args.document, document);
  }
  return JSON.stringify([
    document,
    args.operationName ?? getOperationAST(args.document)?.name?.value ?? null,
    args.variableValues ?? null,
    access.enforced,
    principal.authenticated,
    [...principal.roles].sort(),
    principal.department,
    principal.purpose,
    principal.purposeRef,
    [...principal.jurisdictionPaths].sort(),
  ]);
}

function replay(ctx: Context, entries: readonly AuditEntry[]): void {
  for (const e of entries)
    for (const field of e.fields)
      if (e.entityIds.length === 0) ctx.access.record(e.outcome, field, null);
      else for (const id of e.entityIds) ctx.access.record(e.outcome, field, id);
}

/** Execute as `ctx`, recording in its access state what the execution records. */
async function executeRecorded(args: ExecutionArgs, payload: object): Promise<Shared> {
  const ctx = args.contextValue as Context;
  // Keep what this subscriber recorded before apart from what this execution records.
  const before = ctx.access.drain();
  const result = await execute({ ...args, rootValue: payload });
  const entries = ctx.access.drain();
  replay(ctx, before);
  replay(ctx, entries);
  return { result, entries };
}

async function executeShared(
  args: ExecutionArgs,
  audience: string | null,
  payload: unknown,
): Promise<ExecutionResult> {
  if (audience === null || payload === null || typeof payload !== "object")
    return execute({ ...args, rootValue: payload });
  let perAudience = results.get(payload);
  if (!perAudience) {
    perAudience = new Map();
    results.set(payload, perAudience);
  }
  const pending = perAudience.get(audience);
  if (pending) {
    const shared = await pending;
    if (!shared.result.errors) {
      replay(args.contextValue as Context, shared.entries);
      return shared.result;
    }
    // the first one's refusal or error is its own: this subscriber executes for itself
    return (await executeRecorded(args, payload)).result;
  }
  const mine = executeRecorded(args, payload);
  perAudience.set(audience, mine);
  const shared = await mine;
  if (shared.result.errors) perAudience.delete(audience);
  return shared.result;
}

/** graphql-js's subscribe (v16), executing each event once per audience. */
export async function sharedSubscribe(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream;
  const source = stream[Symbol.asyncIterator]();
  const audience = audienceOf(args);
  const close = async (): Promise<IteratorResult<ExecutionResult>> => {
    await source.return?.();
    return { value: undefined, done: true };
  };
  const mapped: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const item = await source.next();
      if (item.done) return { value: undefined, done: true };
      try {
        return { value: await executeShared(args, audience, item.value), done: false };
      } catch (error) {
        await close();
        throw error;
      }
    },
    return: close,
    async throw(error?: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}
