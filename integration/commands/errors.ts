// Why a command refused: the same stable codes the API answers with (schema/errors.ts), so the
// schema adapter passes them through unchanged; `details` become the error's extensions
// (`field` names the input at fault).
export type CommandErrorCode = "BAD_USER_INPUT" | "FORBIDDEN" | "NOT_FOUND";

export class CommandError extends Error {
  constructor(
    readonly code: CommandErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string, key: string) =>
  new CommandError("NOT_FOUND", `${what} "${key}" was not found`, { key });
