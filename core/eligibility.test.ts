import { describe, expect, it } from "vitest";
import {
  eligibility,
  mergeCampaignHistory,
  recordConversion,
  recordInteraction,
  type CampaignHistory,
  type CampaignRules,
} from "./eligibility";
import { guardContent } from "./guards";

const HOUR = 60 * 60 * 1000;
const NOW = Date.parse("2026-12-10T12:00:00Z");
const campaign = (overrides: Partial<CampaignRules> = {}): CampaignRules => ({
  status: "active",
  audience: { all: [] },
  caps: { per_day: null, lifetime: null, stop_after_click: false, stop_after_conversion: false },
  schedule: null,
  ...overrides,
});
const subject = { profile: { cart: { value: 40 } }, context: {} };
const seen = (...times: number[]): CampaignHistory =>
  times.reduce<CampaignHistory>((h, at) => recordInteraction(h, "c1", "impression", at), {});

describe("campaign eligibility", () => {
  it.each([
    ["an active campaign for everyone", campaign(), true, undefined],
    ["a paused campaign", campaign({ status: "paused" }), false, "not_active"],
    ["a draft", campaign({ status: "draft" }), false, "not_active"],
    ["before its start", campaign({ schedule: { start: "2026-12-11T00:00:00Z", end: null, timezone: "UTC" } }), false, "not_started"],
    ["after its end", campaign({ schedule: { start: null, end: "2026-12-10T12:00:00Z", timezone: "UTC" } }), false, "ended"],
    ["at its start", campaign({ schedule: { start: "2026-12-10T12:00:00Z", end: null, timezone: "UTC" } }), true, undefined],
    ["an audience that does not match", campaign({ audience: { attr: "cart.value", op: "gt", value: 50 } }), false, "audience"],
    ["an audience that matches", campaign({ audience: { attr: "cart.value", op: "gte", value: 30 } }), true, undefined],
  ])("%s → eligible %s", (_name, rules, eligible, reason) => {
    const result = eligibility(rules, subject, undefined, NOW, "UTC");
    expect(result.eligible).toBe(eligible);
    if (!result.eligible) expect(result.reason).toBe(reason);
  });

  it("starts a schedule at local midnight of its time zone", () => {
    const rules = campaign({ schedule: { start: "2026-12-01T00:00:00", end: null, timezone: "Europe/Berlin" } });
    expect(eligibility(rules, subject, undefined, Date.parse("2026-11-30T22:59:59Z"), "UTC").eligible).toBe(false);
    expect(eligibility(rules, subject, undefined, Date.parse("2026-11-30T23:00:00Z"), "UTC").eligible).toBe(true);
  });

  it("caps impressions per day on the shop's calendar day", () => {
    const rules = campaign({ caps: { per_day: 2, lifetime: null, stop_after_click: false, stop_after_conversion: false } });
    // 23:15 and 23:45 UTC on the 9th are already the 10th in Berlin.
    const history = seen(Date.parse("2026-12-09T23:15:00Z"), Date.parse("2026-12-09T23:45:00Z"));
    expect(eligibility(rules, subject, history.c1, NOW, "Europe/Berlin")).toMatchObject({ eligible: false, reason: "cap_per_day" });
    expect(eligibility(rules, subject, history.c1, NOW, "UTC").eligible).toBe(true);
  });

  it("caps impressions over a lifetime", () => {
    const rules = campaign({ caps: { per_day: null, lifetime: 3, stop_after_click: false, stop_after_conversion: false } });
    expect(eligibility(rules, subject, seen(1, 2).c1, NOW, "UTC").eligible).toBe(true);
    expect(eligibility(rules, subject, seen(1, 2, 3).c1, NOW, "UTC")).toMatchObject({ eligible: false, reason: "cap_lifetime" });
  });

  it("stops after a click and after a conversion when asked to", () => {
    const clicked = recordInteraction(seen(NOW - HOUR), "c1", "click", NOW - HOUR);
    const stopClick = campaign({ caps: { per_day: null, lifetime: null, stop_after_click: true, stop_after_conversion: false } });
    expect(eligibility(stopClick, subject, clicked.c1, NOW, "UTC")).toMatchObject({ eligible: false, reason: "stopped_after_click" });
    expect(eligibility(campaign(), subject, clicked.c1, NOW, "UTC").eligible).toBe(true);
    const { history, converted } = recordConversion(clicked, NOW - HOUR / 2, 24 * HOUR);
    expect(converted).toEqual(["c1"]);
    const stopConversion = campaign({ caps: { per_day: null, lifetime: null, stop_after_click: false, stop_after_conversion: true } });
    expect(eligibility(stopConversion, subject, history.c1, NOW, "UTC")).toMatchObject({
      eligible: false,
      reason: "stopped_after_conversion",
    });
  });
});

describe("campaign history", () => {
  it("records interactions without changing its input", () => {
    const before = seen(1);
    const after = recordInteraction(recordInteraction(before, "c1", "click", 5), "c1", "dismiss", 6);
    expect(before.c1).toMatchObject({ clicks: 0, dismissals: 0 });
    expect(after.c1).toMatchObject({ impressions: [1], impressions_total: 1, clicks: 1, dismissals: 1, last_click_at: 5 });
  });

  it("converts only campaigns clicked within the window before the purchase", () => {
    let history = recordInteraction({}, "recent", "click", NOW - HOUR);
    history = recordInteraction(history, "old", "click", NOW - 30 * 24 * HOUR);
    history = recordInteraction(history, "seen", "impression", NOW - HOUR);
    expect(recordConversion(history, NOW, 7 * 24 * HOUR).converted).toEqual(["recent"]);
    expect(recordConversion(history, NOW, 7 * 24 * HOUR, true).converted.sort()).toEqual(["recent", "seen"]);
  });

  it("adds both people's interactions up in a merge", () => {
    const a = recordInteraction(seen(1, 2), "c1", "click", 3);
    const b = recordInteraction(recordInteraction({}, "c1", "impression", 4), "c2", "impression", 5);
    const merged = mergeCampaignHistory(a, b);
    expect(merged.c1).toMatchObject({ impressions: [1, 2, 4], impressions_total: 3, clicks: 1, last_click_at: 3 });
    expect(merged.c2?.impressions_total).toBe(1);
  });
});

describe("journey guards on content", () => {
  const bought = { boots: 1 };

  it("never offers a discount on an item already bought", () => {
    expect(guardContent({ code: "SAVE10", items: [{ item_id: "boots" }, { item_id: "hat" }] }, bought)).toMatchObject({
      ok: false,
      reason: "already_bought",
    });
  });

  it("leaves bought items out of suggestions and keeps the rest", () => {
    expect(guardContent({ items: [{ item_id: "boots" }, { item_id: "hat" }] }, bought)).toEqual({
      ok: true,
      content: { items: [{ item_id: "hat" }] },
      removed: ["boots"],
    });
  });

  it("refuses suggestions that were all bought", () => {
    expect(guardContent({ items: [{ item_id: "boots" }] }, bought)).toMatchObject({ ok: false, reason: "already_bought" });
  });

  it("lets content without items or with unbought items through", () => {
    expect(guardContent({ code: "WELCOME" }, bought).ok).toBe(true);
    expect(guardContent({ code: "SAVE", items: [{ item_id: "constructor" }] }, {}).ok).toBe(true);
  });
});
