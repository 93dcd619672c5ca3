// The load scenarios of `npm run bench` and their targets (see scripts/bench.mjs for how a
// scenario is described and run). Each request is built right before it is sent.
import { floorScenario } from "./floor-bench.mjs";
import { HISTORY_TARGETS, historyPoolSize, historyScenarios } from "./history-bench.mjs";
import { resultsScenarios } from "./results-bench.mjs";
import { SHOP_SCALE_TARGETS, shopScaleScenarios } from "./shop-scale-bench.mjs";

export const ORIGIN = "http://localhost:3000";
export const ADMIN_TOKEN = "admin_demo";
const SITE_KEY = "pk_demo";
const SECRET_KEY = "sk_demo";
export const VISITORS = 1000;
export const CUSTOMERS = 1000;
/** Visitors of `collect` merged, for `collect-merged`, into a person first seen on another device. */
const MERGED_PAIRS = VISITORS;

const json = (value) => JSON.stringify(value);

/** A browser batch with one page_view from a device. */
function pageViewBatch(anonymousId, eventId, n) {
  return {
    method: "POST",
    path: "/v1/collect",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: json({
      site: SITE_KEY,
      anonymous_id: anonymousId,
      sent_at: new Date().toISOString(),
      events: [{ id: eventId, type: "page_view", page: { url: `${ORIGIN}/p/${n % 50}`, title: "Bench page" } }],
    }),
  };
}

/** The scenarios, measured in this order. Exactly one is the `baseline` the others are compared with. */
export const SCENARIOS = [
  {
    name: "healthz",
    route: "GET /healthz",
    baseline: true,
    request: () => ({ method: "GET", path: "/healthz" }),
  },
  {
    name: "bare",
    route: "POST /__bench/bare (bare object write)",
    bareBaseline: true,
    pool: VISITORS,
    // The same body as `collect`'s, to objects of their own (the BareObject namespace).
    request: (n, run) => ({ ...pageViewBatch(`bench-v${n % VISITORS}`, `${run.id}-b${n}`, n), path: "/__bench/bare" }),
  },
  {
    name: "collect",
    route: "POST /v1/collect",
    pool: VISITORS,
    // Measured again in rounds with the bare write and its floor (floor-bench.mjs): the figures against both.
    alternateWith: ["bare", "collect-floor"],
    // One page_view per batch, visitors rotating over a pool, a unique event id per request.
    request: (n, run) => pageViewBatch(`bench-v${n % VISITORS}`, `${run.id}-c${n}`, n),
  },
  // `collect-floor`: the same batches to people's objects that answer at once (floor-bench.mjs).
  floorScenario({ pageViewBatch, visitors: VISITORS }),
  {
    name: "events",
    route: "POST /v1/events",
    pool: CUSTOMERS,
    // Server-side batch with one page_view for a customer id from a pool.
    request: (n, run) => ({
      method: "POST",
      path: "/v1/events",
      headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" },
      body: json({
        events: [
          { id: `${run.id}-e${n}`, type: "page_view", customer_id: `bench-c${n % CUSTOMERS}`, page: { url: `${ORIGIN}/p/${n % 50}` } },
        ],
      }),
    }),
  },
  {
    name: "collect-merged",
    route: "POST /v1/collect (merged device)",
    pool: MERGED_PAIRS,
    prepare: mergePairs,
    // The same batch from the same visitors as `collect`, after each visitor's person was merged
    // into a person first seen on another device (so the device's home object only redirects).
    request: (n, run) => pageViewBatch(`bench-v${n % MERGED_PAIRS}`, `${run.id}-m${n}`, n),
  },
  {
    name: "decide",
    route: "POST /v1/decide (3 placements, 20 campaigns)",
    pool: VISITORS,
    prepare: createCampaigns,
    request: (n) => ({
      method: "POST",
      path: "/v1/decide",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: json({
        site: SITE_KEY,
        anonymous_id: `bench-v${n % VISITORS}`,
        placements: PLACEMENTS,
        context: { url: `${ORIGIN}/products/${n % 50}` },
      }),
    }),
  },
  {
    name: "collect-decide",
    route: "POST /v1/collect + 3 placements",
    pool: VISITORS,
    alternateWith: "bare",
    request: (n, run) => {
      const batch = pageViewBatch(`bench-v${n % VISITORS}`, `${run.id}-d${n}`, n);
      return {
        ...batch,
        body: json({ ...JSON.parse(batch.body), placements: PLACEMENTS, context: { url: `${ORIGIN}/products/${n % 50}` } }),
      };
    },
  },
  // `decide-500` and `collect-decide-500`: the same requests to a shop with 500 campaigns.
  ...shopScaleScenarios({ origin: ORIGIN, adminToken: ADMIN_TOKEN, visitors: VISITORS }),
  {
    name: "identify-merge",
    route: "POST /v1/collect (identify → merge)",
    // Latency of a merge: a new device identifies with the email of a known person, fewer
    // connections so that the figure is the merge's, not the queue's.
    connections: 10,
    request: (n, run) => ({
      method: "POST",
      path: "/v1/collect",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: json({
        site: SITE_KEY,
        anonymous_id: `bench-new-${run.id}-${n}`,
        events: [{ id: `${run.id}-i${n}`, type: "identify", traits: { email: `merge${n % MERGED_PAIRS}@bench.example` } }],
      }),
    }),
  },
  // `collect-results` and its control `collect-banner` (the same batch without the impression).
  ...resultsScenarios({ origin: ORIGIN, siteKey: SITE_KEY, secretKey: SECRET_KEY, visitors: VISITORS }),
  // `collect-new`, then `collect-history`: the same pool size, people without and with 5,000 events of history.
  ...historyScenarios({ pageViewBatch, secretKey: SECRET_KEY, people: historyPoolSize() }),
];

const PLACEMENTS = ["top_banner", "popup", "inline:hero"];

/** 20 active campaigns over the three placements, with audiences, caps, variants and holdouts. */
async function createCampaigns(baseUrl) {
  for (let i = 0; i < 20; i++) {
    const response = await fetch(`${baseUrl}/v1/campaigns`, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" },
      body: json({
        name: `Bench campaign ${i}`,
        placement: PLACEMENTS[i % 3],
        priority: i % 5,
        audience: {
          all: [{ attr: "counters.page_views", op: "gte", value: i % 3 }, { not: { attr: "segments", op: "contains", value: "vip" } }],
        },
        caps: { per_day: 50, lifetime: 1000, stop_after_click: true, stop_after_conversion: true },
        holdout: 0.1,
        variants: [
          { id: "a", weight: 50, content: { title: `Offer ${i}`, cta: { label: "Shop", url: "/sale" } } },
          { id: "b", weight: 50, content: { title: `Deal ${i}` } },
        ],
      }),
    });
    if (response.status !== 201) throw new Error(`campaign ${i}: ${response.status} ${await response.text()}`);
  }
  process.stdout.write("prepare: 20 active campaigns\n");
}

/** Targets over the results: `metric` of `scenario` compared with `value`. */
export const TARGETS = [
  { scenario: "collect", metric: "throughput_ratio", op: ">=", value: 0.5, label: "collect >= 0.5x healthz throughput" },
  { scenario: "collect", metric: "p99_ratio", op: "<=", value: 3, label: "collect p99 <= 3x healthz p99" },
  {
    scenario: "collect-merged",
    metric: "vs_unmerged",
    op: ">=",
    value: 0.9,
    label: "merged-device collect ratio >= 0.9x the unmerged one",
  },
  { scenario: "decide", metric: "throughput_ratio", op: ">=", value: 0.6, label: "decide >= 0.6x healthz throughput" },
  { scenario: "collect-decide", metric: "throughput_ratio", op: ">=", value: 0.5, label: "collect+decide >= 0.5x healthz throughput" },
  {
    scenario: "collect",
    metric: "vs_bare_alternating",
    op: ">=",
    value: 0.9,
    label: "collect >= 0.9x the bare object write (alternating rounds)",
  },
  {
    scenario: "collect-decide",
    metric: "vs_bare_alternating",
    op: ">=",
    value: 0.8,
    label: "collect + 3 placements >= 0.8x the bare object write (alternating rounds)",
  },
  ...HISTORY_TARGETS,
  ...SHOP_SCALE_TARGETS,
];

/** Merges each visitor of `collect` into a person who identified first on another device. */
async function mergePairs(baseUrl) {
  const identify = (device, i) =>
    fetch(`${baseUrl}/v1/collect`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: json({ site: SITE_KEY, anonymous_id: device, events: [{ type: "identify", traits: { email: `merge${i}@bench.example` } }] }),
    }).then(async (response) => {
      if (!response.ok) throw new Error(`identify for ${device} answered ${response.status}: ${await response.text()}`);
      return response.json();
    });
  const started = Date.now();
  for (let start = 0; start < MERGED_PAIRS; start += 25) {
    const batch = Array.from({ length: Math.min(25, MERGED_PAIRS - start) }, (_, k) => start + k);
    await Promise.all(batch.map((i) => identify(`bench-partner${i}`, i)));
    const merged = await Promise.all(batch.map((i) => identify(`bench-v${i}`, i)));
    const first = await identify(`bench-partner${batch[0]}`, batch[0]);
    if (merged[0].profile_id !== first.profile_id) throw new Error("the second device was not merged into the first");
  }
  process.stdout.write(
    `prepare: ${MERGED_PAIRS} visitors merged into people of other devices in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
