// The masking plugin on its own, through envelop with a tiny schema: what a client may see.
import { envelop, useEngine, useSchema } from "@envelop/core";
import { buildSchema, execute, GraphQLError, parse, specifiedRules, subscribe, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../gateway/logger.js";
import { useHubMaskedErrors } from "../../gateway/plugins/masked-errors.js";

const schema = buildSchema("type Query { ours: String  crash: String  typed: String }");
const rootValue = {
  ours: () => {
    throw new GraphQLError("area 1 is outside your jurisdiction", { extensions: { code: "FORBIDDEN" } });
  },
  crash: () => {
    throw new Error('relation "Secret" does not exist at db.ts:42');
  },
  typed: () => {
    throw new TypeError("Cannot read properties of undefined (reading 'id')");
  },
};

async function run(query: string, isDev = false) {
  const logs: string[] = [];
  const getEnveloped = envelop({
    plugins: [
      useEngine({ parse, validate, execute, subscribe, specifiedRules }),
      useSchema(schema),
      useHubMaskedErrors(
        createLogger("debug", (l) => logs.push(l)),
        isDev,
      ),
    ],
  });
  const env = getEnveloped({});
  const result = await env.execute({
    schema: env.schema,
    document: env.parse(query),
    rootValue,
    contextValue: {},
  });
  return { result: JSON.parse(JSON.stringify(result)), logs };
}

describe("useHubMaskedErrors", () => {
  it("passes our own coded errors unchanged", async () => {
    const { result, logs } = await run("{ ours }");
    expect(result.errors[0]).toMatchObject({
      message: "area 1 is outside your jurisdiction",
      extensions: { code: "FORBIDDEN" },
    });
    expect(logs).toEqual([]);
  });

  it.each(["crash", "typed"])(
    "hides an unexpected %s error from clients and logs it in full",
    async (field) => {
      const { result, logs } = await run(`{ ${field} }`);
      expect(result.errors[0]).toEqual({
        message: "Unexpected error.",
        locations: [{ line: 1, column: 3 }],
        path: [field],
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      });
      expect(JSON.stringify(result)).not.toMatch(/Secret|undefined|\.ts:/);
      const logged = JSON.parse(logs[0]!);
      expect(logged).toMatchObject({ level: "error", msg: "unexpected error in resolver" });
      expect(logged.stack).toBeTruthy();
    },
  );

  it("adds the cause to the message in development only", async () => {
    const { result } = await run("{ crash }", true);
    expect(result.errors[0].message).toContain('relation "Secret" does not exist');
  });
});
