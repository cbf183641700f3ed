// The subscription engine executes a shared payload once per audience: subscribers with the same
// operation and the same policy-relevant principal get one result, each still has the reads it
// made recorded for its audit trail, and a subscriber whose execution fails (a refusal) does not
// pass its error on, nor take another's result.
import { type ExecutionResult, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { RequestAccess } from "../../domain/access/request.js";
import type { Principal } from "../../domain/principal.js";
import type { Role } from "../../domain/roles.js";
import { sharedSubscribe } from "../../gateway/shared-subscribe.js";

/** Payloads shared by every subscriber, as the outbox hands them out. */
const PAYLOADS = [Object.freeze({ id: "e1", title: "first" }), Object.freeze({ id: "e2", title: "second" })];
let executions = 0;

const Tick = new GraphQLObjectType<{ id: string; title: string }, { access: RequestAccess }>({
  name: "Tick",
  fields: {
    title: {
      type: GraphQLString,
      resolve: (t, _args, ctx) => {
        executions++;
        if (ctx.access.principal.roles.includes("auditor")) throw new Error("refused");
        ctx.access.record("READ", "Tick.title", t.id);
        return t.title;
      },
    },
  },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLString } } }),
  subscription: new GraphQLObjectType({
    name: "Subscription",
    fields: {
      tick: {
        type: Tick,
        subscribe: async function* () {
          yield* PAYLOADS;
        },
        resolve: (payload: unknown) => payload,
      },
    },
  }),
});

const principal = (roles: Role[]): Principal => ({
  subject: `s-${Math.random()}`,
  roles,
  department: null,
  jurisdiction: ["320600"],
  jurisdictionPaths: ["/320600/"],
  purpose: null,
  purposeRef: null,
  authenticated: true,
});

async function run(roles: Role[]) {
  const access = new RequestAccess(principal(roles), null, []);
  const stream = await sharedSubscribe({
    schema,
    // each subscriber parses its own document, as over graphql-ws
    document: parse("subscription { tick { title } }"),
    contextValue: { principal: access.principal, access },
  });
  if (!(Symbol.asyncIterator in stream)) throw new Error("no stream");
  const results: ExecutionResult[] = [];
  const audited: ReturnType<RequestAccess["drain"]>[] = [];
  for await (const r of stream) {
    results.push(r);
    audited.push(access.drain()); // the audit plugin flushes after each event
  }
  return { results, audited };
}

describe("sharedSubscribe", () => {
  it("executes each payload once per audience and records every subscriber's reads", async () => {
    executions = 0;
    const commanders = [
      await run(["city_commander"]),
      await run(["city_commander"]),
      await run(["city_commander"]),
    ];
    expect(executions).toBe(PAYLOADS.length);
    for (const c of commanders) {
      expect(c.results.map((r) => r.data)).toEqual([
        { tick: { title: "first" } },
        { tick: { title: "second" } },
      ]);
      expect(c.audited).toEqual([
        [{ outcome: "READ", entityIds: ["e1"], fields: ["Tick.title"] }],
        [{ outcome: "READ", entityIds: ["e2"], fields: ["Tick.title"] }],
      ]);
    }

    // another audience executes for itself, and its refusal stays its own
    const auditor = await run(["auditor"]);
    expect(executions).toBe(2 * PAYLOADS.length);
    expect(auditor.results.every((r) => r.errors?.[0]?.message === "refused")).toBe(true);
    expect(auditor.audited).toEqual([[], []]);
    const again = await run(["auditor"]);
    expect(executions).toBe(3 * PAYLOADS.length); // an error is never shared
    expect(again.results.every((r) => r.errors?.[0]?.message === "refused")).toBe(true);
    const commander = await run(["city_commander"]);
    expect(executions).toBe(3 * PAYLOADS.length);
    expect(commander.results[0]?.data).toEqual({ tick: { title: "first" } });
  });
});
