// What a field's own selection names, read off the operation before the field's data is: a
// resolver that knows which children will be asked can start their statements with its own.
// A child counts whether it is selected directly or through fragments (named or inline), unless
// @skip or @include leave it out. The type condition of a fragment is not checked: the fields
// these helpers look under (a person, a connection) are of one object type, so every fragment
// valid there applies.
import {
  type DirectiveNode,
  type FieldNode,
  GraphQLIncludeDirective,
  type GraphQLResolveInfo,
  GraphQLSkipDirective,
  getDirectiveValues,
  Kind,
  type SelectionSetNode,
} from "graphql";

/** What reading a selection needs besides its nodes: the operation's fragments and variables. */
export type SelectionScope = Pick<GraphQLResolveInfo, "fragments" | "variableValues">;

const NO_SCOPE: SelectionScope = { fragments: {}, variableValues: {} };

/** Whether @skip / @include keep this selection. */
function included(node: { readonly directives?: readonly DirectiveNode[] }, scope: SelectionScope): boolean {
  if (!node.directives?.length) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, scope.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, scope.variableValues)?.if !== false;
}

/** The children named `name` selected under these field nodes, directly or through fragments. */
export function childFields(
  nodes: readonly FieldNode[],
  name: string,
  scope: SelectionScope = NO_SCOPE,
): FieldNode[] {
  const found: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined, spread: ReadonlySet<string>) => {
    for (const s of set?.selections ?? []) {
      if (!included(s, scope)) continue;
      if (s.kind === Kind.FIELD) {
        if (s.name.value === name) found.push(s);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        visit(s.selectionSet, spread);
      } else if (!spread.has(s.name.value)) {
        // (validation refuses fragment cycles; the set only keeps a bad document from looping)
        visit(scope.fragments[s.name.value]?.selectionSet, new Set(spread).add(s.name.value));
      }
    }
  };
  for (const node of nodes) visit(node.selectionSet, new Set());
  return found;
}

/** Whether the resolving field's own selection names `name` (directly or through fragments). */
export const selects = (info: GraphQLResolveInfo, name: string): boolean =>
  childFields(info.fieldNodes, name, info).length > 0;
