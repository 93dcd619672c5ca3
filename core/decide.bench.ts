import { bench, describe } from "vitest";
import { mulberry32 } from "./bandit";
import { compileCampaigns } from "./compiled-campaigns";
import { type DecidableCampaign, type DecideInput, decide } from "./decide";
import { emptyProfile } from "./profile";
import { toApiProfile } from "./profile-view";

// scripts/bench.mjs finds these benches by name ("interpreted, 100 campaigns", …): keep the
// "<path>, <n> campaigns" form when renaming.

const NOW = Date.parse("2026-11-27T12:00:00Z");
/** What one page asks for. */
const ASKED = ["top_banner", "popup", "inline:hero"];
/** A big shop's campaigns spread over more placements than one page asks for. */
const SHOP_PLACEMENTS = [...ASKED, ...Array.from({ length: 20 }, (_, i) => `inline:slot_${i + 1}`)];

function benchCampaign(i: number): DecidableCampaign {
  return {
    id: `c${i}`,
    placement: SHOP_PLACEMENTS[i % SHOP_PLACEMENTS.length] ?? "top_banner",
    priority: i % 7,
    status: "active",
    audience: {
      all: [
        { attr: "cart.value", op: "gte", value: i % 50 },
        { not: { attr: "segments", op: "contains", value: "vip" } },
        {
          any: [
            { attr: "context.url", op: "matches", value: "*/products/*" },
            { attr: "views.category.shoes", op: "gt", value: i % 5 },
          ],
        },
      ],
    },
    caps: { per_day: 3, lifetime: 10, stop_after_click: true, stop_after_conversion: false },
    schedule: { start: "2026-11-01T00:00:00", end: null, timezone: "Europe/Berlin" },
    holdout: 0.1,
    updated_at: "2026-11-01T00:00:00Z",
    variants: [
      { id: "a", weight: 50, content: { title: "A" } },
      { id: "b", weight: 50, content: { title: "B" } },
    ],
  };
}

/** Longer than vitest's defaults: the machine is shared, and the four figures are compared with each other. */
const TIMING = { time: 1_000, warmupTime: 300 };

const benchCampaigns = (count: number): DecidableCampaign[] => Array.from({ length: count }, (_, i) => benchCampaign(i));

const state = emptyProfile("bench-person", NOW);
state.cart = { items: [{ item_id: "x", price: 30 }], value: 30, currency: "EUR", updated_at: NOW };
state.views.category = { shoes: 3 };
const profile = toApiProfile(state, "implied", NOW);
const random = mulberry32(7);

/** One visitor's request: everything but the campaigns and whether to explain. */
const request: Omit<DecideInput, "campaigns" | "explain"> = {
  placements: ASKED,
  subject: { profile, context: { url: "https://shop.example/products/boots" } },
  history: {},
  assignments: {},
  boughtItems: {},
  personId: "bench-person",
  now: NOW,
  shopTimezone: "Europe/Berlin",
  bandit: {},
  random,
};

for (const count of [100, 500]) {
  const list = benchCampaigns(count);
  // Compiled once, as an isolate or an object does when a campaign version reaches it.
  const compiled = compileCampaigns(list);
  describe(`the pure decision engine, one profile, ${count} campaigns over ${SHOP_PLACEMENTS.length} placements, 3 asked`, () => {
    // The reference as it is today: the rule trees walked afresh, every candidate explained.
    bench(
      `interpreted, ${count} campaigns`,
      () => {
        decide({ ...request, campaigns: list });
      },
      TIMING,
    );
    // What the object does for collect and for decide without ?explain=1.
    bench(
      `compiled, ${count} campaigns`,
      () => {
        decide({ ...request, campaigns: compiled, explain: false });
      },
      TIMING,
    );
  });
}
