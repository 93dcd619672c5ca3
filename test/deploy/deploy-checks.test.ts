import { describe, expect, it } from "vitest";
import {
  checkBindings,
  checkBundle,
  checkMigrations,
  checkSecrets,
  checkVars,
  envNamesRead,
  type WorkerConfig,
} from "../../scripts/lib/deploy-checks.mjs";

/** A configuration like the production wrangler.toml, as wrangler reads it. */
function productionConfig(): WorkerConfig {
  return {
    compatibility_flags: ["nodejs_compat"],
    vars: {
      ALLOW_PRIVATE_WEBHOOKS: "false",
      PROFILE_BATCH_BURST: "100",
      PROFILE_BATCH_RATE: "20",
      JURISDICTIONS: "on",
      PUBLIC_URL: "https://nudge.example.com",
      DNS_RESOLVER_URL: "https://cloudflare-dns.com/dns-query",
      DISPATCH_MAX_PEOPLE: "500",
    },
    durable_objects: { bindings: [{ name: "PROFILES", class_name: "ProfileObject" }] },
    migrations: [{ tag: "v1", new_sqlite_classes: ["ProfileObject"] }],
    d1_databases: [
      { binding: "DB", database_name: "nudge", database_id: "3f1c2b9e-8d7a-4c6b-9e5f-1a2b3c4d5e6f", migrations_dir: "migrations" },
    ],
    triggers: { crons: ["* * * * *"] },
  };
}

const DECLARATIONS = `declare namespace Cloudflare {
  interface Env {
    /** Worker secret */
    ADMIN_TOKEN?: string;
    DECISION_TOKEN_SECRET?: string;
    DATABASE_URL?: string;
    DATABASE_AUTH_TOKEN?: string;
  }
}`;
const README = ["ADMIN_TOKEN", "DECISION_TOKEN_SECRET", "DATABASE_URL", "DATABASE_AUTH_TOKEN"]
  .map((name) => `npx wrangler secret put ${name}`)
  .join("\n");
const SOURCES = {
  "workers/app.ts": "const db = c.env.DB; if (!c.env.ADMIN_TOKEN) throw x; env.PROFILES.get(id);",
  "workers/crypto.ts": 'export function tokenSecret(env: Pick<Env, "DECISION_TOKEN_SECRET" | "JURISDICTIONS">) {}',
};
const JOURNAL = {
  entries: [
    { idx: 0, tag: "0000_init" },
    { idx: 1, tag: "0001_erasures" },
  ],
};

describe("deploy checks: bindings", () => {
  it("passes the production configuration", () => {
    const check = checkBindings(productionConfig());
    expect(check.problems).toEqual([]);
    expect(check.warnings).toEqual([]);
  });

  it("fails when the PROFILES durable object binding is missing", () => {
    const config = { ...productionConfig(), durable_objects: { bindings: [] } };
    expect(checkBindings(config).problems).toEqual(["no durable object binding PROFILES ([[durable_objects.bindings]])"]);
  });

  it("fails when no migration tag creates the ProfileObject class", () => {
    const config = { ...productionConfig(), migrations: [] };
    expect(checkBindings(config).problems).toEqual([
      'no [[migrations]] tag creates ProfileObject (new_sqlite_classes = ["ProfileObject"])',
    ]);
  });

  it("fails when the class is created without SQLite storage", () => {
    const config = { ...productionConfig(), migrations: [{ tag: "v1", new_classes: ["ProfileObject"] }] };
    expect(checkBindings(config).problems).toEqual(["ProfileObject must be created with new_sqlite_classes: the objects use SQL storage"]);
  });

  it("fails when the DB binding is missing or has no migrations directory", () => {
    expect(checkBindings({ ...productionConfig(), d1_databases: [] }).problems).toEqual(["no D1 binding DB ([[d1_databases]])"]);
    const noDir = { ...productionConfig(), d1_databases: [{ binding: "DB", database_name: "nudge", database_id: "x" }] };
    expect(checkBindings(noDir).problems).toEqual(['D1 binding DB has no migrations_dir (should be "migrations")']);
  });

  it("fails without the cron trigger", () => {
    const config = { ...productionConfig(), triggers: { crons: [] } };
    expect(checkBindings(config).problems).toEqual([
      'no cron trigger ([triggers] crons = ["* * * * *"]): flow messages would never be sent',
    ]);
  });

  it("only warns about the placeholder database id", () => {
    const config = productionConfig();
    config.d1_databases = [
      { binding: "DB", database_name: "nudge", database_id: "00000000-0000-0000-0000-000000000000", migrations_dir: "migrations" },
    ];
    const check = checkBindings(config);
    expect(check.problems).toEqual([]);
    expect(check.warnings).toHaveLength(1);
  });
});

describe("deploy checks: secrets", () => {
  it("passes when every secret is declared and documented and every env name is known", () => {
    expect(checkSecrets(productionConfig(), { sources: SOURCES, declarations: DECLARATIONS, readme: README }).problems).toEqual([]);
  });

  it("fails when a secret name is not declared in workers/env.d.ts", () => {
    const declarations = DECLARATIONS.replace("    DATABASE_AUTH_TOKEN?: string;\n", "");
    const check = checkSecrets(productionConfig(), { sources: SOURCES, declarations, readme: README });
    expect(check.problems).toEqual(["secret DATABASE_AUTH_TOKEN is not declared in workers/env.d.ts"]);
  });

  it("fails when a secret is not documented with wrangler secret put", () => {
    const readme = README.replace("npx wrangler secret put DATABASE_URL", "");
    const check = checkSecrets(productionConfig(), { sources: SOURCES, declarations: DECLARATIONS, readme });
    expect(check.problems).toEqual(["secret DATABASE_URL is not documented (README: `wrangler secret put DATABASE_URL`)"]);
  });

  it("fails when a secret is set in plain [vars]", () => {
    const config = productionConfig();
    config.vars = { ...config.vars, DATABASE_AUTH_TOKEN: "eyJ…" };
    const check = checkSecrets(config, { sources: SOURCES, declarations: DECLARATIONS, readme: README });
    expect(check.problems).toEqual([
      "secret DATABASE_AUTH_TOKEN is set in wrangler.toml [vars]: remove it and use `wrangler secret put DATABASE_AUTH_TOKEN`",
    ]);
  });

  it("fails when the code reads an env name that is neither binding, var nor secret", () => {
    const sources = { ...SOURCES, "workers/db/client.ts": "createClient({ url: env.DATABASE_URLL })" };
    const check = checkSecrets(productionConfig(), { sources, declarations: DECLARATIONS, readme: README });
    expect(check.problems).toEqual([
      "workers/db/client.ts reads env.DATABASE_URLL: neither a binding, a [vars] value nor a secret declared in workers/env.d.ts",
    ]);
  });

  it("reads env names from property access, optional access and Pick<Env, …>", () => {
    const names = envNamesRead('c.env.ADMIN_TOKEN; env?.PUBLIC_URL; (env: Pick<Env, "PROFILES" | "JURISDICTIONS">) => 0; envelope.X');
    expect([...names].sort()).toEqual(["ADMIN_TOKEN", "JURISDICTIONS", "PROFILES", "PUBLIC_URL"]);
  });
});

describe("deploy checks: migrations", () => {
  it("passes when the files and the journal agree", () => {
    expect(checkMigrations(["0000_init.sql", "0001_erasures.sql", "meta"], JOURNAL).problems).toEqual([]);
  });

  it("fails on a migration file that is not in the journal", () => {
    const check = checkMigrations(["0000_init.sql", "0001_erasures.sql", "0002_by_hand.sql"], JOURNAL);
    expect(check.problems).toEqual(["migrations/0002_by_hand.sql is not in migrations/meta/_journal.json"]);
  });

  it("fails on a journal entry without its file", () => {
    const check = checkMigrations(["0000_init.sql"], JOURNAL);
    expect(check.problems).toEqual(["journal entry 0001_erasures has no migrations/0001_erasures.sql"]);
  });
});

describe("deploy checks: production vars", () => {
  it("passes the production vars", () => {
    const check = checkVars(productionConfig());
    expect(check.problems).toEqual([]);
    expect(check.warnings).toEqual([]);
  });

  it("fails when jurisdictions are off or private webhooks allowed", () => {
    const config = productionConfig();
    config.vars = { ...config.vars, JURISDICTIONS: "off", ALLOW_PRIVATE_WEBHOOKS: "true" };
    expect(checkVars(config).problems).toEqual([
      'JURISDICTIONS is "off": production needs "on" (EU shops\' people stay in the EU)',
      'ALLOW_PRIVATE_WEBHOOKS is "true": production needs "false" (webhooks to private addresses)',
    ]);
  });

  it("fails on a rate that is not a positive number and a resolver that is not https", () => {
    const config = productionConfig();
    config.vars = { ...config.vars, PROFILE_BATCH_RATE: "fast", DNS_RESOLVER_URL: "http://dns.example/dns-query" };
    expect(checkVars(config).problems).toEqual([
      'PROFILE_BATCH_RATE is "fast": a positive number',
      'DNS_RESOLVER_URL is "http://dns.example/dns-query": an https:// DNS-over-HTTPS endpoint',
    ]);
  });

  it("warns, without failing, when PUBLIC_URL is empty", () => {
    const config = productionConfig();
    config.vars = { ...config.vars, PUBLIC_URL: "" };
    const check = checkVars(config);
    expect(check.problems).toEqual([]);
    expect(check.warnings).toEqual(["PUBLIC_URL is empty: the cron sends no message until it is the Worker's public https origin"]);
  });
});

describe("deploy checks: bundle", () => {
  const exports = "export {\n  ProfileObject,\n  index_default as default\n};";

  it("passes a bundle under the limits that exports the object class", () => {
    expect(checkBundle({ gzipBytes: 400_000, rawBytes: 1_700_000, mainSource: exports }).problems).toEqual([]);
  });

  it("fails a bundle over Cloudflare's 10 MiB compressed limit and warns over the Free plan's 3 MiB", () => {
    expect(checkBundle({ gzipBytes: 11 * 1024 * 1024, rawBytes: 40 * 1024 * 1024, mainSource: exports }).problems).toHaveLength(1);
    const free = checkBundle({ gzipBytes: 4 * 1024 * 1024, rawBytes: 16 * 1024 * 1024, mainSource: exports });
    expect(free.problems).toEqual([]);
    expect(free.warnings).toHaveLength(1);
  });

  it("fails a bundle that does not export ProfileObject", () => {
    const check = checkBundle({ gzipBytes: 400_000, rawBytes: 1_700_000, mainSource: "export {\n  index_default as default\n};" });
    expect(check.problems).toEqual(["the built Worker does not export ProfileObject, the class PROFILES binds"]);
  });
});
