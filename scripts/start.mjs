#!/usr/bin/env node
// `npm start`: the local runtime of SPEC §8, fully offline.
//  1. applies migrations/ to the embedded D1 database (.wrangler/state) and seeds the demo shop
//     (scripts/seed.sql, idempotent: data and changed settings survive restarts);
//  2. starts a webhook receiver on 127.0.0.1:8788 that prints what the Worker sends;
//  3. starts `wrangler dev` on 127.0.0.1:${PORT:-8787} with the cron trigger at /__scheduled.
// Ctrl-C stops everything.
import http from "node:http";
import { offlineEnv, portInUse, prepareDatabase, startDev, stopDev, waitForHealthy } from "./lib/wrangler.mjs";

const PORT = Number(process.env.PORT || 8787);
const WEBHOOK_PORT = 8788; // scripts/seed.sql points the demo shop's webhook channel here
const BASE = `http://127.0.0.1:${PORT}`;

offlineEnv();

function log(message) {
  console.log(`[start] ${message}`);
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
  return new Promise((resolve) => {
    server.once("error", (error) => {
      log(`webhook receiver not started on 127.0.0.1:${WEBHOOK_PORT} (${error.code ?? error.message}); messages go to whatever listens there`);
      resolve(null);
    });
    server.listen(WEBHOOK_PORT, "127.0.0.1", () => resolve(server));
  });
}

function banner() {
  const collect = JSON.stringify({ site: "pk_demo", anonymous_id: "demo-1", events: [{ type: "page_view", page: { url: "http://localhost:3000/" } }] });
  console.log(`
  Nudge is running at ${BASE}

  demo shop   shop_demo (consent_mode "implied", origins http://localhost:* and http://127.0.0.1:*)
  site key    pk_demo
  secret key  sk_demo       (Authorization: Bearer sk_demo)
  admin token admin_demo    (POST /v1/shops)
  webhooks    http://127.0.0.1:${WEBHOOK_PORT}/webhook, printed here as [webhook]
  cron        curl '${BASE}/__scheduled?cron=*+*+*+*+*'

  try:
    curl -s -X POST ${BASE}/v1/collect -H 'Origin: http://localhost:3000' -H 'content-type: application/json' \\
      -d '${collect}'
    curl -s ${BASE}/v1/profiles/anonymous_id:demo-1 -H 'Authorization: Bearer sk_demo'

  Ctrl-C stops it; data stays in .wrangler/state.
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
  log("applying migrations and seeding the demo shop (.wrangler/state)…");
  await prepareDatabase();
  webhook = await startWebhookReceiver();
  log(`starting wrangler dev on ${BASE}…`);
  dev = startDev({ port: PORT, vars: { ADMIN_TOKEN: "admin_demo", ALLOW_PRIVATE_WEBHOOKS: "true", JURISDICTIONS: "off", DECISION_TOKEN_SECRET: "demo_decision_secret" } });
  dev.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.error(`[start] wrangler dev stopped (${signal ?? `exit ${code}`})`);
    shutdown(code || 1);
  });
  await waitForHealthy(`${BASE}/healthz`, { child: dev, timeoutMs: 90_000 });
  banner();
} catch (error) {
  console.error(`[start] ${error.message}`);
  await shutdown(1);
}
