// An exposed column already on the row resolves from the row. In plugin-prisma's select mode every
// exposed column carries a selection, and plugin-prisma wraps its resolver to find the plan that
// loaded the row (a look-up by response path, for every field of every row) and to load the column
// when no plan did. When the row holds the column, that answer is the row's own value: this
// plugin, inside plugin-prisma's wrapper in the list, returns it without the look-up, and leaves
// the wrapper to rows that lack the column (loaded elsewhere, without it).
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import type { GraphQLFieldResolver } from "graphql";

const pluginName = "exposedColumn";

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      exposedColumn: PothosExposedColumnPlugin<Types>;
    }
  }
}

export class PothosExposedColumnPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    const column = fieldConfig.extensions?.pothosExposedField;
    if (fieldConfig.kind !== "PrismaObject" || typeof column !== "string") return resolver;
    if (!fieldConfig.extensions?.pothosPrismaSelect) return resolver;
    return (parent, args, ctx, info) => {
      const value = (parent as Record<string, unknown>)[column];
      return value === undefined ? resolver(parent, args, ctx, info) : value;
    };
  }
}

SchemaBuilder.registerPlugin(pluginName, PothosExposedColumnPlugin);

export default pluginName;
