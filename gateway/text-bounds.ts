// Text arguments are length-bounded, declared once: every String and ID argument and input field
// of the schema has a maximum length (TEXT_BOUNDS: 200 characters unless named otherwise), and a
// longer value is refused with BAD_USER_INPUT naming the argument before any resolver runs with it
// (a 200 KB search text never reaches the database). Applied to the built schema by wrapping the
// resolvers of the fields that take text, so no resolver checks a length itself.
import {
  defaultFieldResolver,
  type GraphQLArgument,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLInputField,
  GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLSchema,
} from "graphql";

/** Maximum characters of a text argument or input field, by its name; DEFAULT for the rest. */
export const TEXT_BOUNDS = {
  /** Search text, name and address filters, codes, ids, citizen IDs, connector ids. */
  DEFAULT: 200,
  /** Relay cursors encode the ordering values of the last row. */
  after: 500,
  before: 500,
  /** Audited reasons a steward writes. */
  reason: 1000,
} as const satisfies Record<string, number>;

const TEXT_SCALARS = new Set(["String", "ID"]);

export function maxLengthOf(name: string): number {
  return (TEXT_BOUNDS as Record<string, number>)[name] ?? TEXT_BOUNDS.DEFAULT;
}

/** A check of one value against its type: null when the type holds no text. */
type Check = (value: unknown, path: string) => void;

function tooLong(path: string, max: number, length: number): GraphQLError {
  return new GraphQLError(`argument "${path}" is longer than ${max} characters (${length})`, {
    extensions: { code: "BAD_USER_INPUT", argument: path, maxLength: max },
  });
}

function checkOf(
  type: GraphQLInputType,
  name: string,
  seen: Map<GraphQLInputObjectType, Check | null>,
): Check | null {
  if (type instanceof GraphQLNonNull) return checkOf(type.ofType, name, seen);
  if (type instanceof GraphQLList) {
    const item = checkOf(type.ofType, name, seen);
    if (!item) return null;
    return (value, path) => {
      if (Array.isArray(value)) for (const v of value) item(v, path);
      else item(value, path);
    };
  }
  if (type instanceof GraphQLScalarType) {
    if (!TEXT_SCALARS.has(type.name)) return null;
    const max = maxLengthOf(name);
    return (value, path) => {
      if (typeof value === "string" && value.length > max) throw tooLong(path, max, value.length);
    };
  }
  if (type instanceof GraphQLInputObjectType) return inputCheck(type, seen);
  return null;
}

function inputCheck(
  type: GraphQLInputObjectType,
  seen: Map<GraphQLInputObjectType, Check | null>,
): Check | null {
  if (seen.has(type)) {
    // a recursive input type: check through the entry (filled in below) when it is used
    return (value, path) => seen.get(type)?.(value, path);
  }
  seen.set(type, null);
  const fields = Object.values(type.getFields())
    .map((f: GraphQLInputField) => [f.name, checkOf(f.type, f.name, seen)] as const)
    .filter((e): e is readonly [string, Check] => e[1] !== null);
  const check: Check | null =
    fields.length === 0
      ? null
      : (value, path) => {
          if (value === null || typeof value !== "object") return;
          const record = value as Record<string, unknown>;
          for (const [name, c] of fields) if (record[name] != null) c(record[name], `${path}.${name}`);
        };
  seen.set(type, check);
  return check;
}

const bounded = new WeakSet<GraphQLSchema>();

/** Wrap the resolvers (and subscribers) of every field that takes text; idempotent. */
export function boundTextArguments(schema: GraphQLSchema): GraphQLSchema {
  if (bounded.has(schema)) return schema;
  bounded.add(schema);
  const seen = new Map<GraphQLInputObjectType, Check | null>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const checks = field.args
        .map((a: GraphQLArgument) => [a.name, checkOf(a.type, a.name, seen)] as const)
        .filter((e): e is readonly [string, Check] => e[1] !== null);
      if (checks.length === 0) continue;
      const check = (args: Record<string, unknown>) => {
        for (const [name, c] of checks) if (args[name] != null) c(args[name], name);
      };
      const wrap =
        <S, C>(inner: GraphQLFieldResolver<S, C>): GraphQLFieldResolver<S, C> =>
        (source, args, context, info) => {
          check(args);
          return inner(source, args, context, info);
        };
      field.resolve = wrap(field.resolve ?? defaultFieldResolver);
      if (field.subscribe) field.subscribe = wrap(field.subscribe);
    }
  }
  return schema;
}
