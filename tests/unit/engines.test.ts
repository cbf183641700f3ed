// The Node versions package.json promises (engines.node, also named in README.md) must be ones every
// package the hub installs for production accepts: a city's server runs what the README says.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
// semver comes with npm's tree (no types of its own here); the two functions used are typed below.
const semver = require("semver") as {
  subset(sub: string, dom: string): boolean;
  validRange(range: string): string | null;
};

const root = path.resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  engines: { node: string };
};
const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, { version?: string; dev?: boolean; devOptional?: boolean; engines?: unknown }>;
};

/**
 * Installed for production but never loaded by the hub, and with no release for Node 20:
 * @prisma/streams-local serves only `prisma dev` (Prisma's local development database), which the
 * hub never runs; prisma 7.8 and later pin it. Each entry says why; keep the list short.
 */
const NEVER_LOADED: Readonly<Record<string, string>> = {
  "@prisma/streams-local": "used only by `prisma dev`, which CityGraph does not run",
};

function nodeRange(engines: unknown): string | null {
  if (!engines || typeof engines !== "object" || Array.isArray(engines)) return null;
  const node = (engines as Record<string, unknown>).node;
  return typeof node === "string" ? node : null;
}

/** Every production package in the lock file, with the engines its installed package.json declares. */
function productionPackages() {
  return Object.entries(lock.packages)
    .filter(([location, entry]) => location !== "" && !entry.dev && !entry.devOptional)
    .map(([location, entry]) => {
      const manifest = path.join(root, location, "package.json");
      const installed = fs.existsSync(manifest)
        ? (JSON.parse(fs.readFileSync(manifest, "utf8")) as {
            name: string;
            version: string;
            engines?: unknown;
          })
        : null;
      const name = installed?.name ?? location.slice(location.lastIndexOf("node_modules/") + 13);
      return {
        location,
        name,
        version: installed?.version ?? entry.version,
        engines: installed?.engines ?? entry.engines,
      };
    });
}

describe("engines.node", () => {
  it("is a valid range that excludes Node versions no runtime dependency supports", () => {
    expect(semver.validRange(pkg.engines.node)).not.toBeNull();
    expect(semver.subset(pkg.engines.node, ">=20.19.0")).toBe(true);
  });

  it("is accepted by every production dependency's own engines.node", () => {
    const packages = productionPackages();
    expect(packages.length).toBeGreaterThan(100); // the lock file was read, not an empty tree
    const refusing = packages
      .map((p) => ({ ...p, range: nodeRange(p.engines) }))
      .filter((p) => p.range !== null && !(p.name in NEVER_LOADED))
      .filter((p) => !semver.subset(pkg.engines.node, p.range!))
      .map((p) => `${p.name}@${p.version} wants node ${p.range} (${p.location})`);
    expect(refusing).toEqual([]);
  });

  it("lists as never loaded only packages that are installed and really refuse the range", () => {
    for (const name of Object.keys(NEVER_LOADED)) {
      const found = productionPackages().filter((p) => p.name === name);
      expect(found.length).toBeGreaterThan(0);
      for (const p of found) expect(semver.subset(pkg.engines.node, nodeRange(p.engines) ?? "*")).toBe(false);
    }
  });

  it("is the Node version README.md names", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    expect(readme).toContain(`\`${pkg.engines.node}\``);
  });
});
