// User text in filters matches literally. Prisma's `contains` / `startsWith` become LIKE patterns
// without escaping (with adapter-pg, `%` or `_` in the value would match any text: masked names
// recovered by probing "张_", "张__"); so every such value goes through literalContains.
// PostgreSQL's LIKE escapes with a backslash by default.

/** `%`, `_` and `\` escaped for a LIKE pattern: they match themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The value for a Prisma `contains` filter that matches `text` literally. */
export function literalContains(text: string): string {
  return escapeLike(text);
}
