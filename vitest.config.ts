import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  const worker = { main: "./workers/index.ts", wrangler: { configPath: "./wrangler.toml" } };
  // A small, slowly refilled per-person burst makes overload deterministic on a busy machine;
  // workerd does not implement jurisdictions.
  const bindings = {
    TEST_MIGRATIONS: migrations,
    ADMIN_TOKEN: "test_admin_token",
    PROFILE_BATCH_BURST: "60",
    PROFILE_BATCH_RATE: "1",
    JURISDICTIONS: "off",
    DECISION_TOKEN_SECRET: "test_decision_secret",
  };
  return {
    test: {
      projects: [
        {
          // The pure core needs no runtime: plain Node, fast.
          test: { name: "core", include: ["core/**/*.test.ts", "snippets/**/*.test.ts"], environment: "node" },
        },
        {
          // Everything that crosses modules runs inside workerd with real D1 and the real migrations.
          plugins: [cloudflareTest({ ...worker, miniflare: { bindings } })],
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/browser/**", "test/flows/**", "**/node_modules/**"],
            setupFiles: ["./test/apply-migrations.ts"],
          },
        },
        {
          // Messaging flows, like `workers`, with a local receiver (webhooks, Resend, Twilio, DNS-over-HTTPS)
          // that the global setup starts on 127.0.0.1 and hands to the bindings through `inject`.
          plugins: [
            cloudflareTest(({ inject }) => {
              const receiverUrl = inject("receiverUrl");
              return {
                ...worker,
                miniflare: {
                  bindings: {
                    ...bindings,
                    ALLOW_PRIVATE_WEBHOOKS: "true",
                    TEST_RECEIVER_URL: receiverUrl,
                    DNS_RESOLVER_URL: `${receiverUrl}/dns-query`,
                    PUBLIC_URL: "http://nudge.test",
                  },
                },
              };
            }),
          ],
          test: {
            name: "flows",
            include: ["test/flows/**/*.test.ts"],
            globalSetup: ["./test/receiver/global-setup.ts"],
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
