// The checks `npm run deploy:check` runs on the Worker as `wrangler deploy` would build it. Pure:
// each takes the configuration and the files' contents it needs and returns what it found, so the
// tests can break one thing at a time (scripts/deploy-check.mjs reads the files and builds).

/** The durable object class that holds the people, and the binding the code reaches it by. */
const PROFILES = { binding: "PROFILES", className: "ProfileObject" };
/** The central database's D1 binding (also the fallback when DATABASE_URL is not set). */
const DATABASE_BINDING = "DB";

/** Worker secrets the code reads: set with `wrangler secret put`, never as a [vars] value. */
export const SECRET_NAMES = ["ADMIN_TOKEN", "DECISION_TOKEN_SECRET", "DATABASE_URL", "DATABASE_AUTH_TOKEN"];

/** Cloudflare's limit on a Worker's compressed size: Workers Free, Workers Paid. */
export const BUNDLE_LIMITS = { freeBytes: 3 * 1024 * 1024, paidBytes: 10 * 1024 * 1024 };

/**
 * @typedef {{ name: string, checked: string[], problems: string[], warnings: string[] }} CheckResult
 * @typedef {{
 *   main?: string,
 *   compatibility_flags?: string[],
 *   vars?: Record<string, unknown>,
 *   durable_objects?: { bindings?: Array<{ name: string, class_name: string, script_name?: string }> },
 *   migrations?: Array<{ tag: string, new_classes?: string[], new_sqlite_classes?: string[], renamed_classes?: Array<{ from: string, to: string }>, deleted_classes?: string[] }>,
 *   d1_databases?: Array<{ binding: string, database_name?: string, database_id?: string, migrations_dir?: string }>,
 *   triggers?: { crons?: string[] },
 * }} WorkerConfig
 */

/** @returns {CheckResult} */
function result(name) {
  return { name, checked: [], problems: [], warnings: [] };
}

/** Classes a migration list leaves declared (created, renamed to, not deleted), in order. */
function migratedClasses(migrations) {
  const classes = new Set();
  for (const migration of migrations) {
    for (const created of [...(migration.new_classes ?? []), ...(migration.new_sqlite_classes ?? [])]) classes.add(created);
    for (const { from, to } of migration.renamed_classes ?? []) {
      classes.delete(from);
      classes.add(to);
    }
    for (const deleted of migration.deleted_classes ?? []) classes.delete(deleted);
  }
  return classes;
}

/**
 * The bindings the code uses: the PROFILES durable object with its class and a migration that
 * creates it (SQLite-backed: the objects use SQL storage), the DB D1 binding with its migrations
 * directory, and the cron trigger that sends the messages.
 * @param {WorkerConfig} config
 * @param {{ migrationsDir?: string }} [expected]
 */
export function checkBindings(config, { migrationsDir = "migrations" } = {}) {
  const check = result("bindings");
  const profiles = config.durable_objects?.bindings?.find((binding) => binding.name === PROFILES.binding);
  if (!profiles) check.problems.push(`no durable object binding ${PROFILES.binding} ([[durable_objects.bindings]])`);
  else if (profiles.class_name !== PROFILES.className)
    check.problems.push(`${PROFILES.binding} names class ${profiles.class_name}, the code exports ${PROFILES.className}`);
  else if (profiles.script_name)
    check.problems.push(`${PROFILES.binding} points at another Worker (${profiles.script_name}); the class is this Worker's`);
  else check.checked.push(`durable object ${PROFILES.binding} → ${PROFILES.className}`);

  const migrations = config.migrations ?? [];
  const sqlite = migrations.some((migration) => migration.new_sqlite_classes?.includes(PROFILES.className));
  if (!migratedClasses(migrations).has(PROFILES.className))
    check.problems.push(`no [[migrations]] tag creates ${PROFILES.className} (new_sqlite_classes = ["${PROFILES.className}"])`);
  else if (!sqlite) check.problems.push(`${PROFILES.className} must be created with new_sqlite_classes: the objects use SQL storage`);
  else check.checked.push(`durable object migrations: ${migrations.map((migration) => migration.tag).join(", ")}`);
  const tags = migrations.map((migration) => migration.tag);
  const repeated = tags.filter((tag, index) => tags.indexOf(tag) !== index);
  if (repeated.length > 0) check.problems.push(`durable object migration tag repeated: ${[...new Set(repeated)].join(", ")}`);

  const database = config.d1_databases?.find((binding) => binding.binding === DATABASE_BINDING);
  if (!database) check.problems.push(`no D1 binding ${DATABASE_BINDING} ([[d1_databases]])`);
  else if (!database.migrations_dir)
    check.problems.push(`D1 binding ${DATABASE_BINDING} has no migrations_dir (should be "${migrationsDir}")`);
  else if (database.migrations_dir.replace(/^\.\//, "").replace(/\/$/, "") !== migrationsDir)
    check.problems.push(
      `D1 binding ${DATABASE_BINDING} reads migrations from ${database.migrations_dir}, drizzle-kit writes them to ${migrationsDir}`,
    );
  else {
    check.checked.push(`D1 ${DATABASE_BINDING} (${database.database_name ?? "?"}), migrations_dir ${database.migrations_dir}`);
    if (!database.database_id || /^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(database.database_id))
      check.warnings.push(
        `D1 ${DATABASE_BINDING} has the placeholder database_id: put the id from \`wrangler d1 create\` into wrangler.toml`,
      );
  }

  const crons = config.triggers?.crons ?? [];
  if (crons.length === 0) check.problems.push('no cron trigger ([triggers] crons = ["* * * * *"]): flow messages would never be sent');
  else check.checked.push(`cron ${crons.join(", ")}`);

  if (!(config.compatibility_flags ?? []).includes("nodejs_compat"))
    check.problems.push('compatibility_flags lacks "nodejs_compat" (the Worker imports node:async_hooks)');
  return check;
}

/** Env names a source file reads: `env.NAME`, `c.env.NAME` and `Pick<Env, "NAME" | …>`. */
export function envNamesRead(source) {
  const names = new Set();
  for (const match of source.matchAll(/\benv\??\.([A-Z][A-Z0-9_]*)\b/g)) names.add(match[1]);
  for (const match of source.matchAll(/Pick<\s*Env\s*,([^>]*)>/g))
    for (const quoted of match[1].matchAll(/"([A-Z][A-Z0-9_]*)"/g)) names.add(quoted[1]);
  return names;
}

/** The properties an `interface Env { … }` declaration file declares (the Worker's secrets). */
export function declaredEnvNames(declarations) {
  const body = /interface\s+Env\s*\{([\s\S]*?)\n\s*\}/.exec(declarations)?.[1] ?? "";
  return new Set([...body.matchAll(/^\s*([A-Z][A-Z0-9_]*)\??\s*:/gm)].map((match) => match[1]));
}

/**
 * Every name the code reads from its env is a binding, a [vars] value or a declared secret; every
 * secret is declared (workers/env.d.ts) and documented (README's `wrangler secret put`), and none
 * sits in [vars], where its value would be in the repository and the dashboard in clear.
 * @param {WorkerConfig} config
 * @param {{ sources: Record<string, string>, declarations: string, readme: string, secrets?: string[] }} files
 */
export function checkSecrets(config, { sources, declarations, readme, secrets = SECRET_NAMES }) {
  const check = result("secrets and env names");
  const declared = declaredEnvNames(declarations);
  const vars = new Set(Object.keys(config.vars ?? {}));
  const bindings = new Set([
    ...(config.durable_objects?.bindings ?? []).map((binding) => binding.name),
    ...(config.d1_databases ?? []).map((binding) => binding.binding),
  ]);
  for (const name of secrets) {
    if (!declared.has(name)) check.problems.push(`secret ${name} is not declared in workers/env.d.ts`);
    if (!new RegExp(`secret put ${name}\\b`).test(readme))
      check.problems.push(`secret ${name} is not documented (README: \`wrangler secret put ${name}\`)`);
    if (vars.has(name))
      check.problems.push(`secret ${name} is set in wrangler.toml [vars]: remove it and use \`wrangler secret put ${name}\``);
  }
  const readers = new Map();
  for (const [file, source] of Object.entries(sources))
    for (const name of envNamesRead(source)) readers.set(name, [...(readers.get(name) ?? []), file]);
  for (const [name, files] of [...readers].sort(([a], [b]) => a.localeCompare(b))) {
    if (bindings.has(name) || vars.has(name) || declared.has(name)) continue;
    check.problems.push(`${files[0]} reads env.${name}: neither a binding, a [vars] value nor a secret declared in workers/env.d.ts`);
  }
  check.checked.push(`secrets ${secrets.join(", ")}`, `${readers.size} env names read by ${Object.keys(sources).length} files`);
  return check;
}

/**
 * migrations/*.sql and drizzle-kit's journal agree: a file the journal lacks was not generated
 * from the schema (or its journal entry was lost); an entry without a file cannot be applied.
 * @param {string[]} sqlFiles names in migrations/
 * @param {{ entries?: Array<{ idx: number, tag: string }> }} journal migrations/meta/_journal.json
 */
export function checkMigrations(sqlFiles, journal) {
  const check = result("migrations");
  const entries = journal.entries ?? [];
  const journaled = new Set(entries.map((entry) => `${entry.tag}.sql`));
  const files = new Set(sqlFiles.filter((file) => file.endsWith(".sql")));
  for (const file of [...files].sort())
    if (!journaled.has(file)) check.problems.push(`migrations/${file} is not in migrations/meta/_journal.json`);
  for (const entry of entries)
    if (!files.has(`${entry.tag}.sql`)) check.problems.push(`journal entry ${entry.tag} has no migrations/${entry.tag}.sql`);
  entries.forEach((entry, position) => {
    if (entry.idx !== position) check.problems.push(`journal entry ${entry.tag} has idx ${entry.idx}, expected ${position}`);
  });
  const sorted = entries.map((entry) => entry.tag).sort();
  if (sorted.some((tag, position) => tag !== entries[position]?.tag))
    check.problems.push("journal order differs from the files' name order (wrangler applies them by name)");
  check.checked.push(`${files.size} files, ${entries.length} journal entries`);
  return check;
}

function isHttpsUrl(value) {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

function isPositiveNumber(value) {
  return typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)) && Number(value) > 0;
}

/**
 * The production [vars]: jurisdictions on (EU shops keep their people in the EU), no private
 * webhook addresses, https origins, positive rate settings. An empty PUBLIC_URL deploys but sends
 * no message, so it only warns.
 * @param {WorkerConfig} config
 */
export function checkVars(config) {
  const check = result("production [vars]");
  const vars = config.vars ?? {};
  const problem = (message) => check.problems.push(message);
  if (vars.JURISDICTIONS !== "on")
    problem(`JURISDICTIONS is ${JSON.stringify(vars.JURISDICTIONS)}: production needs "on" (EU shops' people stay in the EU)`);
  if (vars.ALLOW_PRIVATE_WEBHOOKS !== "false")
    problem(
      `ALLOW_PRIVATE_WEBHOOKS is ${JSON.stringify(vars.ALLOW_PRIVATE_WEBHOOKS)}: production needs "false" (webhooks to private addresses)`,
    );
  for (const name of ["PROFILE_BATCH_BURST", "PROFILE_BATCH_RATE", "DISPATCH_MAX_PEOPLE"])
    if (!isPositiveNumber(vars[name])) problem(`${name} is ${JSON.stringify(vars[name])}: a positive number`);
  if (!isHttpsUrl(vars.DNS_RESOLVER_URL))
    problem(`DNS_RESOLVER_URL is ${JSON.stringify(vars.DNS_RESOLVER_URL)}: an https:// DNS-over-HTTPS endpoint`);
  if (vars.PUBLIC_URL === "" || vars.PUBLIC_URL === undefined)
    check.warnings.push("PUBLIC_URL is empty: the cron sends no message until it is the Worker's public https origin");
  else if (!isHttpsUrl(vars.PUBLIC_URL)) problem(`PUBLIC_URL is ${JSON.stringify(vars.PUBLIC_URL)}: the Worker's public https:// origin`);
  check.checked.push(
    Object.entries(vars)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join(" "),
  );
  return check;
}

/**
 * The built Worker: its compressed size under Cloudflare's limit (over the Free plan's warns, over
 * the Paid plan's fails) and the durable object class exported by the main module.
 * @param {{ gzipBytes: number, rawBytes: number, mainSource: string }} build
 */
export function checkBundle({ gzipBytes, rawBytes, mainSource }) {
  const check = result("bundle");
  const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
  if (gzipBytes > BUNDLE_LIMITS.paidBytes)
    check.problems.push(`the Worker is ${kib(gzipBytes)} compressed, over Cloudflare's ${kib(BUNDLE_LIMITS.paidBytes)} limit`);
  else if (gzipBytes > BUNDLE_LIMITS.freeBytes)
    check.warnings.push(
      `the Worker is ${kib(gzipBytes)} compressed: over the Workers Free limit (${kib(BUNDLE_LIMITS.freeBytes)}), within Paid`,
    );
  const exported = [...mainSource.matchAll(/export\s*\{([^}]*)\}/g)].some((match) =>
    match[1].split(",").some(
      (name) =>
        name
          .trim()
          .split(/\s+as\s+/)
          .pop() === PROFILES.className,
    ),
  );
  if (!exported) check.problems.push(`the built Worker does not export ${PROFILES.className}, the class PROFILES binds`);
  check.checked.push(
    `${kib(rawBytes)}, ${kib(gzipBytes)} compressed (limit ${kib(BUNDLE_LIMITS.paidBytes)} Paid, ${kib(BUNDLE_LIMITS.freeBytes)} Free)`,
  );
  return check;
}
