import { describe, expect, it } from "vitest";
import { mulberry32 } from "./bandit";
import { compileCampaigns } from "./compiled-campaigns";
import { decide, type DecidableCampaign, type DecideInput } from "./decide";
import type { CampaignHistory } from "./eligibility";
import type { Rule } from "./rules";

const HOUR = 3_600_000;
/** Shortly after midnight in Berlin on the day DST ends: "today" is 25 hours long. */
const NOW = Date.parse("2026-10-25T00:30:00+02:00") + 2 * HOUR;
const PLACEMENTS = ["top_banner", "popup", "inline:hero", "inline:footer"];

const CONDITIONS: Rule[] = [
  { attr: "cart.value", op: "gte", value: 30 },
  { attr: "segments", op: "contains", value: "vip" },
  { attr: "views.category.shoes", op: "gt", value: 2 },
  { attr: "context.url", op: "matches", value: "*/products/*" },
  { attr: "lifecycle", op: "in", value: ["consideration", "conversion"] },
  { attr: "orders.count", op: "between", value: [1, 3] },
  { attr: "traits.plan", op: "exists" },
  { attr: "days_since_last_order", op: "lt", value: 30 },
  { attr: "orders.last_at", op: "gte", value: "2026-10-01T00:00:00Z" },
  { attr: "context.utm.source", op: "eq", value: "newsletter" },
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function audience(random: () => number): Rule {
  const parts = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(random, CONDITIONS));
  const shape = random();
  if (shape < 0.4) return { all: parts };
  if (shape < 0.7) return { any: parts };
  if (shape < 0.85) return { not: { any: parts } };
  return { all: [] };
}

function campaigns(random: () => number, count: number): DecidableCampaign[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `c${i}`,
    placement: pick(random, PLACEMENTS),
    priority: Math.floor(random() * 4),
    status: random() < 0.9 ? "active" : "paused",
    audience: audience(random),
    caps: {
      per_day: random() < 0.5 ? 1 + Math.floor(random() * 3) : null,
      lifetime: random() < 0.3 ? 2 + Math.floor(random() * 5) : null,
      stop_after_click: random() < 0.2,
      stop_after_conversion: random() < 0.2,
    },
    schedule:
      random() < 0.4
        ? {
            start: pick(random, ["2026-10-24T23:00:00", "2026-10-25T03:00:00", "2026-10-01T00:00:00"]),
            end: pick(random, [null, "2026-10-25T02:30:00"]),
            timezone: "Europe/Berlin",
          }
        : null,
    holdout: random() < 0.3 ? 0.2 : 0,
    updated_at: `2026-10-${String(1 + Math.floor(random() * 20)).padStart(2, "0")}T00:00:00Z`,
    variants: [
      { id: "a", weight: 50, content: { title: "A" } },
      { id: "b", weight: 50, content: { title: "B" } },
    ],
  }));
}

function person(random: () => number, list: readonly DecidableCampaign[]) {
  const profile = {
    cart: { value: Math.floor(random() * 60) },
    segments: random() < 0.3 ? ["vip"] : [],
    views: { category: random() < 0.5 ? { shoes: Math.floor(random() * 5) } : {} },
    lifecycle: pick(random, ["awareness", "consideration", "conversion", "retention"]),
    orders: { count: Math.floor(random() * 5), last_at: random() < 0.5 ? "2026-10-20T10:00:00Z" : null },
    traits: random() < 0.5 ? { plan: "pro" } : {},
    days_since_last_order: random() < 0.5 ? Math.floor(random() * 60) : null,
  };
  const context = {
    url: random() < 0.5 ? "https://shop.example/products/boots" : "https://shop.example/",
    utm: random() < 0.3 ? { source: "newsletter" } : {},
  };
  const history: CampaignHistory = {};
  for (const campaign of list) {
    if (random() < 0.6) continue;
    // Impressions on both sides of local midnight, and in the repeated hour of the DST change.
    const impressions = Array.from({ length: Math.floor(random() * 4) }, () => NOW - Math.floor(random() * 8 * HOUR)).sort((a, b) => a - b);
    history[campaign.id] = {
      impressions,
      impressions_total: impressions.length + Math.floor(random() * 3),
      clicks: random() < 0.2 ? 1 : 0,
      dismissals: 0,
      last_click_at: null,
      converted_at: random() < 0.2 ? NOW - HOUR : null,
    };
  }
  return { subject: { profile, context }, history };
}

describe("compiled campaigns", () => {
  it("decide exactly as the interpreter for 300 random people against 80 random campaigns", () => {
    const random = mulberry32(2026);
    const list = campaigns(random, 80);
    const compiled = compileCampaigns(list);
    for (let i = 0; i < 300; i++) {
      const { subject, history } = person(random, list);
      const input: DecideInput = {
        placements: PLACEMENTS,
        campaigns: list,
        subject,
        history,
        assignments: {},
        boughtItems: {},
        personId: `p${i}`,
        now: NOW,
        shopTimezone: "Europe/Berlin",
        bandit: {},
        random: mulberry32(i),
      };
      const reference = decide(input);
      const fast = decide({ ...input, campaigns: compiled, explain: false, random: mulberry32(i) });
      expect(fast.decisions).toEqual(reference.decisions);
      expect(fast.assignments).toEqual(reference.assignments);
      expect(fast.candidates).toEqual(reference.candidates.filter((candidate) => candidate.outcome === "holdout"));
      const explained = decide({ ...input, campaigns: compiled, explain: true, random: mulberry32(i) });
      expect(explained.candidates.map((c) => [c.campaign_id, c.outcome])).toEqual(
        reference.candidates.map((c) => [c.campaign_id, c.outcome]),
      );
    }
  });

  it("index campaigns by placement in rank order, once per version", () => {
    const list = campaigns(mulberry32(7), 40);
    const compiled = compileCampaigns(list);
    const banner = compiled.byPlacement.get("top_banner") ?? [];
    expect(banner.map((entry) => entry.campaign.id)).toEqual(
      list
        .filter((campaign) => campaign.placement === "top_banner")
        .sort((a, b) => b.priority - a.priority || b.updated_at.localeCompare(a.updated_at) || a.id.localeCompare(b.id))
        .map((campaign) => campaign.id),
    );
    expect(compiled.byPlacement.get("nba")).toBeUndefined();
  });

  it("count a daily cap by the shop's day across midnight and the DST change", () => {
    const campaign: DecidableCampaign = {
      ...campaigns(mulberry32(1), 1)[0],
      id: "capped",
      placement: "top_banner",
      status: "active",
      audience: { all: [] },
      caps: { per_day: 2, lifetime: null, stop_after_click: false, stop_after_conversion: false },
      schedule: null,
      holdout: 0,
    } as DecidableCampaign;
    const midnight = Date.parse("2026-10-25T00:00:00+02:00");
    const history: CampaignHistory = {
      capped: {
        impressions: [midnight - 1, midnight, midnight + HOUR],
        impressions_total: 3,
        clicks: 0,
        dismissals: 0,
        last_click_at: null,
        converted_at: null,
      },
    };
    const input: DecideInput = {
      placements: ["top_banner"],
      campaigns: compileCampaigns([campaign]),
      subject: { profile: {}, context: {} },
      history,
      assignments: {},
      boughtItems: {},
      personId: "p",
      now: NOW,
      shopTimezone: "Europe/Berlin",
      bandit: {},
      random: mulberry32(1),
    };
    expect(decide(input).candidates[0]?.reason).toBe("cap_per_day: 2 of 2 impressions on 2026-10-25");
    const yesterday = { capped: { ...(history.capped as CampaignHistory[string]), impressions: [midnight - 2, midnight - 1] } };
    expect(decide({ ...input, history: yesterday }).decisions.map((d) => d.campaign_id)).toEqual(["capped"]);
  });
});
