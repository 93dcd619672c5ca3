// Helpers shared by scripts/start.mjs and scripts/bench.mjs: run the project's own wrangler
// (node_modules, never a global one) fully offline, prepare a local D1 database, start and stop
// `wrangler dev`, wait for it to answer.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Env vars that keep wrangler off the network (telemetry, request-metadata lookup, banner/update check). */
export const OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
};

/** The environment for every child process. Set on process.env too, so nothing we spawn misses it. */
export function offlineEnv(extra = {}) {
  Object.assign(process.env, OFFLINE_ENV);
  return { ...process.env, ...OFFLINE_ENV, ...extra };
}

// Resolve wrangler's JS entry point and run it with this Node binary: works on any OS, no shell.
const require = createRequire(import.meta.url);
const WRANGLER_JS = path.join(path.dirname(require.resolve("wrangler/package.json", { paths: [ROOT] })), "bin", "wrangler.js");

/**
 * Runs a short wrangler command to completion, stdin closed (so it can never wait for a prompt),
 * output captured. Resolves with the output; rejects with it on a non-zero exit.
 */
export function runWrangler(args, { env = {}, quiet = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER_JS, ...args], {
      cwd: ROOT,
      // CI=true: `d1 migrations apply` takes its non-interactive default ("yes") instead of asking.
      env: offlineEnv({ CI: "true", ...env }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (!quiet) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
      if (!quiet) process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`wrangler ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${output}`));
    });
  });
}

/**
 * `-c <config>` and `--persist-to <dir>` for a wrangler command. The directory is made absolute:
 * with a config outside the root, wrangler would otherwise read a relative one from elsewhere.
 */
function configArgs({ config, persistTo }) {
  return [...(config ? ["-c", config] : []), ...(persistTo ? ["--persist-to", path.resolve(ROOT, persistTo)] : [])];
}

/**
 * Applies migrations/ and scripts/seed.sql to the local D1 database (both idempotent). `config`:
 * another wrangler configuration than wrangler.toml (the bench's), with the same D1 database.
 */
export async function prepareDatabase({ persistTo, config } = {}) {
  const options = configArgs({ config, persistTo });
  await runWrangler(["d1", "migrations", "apply", "nudge", "--local", ...options]);
  await runWrangler(["d1", "execute", "nudge", "--local", ...options, "--file", path.join("scripts", "seed.sql")]);
}

/** Runs SQL statements against the local D1 database. */
export async function executeSql(sql, { persistTo, config } = {}) {
  await runWrangler(["d1", "execute", "nudge", "--local", ...configArgs({ config, persistTo }), "--command", sql]);
}

/**
 * Starts `wrangler dev` on 127.0.0.1 (with `config`, another configuration than wrangler.toml,
 * e.g. the bench's). Returns the child process; its output goes to ours (or is captured into
 * `child.output` with `quiet`).
 */
export function startDev({ port, persistTo, config, vars = {}, logLevel = "warn", testScheduled = true, inspectorPort, quiet = false }) {
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--log-level", logLevel, "--show-interactive-dev-session=false"];
  if (testScheduled) args.push("--test-scheduled");
  args.push(...configArgs({ config, persistTo }));
  if (inspectorPort) args.push("--inspector-port", String(inspectorPort));
  for (const [name, value] of Object.entries(vars)) args.push("--var", `${name}:${value}`);
  const child = spawn(process.execPath, [WRANGLER_JS, ...args], {
    cwd: ROOT,
    env: offlineEnv(),
    // Its own process group, so stopDev() can end wrangler together with its workerd children.
    detached: process.platform !== "win32",
    stdio: ["ignore", quiet ? "pipe" : "inherit", quiet ? "pipe" : "inherit"],
  });
  child.output = "";
  if (quiet) {
    const keep = (chunk) => {
      child.output = (child.output + chunk).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
  }
  child.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return child;
}

/** Stops a `wrangler dev` child: SIGTERM to its group, SIGKILL after a grace period. */
export async function stopDev(child, graceMs = 5_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal) => {
    try {
      if (process.platform !== "win32") process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // already gone
    }
  };
  signalGroup("SIGTERM");
  const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(timer);
  // workerd children may outlive wrangler for a moment; make sure the group is gone.
  signalGroup("SIGKILL");
}

/** Polls `url` until it answers 2xx; fails early if `child` exits first. */
export async function waitForHealthy(url, { child, timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child?.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`wrangler dev exited before ${url} answered${child?.output ? `:\n${child.output}` : ""}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s${child?.output ? `:\n${child.output}` : ""}`);
}

/** A TCP port on 127.0.0.1 that is free right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** True when something already listens on 127.0.0.1:port. */
export function portInUse(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(true));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
  });
}
