// The field table applied to the built schema: every field of every object and interface type must
// have an entry in domain/access/fields.ts (the schema refuses to build otherwise), and each field
// carries its class and owner in its description for analysts reading GraphiQL.
import type { GraphQLField, GraphQLSchema } from "graphql";
import { isInterfaceType, isObjectType } from "graphql";
import { FIELD_POLICY, policyFor } from "../domain/access/fields.js";

export { FIELD_POLICY, type FieldPolicy, policyFor } from "../domain/access/fields.js";

export class MissingFieldPolicyError extends Error {
  constructor(readonly fields: string[]) {
    super(`fields without a sensitivity class in domain/access/fields.ts: ${fields.join(", ")}`);
  }
}

/**
 * Check that every field of every object and interface type has a policy and stamp it on the field: in `extensions.policy` for the
 * enforcement plugin, and at the end of its description for analysts reading GraphiQL.
 */
export function applyFieldPolicy(schema: GraphQLSchema): GraphQLSchema {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(isObjectType(type) || isInterfaceType(type)) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      const policy = policyFor(type.name, field.name);
      if (!policy) {
        missing.push(`${type.name}.${field.name}`);
        continue;
      }
      const stamped = field as {
        extensions: Record<string, unknown>;
        description: string | null | undefined;
      };
      stamped.extensions = { ...field.extensions, policy };
      stamped.description =
        `${field.description ?? ""}\n\nSensitivity: ${policy.class}. Owner: ${policy.owner}.`.trim();
    }
  }
  const stale = Object.keys(FIELD_POLICY).filter((key) => {
    const [typeName, fieldName] = key.split(".") as [string, string];
    const type = schema.getType(typeName);
    return !type || !(isObjectType(type) || isInterfaceType(type)) || !type.getFields()[fieldName];
  });
  if (missing.length > 0) throw new MissingFieldPolicyError(missing);
  if (stale.length > 0)
    throw new Error(`domain/access/fields.ts names fields the schema does not have: ${stale.join(", ")}`);
  return schema;
}
