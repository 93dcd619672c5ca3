// The demo's "done when" end to end in Chromium against `wrangler dev` with the seeded demo shop: a
// visitor views a mug three times, is shown "Still thinking about it?" (the snippet reports its
// impression), clicks its CTA and buys through the demo checkout; the dashboard then shows one more
// conversion and the order's value on that campaign. Other test files share the demo shop, so the
// figures are compared with the report read before the visit.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CollectRecord, deliveredEvents, launchBrowser, newContext, recordCollects, waitFor, workerUrl } from "./helpers";

const SECRET_KEY = "sk_demo";
const CAMPAIGN_ID = "cmp_demo_still_thinking";
const PRODUCT = "mug-basalt";

interface CampaignFigures {
  impressions: number;
  clicks: number;
  conversions: number;
  /** In hundredths, so that before and after compare exactly. */
  revenue: number;
}

interface CampaignReport {
  variants: { impressions: number; clicks: number; conversions: number; revenue: number }[];
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let collects: CollectRecord[];
let problems: string[];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  context = await newContext(browser);
  collects = recordCollects(context);
  page = await context.newPage();
  problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));
});
afterEach(async () => {
  await context?.close();
});

/** The campaign's figures over all its variants, as the report API answers them now. */
async function campaignFigures(): Promise<CampaignFigures> {
  const response = await fetch(`${workerUrl()}/v1/reports/campaigns/${CAMPAIGN_ID}`, {
    headers: { authorization: `Bearer ${SECRET_KEY}` },
  });
  if (!response.ok) throw new Error(`report: ${response.status} ${await response.text()}`);
  const { variants } = (await response.json()) as CampaignReport;
  const sum = (pick: (v: CampaignReport["variants"][number]) => number) => variants.reduce((total, v) => total + pick(v), 0);
  return {
    impressions: sum((v) => v.impressions),
    clicks: sum((v) => v.clicks),
    conversions: sum((v) => v.conversions),
    revenue: Math.round(sum((v) => v.revenue) * 100),
  };
}

/** Counters reach the report when their isolate flushes: ask until `check` holds (or ~15 s passed). */
function reportShowing(check: (figures: CampaignFigures) => boolean, what: string): Promise<CampaignFigures> {
  return waitFor(
    async () => {
      const figures = await campaignFigures();
      return check(figures) ? figures : null;
    },
    `the report of ${CAMPAIGN_ID} to show ${what}`,
    15_000,
  );
}

const visit = async (path: string) => {
  const response = await page.goto(`${workerUrl()}${path}`, { waitUntil: "load" });
  expect(response?.status(), path).toBe(200);
};

const delivered = (type: string) => deliveredEvents(collects).filter((event) => event.type === type);

/** Three views of the mug, then a fourth page decided with them: the banner shows, and the mug goes in the cart. */
async function viewUntilStillThinking(): Promise<void> {
  for (let i = 1; i <= 3; i++) {
    await visit(`/demo/product/${PRODUCT}`);
    await waitFor(() => delivered("view_item").length >= i, `view_item ${i}`);
  }
  await visit(`/demo/product/${PRODUCT}`);
  await expect.poll(() => page.getByText("Still thinking about it?").isVisible(), { timeout: 15_000 }).toBe(true);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await waitFor(() => delivered("add_to_cart").length > 0, "the add_to_cart");
}

/** Buys the cart through the demo checkout; the order's value as the storefront sent it, in hundredths. */
async function buy(): Promise<number> {
  await visit("/demo/checkout");
  await page.getByRole("button", { name: "Buy now" }).click();
  await expect.poll(() => page.getByText("is on its way").isVisible()).toBe(true);
  const [purchase] = await waitFor(() => {
    const purchases = delivered("purchase");
    return purchases.length > 0 ? purchases : null;
  }, "the purchase answered");
  const value = Number(purchase?.value);
  expect(value).toBeGreaterThan(0);
  return Math.round(value * 100);
}

/** Hundredths as the dashboard writes money (two decimals). */
const asShown = (hundredths: number) => (hundredths / 100).toFixed(2);

const statValue = (key: string) => page.locator(`[data-testid="stat-${key}"] .value`).textContent();

describe("results on the dashboard", () => {
  it("After browsing the demo storefront and buying, the dashboard shows the conversion on the campaign that led to it", async () => {
    const before = await campaignFigures();

    await viewUntilStillThinking();
    await reportShowing((now) => now.impressions > before.impressions, "the banner's impression");
    await page.getByRole("link", { name: "To the cart" }).click();
    await page.waitForURL(/\/demo\/cart$/);
    await reportShowing((now) => now.clicks > before.clicks, "the banner's click");

    const order = await buy();
    const after = await reportShowing((now) => now.conversions > before.conversions, "the conversion");
    expect(after.conversions).toBe(before.conversions + 1);
    expect(after.revenue).toBe(before.revenue + order);

    await page.goto(`${workerUrl()}/dashboard`, { waitUntil: "load" });
    await page.locator("#secret-key").fill(SECRET_KEY);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator('[data-testid="campaigns"]').waitFor({ timeout: 15_000 });
    await page.locator(`[data-testid="campaign-row"][data-id="${CAMPAIGN_ID}"]`).getByRole("button", { name: "Results" }).click();
    await page.locator('[data-testid="stat-conversions"]').waitFor();
    expect(await statValue("conversions")).toBe(String(before.conversions + 1));
    expect(await statValue("revenue")).toBe(asShown(before.revenue + order));
    expect(problems).toEqual([]);
  });
});
