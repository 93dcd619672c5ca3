// The messaging bench for scripts/bench.mjs (scenario `flows`): how fast the cron drains an outbox
// of due flow messages through a shop's webhook, and whether any message is delivered twice.
//
// Each scenario gets a fresh shop (webhook pointed at a Node receiver on 127.0.0.1, the built-in
// `cart_abandonment` flow switched on) and N people whose cart was abandoned 4 h 1 min ago, so
// their reminder email is due now. The set-up is timed apart; what is measured is the drain: cron
// runs at the dispatcher time t, again and again, t starting now and moving on a minute per run,
// so retries with backoff come due without waiting for the clock. The runs go through Miniflare's
// `/cdn-cgi/handler/scheduled?time=<t>` (answers once the handler finished, 500 when it threw):
// wrangler's own `/__scheduled` ignores `time` and always runs at the wall clock. Scenarios: the receiver always answers 200; it answers one
// request in five with 429 (Retry-After: 30) or 500; two dispatchers run at once on every tick.
//
// Env: BENCH_FLOW_MESSAGES (default 10000) people, one message each, per scenario;
//      BENCH_FLOW_SETUP_BATCHES (default 1) event batches in flight during the set-up.
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";

const MESSAGES = positiveInteger("BENCH_FLOW_MESSAGES", 10_000);
/**
 * Events per `POST /v1/events` during the set-up: 250 (125 people), not the server's limit of 1,000.
 * With 1,000-event batches the local runtime answered some with 503, and in a fresh runtime the first
 * cron run after such a set-up hung; with 250 it did not.
 */
const EVENTS_PER_BATCH = 250;
/**
 * Set-up batches in flight (BENCH_FLOW_SETUP_BATCHES, default 1). With several at once into one
 * shop, wrangler dev stalled the later batches ~20 s and the next cron run then hung for minutes.
 */
const BATCHES_IN_FLIGHT = positiveInteger("BENCH_FLOW_SETUP_BATCHES", 1);
const TICK_MS = 60_000;
const MAX_RUNS = 200;
/** Runs without a single request after the last message arrived: nothing is pending any more. */
const CONFIRMING_RUNS = 2;
/** Runs without a single request before the drain gives up on undelivered messages (longer than the backoffs used here). */
const IDLE_RUNS = 20;
const FAULT_EVERY = 5;
/**
 * The product gives a message up after 5 tries; the receiver fails one message at most 3 times, so
 * every message stays deliverable and an undelivered one is the dispatcher's fault, not bad luck.
 */
const MAX_FAULTS_PER_MESSAGE = 3;
const WEBHOOK_SECRET = "bench_webhook_secret";
/** Tries of a request the Worker's reload cut short (wrangler dev reloads when a source file changes). */
const RELOAD_RETRIES = 5;
/** A cron run may take its whole 20 s budget plus the slowest deliveries. */
const CRON_TIMEOUT_MS = 120_000;

const SCENARIOS = [
  { name: "flows-drain", label: "receiver always 200", faults: false, dispatchers: 1 },
  { name: "flows-faults", label: "1 in 5 answered 429/500", faults: true, dispatchers: 1 },
  { name: "flows-two-dispatchers", label: "two cron runs per tick", faults: false, dispatchers: 2 },
];

/**
 * Runs the messaging scenarios against the Worker at `baseUrl` (started with
 * ALLOW_PRIVATE_WEBHOOKS=true and PUBLIC_URL set), prints a table, and returns the figures with
 * `problems`: duplicates or undelivered messages, which fail a strict bench. `only` names
 * scenarios ("flows": all). The local runtime ran out of SQLite memory (SQLITE_NOMEM in the person
 * objects) past ~10,000 people plus the next set-up, so at 10,000 each scenario gets its own run.
 */
/** The scenarios' names, in the order they run. */
export const FLOW_SCENARIO_NAMES = SCENARIOS.map(({ name }) => name);

export async function benchFlows(baseUrl, { adminToken, only = ["flows"] }) {
  console.log(`flows:   ${MESSAGES} due cart reminders per scenario, cron runs advancing ${TICK_MS / 1000} s each`);
  const scenarios = [];
  for (const scenario of SCENARIOS.filter(({ name }) => only.includes("flows") || only.includes(name)))
    scenarios.push(await runScenario(baseUrl, adminToken, scenario));
  console.log("");
  printTable(scenarios);
  const problems = scenarios.flatMap((row) => [
    ...(row.duplicates > 0 ? [`${row.name}: ${row.duplicates} messages delivered more than once`] : []),
    ...(row.undelivered > 0 ? [`${row.name}: ${row.undelivered} messages never delivered`] : []),
    ...(row.cron_errors > 0 ? [`${row.name}: ${row.cron_errors} cron runs threw (see bench-results/wrangler.log)`] : []),
    ...(row.bad_signatures > 0 ? [`${row.name}: ${row.bad_signatures} requests with a wrong Nudge-Signature`] : []),
  ]);
  for (const problem of problems) console.log(`MISS  ${problem}`);
  return { messages_per_scenario: MESSAGES, tick_seconds: TICK_MS / 1000, scenarios, problems };
}

async function runScenario(baseUrl, adminToken, scenario) {
  const receiver = await startReceiver({ faults: scenario.faults });
  try {
    const setup = await setUpShop(baseUrl, adminToken, scenario.name, receiver.url);
    console.log(
      `flows:   ${scenario.name} set-up: ${setup.events} events in ${setup.seconds.toFixed(1)} s (${setup.events_per_second.toFixed(0)} events/s)`,
    );
    const drain = await drainOutbox(baseUrl, receiver, scenario.dispatchers);
    const { stats } = receiver;
    const row = {
      name: scenario.name,
      label: scenario.label,
      messages: MESSAGES,
      delivered: stats.delivered,
      distinct_ids: stats.deliveredIds.size,
      duplicates: [...stats.deliveredIds.values()].filter((count) => count > 1).length,
      undelivered: MESSAGES - stats.deliveredIds.size,
      requests: stats.requests,
      faults_answered: stats.faults,
      bad_signatures: stats.badSignatures,
      ...drain,
      messages_per_second: drain.drain_seconds > 0 ? stats.delivered / drain.drain_seconds : null,
      setup,
    };
    console.log(
      `flows:   ${scenario.name} drain: ${row.distinct_ids}/${MESSAGES} delivered in ${drain.drain_seconds.toFixed(1)} s, ${drain.runs_needed} runs (${fmt(row.messages_per_second, 0)} msg/s)`,
    );
    return row;
  } finally {
    await receiver.close();
  }
}

/** A fresh shop with its webhook on the receiver, `cart_abandonment` on, and MESSAGES people with a due cart. */
async function setUpShop(baseUrl, adminToken, name, webhookUrl) {
  const shop = await call(baseUrl, "POST", "/v1/shops", adminToken, { name: `Bench ${name}`, consent_mode: "implied" }, 201);
  const key = shop.secret_key;
  await call(baseUrl, "PUT", "/v1/settings", key, { channels: { webhook: { url: webhookUrl, secret: WEBHOOK_SECRET } } });
  await call(baseUrl, "PUT", "/v1/flows/cart_abandonment", key, { enabled: true });

  // Abandoned 4 h 1 min ago: the 4-hour reminder became due a minute ago.
  const ts = new Date(Date.now() - 4 * 3_600_000 - 60_000).toISOString();
  const events = Array.from({ length: MESSAGES }, (_, i) => {
    const email = `p${i}@${name}.bench.example`;
    return [
      { id: `s${i}`, type: "subscribe", email, channel: "email", ts },
      { id: `c${i}`, type: "add_to_cart", email, ts, value: 20, currency: "EUR", items: [{ item_id: "mug", price: 20, quantity: 1 }] },
    ];
  }).flat();
  const batches = [];
  for (let start = 0; start < events.length; start += EVENTS_PER_BATCH) batches.push(events.slice(start, start + EVENTS_PER_BATCH));
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      const { stored, duplicates } = await sendBatch(baseUrl, key, batch);
      if (stored + duplicates !== batch.length) throw new Error(`an event batch stored ${stored} of ${batch.length} events`);
    }
  };
  await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { events: events.length, seconds, events_per_second: events.length / seconds };
}

/**
 * One event batch; waits out the shop's rate limit (429 with Retry-After) and a reload of the
 * Worker (503, wrangler dev restarts it when a source file changes), then sends it again: the
 * events carry ids, so what the first try stored comes back as duplicates.
 */
async function sendBatch(baseUrl, key, events) {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${baseUrl}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ events }),
    });
    if ((response.status === 429 || response.status === 503) && attempt < RELOAD_RETRIES) {
      await response.arrayBuffer();
      await sleep(Number(response.headers.get("retry-after") ?? 1) * 1000);
      continue;
    }
    if (!response.ok) throw new Error(`POST /v1/events answered ${response.status}: ${await response.text()}`);
    return await response.json();
  }
}

/**
 * Cron runs, one tick a minute of the dispatcher's clock, until every message arrived and
 * CONFIRMING_RUNS more runs brought no request (or IDLE_RUNS brought none, or MAX_RUNS).
 * The drain's time ends with the run in which the last message arrived.
 */
async function drainOutbox(baseUrl, receiver, dispatchers) {
  const started = performance.now();
  let time = Date.now();
  let runs = 0;
  let quietRuns = 0;
  let runsNeeded = 0;
  let drainSeconds = 0;
  let slowest = 0;
  let cronErrors = 0;
  while (runs < MAX_RUNS) {
    const before = receiver.stats.requests;
    const outcomes = await Promise.all(Array.from({ length: dispatchers }, () => cronRun(baseUrl, time)));
    runs += 1;
    time += TICK_MS;
    slowest = Math.max(slowest, ...outcomes.map((outcome) => outcome.ms));
    cronErrors += outcomes.filter((outcome) => outcome.threw).length;
    if (receiver.stats.requests > before) {
      quietRuns = 0;
      runsNeeded = runs;
      drainSeconds = (performance.now() - started) / 1000;
    } else quietRuns += 1;
    const allArrived = receiver.stats.deliveredIds.size >= MESSAGES;
    if ((allArrived && quietRuns >= CONFIRMING_RUNS) || quietRuns >= IDLE_RUNS) break;
  }
  return {
    runs_needed: runsNeeded,
    runs_made: runs,
    cron_calls: runs * dispatchers,
    cron_errors: cronErrors,
    drain_seconds: drainSeconds,
    slowest_run_ms: slowest,
  };
}

/**
 * One cron run at the dispatcher time `time`; resolves with its wall time in ms and whether the
 * handler threw (500), which the platform would also just follow with the next minute's run. A run
 * cut short by a reload of the Worker (503) is made again: its leases keep its people until they expire.
 */
async function cronRun(baseUrl, time) {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*&time=${time}`, {
      signal: AbortSignal.timeout(CRON_TIMEOUT_MS),
    });
    const text = await response.text();
    if (response.ok || response.status === 500) return { ms: performance.now() - started, threw: !response.ok };
    if (response.status !== 503 || attempt >= RELOAD_RETRIES)
      throw new Error(`the cron run at ${time} answered ${response.status}: ${text}`);
    console.log(`flows:   the cron run at ${time} was cut short by a reload of the Worker; running it again`);
    await sleep(1000);
  }
}

/**
 * The shop's webhook: records every POST (message id, status answered) and checks its signature.
 * With `faults`, every fifth request is answered 429 (Retry-After: 30) or 500, alternately.
 */
function startReceiver({ faults }) {
  const stats = { requests: 0, delivered: 0, faults: 0, badSignatures: 0, deliveredIds: new Map(), faultsById: new Map() };
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      stats.requests += 1;
      if (!validSignature(request.headers["nudge-signature"], body)) stats.badSignatures += 1;
      const id = messageId(body);
      const faulted = stats.faultsById.get(id) ?? 0;
      if (faults && stats.requests % FAULT_EVERY === 0 && faulted < MAX_FAULTS_PER_MESSAGE) {
        stats.faultsById.set(id, faulted + 1);
        const tooMany = stats.faults++ % 2 === 0;
        response.writeHead(tooMany ? 429 : 500, tooMany ? { "retry-after": "30" } : {}).end();
        return;
      }
      stats.delivered += 1;
      stats.deliveredIds.set(id, (stats.deliveredIds.get(id) ?? 0) + 1);
      response.writeHead(200).end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/hook`,
        stats,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function messageId(body) {
  try {
    const id = JSON.parse(body).id;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}

/** `Nudge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed with the webhook secret. */
function validSignature(header, body) {
  const match = typeof header === "string" ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
  if (!match) return false;
  const expected = createHmac("sha256", WEBHOOK_SECRET).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], "hex"));
}

async function call(baseUrl, method, urlPath, key, body, expected = 200) {
  const response = await fetch(baseUrl + urlPath, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${urlPath} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

export function printTable(rows) {
  const header = [
    "scenario",
    "delivered",
    "distinct",
    "dupes",
    "undeliv.",
    "requests",
    "runs",
    "cron errors",
    "drain s",
    "msg/s",
    "slowest run ms",
  ];
  const lines = rows.map((row) => [
    `${row.name} (${row.label})`,
    String(row.delivered),
    String(row.distinct_ids),
    String(row.duplicates),
    String(row.undelivered),
    String(row.requests),
    String(row.runs_needed),
    String(row.cron_errors),
    fmt(row.drain_seconds, 1),
    fmt(row.messages_per_second, 0),
    fmt(row.slowest_run_ms, 0),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i].length)));
  const render = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  console.log(render(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of lines) console.log(render(line));
}

const fmt = (value, digits) => (value === null || Number.isNaN(value) ? "-" : value.toFixed(digits));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function positiveInteger(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}
