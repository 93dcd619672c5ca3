import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BUILT_IN_FLOWS } from "../../core/flows/built-in";
import { addDays } from "../../core/results/days";
import type { ReportMetric } from "../../core/results/types";
import { localDay } from "../../core/time-zone";
import { addReportCounts } from "../../workers/db/reports";
import { queueReportCounts } from "../../workers/report-counters";
import { api, BASE, createShop, type TestShop } from "../helpers";
import { centralDatabase } from "../central-db";

const campaignBody = {
  name: "Free shipping",
  placement: "top_banner",
  priority: 10,
  holdout: 0.5,
  variants: [
    { id: "a", weight: 50, content: { title: "Free shipping today" } },
    { id: "b", weight: 50, content: { title: "Shipping is on us" } },
  ],
};

interface ErrorBody {
  error: { code: string; field?: string };
}

async function createCampaign(shop: TestShop, body: object = campaignBody): Promise<string> {
  const response = await api(shop, "POST", "/v1/campaigns", body);
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

type Seed = [part: string, day: string, metric: ReportMetric, count: number, amount?: number];

function seed(shop: TestShop, subject: "campaign" | "flow", subjectId: string, rows: readonly Seed[]): Promise<void> {
  return addReportCounts(
    centralDatabase(),
    rows.map(([part, day, metric, count, amount = 0]) => ({
      shopId: shop.shop_id,
      subject,
      subject_id: subjectId,
      part,
      day,
      metric,
      count,
      amount,
    })),
  );
}

async function report(shop: TestShop, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await api(shop, "GET", `/v1/reports${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function refusal(shop: TestShop, path: string): Promise<{ status: number; code: string; field?: string }> {
  const response = await api(shop, "GET", `/v1/reports${path}`);
  const { error } = (await response.json()) as ErrorBody;
  return error.field === undefined
    ? { status: response.status, code: error.code }
    : { status: response.status, code: error.code, field: error.field };
}

const zeroDay = (date: string) => ({ date, impressions: 0, clicks: 0, conversions: 0, revenue: 0 });

describe("GET /v1/reports/campaigns/:id", () => {
  it("answers variants, holdout, uplift with its interval and every day of the range", async () => {
    const shop = await createShop();
    const id = await createCampaign(shop);
    // Exposed 56/70 against a holdout of 48/80: Newcomb 1998, Table II, first row (0.0524, 0.3339).
    await seed(shop, "campaign", id, [
      ["a", "2026-11-01", "people", 30],
      ["a", "2026-11-01", "impressions", 45],
      ["a", "2026-11-02", "clicks", 12],
      ["a", "2026-11-02", "dismissals", 3],
      ["a", "2026-11-02", "conversions", 26],
      ["a", "2026-11-02", "revenue", 27, 123_456],
      ["b", "2026-11-03", "people", 40],
      ["b", "2026-11-03", "impressions", 41],
      ["b", "2026-11-03", "conversions", 30],
      ["b", "2026-11-03", "revenue", 30, 99_999],
      ["~holdout", "2026-11-01", "people", 80],
      ["~holdout", "2026-11-03", "conversions", 48],
      ["~holdout", "2026-11-03", "revenue", 50, 5_000],
    ]);

    const { status, body } = await report(shop, `/campaigns/${id}?from=2026-11-01&to=2026-11-04&utm_source=ignored`);
    expect(status).toBe(200);
    expect(body).toEqual({
      campaign_id: id,
      from: "2026-11-01",
      to: "2026-11-04",
      variants: [
        {
          variant_id: "a",
          people: 30,
          impressions: 45,
          clicks: 12,
          dismissals: 3,
          conversions: 26,
          revenue: 1234.56,
          conversion_rate: 0.8667,
        },
        { variant_id: "b", people: 40, impressions: 41, clicks: 0, dismissals: 0, conversions: 30, revenue: 999.99, conversion_rate: 0.75 },
      ],
      holdout: { people: 80, conversions: 48, revenue: 50, conversion_rate: 0.6 },
      uplift: { absolute: 0.2, ci95: [0.0524, 0.3339], method: "newcomb_hybrid_score" },
      daily: [
        { date: "2026-11-01", impressions: 45, clicks: 0, conversions: 0, revenue: 0 },
        { date: "2026-11-02", impressions: 0, clicks: 12, conversions: 26, revenue: 1234.56 },
        { date: "2026-11-03", impressions: 41, clicks: 0, conversions: 30, revenue: 999.99 },
        zeroDay("2026-11-04"),
      ],
    });
  });

  it("nets refunds and other reversals out, cent for cent", async () => {
    const shop = await createShop();
    const id = await createCampaign(shop);
    await seed(shop, "campaign", id, [
      ["a", "2026-10-01", "people", 2],
      ["a", "2026-10-01", "conversions", 2],
      ["a", "2026-10-01", "revenue", 2, 10_010],
      ["a", "2026-10-02", "conversions", -1],
      ["a", "2026-10-02", "revenue", -1, -3_333],
    ]);
    const { body } = await report(shop, `/campaigns/${id}?from=2026-10-01&to=2026-10-02`);
    expect(body.variants).toEqual([
      { variant_id: "a", people: 2, impressions: 0, clicks: 0, dismissals: 0, conversions: 1, revenue: 66.77, conversion_rate: 0.5 },
      { variant_id: "b", people: 0, impressions: 0, clicks: 0, dismissals: 0, conversions: 0, revenue: 0, conversion_rate: 0 },
    ]);
    expect(body.daily).toEqual([
      { date: "2026-10-01", impressions: 0, clicks: 0, conversions: 2, revenue: 100.1 },
      { date: "2026-10-02", impressions: 0, clicks: 0, conversions: -1, revenue: -33.33 },
    ]);
    expect(body.uplift).toBeNull();
  });

  it("has no uplift for a campaign without a holdout, and counts only its own shop's counters", async () => {
    const shop = await createShop();
    const other = await createShop();
    const id = await createCampaign(shop, { ...campaignBody, holdout: 0 });
    await seed(shop, "campaign", id, [["a", "2026-09-10", "people", 5]]);
    await seed(other, "campaign", id, [["a", "2026-09-10", "people", 100]]);
    const { body } = await report(shop, `/campaigns/${id}?from=2026-09-10&to=2026-09-10`);
    expect(body).toMatchObject({ holdout: { people: 0, conversions: 0, revenue: 0, conversion_rate: 0 }, uplift: null });
    expect((body.variants as { people: number }[])[0]?.people).toBe(5);
  });

  it("covers the last 30 days ending today in the shop's time zone by default", async () => {
    const shop = await createShop();
    // Whichever of UTC+14 and UTC-11 is on another calendar day than UTC right now.
    const now = Date.now();
    const zone = localDay(now, "Pacific/Kiritimati") !== localDay(now, "UTC") ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
    expect((await api(shop, "PUT", "/v1/settings", { timezone: zone })).status).toBe(200);
    const id = await createCampaign(shop);
    const today = localDay(now, zone);
    await seed(shop, "campaign", id, [
      ["a", today, "impressions", 3],
      ["a", addDays(today, -30), "impressions", 100],
    ]);

    const { body } = await report(shop, `/campaigns/${id}`);
    expect(body).toMatchObject({ from: addDays(today, -29), to: today });
    const daily = body.daily as { date: string; impressions: number }[];
    expect(daily).toHaveLength(30);
    expect(daily.at(-1)).toEqual({ date: today, impressions: 3, clicks: 0, conversions: 0, revenue: 0 });
    expect(daily.reduce((sum, day) => sum + day.impressions, 0)).toBe(3);
  });

  it("includes counts this isolate still holds, written before the counters are read", async () => {
    const shop = await createShop();
    const id = await createCampaign(shop);
    // No background flush: only the report's own flush can write these counts.
    const noBackgroundFlush = { waitUntil: () => undefined };
    const impressions = {
      subject: "campaign",
      subject_id: id,
      part: "b",
      day: "2026-08-01",
      metric: "impressions",
      count: 7,
      amount: 0,
    } as const;
    queueReportCounts(centralDatabase(), shop.shop_id, [impressions], noBackgroundFlush);
    const { body } = await report(shop, `/campaigns/${id}?from=2026-08-01&to=2026-08-01`);
    expect(body.daily).toEqual([{ date: "2026-08-01", impressions: 7, clicks: 0, conversions: 0, revenue: 0 }]);
  });

  it("refuses dates that are not real days, a start after the end and ranges over 366 days", async () => {
    const shop = await createShop();
    const id = await createCampaign(shop);
    const invalid = (field: string) => ({ status: 400, code: "invalid_range", field });
    expect(await refusal(shop, `/campaigns/${id}?from=2026-02-30`)).toEqual(invalid("from"));
    expect(await refusal(shop, `/campaigns/${id}?to=12/01/2026`)).toEqual(invalid("to"));
    expect(await refusal(shop, `/campaigns/${id}?from=2026-06-02&to=2026-06-01`)).toEqual(invalid("from"));
    expect(await refusal(shop, `/campaigns/${id}?from=2025-01-01&to=2026-01-02`)).toEqual(invalid("from"));
  });

  it("answers 404 for an unknown campaign, another shop's and a deleted one", async () => {
    const shop = await createShop();
    const other = await createShop();
    const othersCampaign = await createCampaign(other);
    const deleted = await createCampaign(shop);
    expect((await api(shop, "DELETE", `/v1/campaigns/${deleted}`)).status).toBe(200);
    const notFound = { status: 404, code: "campaign_not_found" };
    expect(await refusal(shop, "/campaigns/cmp_unknown")).toEqual(notFound);
    expect(await refusal(shop, `/campaigns/${othersCampaign}`)).toEqual(notFound);
    expect(await refusal(shop, `/campaigns/${deleted}`)).toEqual(notFound);
  });
});

describe("GET /v1/reports/flows/:id", () => {
  const welcome = BUILT_IN_FLOWS.find((flow) => flow.id === "welcome");
  const welcomeSteps = welcome?.steps.map((step) => step.id) ?? [];

  it("answers a built-in flow with no counters with zeros for each of its steps", async () => {
    const shop = await createShop();
    const { status, body } = await report(shop, "/flows/welcome?from=2026-11-01&to=2026-11-02");
    expect(status).toBe(200);
    expect(welcomeSteps.length).toBeGreaterThan(0);
    expect(body).toEqual({
      flow_id: "welcome",
      from: "2026-11-01",
      to: "2026-11-02",
      recipients: 0,
      revenue: 0,
      revenue_per_recipient: 0,
      steps: welcomeSteps.map((step_id) => ({
        step_id,
        sent: 0,
        skipped: {},
        delivered: 0,
        failed: 0,
        opened: 0,
        clicked: 0,
        converted: 0,
        revenue: 0,
      })),
      daily: ["2026-11-01", "2026-11-02"].map((date) => ({
        date,
        sent: 0,
        delivered: 0,
        opened: 0,
        clicked: 0,
        conversions: 0,
        revenue: 0,
      })),
    });
  });

  it("answers sends, skips by reason, engagement and revenue per step and per recipient", async () => {
    const shop = await createShop();
    const [first = "", second = ""] = welcomeSteps;
    await seed(shop, "flow", "welcome", [
      ["", "2026-11-01", "recipients", 3],
      [first, "2026-11-01", "sent", 3],
      [first, "2026-11-01", "delivered", 2],
      [first, "2026-11-01", "failed", 1],
      [first, "2026-11-01", "skipped:quiet_hours", 2],
      [first, "2026-11-01", "skipped:no_consent", 1],
      [first, "2026-11-02", "skipped:no_consent", -1],
      [first, "2026-11-02", "opened", 2],
      [first, "2026-11-02", "clicked", 1],
      [first, "2026-11-02", "conversions", 1],
      [first, "2026-11-02", "revenue", 1, 2_000],
      [second, "2026-11-02", "sent", 1],
      [second, "2026-11-02", "revenue", 1, 1_001],
      [second, "2026-11-02", "revenue", -1, -1],
    ]);
    const { body } = await report(shop, "/flows/welcome?from=2026-11-01&to=2026-11-02");
    expect(body).toMatchObject({ recipients: 3, revenue: 30, revenue_per_recipient: 10 });
    const steps = body.steps as Record<string, unknown>[];
    expect(steps[0]).toEqual({
      step_id: first,
      sent: 3,
      skipped: { quiet_hours: 2 },
      delivered: 2,
      failed: 1,
      opened: 2,
      clicked: 1,
      converted: 1,
      revenue: 20,
    });
    expect(steps[1]).toMatchObject({ step_id: second, sent: 1, revenue: 10 });
    expect(body.daily).toEqual([
      { date: "2026-11-01", sent: 3, delivered: 2, opened: 0, clicked: 0, conversions: 0, revenue: 0 },
      { date: "2026-11-02", sent: 1, delivered: 0, opened: 2, clicked: 1, conversions: 1, revenue: 30 },
    ]);
  });

  it("answers 404 for an unknown flow and another shop's own flow", async () => {
    const shop = await createShop();
    const other = await createShop();
    const created = await api(other, "POST", "/v1/flows", {
      name: "Thanks",
      trigger: { type: "subscribed", channel: "email" },
      steps: [{ id: "hello", delay_hours: 0, channel: "email", template: { subject: "Hello", body: "Welcome." } }],
      reentry_days: null,
    });
    expect(created.status).toBe(201);
    const othersFlow = ((await created.json()) as { id: string }).id;
    expect((await report(other, `/flows/${othersFlow}`)).status).toBe(200);
    const notFound = { status: 404, code: "flow_not_found" };
    expect(await refusal(shop, "/flows/flw_unknown")).toEqual(notFound);
    expect(await refusal(shop, `/flows/${othersFlow}`)).toEqual(notFound);
  });
});

describe("reports need a secret key", () => {
  it("refuses requests without a key, with a site key and from a browser origin", async () => {
    const shop = await createShop();
    const id = await createCampaign(shop);
    const path = `${BASE}/v1/reports/campaigns/${id}`;
    const code = async (response: Response) => [response.status, ((await response.json()) as ErrorBody).error.code];
    expect(await code(await SELF.fetch(path))).toEqual([401, "missing_key"]);
    expect(await code(await SELF.fetch(path, { headers: { authorization: `Bearer ${shop.site_key}` } }))).toEqual([401, "wrong_key"]);
    expect(await code(await SELF.fetch(`${BASE}/v1/reports/flows/welcome`, { headers: { authorization: "Bearer sk_nope" } }))).toEqual([
      401,
      "invalid_key",
    ]);
    const fromPage = await SELF.fetch(path, { headers: { authorization: `Bearer ${shop.secret_key}`, origin: "https://shop.example" } });
    expect(await code(fromPage)).toEqual([403, "browser_origin"]);
  });
});
