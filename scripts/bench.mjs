#!/usr/bin/env node
// `npm run bench`: load test of the Worker under `wrangler dev`, on 127.0.0.1 only.
//
// Starts its own `wrangler dev` (free port, state in /dev/shm/nudge-bench or .wrangler/bench, wiped first unless
// BENCH_KEEP_STATE=1) with the bench-only Worker (scripts/bench-worker/wrangler.bench.toml: Nudge's
// Worker plus `POST /__bench/bare`), applies migrations and the demo seed there, warms up, then runs each
// scenario of SCENARIOS one after the other for a bounded time. The machine is shared with the
// runtime under test, so what counts are the ratios against the /healthz baseline of the same
// run, never absolute figures across runs. The local runtime slows as it holds more live objects,
// so /healthz is measured right before each scenario and each ratio uses that adjacent baseline.
// Every object-bound scenario has a second baseline measured right after that /healthz: `bare`, a
// bare object write (parse the body, one RPC, one SQLite insert), the floor of what a request that
// calls a person's object can cost here (the `vs bare` column).
//
// Env: BENCH_SECONDS (default 10) per scenario, BENCH_CONNECTIONS (default 50),
//      BENCH_WARMUP_SECONDS (default 2) per scenario, BENCH_ONLY=name,name (baseline always runs),
//      BENCH_KEEP_STATE=1, BENCH_STRICT=1 (exit 1 when a target is missed),
//      BENCH_SNIPPET_LOADS (default 20), BENCH_ALTERNATIONS (default 3) extra rounds of an `alternateWith`
//      pair. BENCH_ONLY=snippet runs only the browser measurement. BENCH_PROFILE=1 also records a V8 CPU
//      profile of each measured run and prints where a request's CPU time goes (scripts/lib/cpu-profile.mjs).
// `--db libsql` (`npm run bench -- --db libsql`): every chosen scenario first on D1, then again on a
//      local libSQL server (sqld, migrated and seeded the same way), and a side-by-side table
//      (scripts/lib/database-comparison.mjs); BENCH_ONLY defaults to collect, decide, identify-merge, flows-drain.
// `snippet` (scripts/lib/browser-bench.mjs): Chromium loads a page with the tag, each load a first
// visit, and reports the time from navigation start to the first decision rendered and the page's FCP.
// Builds the snippet first and prints its size (bytes and gzip).
// `flows` (scripts/lib/flows-bench.mjs, runs last): cron drains of due flow messages through a local
// webhook receiver, BENCH_FLOW_MESSAGES (default 10000) per scenario; BENCH_ONLY=flows runs only it,
// BENCH_ONLY=flows-faults (or another of its scenarios) only that one.
// `collect-results` (scripts/lib/results-bench.mjs): collects that each report a fresh decision's
// verified nudge_impression (some also its click), chained per visitor, then the campaign report's
// impressions and clicks against those sent; `collect-banner` is the same batch without the
// impression. Every scenario's D1 statements per request come from the Worker's
// `Server-Timing: db;desc="N queries"` (the D1/req column).
// `decide-500`, `collect-decide-500` (scripts/lib/shop-scale-bench.mjs): a shop of their own with
// 500 campaigns; the pure core's interpreted and compiled paths at 100 and 500 campaigns are printed
// side by side after the table.
// `collect-history` and `collect-new` (scripts/lib/history-bench.mjs): collect for people with 5,000 events
// of history (seeded in the set-up) against collect for as many new people, measured right before it.
// Output: a table on stdout, bench-results/latest.json, wrangler's output in bench-results/wrangler.log.
//
// Adding a scenario: append an object to SCENARIOS in scripts/lib/load-scenarios.mjs ({name, route, request(n, run), pool?, setUp(baseUrl)?,
// prepare(baseUrl)?, sent(n)?, response(n, status, body)?, after(baseUrl, row)?, objectBound?, runsWith?}):
// `objectBound: false` skips its bare baseline; `runsWith: name` runs it whenever BENCH_ONLY names `name`;
// `alternateWith: name or [names]` measures them and the scenario again in BENCH_ALTERNATIONS alternating rounds after the
// table's runs (row.alternating: each round's req/s, the sums and the ratio to the first, the like-with-like figure); `setUp` runs before
// the first request of any scenario (what `request` needs to be built, e.g. a shop's keys), `prepare`
// right before the scenario's own baseline; `sent` is told each request number
// written, `response` gets its answer, `after` runs once the scenario was measured and may add
// figures to its row;
// adding a target: append to TARGETS there. `request` returns {method, path, headers?, body?} for the
// n-th request of the scenario (n counts up across warm-up and measurement, so ids stay unique).
// `pool` is the number of distinct people the scenario rotates over (n % pool): the warm-up sends
// one request per person first, so that creating the people's Durable Objects (a first touch
// costs several times a warm request) is not what gets measured.
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { buildSnippet } from "./build-snippet.mjs";
import { benchSnippet } from "./lib/browser-bench.mjs";
import { embeddedD1, localLibsql } from "./lib/central-database.mjs";
import { connectProfiler, cpuBreakdown, printCpu } from "./lib/cpu-profile.mjs";
import { DATABASE_COMPARISON_SCENARIOS, printDatabaseComparison } from "./lib/database-comparison.mjs";
import { benchFlows, FLOW_SCENARIO_NAMES, printTable as printFlowsTable } from "./lib/flows-bench.mjs";
import { printFloor } from "./lib/floor-bench.mjs";
import { compareHistory, printHistory } from "./lib/history-bench.mjs";
import { ADMIN_TOKEN, CUSTOMERS, SCENARIOS, TARGETS, VISITORS } from "./lib/load-scenarios.mjs";
import { printResultsCounting } from "./lib/results-bench.mjs";
import { benchCore, printCore } from "./lib/shop-scale-bench.mjs";
import { freePort, offlineEnv, ROOT, startDev, stopDev, waitForHealthy } from "./lib/wrangler.mjs";

const SECONDS = positive("BENCH_SECONDS", 10);
const CONNECTIONS = positive("BENCH_CONNECTIONS", 50);
const WARMUP_SECONDS = positive("BENCH_WARMUP_SECONDS", 2, { allowZero: true });
const SNIPPET_LOADS = positive("BENCH_SNIPPET_LOADS", 20);
const ALTERNATIONS = positive("BENCH_ALTERNATIONS", 3, { allowZero: true });
const PROFILE = process.env.BENCH_PROFILE === "1";
// On a RAM disk where there is one: local object storage is one SQLite file per person, and this
// VM's disk flushes made the figures swing by 2x between runs. The platform's storage is not a
// local disk either, so the bench measures the Worker and the objects, not the disk.
const RAM_DISK = "/dev/shm";
const PERSIST_TO =
  process.env.BENCH_PERSIST_TO ?? (existsSync(RAM_DISK) ? path.join(RAM_DISK, "nudge-bench") : path.join(".wrangler", "bench"));
const RESULTS_DIR = path.join(ROOT, "bench-results");
/** The bench-only Worker: Nudge's Worker and bindings, plus the bare object write. */
const BENCH_CONFIG = path.join("scripts", "bench-worker", "wrangler.bench.toml");

function positive(name, fallback, { allowZero = false } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    throw new Error(`${name} must be a ${allowZero ? "non-negative" : "positive"} number, got ${raw}`);
  return value;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0]?.model?.trim() ?? "unknown",
    cpu_count: cpus.length,
    total_memory_gib: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    load_average: os.loadavg().map((value) => Number(value.toFixed(2))),
  };
}

/** The central-database statements a request cost, from the Worker's `Server-Timing: db;desc="N queries"`. */
function dbQueries(headers) {
  const timing = [headers?.["server-timing"] ?? headers?.["Server-Timing"] ?? []].flat().join(", ");
  const match = /db;desc="(\d+) queries"/.exec(timing);
  return match ? Number(match[1]) : null;
}

/** One autocannon run of a scenario, for `seconds` or for `amount` requests; `result.db_queries` tallies Server-Timing. */
async function load(scenario, baseUrl, run, { seconds, amount }) {
  const first = scenario.request(run.counters[scenario.name]++, run);
  const db = { responses: 0, queries: 0, max: 0 };
  const result = await autocannon({
    url: baseUrl,
    connections: Math.min(scenario.connections ?? CONNECTIONS, amount ?? Infinity),
    ...(amount ? { amount } : { duration: seconds }),
    timeout: 10,
    requests: [
      {
        ...first,
        // Each request is built right before it is written; the context carries its number to its answer.
        setupRequest: (request, context) => {
          const n = run.counters[scenario.name]++;
          context.n = n;
          const built = { ...request, ...scenario.request(n, run) };
          scenario.sent?.(n);
          return built;
        },
        onResponse: (status, body, context, headers) => {
          const queries = dbQueries(headers);
          if (queries !== null) {
            db.responses += 1;
            db.queries += queries;
            db.max = Math.max(db.max, queries);
          }
          scenario.response?.(context.n, status, body);
        },
      },
    ],
  });
  await settle(baseUrl);
  return { ...result, db_queries: db };
}

/** autocannon stops without waiting for the server's backlog: let it drain before the next run. */
async function settle(baseUrl) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(30_000) }).then((response) => response.arrayBuffer());
}

/**
 * Before a scenario is measured: one request per person of its pool (creates their objects on
 * the first pass, wakes evicted ones later), then WARMUP_SECONDS of load.
 */
async function warmUp(scenario, baseUrl, run) {
  process.stdout.write(`warm-up: ${scenario.route}`);
  if (scenario.pool) {
    const started = Date.now();
    await load(scenario, baseUrl, run, { amount: scenario.pool });
    const seconds = (Date.now() - started) / 1000;
    run.firstTouches[scenario.name] ??= {
      requests: scenario.pool,
      seconds: Number(seconds.toFixed(2)),
      requests_per_second: Number((scenario.pool / seconds).toFixed(1)),
    };
    process.stdout.write(` (${scenario.pool} people in ${seconds.toFixed(1)} s)`);
  }
  if (WARMUP_SECONDS > 0) await load(scenario, baseUrl, run, { seconds: WARMUP_SECONDS });
  process.stdout.write("\n");
}

/** One request of each scenario before the load, so a broken route fails loudly instead of being measured. */
async function smokeCheck(scenario, baseUrl, run) {
  const n = run.counters[scenario.name]++;
  const { method, path: urlPath, headers, body } = scenario.request(n, run);
  scenario.sent?.(n);
  const response = await fetch(baseUrl + urlPath, { method, headers, body });
  const text = await response.text();
  scenario.response?.(n, response.status, text);
  if (!response.ok) throw new Error(`${scenario.route} answered ${response.status} before the load: ${text.slice(0, 500)}`);
}

function summarize(scenario, result) {
  const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count]));
  return {
    name: scenario.name,
    route: scenario.route,
    connections: scenario.connections ?? CONNECTIONS,
    requests_per_second: result.requests.mean,
    total_requests: result.requests.total,
    latency_ms: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      mean: result.latency.average,
      max: result.latency.max,
    },
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    status_codes: codes,
    duration_s: result.duration,
    // Statements prepared against D1 before the answer; writes in `waitUntil` after it are not in the header.
    db_queries_per_request: result.db_queries.responses > 0 ? result.db_queries.queries / result.db_queries.responses : null,
    db_queries_max: result.db_queries.responses > 0 ? result.db_queries.max : null,
  };
}

function compare(actual, op, expected) {
  return op === ">=" ? actual >= expected : op === "<=" ? actual <= expected : op === ">" ? actual > expected : actual < expected;
}

const fmt = (value, digits = 1) => (value === null || value === undefined || Number.isNaN(value) ? "-" : value.toFixed(digits));

function printTable(rows) {
  const header = ["route", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors", "thr. ratio", "p99 ratio", "vs bare", "D1/req"];
  // Ratios are against the /healthz run measured right before the scenario; `vs bare` against the bare write right after it.
  const lines = rows.map((row) => [
    row.route,
    fmt(row.requests_per_second, 0),
    fmt(row.latency_ms.p50, 0),
    fmt(row.latency_ms.p99, 0),
    String(row.non_2xx),
    String(row.errors + row.timeouts),
    `${fmt(row.throughput_ratio, 2)}x`,
    `${fmt(row.p99_ratio, 2)}x`,
    row.vs_bare === undefined ? "" : `${fmt(row.vs_bare, 2)}x`,
    fmt(row.db_queries_per_request, 2),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i].length)));
  const render = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  console.log(render(header));
  console.log(widths.map((width) => "-".repeat(width)).join("  "));
  for (const line of lines) console.log(render(line));
  for (const row of rows) {
    const odd = Object.entries(row.status_codes).filter(([code]) => !code.startsWith("2"));
    if (odd.length) console.log(`  ${row.route}: status codes ${odd.map(([code, count]) => `${code}×${count}`).join(", ")}`);
  }
}

/** The bare object write measured right after `base` (the scenario's /healthz), with its ratio to it. */
async function measureBare(bare, base, scenario, baseUrl, run, measure) {
  await warmUp(bare, baseUrl, run);
  const row = await measure(bare, `${bare.route} (before ${scenario.name})`);
  row.throughput_ratio = base.requests_per_second > 0 ? row.requests_per_second / base.requests_per_second : null;
  row.p99_ratio = base.latency_ms.p99 > 0 ? row.latency_ms.p99 / base.latency_ms.p99 : null;
  return row;
}

/**
 * A scenario measured again in turns with others (each of `others`, then the scenario) for
 * ALTERNATIONS rounds, each warmed right before: a slow moment of the shared machine then hits
 * all of them, where one run each would put it on one side. Sets row.alternating on the
 * scenario's row: the rounds (the table's runs first), the summed req/s of each, and `ratio`, the
 * scenario's sum over the first other's.
 */
async function alternate(scenario, others, rows, warm, measure) {
  const row = rows.find((r) => r.name === scenario.name);
  const otherRows = others.map((other) => rows.find((r) => r.name === other.name));
  if (!row || otherRows.some((otherRow) => !otherRow)) return;
  const rounds = [Object.fromEntries([...otherRows, row].map((r) => [r.name, r.requests_per_second]))];
  for (let i = 0; i < ALTERNATIONS; i++) {
    const label = `(round ${i + 2} of ${ALTERNATIONS + 1})`;
    const round = {};
    for (const each of [...others, scenario]) {
      await warm(each);
      round[each.name] = (await measure(each, `${each.route} ${label}`)).requests_per_second;
    }
    rounds.push(round);
  }
  const sums = Object.fromEntries([...others, scenario].map(({ name }) => [name, rounds.reduce((total, round) => total + round[name], 0)]));
  const first = others[0].name;
  row.alternating = {
    with: others.map(({ name }) => name),
    rounds,
    sums,
    ratio: sums[first] > 0 ? sums[scenario.name] / sums[first] : null,
  };
  // Against the bare write, the alternating figure is the like-with-like one the targets read.
  if (first === "bare") row.vs_bare_alternating = row.alternating.ratio;
}

/** The bare write's ratios to /healthz over the run: what the architecture allows an object-bound request. */
function bareSpread(rows) {
  const ratios = rows.filter((row) => row.name === "bare" && row.throughput_ratio !== null).map((row) => row.throughput_ratio);
  return ratios.length ? { min: Math.min(...ratios), max: Math.max(...ratios), runs: ratios.length } : null;
}

/** The autocannon scenarios, each after a /healthz baseline of its own (and a bare write when object-bound); fills `rows`. */
async function loadScenarios(scenarios, baseline, baseUrl, run, rows) {
  for (const scenario of scenarios) {
    await scenario.setUp?.(baseUrl);
    await smokeCheck(scenario, baseUrl, run);
  }
  // The local runtime slows down as it holds more live objects, so a baseline measured once
  // would flatter early scenarios and wrong later ones. Each scenario is compared with a
  // /healthz run measured right before it (before its warm-up), on nearly the same machine state.
  // Each scenario is warmed right before it is measured: idle Durable Objects are evicted
  // after some seconds, so people warmed long before would be measured cold again.
  const measure = async (scenario, label) => {
    process.stdout.write(`measure: ${label} … `);
    const load_average_before = os.loadavg().map((value) => Number(value.toFixed(2)));
    await run.profiler?.start();
    const row = { ...summarize(scenario, await load(scenario, baseUrl, run, { seconds: SECONDS })), route: label, load_average_before };
    if (run.profiler) row.cpu = cpuBreakdown(await run.profiler.stop());
    console.log(`${fmt(row.requests_per_second, 0)} req/s, p99 ${fmt(row.latency_ms.p99, 0)} ms`);
    return row;
  };
  const bare = scenarios.find((scenario) => scenario.bareBaseline);
  await warmUp(baseline, baseUrl, run);
  for (const scenario of scenarios) {
    if (scenario === baseline || scenario === bare) continue;
    // A scenario's own set-up (creating people) comes first: the baseline then runs with the
    // same objects in the runtime as the scenario does.
    if (scenario.prepare) await scenario.prepare(baseUrl);
    const base = await measure(baseline, `${baseline.route} (before ${scenario.name})`);
    const bareRow = bare && scenario.objectBound !== false ? await measureBare(bare, base, scenario, baseUrl, run, measure) : null;
    await warmUp(scenario, baseUrl, run);
    const row = await measure(scenario, scenario.route);
    row.baseline = { requests_per_second: base.requests_per_second, p99_ms: base.latency_ms.p99 };
    row.throughput_ratio = base.requests_per_second > 0 ? row.requests_per_second / base.requests_per_second : null;
    row.p99_ratio = base.latency_ms.p99 > 0 ? row.latency_ms.p99 / base.latency_ms.p99 : null;
    if (bareRow) {
      row.bare = { requests_per_second: bareRow.requests_per_second, p99_ms: bareRow.latency_ms.p99 };
      row.vs_bare = bareRow.requests_per_second > 0 ? row.requests_per_second / bareRow.requests_per_second : null;
    }
    base.throughput_ratio = 1;
    base.p99_ratio = 1;
    if (scenario.after) await scenario.after(baseUrl, row);
    rows.push(...[base, bareRow, row].filter(Boolean));
  }
  for (const scenario of scenarios.filter((s) => s.alternateWith)) {
    const others = [scenario.alternateWith].flat().map((name) => scenarios.find((s) => s.name === name));
    if (others.every(Boolean)) await alternate(scenario, others, rows, (s) => warmUp(s, baseUrl, run), measure);
  }
  const history = compareHistory(rows);
  const unmerged = rows.find((row) => row.name === "collect");
  for (const row of rows.filter((r) => r.name === "collect-merged")) {
    row.vs_unmerged = unmerged?.throughput_ratio ? row.throughput_ratio / unmerged.throughput_ratio : null;
  }
  const control = rows.find((row) => row.name === "collect-banner");
  for (const row of rows.filter((r) => r.name === "collect-results")) {
    row.vs_collect = unmerged?.throughput_ratio ? row.throughput_ratio / unmerged.throughput_ratio : null;
    row.vs_control = control?.throughput_ratio ? row.throughput_ratio / control.throughput_ratio : null;
  }
  const baseRows = rows.filter((row) => row.name === baseline.name);
  const [firstBase] = baseRows;
  const lastBase = baseRows[baseRows.length - 1];
  const drift =
    firstBase && lastBase && firstBase.requests_per_second > 0 ? lastBase.requests_per_second / firstBase.requests_per_second - 1 : null;

  const targets = TARGETS.filter((target) => rows.some((row) => row.name === target.scenario)).map((target) => {
    const actual = rows.find((row) => row.name === target.scenario)[target.metric];
    return { ...target, actual, pass: actual !== null && compare(actual, target.op, target.value) };
  });

  console.log("");
  printTable(rows);
  console.log("");
  printCpu(rows, fmt);
  console.log(
    `baseline: /healthz measured right before each scenario; it moved ${fmt(drift === null ? null : drift * 100, 0)}% from the first to the last`,
  );
  const noisy = drift !== null && Math.abs(drift) > 0.25;
  if (noisy) console.log("note: the runtime (or the machine) slowed during the run; each ratio uses the baseline next to it");
  const spread = bareSpread(rows);
  if (spread)
    console.log(
      `bare object write: ${fmt(spread.min, 2)}–${fmt(spread.max, 2)}x of /healthz over ${spread.runs} runs, measured right after each /healthz; "vs bare" compares with the one next to the scenario`,
    );
  printFloor(rows, fmt);
  if (history)
    printHistory(
      history,
      rows.find((row) => row.name === "collect-new"),
      fmt,
    );
  console.log("");
  for (const target of targets) console.log(`${target.pass ? "PASS" : "MISS"}  ${target.label} (${fmt(target.actual, 2)}x)`);
  const decide = rows.find((row) => row.name === "decide");
  const decide500 = rows.find((row) => row.name === "decide-500");
  if (decide?.throughput_ratio && decide500?.throughput_ratio)
    console.log(`decide with 500 campaigns: ${fmt(decide500.throughput_ratio / decide.throughput_ratio, 2)}x the ratio of decide with 20`);
  // The pure core (vitest bench): interpreted and compiled side by side, and the compiled core's target.
  const core = await benchCore(ROOT);
  if (core) targets.push(printCore(core));
  else console.log("pure core: vitest bench printed no figures");
  const counting = rows.find((row) => row.name === "collect-results");
  if (counting) {
    const perRequest = ["collect", "collect-banner", "collect-results"]
      .map((name) => rows.find((row) => row.name === name))
      .filter(Boolean)
      .map((row) => `${row.name} ${fmt(row.db_queries_per_request, 2)} (max ${row.db_queries_max ?? "-"})`);
    console.log(`D1 statements per request (Server-Timing, before the answer): ${perRequest.join(", ")}`);
    const versus = [
      counting.vs_collect === undefined || counting.vs_collect === null ? null : `${fmt(counting.vs_collect, 2)}x the collect ratio`,
      counting.vs_control === null ? null : `${fmt(counting.vs_control, 2)}x the collect-banner ratio`,
    ].filter(Boolean);
    if (versus.length) console.log(`collect-results throughput ratio: ${versus.join(", ")}`);
    printResultsCounting(counting);
  }
  const merges = rows.find((row) => row.name === "identify-merge");
  if (merges)
    console.log(
      `merge latency (identify of a new device with a known email): p50 ${fmt(merges.latency_ms.p50, 0)} ms, p99 ${fmt(merges.latency_ms.p99, 0)} ms at ${merges.connections} connections`,
    );
  return { drift, noisy, targets, core, bare: spread };
}

/** The Worker's vars in the bench: the flows bench's webhook receiver listens on 127.0.0.1, and messages link back here. */
function devVars(baseUrl) {
  return {
    ADMIN_TOKEN,
    JURISDICTIONS: "off",
    DECISION_TOKEN_SECRET: "bench_decision_secret",
    ALLOW_PRIVATE_WEBHOOKS: "true",
    PUBLIC_URL: baseUrl,
    // The bench measures the Worker, not the per-person rate limit: `collect-history`'s small pool
    // sends each person more batches a second than wrangler.toml's 20 (the check itself still runs).
    PROFILE_BATCH_BURST: "1000000",
    PROFILE_BATCH_RATE: "1000000",
  };
}

/** A central database of the kind asked for, for one runtime's state (`persistTo`). */
function centralFor(kind, persistTo) {
  return kind === "libsql" ? localLibsql() : embeddedD1({ persistTo, config: BENCH_CONFIG });
}

/**
 * Each flows scenario in a runtime of its own, with fresh state: the local runtime keeps every
 * person's object (and its SQLite) open, and ran out of SQLite memory past ~10,000 people plus
 * the next scenario's set-up.
 */
async function benchFlowsInFreshRuntimes(requested, databaseKind) {
  const names = FLOW_SCENARIO_NAMES.filter((name) => requested.includes("flows") || requested.includes(name));
  const parts = [];
  for (const name of names) {
    const persistTo = `${PERSIST_TO}-${name}`;
    await mkdir(RESULTS_DIR, { recursive: true });
    await rm(path.resolve(ROOT, persistTo), { recursive: true, force: true });
    const central = await centralFor(databaseKind, persistTo);
    await central.prepare();
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const child = startDev({ port, persistTo, config: BENCH_CONFIG, quiet: true, vars: { ...devVars(baseUrl), ...central.vars } });
    try {
      await waitForHealthy(`${baseUrl}/healthz`, { child, timeoutMs: 90_000 });
      parts.push(await benchFlows(baseUrl, { adminToken: ADMIN_TOKEN, only: [name] }));
    } finally {
      await stopDev(child);
      if (child?.output) await writeFile(path.join(RESULTS_DIR, `wrangler-${name}.log`), child.output);
      await central.close();
      await rm(path.resolve(ROOT, persistTo), { recursive: true, force: true });
    }
  }
  const scenarios = parts.flatMap((part) => part.scenarios);
  if (scenarios.length > 1) printFlowsTable(scenarios);
  return { ...parts[0], scenarios, problems: parts.flatMap((part) => part.problems) };
}

/**
 * The load scenarios (and the snippet, when asked) in one `wrangler dev` on `databaseKind`'s
 * central database, then the flows scenarios in runtimes of their own.
 */
async function benchOnDatabase(databaseKind, { scenarios, baseline, runLoad, runSnippet, flowScenarios }) {
  const run = { id: `b${Date.now().toString(36)}`, counters: Object.fromEntries(scenarios.map((s) => [s.name, 0])), firstTouches: {} };
  if (process.env.BENCH_KEEP_STATE !== "1") await rm(path.resolve(ROOT, PERSIST_TO), { recursive: true, force: true });
  const central = await centralFor(databaseKind, PERSIST_TO);
  console.log(`state:   ${PERSIST_TO} (people's objects); central database: ${central.where} (migrations + seed)`);
  await central.prepare();

  const port = await freePort();
  const inspectorPort = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let dev = null;
  const stop = async () => {
    const current = dev;
    dev = null;
    await stopDev(current);
    if (current?.output) {
      await mkdir(RESULTS_DIR, { recursive: true });
      await writeFile(path.join(RESULTS_DIR, "wrangler.log"), current.output);
    }
  };
  const onSignal = (signal) => {
    console.error(`\n${signal}: stopping wrangler dev`);
    Promise.all([stop(), central.close()]).finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    dev = startDev({
      port,
      persistTo: PERSIST_TO,
      config: BENCH_CONFIG,
      inspectorPort,
      quiet: true,
      vars: { ...devVars(baseUrl), ...central.vars },
    });
    await waitForHealthy(`${baseUrl}/healthz`, { child: dev, timeoutMs: 90_000 });
    console.log(`server:  wrangler dev -c ${BENCH_CONFIG} --log-level warn on ${baseUrl}`);
    if (PROFILE) run.profiler = await connectProfiler(inspectorPort);

    const rows = [];
    let outcome = { targets: [], drift: null, noisy: false, core: null, bare: null };
    if (runLoad) outcome = await loadScenarios(scenarios, baseline, baseUrl, run, rows);

    let snippet = null;
    if (runSnippet) {
      console.log(`snippet: Chromium, ${SNIPPET_LOADS} page loads, each in a fresh context (a first visit), 127.0.0.1 only`);
      snippet = await benchSnippet({ workerUrl: baseUrl, loads: SNIPPET_LOADS });
      const r = snippet.first_decision_rendered_ms;
      console.log(
        `snippet: first decision rendered p50 ${fmt(r.p50, 0)} ms, p90 ${fmt(r.p90, 0)} ms after navigation start; page FCP p50 ${fmt(snippet.page_fcp_ms.p50, 0)} ms (${snippet.loads} loads)`,
      );
    }

    // The flows scenarios each get a runtime (and a central database) of their own: this one holds
    // the load scenarios' people.
    await stop();
    await central.close();
    const flows = flowScenarios.length ? await benchFlowsInFreshRuntimes(flowScenarios, databaseKind) : null;
    return { database: databaseKind, baseUrl, run, rows, ...outcome, snippet, flows };
  } finally {
    await stop();
    await central.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (process.env.BENCH_KEEP_STATE !== "1") await rm(path.resolve(ROOT, PERSIST_TO), { recursive: true, force: true });
  }
}

/** `--db libsql` (or `--db=libsql`): the chosen scenarios on D1 and then on a local libSQL server, side by side. */
function databaseOption(argv) {
  const index = argv.findIndex((arg) => arg === "--db" || arg.startsWith("--db="));
  if (index === -1) return "d1";
  const value = argv[index].startsWith("--db=") ? argv[index].slice("--db=".length) : argv[index + 1];
  if (value !== "d1" && value !== "libsql") throw new Error(`--db takes d1 or libsql, not ${JSON.stringify(value ?? "")}`);
  return value;
}

async function main() {
  offlineEnv();
  const database = databaseOption(process.argv.slice(2));
  const compare = database === "libsql";
  // Side by side, the default is what a database changes: collect, decide, a merge and an outbox drain.
  const onlyList = process.env.BENCH_ONLY ?? (compare ? DATABASE_COMPARISON_SCENARIOS.join(",") : null);
  const only = onlyList ? new Set(onlyList.split(",").map((name) => name.trim())) : null;
  const scenarios = SCENARIOS.filter(
    (scenario) =>
      scenario.baseline || scenario.bareBaseline || !only || only.has(scenario.name) || (scenario.runsWith && only.has(scenario.runsWith)),
  );
  const plan = {
    scenarios,
    baseline: scenarios.find((scenario) => scenario.baseline),
    // The load scenarios (and the pure core) run unless BENCH_ONLY names only the browser measurement.
    runLoad: !only || scenarios.some((scenario) => !scenario.baseline && !scenario.bareBaseline),
    runSnippet: !compare && (!only || only.has("snippet")),
    flowScenarios: only ? [...only].filter((name) => name === "flows" || name.startsWith("flows-")) : ["flows"],
  };
  const info = machine();

  console.log(
    `machine: ${info.cpu_model} × ${info.cpu_count}, ${info.total_memory_gib} GiB, Node ${info.node}, ${info.platform}, load ${info.load_average.join(" ")}`,
  );
  console.log(`load:    ${CONNECTIONS} connections, ${SECONDS} s per scenario (warm-up ${WARMUP_SECONDS} s), 127.0.0.1 only`);

  // The Worker serves the built snippet (GET /nudge.js), so it is built before wrangler bundles the Worker.
  const snippet = await buildSnippet();
  console.log(`snippet: ${snippet.line}`);

  const sides = [];
  for (const kind of compare ? ["d1", "libsql"] : ["d1"]) {
    if (compare) console.log(`\n=== central database: ${kind === "d1" ? "D1" : "libSQL (local sqld)"} ===`);
    sides.push(await benchOnDatabase(kind, plan));
  }
  if (compare) printDatabaseComparison(sides, fmt);

  const [first] = sides;
  const report = {
    date: new Date().toISOString(),
    machine: info,
    config: {
      seconds: SECONDS,
      connections: CONNECTIONS,
      warmup_seconds: WARMUP_SECONDS,
      server: `wrangler dev -c ${BENCH_CONFIG} --log-level warn`,
      visitors: VISITORS,
      customers: CUSTOMERS,
      databases: sides.map((side) => side.database),
    },
    baseline: { name: plan.baseline.name, method: "measured right before each scenario", drift: first.drift, noisy: first.noisy },
    bare_baseline: {
      name: "bare",
      method: "POST /__bench/bare (parse, one RPC, one SQLite insert), measured right after each /healthz of an object-bound scenario",
      vs_healthz: first.bare,
    },
    warmup_first_touches: first.run.firstTouches,
    results: first.rows,
    targets: first.targets,
    ...(first.core ? { core_decisions_per_second: first.core } : {}),
    ...(first.snippet ? { snippet: first.snippet } : {}),
    ...(first.flows ? { flows: first.flows } : {}),
    ...(compare ? { libsql: { results: sides[1].rows, targets: sides[1].targets, flows: sides[1].flows } } : {}),
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(path.join(RESULTS_DIR, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwritten: bench-results/latest.json`);
  const missed = sides.some((side) => side.targets.some((target) => !target.pass) || (side.flows?.problems.length ?? 0) > 0);
  if (process.env.BENCH_STRICT === "1" && missed) process.exitCode = 1;
}

main().catch((error) => {
  console.error(`bench failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
