import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { ACCESS_PAGE } from "../../../docs/generate-access.js";
import { accessMatrixMarkdown } from "../../../domain/access/matrix.js";
import { DEFAULT_PURPOSES } from "../../../domain/access/purposes.js";

describe("docs/access-control.md", () => {
  it("is what the policy tables generate (run `npm run docs:access` after changing them)", () => {
    expect(fs.readFileSync(ACCESS_PAGE, "utf8")).toBe(accessMatrixMarkdown(DEFAULT_PURPOSES));
  });
  it("shows every role and every field with its decision", () => {
    const page = accessMatrixMarkdown(DEFAULT_PURPOSES);
    expect(page).toContain("| analyst (分析员) | ALLOW | ALLOW | MASK | DENY | DENY |");
    expect(page).toContain("| `Person.citizenId` | SENSITIVE | command_centre | citizenId |");
    expect(page).toContain("Fields owned by `audit` are read by auditor only");
  });
});
