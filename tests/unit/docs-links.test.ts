// README.md sends a newcomer into docs/: every relative link there and between the pages must lead
// to a file that exists and, with an #anchor, to a heading of that page.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const pages = [
  "README.md",
  ...fs
    .readdirSync(path.join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, "")
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(file: string): Set<string> {
  const text = fs.readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));
}

function links(page: string): string[] {
  const text = fs.readFileSync(path.join(root, page), "utf8").replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z]+:/i.test(target));
}

describe("links in README.md and docs/", () => {
  it("finds the pages and their links", () => {
    expect(pages).toEqual(expect.arrayContaining(["README.md", "docs/operating.md", "docs/architecture.md"]));
    expect(links("README.md").length).toBeGreaterThan(5);
  });

  it.each(pages)("%s links only to files and headings that exist", (page) => {
    const broken: string[] = [];
    for (const target of links(page)) {
      const [file, anchor] = target.split("#") as [string, string | undefined];
      const resolved = file === "" ? path.join(root, page) : path.resolve(root, path.dirname(page), file);
      if (!fs.existsSync(resolved)) broken.push(`${target}: no such file`);
      else if (anchor && resolved.endsWith(".md") && !anchors(resolved).has(anchor))
        broken.push(`${target}: no heading #${anchor}`);
    }
    expect(broken).toEqual([]);
  });
});
