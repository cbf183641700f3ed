/** The line of an error that says what went wrong (Prisma's messages start with a code frame). */
export function errorSummary(e: unknown): string {
  const lines = String((e as Error)?.message ?? e)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? "unknown error").slice(0, 500);
}
