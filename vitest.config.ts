import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql@16 ships ESM and CJS builds; Pothos and Apollo load the CJS one. One realm only.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    // The JSON report lets .ci/run print the plain "N passed, N failed" line CI reads.
    reporters: ["default", ["json", { outputFile: "tests/.artifacts/vitest-report.json" }]],
    // 2 cores: two files at a time; integration files each work on their own cloned database.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts", "tests/browser/**/*.test.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
