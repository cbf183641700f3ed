/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query AreaOverview($code: String!) {\n  area(code: $code) {\n    id\n    code\n    name\n    level\n    kind\n    ancestors {\n      code\n      name\n    }\n    subtreeCounts {\n      streets\n      communities\n      grids\n    }\n    children(first: 50) {\n      totalCount\n      edges {\n        node {\n          id\n          code\n          name\n          level\n        }\n      }\n    }\n  }\n}\n\nquery GridsUnder($under: String!, $first: Int = 50, $after: String) {\n  areas(level: GRID, under: $under, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        code\n        name\n        parent {\n          name\n        }\n      }\n    }\n  }\n}\n\nmutation CorrectAreaName($code: String!, $name: String!) {\n  updateArea(input: {code: $code, name: $name}) {\n    id\n    name\n    updatedAt\n  }\n}\n\nsubscription AreaChanges($under: String) {\n  areaChanged(under: $under) {\n    id\n    code\n    name\n  }\n}\n\nsubscription HubHeartbeat($everySeconds: Int = 10) {\n  heartbeat(everySeconds: $everySeconds) {\n    at\n    databaseReady\n    instance\n  }\n}": typeof types.AreaOverviewDocument,
};
const documents: Documents = {
    "query AreaOverview($code: String!) {\n  area(code: $code) {\n    id\n    code\n    name\n    level\n    kind\n    ancestors {\n      code\n      name\n    }\n    subtreeCounts {\n      streets\n      communities\n      grids\n    }\n    children(first: 50) {\n      totalCount\n      edges {\n        node {\n          id\n          code\n          name\n          level\n        }\n      }\n    }\n  }\n}\n\nquery GridsUnder($under: String!, $first: Int = 50, $after: String) {\n  areas(level: GRID, under: $under, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        code\n        name\n        parent {\n          name\n        }\n      }\n    }\n  }\n}\n\nmutation CorrectAreaName($code: String!, $name: String!) {\n  updateArea(input: {code: $code, name: $name}) {\n    id\n    name\n    updatedAt\n  }\n}\n\nsubscription AreaChanges($under: String) {\n  areaChanged(under: $under) {\n    id\n    code\n    name\n  }\n}\n\nsubscription HubHeartbeat($everySeconds: Int = 10) {\n  heartbeat(everySeconds: $everySeconds) {\n    at\n    databaseReady\n    instance\n  }\n}": types.AreaOverviewDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AreaOverview($code: String!) {\n  area(code: $code) {\n    id\n    code\n    name\n    level\n    kind\n    ancestors {\n      code\n      name\n    }\n    subtreeCounts {\n      streets\n      communities\n      grids\n    }\n    children(first: 50) {\n      totalCount\n      edges {\n        node {\n          id\n          code\n          name\n          level\n        }\n      }\n    }\n  }\n}\n\nquery GridsUnder($under: String!, $first: Int = 50, $after: String) {\n  areas(level: GRID, under: $under, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        code\n        name\n        parent {\n          name\n        }\n      }\n    }\n  }\n}\n\nmutation CorrectAreaName($code: String!, $name: String!) {\n  updateArea(input: {code: $code, name: $name}) {\n    id\n    name\n    updatedAt\n  }\n}\n\nsubscription AreaChanges($under: String) {\n  areaChanged(under: $under) {\n    id\n    code\n    name\n  }\n}\n\nsubscription HubHeartbeat($everySeconds: Int = 10) {\n  heartbeat(everySeconds: $everySeconds) {\n    at\n    databaseReady\n    instance\n  }\n}"): (typeof documents)["query AreaOverview($code: String!) {\n  area(code: $code) {\n    id\n    code\n    name\n    level\n    kind\n    ancestors {\n      code\n      name\n    }\n    subtreeCounts {\n      streets\n      communities\n      grids\n    }\n    children(first: 50) {\n      totalCount\n      edges {\n        node {\n          id\n          code\n          name\n          level\n        }\n      }\n    }\n  }\n}\n\nquery GridsUnder($under: String!, $first: Int = 50, $after: String) {\n  areas(level: GRID, under: $under, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      node {\n        id\n        code\n        name\n        parent {\n          name\n        }\n      }\n    }\n  }\n}\n\nmutation CorrectAreaName($code: String!, $name: String!) {\n  updateArea(input: {code: $code, name: $name}) {\n    id\n    name\n    updatedAt\n  }\n}\n\nsubscription AreaChanges($under: String) {\n  areaChanged(under: $under) {\n    id\n    code\n    name\n  }\n}\n\nsubscription HubHeartbeat($everySeconds: Int = 10) {\n  heartbeat(everySeconds: $everySeconds) {\n    at\n    databaseReady\n    instance\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;