import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    test: {
      projects: [
        {
          // The pure core needs no runtime: plain Node, fast.
          test: { name: "core", include: ["core/**/*.test.ts", "snippets/**/*.test.ts"], environment: "node" },
        },
        {
          // Everything that crosses modules runs inside workerd with real D1 and the real migrations.
          plugins: [
            cloudflareTest({
              main: "./workers/index.ts",
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                // A small, slowly refilled per-person burst makes overload deterministic on a busy machine;
                // workerd does not implement jurisdictions.
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ADMIN_TOKEN: "test_admin_token",
                  PROFILE_BATCH_BURST: "60",
                  PROFILE_BATCH_RATE: "1",
                  JURISDICTIONS: "off",
                  DECISION_TOKEN_SECRET: "test_decision_secret",
                },
              },
            }),
          ],
          test: { name: "workers", include: ["test/**/*.test.ts"], setupFiles: ["./test/apply-migrations.ts"] },
        },
      ],
    },
  };
});
