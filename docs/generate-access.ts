// `npm run docs:access`: rewrite docs/access-control.md from the policy tables.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { accessMatrixMarkdown } from "../domain/access/matrix.js";
import { DEFAULT_PURPOSES } from "../domain/access/purposes.js";

export const ACCESS_PAGE = path.join(path.dirname(fileURLToPath(import.meta.url)), "access-control.md");

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(ACCESS_PAGE, accessMatrixMarkdown(DEFAULT_PURPOSES));
  console.log(`wrote ${path.relative(process.cwd(), ACCESS_PAGE)}`);
}
