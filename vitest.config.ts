import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Bundles the report's browser code first, as `npm run build` does: tests never see a stale bundle.
    globalSetup: ["scripts/build-report-client.mjs"],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: "forks",
    // The JSON report gives .ci/run vitest's own pass/fail counts.
    reporters: ["default", "json"],
    outputFile: { json: "test-artifacts/vitest.json" },
  },
});
