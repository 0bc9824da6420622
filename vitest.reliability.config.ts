import { defineConfig } from "vitest/config";

// The long, seeded reliability runs (`npm run test:reliability -- --seeds N`): each file starts its own
// `wrangler dev`, and files run one after another (crash tests kill their server; the machine has 2 cores).
export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    // The JSON report feeds the one-line total that .ci/run prints (scripts/test-summary.ts).
    reporters: ["default", "json"],
    outputFile: { json: "test-output/vitest-reliability.json" },
    fileParallelism: false,
    testTimeout: 60 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
