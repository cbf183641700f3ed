// Every field ships with a sensitivity class: the schema refuses to build otherwise.
import { buildSchema as buildSDL, getNamedType, isObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { applyFieldPolicy, FIELD_POLICY, MissingFieldPolicyError } from "../../schema/field-policy.js";
import { buildSchema } from "../../schema/index.js";

describe("the hub's schema", () => {
  const schema = buildSchema();
  it("has a policy on every field of every object type", () => {
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      for (const field of Object.values(type.getFields())) {
        const policy = field.extensions.policy as { class: string; owner: string } | undefined;
        expect(policy, `${type.name}.${field.name}`).toBeDefined();
        expect(field.description).toContain(`Sensitivity: ${policy!.class}. Owner: ${policy!.owner}.`);
      }
    }
  });
  it("exposes areas publicly but keeps counts internal", () => {
    expect(FIELD_POLICY["Area.name"]?.class).toBe("PUBLIC");
    expect(FIELD_POLICY["Area.subtreeCounts"]?.class).toBe("INTERNAL");
  });
  it("describes every type analysts will meet", () => {
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || ["String", "Int", "Float", "Boolean", "ID"].includes(type.name))
        continue;
      if (/(Connection|Edge)$|^PageInfo$|^Node$/.test(type.name)) continue;
      expect(type.description, type.name).toBeTruthy();
    }
    expect(getNamedType(schema.getQueryType()!.getFields().areas!.type).name).toBe("QueryAreasConnection");
  });
});

describe("applyFieldPolicy", () => {
  it("refuses a schema with a field that has no class, naming it", () => {
    const schema = buildSDL("type Query { area: Area } type Area { name: String  secretNote: String }");
    expect(() => applyFieldPolicy(schema)).toThrow(MissingFieldPolicyError);
    expect(() => applyFieldPolicy(schema)).toThrow(/Query\.area.*Area\.secretNote|Area\.secretNote/);
  });
});
