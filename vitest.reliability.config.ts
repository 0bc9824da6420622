import { defineConfig } from "vitest/config";

// The long, seeded reliability runs (`npm run test:reliability -- --seeds N`): each file starts its own
// `wrangler dev`, and files run one after another (crash tests kill their server; the machine has 2 cores).
export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 60 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
