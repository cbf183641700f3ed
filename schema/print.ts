// `npm run codegen`, step one: print the schema to schema.graphql, the contract frontend teams
// and codegen read. A test fails when the committed file is stale.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { lexicographicSortSchema, printSchema } from "graphql";
import { buildSchema } from "./index.js";

export const SCHEMA_FILE = fileURLToPath(new URL("../schema.graphql", import.meta.url));

export function printHubSchema(): string {
  return `${printSchema(lexicographicSortSchema(buildSchema()))}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  fs.writeFileSync(SCHEMA_FILE, printHubSchema());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
