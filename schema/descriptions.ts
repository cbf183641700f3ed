// Descriptions for what the Relay plugin generates (connections, edges, page info, paging
// arguments, node ids): analysts read every description in GraphiQL, so none may be empty.
// Descriptions written on a type or field itself are kept.
import {
  type GraphQLArgument,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
} from "graphql";

type Described = { description?: string | null | undefined };

const PAGE_INFO_FIELDS: Record<string, string> = {
  startCursor: "The first item's cursor.",
  endCursor: "The last item's cursor: pass it as `after` for the next page.",
  hasNextPage: "More items follow this page.",
  hasPreviousPage: "Items come before this page.",
};

const NODE_ARGS: Record<string, string> = {
  id: "A global ID, as any element's `id` gives it.",
  ids: "Global IDs, as elements' `id` give them.",
};

const PAGING_ARGS: Record<string, string> = {
  first: "How many items from the start (after `after`).",
  after: "A cursor: the items after this one.",
  last: "How many items from the end (before `before`).",
  before: "A cursor: the items before this one.",
};

const CONNECTION_FIELDS: Record<string, string> = {
  edges: "The items of this page, each with its cursor.",
  pageInfo: "Where this page is in the whole list.",
  totalCount: "How many items the whole list has (within your jurisdiction).",
};

const EDGE_FIELDS: Record<string, string> = {
  cursor: "The item's position, for `after` / `before`.",
  node: "The item.",
};

const STRUCTURAL_TYPES: Record<string, string> = {
  Node: "An element with a global ID (Relay): fetch any element again with `node(id:)`.",
  PageInfo: "Where a page is in a list, for cursor paging.",
};

const set = (target: Described, text: string) => {
  if (!target.description || target.description.trim() === "") target.description = text;
};

/** Every type, field, argument and enum value of the schema, with its description (if any). */
export function* describedParts(schema: GraphQLSchema): Generator<[string, Described]> {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    yield [type.name, type as Described];
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type))
      for (const field of Object.values(type.getFields())) {
        yield [`${type.name}.${field.name}`, field as Described];
        if ("args" in field)
          for (const arg of field.args as readonly GraphQLArgument[])
            yield [`${type.name}.${field.name}(${arg.name})`, arg as Described];
      }
    if (isEnumType(type))
      for (const value of type.getValues()) yield [`${type.name}.${value.name}`, value as Described];
  }
}

export function describeStructure(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    if (STRUCTURAL_TYPES[type.name]) set(type as Described, STRUCTURAL_TYPES[type.name]!);
    const edge = type.name.endsWith("Edge");
    const connection = !edge && type.name.endsWith("Connection");
    if (connection) set(type as Described, "A page of a list, with cursors to page on.");
    if (edge) set(type as Described, "An item of a page, with its cursor.");
    if (!(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      if (connection && CONNECTION_FIELDS[field.name]) set(field, CONNECTION_FIELDS[field.name]!);
      if (edge && EDGE_FIELDS[field.name]) set(field, EDGE_FIELDS[field.name]!);
      if (type.name === "PageInfo" && PAGE_INFO_FIELDS[field.name]) set(field, PAGE_INFO_FIELDS[field.name]!);
      if (field.name === "id") set(field, "Global ID (Relay): opaque, stable; use with `node(id:)`.");
      if (type.name === "Query" && (field.name === "node" || field.name === "nodes"))
        for (const arg of field.args) if (NODE_ARGS[arg.name]) set(arg as Described, NODE_ARGS[arg.name]!);
      for (const arg of field.args) if (PAGING_ARGS[arg.name]) set(arg as Described, PAGING_ARGS[arg.name]!);
    }
  }
  return schema;
}
