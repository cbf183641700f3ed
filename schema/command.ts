// Mutations are thin adapters over the integration layer's commands (integration/commands):
// a command's refusal becomes the API error with the same code and extensions.
import type { GraphQLError } from "graphql";
import { CommandError } from "../integration/commands/errors.js";
import { hubError } from "./errors.js";

/** Run a command; a CommandError is answered as the hub error of the same code. */
export async function command<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw e instanceof CommandError ? asHubError(e) : e;
  }
}

function asHubError(e: CommandError): GraphQLError {
  return hubError(e.code, e.message, { ...e.details });
}
