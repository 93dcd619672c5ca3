import { bench, describe } from "vitest";
import { mulberry32 } from "./bandit";
import { decide, type DecidableCampaign } from "./decide";
import { emptyProfile } from "./profile";
import { toApiProfile } from "./profile-view";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const placements = ["top_banner", "popup", "inline:hero"];
const campaigns: DecidableCampaign[] = Array.from({ length: 100 }, (_, i) => ({
  id: `c${i}`,
  placement: placements[i % 3] ?? "top_banner",
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
}));
const state = emptyProfile("bench-person", NOW);
state.cart = { items: [{ item_id: "x", price: 30 }], value: 30, currency: "EUR", updated_at: NOW };
state.views.category = { shoes: 3 };
const profile = toApiProfile(state, "implied", NOW);
const random = mulberry32(7);

describe("the pure decision engine", () => {
  bench("decisions for one profile against 100 campaigns (3 placements)", () => {
    decide({
      placements,
      campaigns,
      subject: { profile, context: { url: "https://shop.example/products/boots" } },
      history: {},
      assignments: {},
      boughtItems: {},
      personId: "bench-person",
      now: NOW,
      shopTimezone: "Europe/Berlin",
      bandit: {},
      random,
    });
  });
});
