#!/usr/bin/env node
// `npm start`: the local runtime, fully offline.
//  1. applies migrations/ to the central database and seeds the demo shop (scripts/seed.sql,
//     idempotent: data and changed settings survive restarts). The central database is the
//     embedded D1 (.wrangler/state), or with DATABASE_URL set the libSQL server there (with
//     DATABASE_AUTH_TOKEN), which the Worker then uses for every central row;
//  2. starts a webhook receiver on 127.0.0.1:$WEBHOOK_PORT (else a free port) that prints what the
//     Worker sends, and points the demo shop's webhook channel at it;
//  3. builds the browser snippet and the dashboard (snippets/dist, served at /nudge.js and /dashboard);
//  4. starts `wrangler dev` on 127.0.0.1:${PORT:-8787} with the cron trigger at /__scheduled,
//     ALLOW_PRIVATE_WEBHOOKS from the environment ("true" unless set).
// Ctrl-C stops everything.
import http from "node:http";
import { buildDashboard } from "./build-dashboard.mjs";
import { BUDGET_GZIP_BYTES, buildSnippet } from "./build-snippet.mjs";
import { embeddedD1, libsqlDatabase } from "./lib/central-database.mjs";
import { offlineEnv, portInUse, startDev, stopDev, waitForHealthy } from "./lib/wrangler.mjs";

const PORT = Number(process.env.PORT || 8787);
const WEBHOOK_PORT = webhookPortFromEnv();
const ALLOW_PRIVATE_WEBHOOKS = allowPrivateWebhooksFromEnv();
const BASE = `http://127.0.0.1:${PORT}`;
const CENTRAL = centralDatabaseFromEnv();

offlineEnv();

function log(message) {
  console.log(`[start] ${message}`);
}

function fail(message) {
  console.error(`[start] ${message}`);
  process.exit(1);
}

/** WEBHOOK_PORT, or 0: the receiver then takes a free port (a fixed one would clash with a second checkout). */
function webhookPortFromEnv() {
  const value = process.env.WEBHOOK_PORT;
  if (!value) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) fail(`WEBHOOK_PORT must be a TCP port, not ${JSON.stringify(value)}`);
  return port;
}

/** The Worker reads only "true" as true, so any other spelling would silently mean "false": refuse it. */
function allowPrivateWebhooksFromEnv() {
  const value = process.env.ALLOW_PRIVATE_WEBHOOKS || "true";
  if (value !== "true" && value !== "false") fail(`ALLOW_PRIVATE_WEBHOOKS must be "true" or "false", not ${JSON.stringify(value)}`);
  return value;
}

/**
 * Where the central database lives for this run, and how to prepare it and run SQL on it: the
 * embedded D1, or the libSQL server of DATABASE_URL (checked here, naming the setting at fault).
 */
function centralDatabaseFromEnv() {
  if (!(process.env.DATABASE_URL ?? "").trim()) return embeddedD1();
  try {
    return libsqlDatabase({ url: process.env.DATABASE_URL, authToken: process.env.DATABASE_AUTH_TOKEN });
  } catch (error) {
    fail(error.message);
  }
}

const webhookUrl = (port) => `http://127.0.0.1:${port}/webhook`;

/**
 * Points the demo shop's webhook channel at this run's receiver, but only while it still points
 * at a receiver of `npm start` (any port): a URL the user set through PUT /v1/settings is kept.
 */
async function pointDemoWebhookAt(port) {
  const url = webhookUrl(port);
  await CENTRAL.execute(`UPDATE shops SET settings = json_set(settings, '$.channels.webhook.url', '${url}')
    WHERE id = 'shop_demo'
      AND json_extract(settings, '$.channels.webhook.url') GLOB 'http://127.0.0.1:[0-9]*/webhook'
      AND json_extract(settings, '$.channels.webhook.url') <> '${url}'`);
}

function startWebhookReceiver() {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (req.method === "POST") {
        console.log(`[webhook] ${req.method} ${req.url} headers ${JSON.stringify(req.headers)}`);
        console.log(`[webhook] body ${body}`);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ok":true}');
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", (error) => {
      if (WEBHOOK_PORT === 0) return reject(new Error(`webhook receiver not started (${error.code ?? error.message})`));
      log(
        `webhook receiver not started on 127.0.0.1:${WEBHOOK_PORT} (${error.code ?? error.message}); messages go to whatever listens there`,
      );
      resolve(null);
    });
    server.listen(WEBHOOK_PORT, "127.0.0.1", () => resolve(server));
  });
}

function banner(receiverPort) {
  const collect = JSON.stringify({
    site: "pk_demo",
    anonymous_id: "demo-1",
    events: [{ type: "page_view", page: { url: "http://localhost:3000/" } }],
  });
  console.log(`
  Nudge is running at ${BASE}

  demo shop   shop_demo (consent_mode "implied", origins http://localhost:* and http://127.0.0.1:*)
  site key    pk_demo
  secret key  sk_demo       (Authorization: Bearer sk_demo)
  admin token admin_demo    (POST /v1/shops)
  webhooks    ${webhookUrl(receiverPort)}, printed here as [webhook]
              private webhook URLs ${ALLOW_PRIVATE_WEBHOOKS === "true" ? "allowed" : "refused"} (ALLOW_PRIVATE_WEBHOOKS=${ALLOW_PRIVATE_WEBHOOKS})
  cron        curl '${BASE}/__scheduled?cron=*+*+*+*+*'

  try:
    curl -s -X POST ${BASE}/v1/collect -H 'Origin: http://localhost:3000' -H 'content-type: application/json' \\
      -d '${collect}'
    curl -s ${BASE}/v1/profiles/anonymous_id:demo-1 -H 'Authorization: Bearer sk_demo'

  central db  ${CENTRAL.where}

  Ctrl-C stops it; data stays in ${CENTRAL.vars.DATABASE_URL ? "the libSQL server (people's objects in .wrangler/state)" : ".wrangler/state"}.
`);
}

let dev = null;
let webhook = null;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  if (dev) log("stopping…");
  await stopDev(dev);
  await new Promise((resolve) => (webhook ? webhook.close(() => resolve()) : resolve()));
  webhook?.closeAllConnections?.();
  process.exit(code);
}

process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));
process.on("SIGHUP", () => shutdown(0));
// Last resort (e.g. an uncaught error): never leave wrangler/workerd behind.
process.on("exit", () => {
  if (dev && dev.exitCode === null && dev.signalCode === null) {
    try {
      process.kill(process.platform === "win32" ? dev.pid : -dev.pid, "SIGKILL");
    } catch {}
  }
});

try {
  if (await portInUse(PORT)) {
    console.error(`[start] 127.0.0.1:${PORT} is already in use (another \`npm start\`?). Stop it or set PORT.`);
    process.exit(1);
  }
  webhook = await startWebhookReceiver();
  const receiverPort = webhook ? webhook.address().port : WEBHOOK_PORT;
  if (webhook) log(`webhook receiver on ${webhookUrl(receiverPort)}`);
  log(`applying migrations and seeding the demo shop in ${CENTRAL.where}…`);
  await CENTRAL.prepare((line) => log(line));
  await pointDemoWebhookAt(receiverPort);
  const snippet = await buildSnippet();
  log(`built the snippet: ${snippet.line}${snippet.gzipBytes > BUDGET_GZIP_BYTES ? " (over budget)" : ""}`);
  log(`built the dashboard: ${(await buildDashboard()).line}`);
  log(`starting wrangler dev on ${BASE}…`);
  dev = startDev({
    port: PORT,
    vars: {
      ADMIN_TOKEN: "admin_demo",
      ALLOW_PRIVATE_WEBHOOKS,
      JURISDICTIONS: "off",
      DECISION_TOKEN_SECRET: "demo_decision_secret",
      PUBLIC_URL: BASE,
      ...CENTRAL.vars,
    },
  });
  dev.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.error(`[start] wrangler dev stopped (${signal ?? `exit ${code}`})`);
    shutdown(code || 1);
  });
  await waitForHealthy(`${BASE}/healthz`, { child: dev, timeoutMs: 90_000 });
  banner(receiverPort);
} catch (error) {
  console.error(`[start] ${error.message}`);
  await shutdown(1);
}
