import { defineConfig } from "vitest/config";

// SDK and CLI tests: plain Node, against a real `wrangler dev` started by test/node/global-setup.ts.
export default defineConfig({
  test: {
    include: ["test/node/**/*.test.ts"],
    // The JSON report feeds the one-line total that .ci/run prints (scripts/test-summary.ts).
    reporters: ["default", "json"],
    outputFile: { json: "test-output/vitest-node.json" },
    globalSetup: ["./test/node/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
