// Global setup of the `browser` project: builds the snippet when it is missing or older than its
// sources, starts `wrangler dev` on a free 127.0.0.1 port with a fresh state directory (migrations
// and the demo shop applied), and a tiny page server on another free 127.0.0.1 port that serves
// the pages of test/browser/pages with the worker's URL filled in. Both URLs reach the tests
// through `inject("workerUrl")` / `inject("pagesUrl")`. Everything is stopped at teardown, also
// when the setup itself fails half-way.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    workerUrl: string;
    pagesUrl: string;
  }
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const PAGES = path.join(HERE, "pages");
const SNIPPET = path.join(ROOT, "snippets", "dist", "nudge.js");
// What the Worker imports to serve GET /nudge.js; written by the build together with nudge.js.
const BUNDLE = path.join(ROOT, "snippets", "dist", "bundle.ts");
const ENTRY = path.join(ROOT, "snippets", "nudge.ts");
const BUILD_SCRIPT = path.join(ROOT, "scripts", "build-snippet.mjs");
const DASHBOARD = path.join(ROOT, "snippets", "dist", "dashboard.ts");
const DASHBOARD_BUILD_SCRIPT = path.join(ROOT, "scripts", "build-dashboard.mjs");

interface DevChild {
  pid?: number;
  output: string;
  exited: Promise<unknown>;
}
interface WranglerLib {
  freePort(): Promise<number>;
  prepareDatabase(options: { persistTo: string }): Promise<void>;
  startDev(options: { port: number; persistTo: string; inspectorPort?: number; quiet?: boolean; vars?: Record<string, string> }): DevChild;
  stopDev(child: DevChild | null): Promise<void>;
  waitForHealthy(url: string, options: { child: DevChild; timeoutMs: number }): Promise<void>;
  offlineEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
}

/** The helpers bench.mjs and start.mjs use (a plain .mjs module, typed here by what we call). */
async function wranglerLib(): Promise<WranglerLib> {
  const url = pathToFileURL(path.join(ROOT, "scripts", "lib", "wrangler.mjs")).href;
  return (await import(url)) as WranglerLib;
}

/** The newest modification time under `dir`, skipping `dist` and `node_modules`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "dist" || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function runBuild(script: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(script)} failed (exit ${code}):\n${output}`))));
  });
}

async function buildSnippetIfNeeded(env: NodeJS.ProcessEnv): Promise<void> {
  const newest = newestSource(path.join(ROOT, "snippets"));
  const stale = !existsSync(SNIPPET) || !existsSync(BUNDLE) || statSync(SNIPPET).mtimeMs < newest;
  // Until the snippet's entry point and build exist there is nothing to build (the tests then fail on their own).
  if (stale && existsSync(BUILD_SCRIPT) && existsSync(ENTRY)) await runBuild(BUILD_SCRIPT, env);
  // The Worker also imports the dashboard's build (GET /dashboard).
  if (!existsSync(DASHBOARD) || statSync(DASHBOARD).mtimeMs < newest) await runBuild(DASHBOARD_BUILD_SCRIPT, env);
}

const MIME: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css" };

/**
 * Serves test/browser/pages. In HTML pages `{{WORKER}}` becomes the worker's URL and `{{SITE}}`
 * the `site` query parameter (default `pk_demo`). `?csp=strict` adds a strict Content-Security-Policy.
 */
function pageServer(workerUrl: string): http.Server {
  return http.createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const name = path.normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, "");
      const file = path.join(PAGES, name || "index.html");
      if (!file.startsWith(PAGES + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
        response.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      const type = MIME[path.extname(file)] ?? "application/octet-stream";
      const headers: Record<string, string> = { "content-type": type, "cache-control": "no-store" };
      let body: string | Buffer = await readFile(file);
      if (type.startsWith("text/html")) {
        const site = url.searchParams.get("site") ?? "pk_demo";
        if (!/^pk_[A-Za-z0-9_-]+$/.test(site)) throw new Error(`bad site ${site}`);
        body = body.toString("utf8").replaceAll("{{WORKER}}", workerUrl).replaceAll("{{SITE}}", site);
        if (url.searchParams.get("csp") === "strict") {
          headers["content-security-policy"] =
            `script-src 'self' ${workerUrl}; style-src 'self'; require-trusted-types-for 'script'; report-uri /csp-report`;
        }
      }
      response.writeHead(200, headers).end(body);
    } catch (error) {
      response.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const lib = await wranglerLib();
  const env = lib.offlineEnv();
  const stateRoot = existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir();
  const persistTo = await mkdtemp(path.join(stateRoot, "nudge-browser-"));
  let dev: DevChild | null = null;
  let server: http.Server | null = null;

  const teardown = async () => {
    const current = dev;
    dev = null;
    await lib.stopDev(current);
    const pages = server;
    server = null;
    if (pages) {
      const closed = new Promise<void>((resolve) => pages.close(() => resolve()));
      pages.closeAllConnections();
      await closed;
    }
    await rm(persistTo, { recursive: true, force: true });
  };

  try {
    await buildSnippetIfNeeded(env);
    await lib.prepareDatabase({ persistTo });
    const port = await lib.freePort();
    const inspectorPort = await lib.freePort();
    const workerUrl = `http://127.0.0.1:${port}`;
    dev = lib.startDev({
      port,
      persistTo,
      inspectorPort,
      quiet: true,
      vars: { ADMIN_TOKEN: "admin_demo", JURISDICTIONS: "off", DECISION_TOKEN_SECRET: "browser_test_decision_secret" },
    });
    await lib.waitForHealthy(`${workerUrl}/healthz`, { child: dev, timeoutMs: 90_000 });

    const pages = pageServer(workerUrl);
    server = pages;
    await new Promise<void>((resolve, reject) => {
      pages.once("error", reject);
      pages.listen(0, "127.0.0.1", () => resolve());
    });
    const address = pages.address();
    if (!address || typeof address === "string") throw new Error("the page server has no port");
    project.provide("workerUrl", workerUrl);
    project.provide("pagesUrl", `http://127.0.0.1:${address.port}`);
  } catch (error) {
    const output = dev?.output;
    await teardown();
    throw output ? new Error(`${(error as Error).message}\nwrangler output:\n${output}`) : error;
  }
  return teardown;
}
