// The demo storefront (/demo, served by the Worker under a strict Content-Security-Policy) in a real
// browser with the seeded demo shop and its campaigns (scripts/seed.sql): the welcome banner shows
// in the snippet's shadow root, a product viewed three times brings "Still thinking about it?", and
// a purchase fills the home page's hero slot with the cross-sell. No CSP violation along the way.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CollectRecord, decisionsOf, deliveredEvents, launchBrowser, newContext, recordCollects, waitFor, workerUrl } from "./helpers";

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

const visit = async (path: string) => {
  const response = await page.goto(`${workerUrl()}${path}`, { waitUntil: "load" });
  expect(response?.status(), path).toBe(200);
};

/** The text of every open shadow root in the page. */
const shadowText = () =>
  page.evaluate(() => {
    const doc = (
      globalThis as unknown as {
        document: { querySelectorAll(s: string): ArrayLike<{ shadowRoot: { textContent: string | null } | null }> };
      }
    ).document;
    return Array.from(doc.querySelectorAll("*"))
      .map((node) => node.shadowRoot?.textContent ?? "")
      .join(" ");
  });

describe("the demo storefront", () => {
  it("shows the welcome banner in the snippet's shadow root on a first visit, under the strict CSP", async () => {
    await visit("/demo");
    await expect.poll(() => page.getByText("Welcome to the Mug Shop").isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await shadowText()).toContain("Welcome to the Mug Shop");
    expect(decisionsOf(collects).some((d) => d.campaign_id === "cmp_demo_welcome")).toBe(true);
    expect(problems).toEqual([]);
  });

  it("walks through: three views of a product, add to cart, buy; the cart and GA4 events reach Nudge", async () => {
    const views = () => deliveredEvents(collects).filter((e) => e.type === "view_item").length;
    for (let i = 1; i <= 3; i++) {
      await visit("/demo/product/mug-basalt");
      await waitFor(() => views() >= i, `view_item ${i}`);
    }
    // The next page's first collect is decided with three views of the mug.
    await visit("/demo/product/mug-basalt");
    await expect.poll(() => page.getByText("Still thinking about it?").isVisible(), { timeout: 15_000 }).toBe(true);

    await page.getByRole("button", { name: "Add to cart" }).click();
    await waitFor(() => deliveredEvents(collects).some((e) => e.type === "add_to_cart"), "the add_to_cart");
    await visit("/demo/cart");
    await waitFor(() => deliveredEvents(collects).some((e) => e.type === "view_cart"), "the view_cart");
    await visit("/demo/checkout");
    await waitFor(() => deliveredEvents(collects).some((e) => e.type === "begin_checkout"), "the begin_checkout");
    await page.getByRole("button", { name: "Buy now" }).click();
    await expect.poll(() => page.getByText("is on its way").isVisible()).toBe(true);
    await waitFor(() => deliveredEvents(collects).some((e) => e.type === "purchase"), "the purchase");

    const types = new Set(deliveredEvents(collects).map((e) => e.type));
    for (const type of ["view_item", "add_to_cart", "view_cart", "begin_checkout", "purchase"]) expect(types.has(type), type).toBe(true);

    await visit("/demo");
    await expect.poll(() => page.getByText("Thanks for your order!").isVisible(), { timeout: 15_000 }).toBe(true);
    expect(problems).toEqual([]);
  });
});
