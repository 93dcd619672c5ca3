// Issue 13's benchmarks for scripts/bench.mjs: a shop with hundreds of campaigns.
//
// `decide-500` and `collect-decide-500`: a shop of its own, created in the set-up through the
// admin API (the demo shop holds other scenarios' campaigns and flows), with 500 active campaigns
// (the API's cap per shop) spread over 23 placements as a big shop would have them, of which each
// request asks for 3. Each campaign has an audience of 3 conditions, caps, a schedule in a time
// zone, two variants and a 10% holdout.
//
// The pure core: `vitest bench` on core/decide.bench.ts, one profile against 100 and against 500
// campaigns, on the interpreted path (the reference, every candidate explained) and the compiled
// one (compiled once, no explanations, as the object decides); printed side by side.
import { spawn } from "node:child_process";
import path from "node:path";

export const SHOP_SCALE_CAMPAIGNS = 500;
const ASKED = ["top_banner", "popup", "inline:hero"];
const SHOP_PLACEMENTS = [...ASKED, ...Array.from({ length: 20 }, (_, i) => `inline:slot_${i + 1}`)];
/** Campaigns created at once: enough to keep set-up short, few enough not to queue on D1. */
const CREATE_CONCURRENCY = 8;
/** The demo shop's own limit: the bench measures the Worker, not the shop's rate limit. */
const RATE_LIMIT = { per_second: 100_000, burst: 100_000 };

const json = (value) => JSON.stringify(value);

/** The i-th campaign of the big shop: 3 audience conditions, caps, a schedule, a 10% holdout, two variants. */
function scaleCampaign(i) {
  return {
    name: `Scale campaign ${i}`,
    placement: SHOP_PLACEMENTS[i % SHOP_PLACEMENTS.length],
    priority: i % 7,
    audience: {
      all: [
        { attr: "counters.page_views", op: "gte", value: i % 3 },
        { not: { attr: "segments", op: "contains", value: "vip" } },
        { attr: "context.url", op: "matches", value: i % 2 ? "*/products/*" : "*" },
      ],
    },
    caps: { per_day: 50, lifetime: 1000, stop_after_click: true, stop_after_conversion: true },
    schedule: { start: "2026-01-01T00:00:00", end: null, timezone: "Europe/Berlin" },
    holdout: 0.1,
    variants: [
      { id: "a", weight: 50, content: { title: `Offer ${i}`, cta: { label: "Shop", url: "/sale" } } },
      { id: "b", weight: 50, content: { title: `Deal ${i}` } },
    ],
  };
}

async function call(baseUrl, method, urlPath, token, body, expected) {
  const response = await fetch(baseUrl + urlPath, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: json(body),
  });
  if (response.status !== expected) throw new Error(`${method} ${urlPath}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A new shop (admin API) that allows `origin`, implied consent like the demo shop, and its campaigns. */
async function createScaleShop(baseUrl, { adminToken, origin }) {
  const started = Date.now();
  const shop = await call(
    baseUrl,
    "POST",
    "/v1/shops",
    adminToken,
    { name: "Bench: 500 campaigns", timezone: "Europe/Berlin", allowed_origins: [origin], consent_mode: "implied" },
    201,
  );
  await call(baseUrl, "PUT", "/v1/settings", shop.secret_key, { rate_limit: RATE_LIMIT }, 200);
  for (let start = 0; start < SHOP_SCALE_CAMPAIGNS; start += CREATE_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(CREATE_CONCURRENCY, SHOP_SCALE_CAMPAIGNS - start) }, (_, k) => start + k);
    await Promise.all(batch.map((i) => call(baseUrl, "POST", "/v1/campaigns", shop.secret_key, scaleCampaign(i), 201)));
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `prepare: shop ${shop.shop_id} with ${SHOP_SCALE_CAMPAIGNS} active campaigns over ${SHOP_PLACEMENTS.length} placements in ${seconds} s\n`,
  );
  return shop;
}

/**
 * @param {{origin: string, adminToken: string, visitors: number}} options
 * @returns the scenarios bench.mjs runs: `decide-500` and `collect-decide-500`, sharing one shop.
 */
export function shopScaleScenarios({ origin, adminToken, visitors }) {
  /** Filled by the first scenario's `setUp` (before any request is built), shared by both. */
  let shop = null;
  const ensureShop = async (baseUrl) => {
    shop ??= await createScaleShop(baseUrl, { adminToken, origin });
  };
  const visitorOf = (n) => `bench-s${n % visitors}`;
  const browser = { origin, "content-type": "application/json" };
  const context = (n) => ({ url: `${origin}/products/${n % 50}` });
  /** Scenario name → answers read and the decisions they carried: the figures hold real decisions, not empty answers. */
  const answers = {};
  const tally = (name) => (_n, status, text) => {
    answers[name] ??= { answers: 0, decisions: 0, without_decision: 0 };
    const counts = answers[name];
    if (status < 200 || status >= 300) return;
    const decisions = JSON.parse(text).decisions?.length ?? 0;
    counts.answers += 1;
    counts.decisions += decisions;
    if (decisions === 0) counts.without_decision += 1;
  };
  const report = (name) => async (_baseUrl, row) => {
    const counts = answers[name];
    if (!counts?.answers) return;
    row.decisions_per_answer = counts.decisions / counts.answers;
    row.answers_without_decision = counts.without_decision;
    console.log(
      `${name}: ${row.decisions_per_answer.toFixed(2)} decisions per answer, ${counts.without_decision} of ${counts.answers} answers without one`,
    );
  };

  return [
    {
      name: "decide-500",
      route: `POST /v1/decide (3 placements, ${SHOP_SCALE_CAMPAIGNS} campaigns)`,
      pool: visitors,
      setUp: ensureShop,
      response: tally("decide-500"),
      after: report("decide-500"),
      request: (n) => ({
        method: "POST",
        path: "/v1/decide",
        headers: browser,
        body: json({ site: shop.site_key, anonymous_id: visitorOf(n), placements: ASKED, context: context(n) }),
      }),
    },
    {
      name: "collect-decide-500",
      route: `POST /v1/collect + 3 placements (${SHOP_SCALE_CAMPAIGNS} campaigns)`,
      pool: visitors,
      setUp: ensureShop,
      response: tally("collect-decide-500"),
      after: report("collect-decide-500"),
      request: (n, run) => ({
        method: "POST",
        path: "/v1/collect",
        headers: browser,
        body: json({
          site: shop.site_key,
          anonymous_id: visitorOf(n),
          sent_at: new Date().toISOString(),
          events: [{ id: `${run.id}-s${n}`, type: "page_view", page: { url: `${origin}/p/${n % 50}`, title: "Bench page" } }],
          placements: ASKED,
          context: context(n),
        }),
      }),
    },
  ];
}

export const SHOP_SCALE_TARGETS = [
  {
    scenario: "decide-500",
    metric: "throughput_ratio",
    op: ">=",
    value: 0.5,
    label: `decide with ${SHOP_SCALE_CAMPAIGNS} campaigns >= 0.5x healthz throughput`,
  },
];

/** The compiled core's target: at least 3x the interpreted one at 100 campaigns. */
const CORE_TARGET = { campaigns: 100, value: 3 };

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ANSI colour codes vitest prints
const ANSI = /\u001b\[[0-9;]*m/g;
const BENCH_LINE = /·\s+(interpreted|compiled), (\d+) campaigns\s+([\d,.]+)/;

/** Decisions per second by path and campaign count, from `vitest bench` output: `{interpreted: {100: hz}, …}`. */
export function parseCoreBench(output) {
  const hz = { interpreted: {}, compiled: {} };
  for (const line of output.replace(ANSI, "").split("\n")) {
    const match = BENCH_LINE.exec(line);
    if (match) hz[match[1]][Number(match[2])] = Number(match[3].replace(/,/g, ""));
  }
  return hz;
}

/** Runs core/decide.bench.ts (`vitest bench --project core`) and returns its figures (null when it printed none). */
export function benchCore(root) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(root, "node_modules", "vitest", "vitest.mjs"), "bench", "--run", "--project", "core"],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.on("close", () => {
      const hz = parseCoreBench(output);
      resolve(Object.keys(hz.interpreted).length + Object.keys(hz.compiled).length > 0 ? hz : null);
    });
  });
}

const ratioOf = (hz, campaigns) => {
  const interpreted = hz.interpreted[campaigns];
  const compiled = hz.compiled[campaigns];
  return interpreted && compiled ? compiled / interpreted : null;
};

/** Prints the core's figures side by side; returns the core target's result, shaped like bench.mjs's targets. */
export function printCore(hz) {
  const counts = [...new Set([...Object.keys(hz.interpreted), ...Object.keys(hz.compiled)].map(Number))].sort((a, b) => a - b);
  const cell = (value) => (value === undefined ? "-" : Math.round(value).toLocaleString("en-US"));
  const rows = counts.map((count) => {
    const ratio = ratioOf(hz, count);
    return [String(count), cell(hz.interpreted[count]), cell(hz.compiled[count]), ratio === null ? "-" : `${ratio.toFixed(2)}x`];
  });
  const header = ["campaigns", "interpreted/s", "compiled/s", "compiled/interpreted"];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const render = (cells) => cells.map((value, i) => value.padStart(widths[i])).join("  ");
  console.log(`pure core: decisions per second for one profile, 3 placements asked (${SHOP_PLACEMENTS.length} in the shop)`);
  console.log(render(header));
  for (const row of rows) console.log(render(row));
  const actual = ratioOf(hz, CORE_TARGET.campaigns);
  const target = {
    scenario: "core",
    metric: `compiled_vs_interpreted_${CORE_TARGET.campaigns}`,
    op: ">=",
    value: CORE_TARGET.value,
    label: `compiled core >= ${CORE_TARGET.value}x interpreted at ${CORE_TARGET.campaigns} campaigns`,
    actual,
    pass: actual !== null && actual >= CORE_TARGET.value,
  };
  console.log(`${target.pass ? "PASS" : "MISS"}  ${target.label} (${actual === null ? "-" : actual.toFixed(2)}x)`);
  return target;
}
