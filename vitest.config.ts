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
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/browser/**", "**/node_modules/**"],
            setupFiles: ["./test/apply-migrations.ts"],
          },
        },
        {
          // The snippet in Chromium (playwright-core) against `wrangler dev` and a page server, both on
          // 127.0.0.1 and started by the global setup; one file at a time, one browser per file.
          test: {
            name: "browser",
            include: ["test/browser/**/*.test.ts"],
            environment: "node",
            globalSetup: ["./test/browser/global-setup.ts"],
            testTimeout: 30_000,
            hookTimeout: 120_000,
            fileParallelism: false,
            sequence: { concurrent: false },
          },
        },
      ],
    },
  };
});
