import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";

type Inject = (key: "receiverUrl" | "libsqlUrl") => string;

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
  // The messaging flows talk to a local receiver (webhooks, Resend, Twilio, DNS-over-HTTPS) that the
  // receiver's global setup starts on 127.0.0.1 and hands over through `inject`.
  const receiverBindings = (inject: Inject) => {
    const receiverUrl = inject("receiverUrl");
    return {
      ALLOW_PRIVATE_WEBHOOKS: "true",
      TEST_RECEIVER_URL: receiverUrl,
      DNS_RESOLVER_URL: `${receiverUrl}/dns-query`,
      PUBLIC_URL: "http://nudge.test",
    };
  };

  /**
   * A project inside workerd with the real migrations, once per central database. On D1 each file
   * gets fresh storage, migrated by its setup file. On libSQL (`<name>-libsql`) the project's own
   * sqld (test/libsql/global-setup.ts) is DATABASE_URL; its files run one at a time, each from
   * emptied tables, because they share the server.
   */
  const databaseProject = (
    name: string,
    files: { include: string[]; exclude?: string[] },
    { receiver, libsql }: { receiver: boolean; libsql: boolean },
  ) => ({
    plugins: [
      cloudflareTest(({ inject }) => ({
        ...worker,
        miniflare: {
          bindings: {
            ...bindings,
            ...(receiver ? receiverBindings(inject) : {}),
            ...(libsql ? { DATABASE_URL: inject("libsqlUrl") } : {}),
          },
        },
      })),
    ],
    test: {
      name: libsql ? `${name}-libsql` : name,
      ...files,
      globalSetup: [...(receiver ? ["./test/receiver/global-setup.ts"] : []), ...(libsql ? ["./test/libsql/global-setup.ts"] : [])],
      setupFiles: [libsql ? "./test/libsql/reset-central-db.ts" : "./test/apply-migrations.ts"],
      ...(libsql ? { fileParallelism: false } : {}),
    },
  });
  const workersFiles = {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "test/flows/**", "test/deploy/**", "**/node_modules/**"],
  };
  const flowsFiles = { include: ["test/flows/**/*.test.ts"] };

  return {
    test: {
      projects: [
        {
          // The pure core needs no runtime: plain Node, fast.
          test: { name: "core", include: ["core/**/*.test.ts", "snippets/**/*.test.ts"], environment: "node" },
        },
        {
          // The deploy check's rules over wrangler.toml, the migrations and the secrets: plain Node.
          test: { name: "deploy", include: ["test/deploy/**/*.test.ts"], environment: "node" },
        },
        // Everything that crosses modules, and the messaging flows, on D1 and again on libSQL.
        databaseProject("workers", workersFiles, { receiver: false, libsql: false }),
        databaseProject("flows", flowsFiles, { receiver: true, libsql: false }),
        databaseProject("workers", workersFiles, { receiver: false, libsql: true }),
        databaseProject("flows", flowsFiles, { receiver: true, libsql: true }),
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
