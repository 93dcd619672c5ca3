// Issue 14's long-history benchmark for scripts/bench.mjs: does collect cost more for a person
// with a long history than for a new one?
//
// `collect-history`: people who each have HISTORY_EVENTS events of history before they are
// measured (views over 300 items, carts, 20 orders, spread over the past 60 days), then the same
// request as `collect` (one page_view). The history is seeded in the set-up through
// `POST /v1/events` (server events may be backfilled up to 90 days), in batches of 1,000, named by
// the person's `anonymous_id` so they land in the object the browser's collect reaches.
//
// `collect-new`: the same request for a pool of new people of the same size, measured right
// before `collect-history` (it runs whenever `collect-history` does), so the ratio history/new
// compares like with like: a small pool puts more requests on each object than `collect`'s
// 1,000 visitors do, and that must not be what the ratio measures.
//
// The two are then measured again in alternating rounds (`alternateWith`, BENCH_ALTERNATIONS): the
// target's figure is the ratio of their summed req/s over all rounds, which a slow moment of the
// shared machine cannot put on one side only; the single runs' ratios against /healthz are printed too.
//
// Env: BENCH_HISTORY_PEOPLE (default 50), the size of both pools; seeding rate printed in the set-up.

export const HISTORY_EVENTS = 5_000;
const ITEMS = 300;
const ORDERS = 20;
const CARTS = 200;
const HISTORY_DAYS = 60;
/** The server API's batch limit. */
const EVENTS_PER_BATCH = 1_000;
/** People seeded at once: enough to keep both cores busy, few enough not to queue the batches. */
const SEED_CONCURRENCY = 4;
const DAY_MS = 24 * 60 * 60 * 1000;

const json = (value) => JSON.stringify(value);

/** The people of each pool: BENCH_HISTORY_PEOPLE, or 50 (seeded here at about 4,000 events/s, a minute or two). */
export function historyPoolSize() {
  const raw = process.env.BENCH_HISTORY_PEOPLE;
  if (raw === undefined || raw === "") return 50;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`BENCH_HISTORY_PEOPLE must be a positive integer, got ${raw}`);
  return value;
}

const item = (k) => ({
  item_id: `item-${k % ITEMS}`,
  item_name: `Item ${k % ITEMS}`,
  price: 10 + (k % 40),
  item_category: `cat-${k % 12}`,
});

/**
 * The k-th of a person's HISTORY_EVENTS events, oldest first: every 250th a purchase (20 orders),
 * every 25th otherwise an add_to_cart (200 carts), the rest views of one of 300 items.
 */
function historyEvent(person, k, startedAt) {
  const ts = new Date(startedAt - HISTORY_DAYS * DAY_MS + Math.floor((k * HISTORY_DAYS * DAY_MS) / HISTORY_EVENTS)).toISOString();
  const common = { id: `${person}-h${k}`, anonymous_id: person, ts };
  if (k % (HISTORY_EVENTS / ORDERS) === HISTORY_EVENTS / ORDERS - 1) {
    const items = [item(k), item(k + 7)];
    return {
      ...common,
      type: "purchase",
      transaction_id: `${person}-o${k}`,
      value: items.reduce((sum, i) => sum + i.price, 0),
      currency: "EUR",
      items,
    };
  }
  if (k % (HISTORY_EVENTS / CARTS) === 0) return { ...common, type: "add_to_cart", currency: "EUR", items: [{ ...item(k), quantity: 1 }] };
  return { ...common, type: "view_item", currency: "EUR", items: [item(k)] };
}

/** Sends one person's history in batches, oldest first; returns the object it reached. */
async function seedPerson(baseUrl, secretKey, person, startedAt) {
  let stored = 0;
  let profileId = null;
  for (let start = 0; start < HISTORY_EVENTS; start += EVENTS_PER_BATCH) {
    const events = Array.from({ length: Math.min(EVENTS_PER_BATCH, HISTORY_EVENTS - start) }, (_, i) =>
      historyEvent(person, start + i, startedAt),
    );
    const response = await fetch(`${baseUrl}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
      body: json({ events }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`history of ${person}: POST /v1/events answered ${response.status}: ${text.slice(0, 500)}`);
    const answer = JSON.parse(text);
    stored += answer.stored;
    profileId = answer.profile_ids[0];
  }
  if (stored !== HISTORY_EVENTS) throw new Error(`history of ${person}: ${stored} of ${HISTORY_EVENTS} events stored`);
  return profileId;
}

/** Seeds every person of the pool, SEED_CONCURRENCY at a time, and prints the rate. Returns person → profile id. */
async function seedHistories(baseUrl, secretKey, people) {
  const started = Date.now();
  const profiles = new Map();
  for (let start = 0; start < people.length; start += SEED_CONCURRENCY) {
    const group = people.slice(start, start + SEED_CONCURRENCY);
    const ids = await Promise.all(group.map((person) => seedPerson(baseUrl, secretKey, person, started)));
    for (const [i, person] of group.entries()) profiles.set(person, ids[i]);
  }
  const seconds = (Date.now() - started) / 1000;
  const events = people.length * HISTORY_EVENTS;
  process.stdout.write(
    `set-up: ${people.length} people with ${HISTORY_EVENTS} events of history each in ${seconds.toFixed(1)} s ` +
      `(${(events / seconds).toFixed(0)} events/s, ${(people.length / seconds).toFixed(2)} people/s, ${SEED_CONCURRENCY} at a time)\n`,
  );
  return { profiles, seconds, events_per_second: events / seconds };
}

/**
 * @param {{pageViewBatch: (anonymousId: string, eventId: string, n: number) => object, secretKey: string, people: number}} options
 * @returns the scenarios bench.mjs runs, in order: `collect-new` (runs with `collect-history`) and `collect-history`.
 */
export function historyScenarios({ pageViewBatch, secretKey, people }) {
  const historic = Array.from({ length: people }, (_, i) => `bench-h${i}`);
  const state = { seeding: null };
  return [
    {
      name: "collect-new",
      runsWith: "collect-history",
      route: `POST /v1/collect (${people} new people)`,
      pool: people,
      request: (n, run) => pageViewBatch(`bench-n${n % people}`, `${run.id}-n${n}`, n),
    },
    {
      name: "collect-history",
      route: `POST /v1/collect (${people} people, ${HISTORY_EVENTS} events of history)`,
      pool: people,
      alternateWith: "collect-new",
      setUp: async (baseUrl) => {
        state.seeding = await seedHistories(baseUrl, secretKey, historic);
      },
      // The first answer must come from the object the history was written to.
      response: (n, status, text) => {
        if (n !== 0 || status !== 200) return;
        const expected = state.seeding.profiles.get(historic[0]);
        const actual = JSON.parse(text).profile_id;
        if (actual !== expected) throw new Error(`collect for ${historic[0]} reached ${actual}, its history is in ${expected}`);
      },
      request: (n, run) => pageViewBatch(historic[n % people], `${run.id}-hc${n}`, n),
      after: async (_baseUrl, row) => {
        row.history = { people, events_per_person: HISTORY_EVENTS, seeding_seconds: Number(state.seeding.seconds.toFixed(1)) };
      },
    },
  ];
}

/**
 * history/new: `vs_new` over the alternating rounds (summed req/s), `vs_new_healthz` of the
 * table's single runs (each against its own /healthz), `vs_new_raw` of their req/s.
 */
export function compareHistory(rows) {
  const fresh = rows.find((row) => row.name === "collect-new");
  const history = rows.find((row) => row.name === "collect-history");
  if (!fresh || !history) return null;
  history.vs_new_healthz = fresh.throughput_ratio ? history.throughput_ratio / fresh.throughput_ratio : null;
  history.vs_new_raw = fresh.requests_per_second > 0 ? history.requests_per_second / fresh.requests_per_second : null;
  history.vs_new = history.alternating?.ratio ?? history.vs_new_raw;
  return history;
}

/** One line per round and the figures of compareHistory. */
export function printHistory(history, fresh, fmt) {
  for (const [i, round] of (history.alternating?.rounds ?? []).entries())
    console.log(
      `history/new round ${i + 1}: new ${fmt(round["collect-new"], 0)} req/s, history ${fmt(round["collect-history"], 0)} req/s (${fmt(round["collect-history"] / round["collect-new"], 2)}x)`,
    );
  console.log(
    `history/new: collect for ${history.history?.people ?? "-"} people with ${HISTORY_EVENTS} events of history ${fmt(history.vs_new, 2)}x collect for as many new people ` +
      `(summed req/s over ${history.alternating?.rounds.length ?? 1} alternating rounds); single runs: ${fmt(history.vs_new_raw, 2)}x req/s, ` +
      `${fmt(history.vs_new_healthz, 2)}x of the healthz ratios (${fmt(history.throughput_ratio, 2)}x / ${fmt(fresh?.throughput_ratio, 2)}x)`,
  );
}

export const HISTORY_TARGETS = [
  {
    scenario: "collect-history",
    metric: "vs_new",
    op: ">=",
    value: 0.9,
    label: `collect with ${HISTORY_EVENTS} events of history >= 0.9x collect for as many new people (alternating rounds)`,
  },
];
