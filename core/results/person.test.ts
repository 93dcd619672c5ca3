import { describe, expect, it } from "vitest";
import { attribute, campaignTarget, flowTarget, type Touch } from "./attribution";
import { mergeResults } from "./merge";
import {
  creditOrder,
  emptyResults,
  recordHoldout,
  recordMessageTouch,
  recordNudge,
  recordRecipient,
  refundOrder,
  type PersonResults,
  type ResultSettings,
  type ResultsChange,
} from "./person";
import type { ReportCount } from "./types";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const UTC: ResultSettings = { timezone: "UTC", click_days: 7, view_days: 1 };

/** Applies changes in order, collecting every count. */
function run(start: PersonResults, ...steps: ((results: PersonResults) => ResultsChange)[]): ResultsChange {
  let results = start;
  const counts: ReportCount[] = [];
  for (const step of steps) {
    const change = step(results);
    results = change.results;
    counts.push(...change.counts);
  }
  return { results, counts };
}

/** Net counts per `subject_id/part/metric` (days summed), money in hundredths. */
function totals(counts: readonly ReportCount[]): Record<string, { count: number; amount: number }> {
  const out: Record<string, { count: number; amount: number }> = {};
  for (const c of counts) {
    const key = `${c.subject_id}/${c.part}/${c.metric}`;
    const row = out[key] ?? { count: 0, amount: 0 };
    out[key] = { count: row.count + c.count, amount: row.amount + c.amount };
  }
  for (const [key, row] of Object.entries(out)) if (row.count === 0 && row.amount === 0) delete out[key];
  return out;
}

describe("attribution", () => {
  const click = (id: string, at: number): Touch => ({ target: campaignTarget(id, "a"), kind: "click", at });
  const view = (id: string, at: number): Touch => ({ target: campaignTarget(id, "a"), kind: "view", at });

  it.each([
    {
      name: "the last click wins over a later view",
      touches: [click("c1", T0 - DAY), view("c2", T0 - 60_000)],
      expected: "c1",
      reason: "last_click",
    },
    {
      name: "the latest of two clicks wins",
      touches: [click("c1", T0 - 3 * DAY), click("c2", T0 - 2 * DAY)],
      expected: "c2",
      reason: "last_click",
    },
    {
      name: "a click older than the click window falls back to a view",
      touches: [click("c1", T0 - 8 * DAY), view("c2", T0 - 3_600_000)],
      expected: "c2",
      reason: "last_view",
    },
    {
      name: "a view older than the view window credits nothing",
      touches: [view("c1", T0 - DAY - 1)],
      expected: null,
      reason: "no_touch_in_window",
    },
    { name: "a touch after the order credits nothing", touches: [click("c1", T0 + 1)], expected: null, reason: "no_touch_in_window" },
    { name: "a click exactly 7 days before still counts", touches: [click("c1", T0 - 7 * DAY)], expected: "c1", reason: "last_click" },
  ])("$name", ({ touches, expected, reason }) => {
    const attribution = attribute(touches, T0, UTC);
    expect(attribution.reason).toBe(reason);
    expect(attribution.target?.id ?? null).toBe(expected);
  });

  it("uses the shop's windows", () => {
    const touches = [click("c1", T0 - 2 * DAY)];
    expect(attribute(touches, T0, { click_days: 1, view_days: 1 }).target).toBeNull();
    expect(attribute(touches, T0, { click_days: 3, view_days: 1 }).target?.id).toBe("c1");
  });
});

describe("a person's results", () => {
  it("counts a person once per campaign, in the variant of their first impression", () => {
    const { counts } = run(
      emptyResults(),
      (r) => recordNudge(r, "impression", "c1", "a", T0, "UTC"),
      (r) => recordNudge(r, "impression", "c1", "a", T0 + DAY, "UTC"),
      (r) => recordNudge(r, "click", "c1", "a", T0 + DAY, "UTC"),
      (r) => recordNudge(r, "dismiss", "c1", "a", T0 + DAY, "UTC"),
    );
    expect(totals(counts)).toEqual({
      "c1/a/people": { count: 1, amount: 0 },
      "c1/a/impressions": { count: 2, amount: 0 },
      "c1/a/clicks": { count: 1, amount: 0 },
      "c1/a/dismissals": { count: 1, amount: 0 },
    });
    expect(counts.find((c) => c.metric === "people")?.day).toBe("2026-11-20");
  });

  it("counts days in the shop's time zone", () => {
    const late = Date.UTC(2026, 10, 20, 23, 30);
    const { counts } = recordNudge(emptyResults(), "impression", "c1", "a", late, "Europe/Berlin");
    expect(counts.map((c) => c.day)).toEqual(["2026-11-21", "2026-11-21"]);
  });

  it("credits an order to the click before it, with a conversion and the revenue", () => {
    const { results, counts } = run(
      emptyResults(),
      (r) => recordNudge(r, "impression", "c1", "b", T0, "UTC"),
      (r) => recordNudge(r, "click", "c1", "b", T0 + 1000, "UTC"),
      (r) => creditOrder(r, { transaction_id: "o1", at: T0 + 3 * DAY, value: 49.99 }, UTC),
    );
    expect(totals(counts)).toMatchObject({ "c1/b/conversions": { count: 1, amount: 0 }, "c1/b/revenue": { count: 1, amount: 4999 } });
    expect(results.orders.o1?.target).toEqual(campaignTarget("c1", "b"));
  });

  it("credits one order once, even when it is reported twice", () => {
    const { counts } = run(
      emptyResults(),
      (r) => recordNudge(r, "click", "c1", "a", T0, "UTC"),
      (r) => creditOrder(r, { transaction_id: "o1", at: T0 + 1000, value: 20 }, UTC),
      (r) => creditOrder(r, { transaction_id: "o1", at: T0 + 2000, value: 20 }, UTC),
    );
    expect(totals(counts)["c1/a/revenue"]).toEqual({ count: 1, amount: 2000 });
  });

  it("counts a person converting twice as one conversion with both orders' revenue", () => {
    const { counts } = run(
      emptyResults(),
      (r) => recordNudge(r, "click", "c1", "a", T0, "UTC"),
      (r) => creditOrder(r, { transaction_id: "o1", at: T0 + 1000, value: 20 }, UTC),
      (r) => creditOrder(r, { transaction_id: "o2", at: T0 + 2000, value: 5.5 }, UTC),
    );
    expect(totals(counts)).toMatchObject({ "c1/a/conversions": { count: 1, amount: 0 }, "c1/a/revenue": { count: 2, amount: 2550 } });
  });

  it("subtracts a partial refund from the revenue, and a full refund takes the conversion back", () => {
    const credited = run(
      emptyResults(),
      (r) => recordNudge(r, "click", "c1", "a", T0, "UTC"),
      (r) => creditOrder(r, { transaction_id: "o1", at: T0 + 1000, value: 100 }, UTC),
    );
    const partial = refundOrder(credited.results, "o1", 30, false);
    expect(totals([...credited.counts, ...partial.counts])["c1/a/revenue"]).toEqual({ count: 1, amount: 7000 });
    const full = refundOrder(partial.results, "o1", 70, true);
    const net = totals([...credited.counts, ...partial.counts, ...full.counts]);
    expect(net["c1/a/revenue"]).toBeUndefined();
    expect(net["c1/a/conversions"]).toBeUndefined();
    expect(full.counts.every((c) => c.day === "2026-11-20")).toBe(true);
  });

  it("ignores a refund of an order that was credited to nothing", () => {
    expect(refundOrder(emptyResults(), "o9", 10, true).counts).toEqual([]);
  });

  it("records a held-out person once, and their order converts against the holdout", () => {
    const { counts } = run(
      emptyResults(),
      (r) => recordHoldout(r, "c1", T0, "UTC"),
      (r) => recordHoldout(r, "c1", T0 + 3_600_000, "UTC"),
      (r) => creditOrder(r, { transaction_id: "o1", at: T0 + 2 * 3_600_000, value: 10 }, UTC),
    );
    expect(totals(counts)).toEqual({
      "c1/~holdout/people": { count: 1, amount: 0 },
      "c1/~holdout/conversions": { count: 1, amount: 0 },
      "c1/~holdout/revenue": { count: 1, amount: 1000 },
    });
  });

  it("does not rewrite the state for a held-out decision repeated within a minute", () => {
    const first = recordHoldout(emptyResults(), "c1", T0, "UTC");
    expect(recordHoldout(first.results, "c1", T0 + 30_000, "UTC").results).toBe(first.results);
  });

  it("credits an order to a message click, and counts the flow's recipient once", () => {
    const { counts } = run(
      emptyResults(),
      (r) => recordRecipient(r, "cart_abandonment", T0, "UTC"),
      (r) => recordRecipient(r, "cart_abandonment", T0 + DAY, "UTC"),
      (r) => recordMessageTouch(r, "cart_abandonment", "reminder", "click", true, T0 + 1000, "UTC"),
      (r) => creditOrder(r, { transaction_id: "o1", at: T0 + DAY, value: 30 }, UTC),
    );
    expect(totals(counts)).toEqual({
      "cart_abandonment//recipients": { count: 1, amount: 0 },
      "cart_abandonment/reminder/clicked": { count: 1, amount: 0 },
      "cart_abandonment/reminder/conversions": { count: 1, amount: 0 },
      "cart_abandonment/reminder/revenue": { count: 1, amount: 3000 },
    });
    expect(counts.at(-1)?.subject).toBe("flow");
  });

  it("credits a later campaign click over an earlier message click", () => {
    const { results } = run(
      emptyResults(),
      (r) => recordMessageTouch(r, "welcome", "day0", "click", true, T0, "UTC"),
      (r) => recordNudge(r, "click", "c1", "a", T0 + 1000, "UTC"),
      (r) => creditOrder(r, { transaction_id: "o1", at: T0 + 2000, value: 1 }, UTC),
    );
    expect(results.orders.o1?.target).toEqual(campaignTarget("c1", "a"));
    expect(flowTarget("welcome", "day0").subject).toBe("flow");
  });
});

describe("merging two people's results", () => {
  it("counts merged devices as one person, keeping the survivor's variant", () => {
    const survivor = recordNudge(emptyResults(), "impression", "c1", "a", T0, "UTC");
    const absorbed = recordNudge(emptyResults(), "impression", "c1", "b", T0 + 1000, "UTC");
    const merged = mergeResults(survivor.results, absorbed.results);
    const net = totals([...survivor.counts, ...absorbed.counts, ...merged.counts]);
    expect(net["c1/a/people"]).toEqual({ count: 1, amount: 0 });
    expect(net["c1/b/people"]).toBeUndefined();
    expect(merged.results.campaigns.c1?.part).toBe("a");
  });

  it("takes back an order both devices credited, and the second conversion", () => {
    const device = (variant: string) =>
      run(
        emptyResults(),
        (r) => recordNudge(r, "click", "c1", variant, T0, "UTC"),
        (r) => creditOrder(r, { transaction_id: "o1", at: T0 + 1000, value: 40 }, UTC),
      );
    const a = device("a");
    const b = device("a");
    const merged = mergeResults(a.results, b.results);
    const net = totals([...a.counts, ...b.counts, ...merged.counts]);
    expect(net["c1/a/people"]).toEqual({ count: 1, amount: 0 });
    expect(net["c1/a/conversions"]).toEqual({ count: 1, amount: 0 });
    expect(net["c1/a/revenue"]).toEqual({ count: 1, amount: 4000 });
  });

  it("keeps the absorbed person's membership and orders when the survivor had none, and is idempotent in counts", () => {
    const absorbed = run(
      emptyResults(),
      (r) => recordNudge(r, "click", "c1", "a", T0, "UTC"),
      (r) => creditOrder(r, { transaction_id: "o1", at: T0 + 1000, value: 40 }, UTC),
    );
    const merged = mergeResults(emptyResults(), absorbed.results);
    expect(merged.counts).toEqual([]);
    expect(merged.results.orders.o1).toBeDefined();
    const refund = refundOrder(merged.results, "o1", 40, true);
    expect(totals([...absorbed.counts, ...refund.counts])["c1/a/conversions"]).toBeUndefined();
  });

  it("counts one recipient of a flow both devices were sent", () => {
    const a = recordRecipient(emptyResults(), "welcome", T0, "UTC");
    const b = recordRecipient(emptyResults(), "welcome", T0, "UTC");
    const merged = mergeResults(a.results, b.results);
    expect(totals([...a.counts, ...b.counts, ...merged.counts])["welcome//recipients"]).toEqual({ count: 1, amount: 0 });
  });
});
