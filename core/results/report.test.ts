import { describe, expect, it } from "vitest";
import type { DayRange } from "./days";
import { type CounterInput, campaignReport, flowReport, money } from "./report";

const RANGE: DayRange = { from: "2026-11-01", to: "2026-11-03", days: ["2026-11-01", "2026-11-02", "2026-11-03"] };

function row(part: string, day: string, metric: string, count: number, amount = 0): CounterInput {
  return { part, day, metric, count, amount };
}

/** People and conversions of one part on one day. */
function people(part: string, count: number, conversions: number, day = "2026-11-01"): CounterInput[] {
  return [row(part, day, "people", count), row(part, day, "conversions", conversions)];
}

describe("campaign report", () => {
  it("sums each variant's counters over the range and derives its conversion rate", () => {
    const report = campaignReport({
      campaignId: "cmp_1",
      range: RANGE,
      variantIds: ["a", "b"],
      rows: [
        row("a", "2026-11-01", "people", 2),
        row("a", "2026-11-02", "people", 1),
        row("a", "2026-11-01", "impressions", 5),
        row("a", "2026-11-02", "clicks", 2),
        row("a", "2026-11-03", "dismissals", 1),
        row("a", "2026-11-02", "conversions", 1),
        row("a", "2026-11-02", "revenue", 2, 12_345),
      ],
    });
    expect(report.variants).toEqual([
      { variant_id: "a", people: 3, impressions: 5, clicks: 2, dismissals: 1, conversions: 1, revenue: 123.45, conversion_rate: 0.3333 },
      { variant_id: "b", people: 0, impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0, conversion_rate: 0 },
    ]);
  });

  it("lists variants the campaign no longer has after its current ones, but never the holdout", () => {
    const report = campaignReport({
      campaignId: "cmp_1",
      range: RANGE,
      variantIds: ["new"],
      rows: [...people("retired", 1, 0), ...people("~holdout", 4, 1), ...people("new", 2, 0)],
    });
    expect(report.variants.map((variant) => variant.variant_id)).toEqual(["new", "retired"]);
    expect(report.holdout).toEqual({ people: 4, conversions: 1, revenue: 0, conversion_rate: 0.25 });
  });

  it("nets reversals out of counts and money", () => {
    const report = campaignReport({
      campaignId: "cmp_1",
      range: RANGE,
      variantIds: ["a"],
      rows: [
        row("a", "2026-11-01", "revenue", 2, 5_000),
        row("a", "2026-11-02", "revenue", -1, -1_999),
        row("a", "2026-11-01", "conversions", 2),
        row("a", "2026-11-02", "conversions", -1),
        row("a", "2026-11-01", "people", 2),
      ],
    });
    expect(report.variants[0]).toMatchObject({ conversions: 1, revenue: 30.01, conversion_rate: 0.5 });
    expect(report.daily.map((day) => day.revenue)).toEqual([50, -19.99, 0]);
  });

  it("compares all variants together with the holdout: difference of rates with Newcomb's interval", () => {
    // Exposed 56/70 (two variants) against a holdout of 48/80: Newcomb 1998, Table II, row 1.
    const report = campaignReport({
      campaignId: "cmp_1",
      range: RANGE,
      variantIds: ["a", "b"],
      rows: [...people("a", 30, 26), ...people("b", 40, 30, "2026-11-02"), ...people("~holdout", 80, 48)],
    });
    expect(report.uplift).toEqual({ absolute: 0.2, ci95: [0.0524, 0.3339], method: "newcomb_hybrid_score" });
  });

  it("has no uplift without holdout people or without exposed people", () => {
    const withoutHoldout = campaignReport({ campaignId: "c", range: RANGE, variantIds: ["a"], rows: people("a", 10, 2) });
    const withoutExposed = campaignReport({ campaignId: "c", range: RANGE, variantIds: ["a"], rows: people("~holdout", 10, 2) });
    expect(withoutHoldout.uplift).toBeNull();
    expect(withoutExposed.uplift).toBeNull();
    expect(withoutExposed.holdout.conversion_rate).toBe(0.2);
  });

  it("has a day for every date of the range, zeros included, counting the variants only", () => {
    const report = campaignReport({
      campaignId: "cmp_1",
      range: RANGE,
      variantIds: ["a", "b"],
      rows: [
        row("a", "2026-11-01", "impressions", 3),
        row("b", "2026-11-01", "impressions", 4),
        row("b", "2026-11-03", "clicks", 1),
        row("a", "2026-11-03", "conversions", 1),
        row("a", "2026-11-03", "revenue", 1, 1_050),
        row("~holdout", "2026-11-03", "conversions", 5),
        row("~holdout", "2026-11-03", "revenue", 5, 99_900),
      ],
    });
    expect(report.daily).toEqual([
      { date: "2026-11-01", impressions: 7, clicks: 0, conversions: 0, revenue: 0 },
      { date: "2026-11-02", impressions: 0, clicks: 0, conversions: 0, revenue: 0 },
      { date: "2026-11-03", impressions: 0, clicks: 1, conversions: 1, revenue: 10.5 },
    ]);
    expect(report.holdout.revenue).toBe(999);
  });

  it("ignores counters outside the range", () => {
    const report = campaignReport({
      campaignId: "cmp_1",
      range: RANGE,
      variantIds: ["a"],
      rows: [row("a", "2026-10-31", "impressions", 9), row("old", "2026-11-04", "impressions", 9)],
    });
    expect(report.variants).toEqual([expect.objectContaining({ variant_id: "a", impressions: 0 })]);
    expect(report).toMatchObject({ campaign_id: "cmp_1", from: "2026-11-01", to: "2026-11-03" });
  });
});

describe("flow report", () => {
  const rows = [
    row("", "2026-11-01", "recipients", 3),
    row("", "2026-11-02", "recipients", 1),
    row("hello", "2026-11-01", "sent", 3),
    row("hello", "2026-11-01", "delivered", 2),
    row("hello", "2026-11-01", "failed", 1),
    row("hello", "2026-11-02", "opened", 2),
    row("hello", "2026-11-02", "clicked", 1),
    row("hello", "2026-11-02", "conversions", 1),
    row("hello", "2026-11-02", "revenue", 1, 4_000),
    row("hello", "2026-11-01", "skipped:quiet_hours", 2),
    row("hello", "2026-11-01", "skipped:no_consent", 1),
    row("hello", "2026-11-02", "skipped:no_consent", -1),
    row("reminder", "2026-11-03", "sent", 1),
    row("reminder", "2026-11-03", "revenue", 1, 1_001),
  ];

  it("answers each step with its sends, skips by reason, engagement and revenue", () => {
    const report = flowReport({ flowId: "welcome", range: RANGE, stepIds: ["hello", "reminder"], rows });
    expect(report.steps).toEqual([
      {
        step_id: "hello",
        sent: 3,
        skipped: { quiet_hours: 2 },
        delivered: 2,
        failed: 1,
        opened: 2,
        clicked: 1,
        converted: 1,
        revenue: 40,
      },
      { step_id: "reminder", sent: 1, skipped: {}, delivered: 0, failed: 0, opened: 0, clicked: 0, converted: 0, revenue: 10.01 },
    ]);
  });

  it("adds the steps' revenue and divides it by the flow's recipients", () => {
    const report = flowReport({ flowId: "welcome", range: RANGE, stepIds: ["hello", "reminder"], rows });
    expect(report).toMatchObject({
      flow_id: "welcome",
      from: "2026-11-01",
      to: "2026-11-03",
      recipients: 4,
      revenue: 50.01,
      revenue_per_recipient: 12.5,
    });
  });

  it("has a day for every date of the range over all steps", () => {
    const report = flowReport({ flowId: "welcome", range: RANGE, stepIds: ["hello", "reminder"], rows });
    expect(report.daily).toEqual([
      { date: "2026-11-01", sent: 3, delivered: 2, opened: 0, clicked: 0, conversions: 0, revenue: 0 },
      { date: "2026-11-02", sent: 0, delivered: 0, opened: 2, clicked: 1, conversions: 1, revenue: 40 },
      { date: "2026-11-03", sent: 1, delivered: 0, opened: 0, clicked: 0, conversions: 0, revenue: 10.01 },
    ]);
  });

  it("keeps steps removed from the flow after its current ones, and answers zeros without counters", () => {
    const removed = flowReport({ flowId: "f", range: RANGE, stepIds: ["reminder"], rows }).steps.map((step) => step.step_id);
    expect(removed).toEqual(["reminder", "hello"]);
    const empty = flowReport({ flowId: "f", range: RANGE, stepIds: ["only"], rows: [] });
    expect(empty).toMatchObject({ recipients: 0, revenue: 0, revenue_per_recipient: 0 });
    expect(empty.steps).toEqual([
      { step_id: "only", sent: 0, skipped: {}, delivered: 0, failed: 0, opened: 0, clicked: 0, converted: 0, revenue: 0 },
    ]);
    expect(empty.daily.every((day) => day.sent === 0 && day.revenue === 0)).toBe(true);
  });
});

describe("money", () => {
  it("turns hundredths into units with two decimals, without float noise", () => {
    expect(money(1)).toBe(0.01);
    expect(money(10_001 + 20_002)).toBe(300.03);
    expect(money(-1_999)).toBe(-19.99);
    expect(money(0)).toBe(0);
  });
});
