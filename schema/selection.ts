// What a field's own selection names, read off the operation before the field's data is: a
// resolver that knows which children will be asked can start their statements with its own.
// Only fields selected directly count (not through a fragment or an inline fragment): a shape
// these helpers do not recognise is resolved the ordinary way, child after parent.
import { type FieldNode, type GraphQLResolveInfo, Kind } from "graphql";

/** The children named `name` selected directly under these field nodes. */
export function childFields(nodes: readonly FieldNode[], name: string): FieldNode[] {
  return nodes.flatMap((node) =>
    (node.selectionSet?.selections ?? []).filter(
      (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === name,
    ),
  );
}

/** Whether the resolving field's own selection names `name` directly. */
export const selects = (info: GraphQLResolveInfo, name: string): boolean =>
  childFields(info.fieldNodes, name).length > 0;
