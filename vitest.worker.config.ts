import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            CAIRN_ADMIN_TOKEN: "test-admin-token",
            CAIRN_LOCAL_API_KEY: "",
            R2_ACCESS_KEY_ID: "cairn-local-access-key",
            R2_SECRET_ACCESS_KEY: "cairn-local-secret-key",
            R2_S3_ENDPOINT: "http://127.0.0.1:9/cdn-cgi/local/r2/s3",
          },
        },
      }),
    ],
    test: {
      include: ["test/worker/**/*.test.ts"],
      // The JSON report feeds the one-line total that .ci/run prints (scripts/test-summary.ts).
      reporters: ["default", "json"],
      outputFile: { json: "test-output/vitest-worker.json" },
      setupFiles: ["./test/worker/apply-migrations.ts"],
      testTimeout: 60_000,
    },
  };
});
