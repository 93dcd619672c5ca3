// The tracker in a real browser against `wrangler dev`: what a page does reaches the person's profile.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  anonymousIdOf,
  type CollectRecord,
  createShop,
  deliveredEvents,
  fetchProfile,
  launchBrowser,
  newContext,
  open,
  type PageDocument,
  type PageWindow,
  recordCollects,
  waitFor,
  waitForProfile,
} from "./helpers";

declare const window: PageWindow;
declare const document: PageDocument;

let browser: Browser;
let context: BrowserContext;
let page: Page;
let collects: CollectRecord[];

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
});
afterEach(async () => {
  await context?.close();
});

const cartQuantity = (items: { item_id: string; quantity?: number }[], id: string) =>
  items.filter((item) => item.item_id === id).reduce((sum, item) => sum + (item.quantity ?? 1), 0);

/** Items of the add_to_cart events among `events`, by item id. */
const addedItems = (events: { type: string; items?: unknown }[]) =>
  events.filter((event) => event.type === "add_to_cart").flatMap((event) => (event.items as { item_id: string }[] | undefined) ?? []);

describe("the tracker", () => {
  it("sends a page view that reaches the profile", async () => {
    await open(page, "basic.html");
    const id = await anonymousIdOf(collects);
    const profile = await waitForProfile(id, (p) => p.counters.page_views >= 1, "a page view");
    expect(profile.counters.page_views).toBeGreaterThanOrEqual(1);
    // The device keeps its id across pages of the same site.
    const stored = await page.evaluate(() => Object.values(window.localStorage).join("\n"));
    expect(stored).toContain(id);
  });

  it("takes GA4 events pushed to window.dataLayer before and after it loaded", async () => {
    await open(page, "datalayer.html");
    await page.evaluate(() => {
      window.dataLayer.push({ ecommerce: null });
      window.dataLayer.push({
        event: "add_to_cart",
        ecommerce: { currency: "EUR", value: 10, items: [{ item_id: "cup-2", item_name: "Cup", price: 5, quantity: 2 }] },
      });
    });
    const id = await anonymousIdOf(collects);
    const profile = await waitForProfile(
      id,
      (p) => cartQuantity(p.cart.items, "mug-1") === 1 && cartQuantity(p.cart.items, "cup-2") === 2,
      "mug-1 (pushed before load) and 2 × cup-2 (after) in the cart",
    );
    expect(profile.cart.items.length).toBeGreaterThan(0);
    expect(profile.cart.value).toBe(22);
  });

  it("keeps events made while offline and sends them once after reconnecting", async () => {
    await open(page, "basic.html");
    const id = await anonymousIdOf(collects);
    await waitForProfile(id, (p) => p.counters.page_views >= 1, "the page view");

    await context.setOffline(true);
    await page.evaluate(() => {
      for (const n of [1, 2, 3]) {
        window.dataLayer = window.dataLayer || [];
        window.dataLayer.push({
          event: "add_to_cart",
          ecommerce: { currency: "EUR", items: [{ item_id: `offline-${n}`, price: 1, quantity: 1 }] },
        });
      }
    });
    // Long enough for the tracker to try (and fail) to send them.
    await page.waitForTimeout(3_000);
    const whileOffline = await fetchProfile(id);
    expect(whileOffline?.cart.items.some((item) => item.item_id.startsWith("offline-"))).toBe(false);

    await context.setOffline(false);
    const profile = await waitForProfile(
      id,
      (p) => [1, 2, 3].every((n) => cartQuantity(p.cart.items, `offline-${n}`) === 1),
      "the three offline events",
      "sk_demo",
      // The tracker retries failed sends with a doubling backoff (1 s, 2 s, 4 s, …, with jitter).
      40_000,
    );
    expect(profile.cart.items.filter((item) => item.item_id.startsWith("offline-"))).toHaveLength(3);
    // Give a duplicate sending a moment to show, then: each event was delivered exactly once.
    await page.waitForTimeout(1_500);
    const delivered = addedItems(deliveredEvents(collects)).filter((item) => item.item_id.startsWith("offline-"));
    expect(delivered.map((item) => item.item_id).sort()).toEqual(["offline-1", "offline-2", "offline-3"]);
  }, 70_000);

  it("does not lose the last events when the visitor navigates away at once", async () => {
    await open(page, "basic.html");
    const id = await anonymousIdOf(collects);
    await waitForProfile(id, (p) => p.counters.page_views >= 1, "the page view");

    await Promise.all([
      page.waitForURL("**/other.html"),
      page.evaluate(() => {
        window.dataLayer = window.dataLayer || [];
        window.dataLayer.push({
          event: "add_to_cart",
          ecommerce: { currency: "EUR", items: [{ item_id: "last-1", price: 3, quantity: 1 }] },
        });
        window.location.href = "/other.html";
      }),
    ]);
    // other.html has no snippet: only the page that was left can have sent it.
    const profile = await waitForProfile(id, (p) => cartQuantity(p.cart.items, "last-1") === 1, "the event pushed right before leaving");
    expect(cartQuantity(profile.cart.items, "last-1")).toBe(1);
  });

  it("stores and sends nothing before consent in consent-required mode, and both after", async () => {
    const shop = await createShop({ consent_mode: "required" });
    await open(page, "basic.html", { site: shop.site_key });
    await page.evaluate(() => {
      window.dataLayer = window.dataLayer || [];
      window.dataLayer.push({ event: "add_to_cart", ecommerce: { currency: "EUR", items: [{ item_id: "pre-consent", price: 4 }] } });
    });
    await page.waitForTimeout(2_500);
    expect(collects, "no collect before consent").toHaveLength(0);
    expect(await page.evaluate(() => window.localStorage.length), "localStorage before consent").toBe(0);
    expect(await page.evaluate(() => document.cookie), "document.cookie before consent").toBe("");
    expect(await context.cookies(), "cookies before consent").toEqual([]);

    await page.evaluate(() => window.nudge("consent", { analytics: true, personalization: true, marketing: false }));
    const id = await anonymousIdOf(collects);
    await waitFor(
      () => deliveredEvents(collects).length > 0 || collects.some((r) => r.status !== null && r.status < 300),
      "a delivered collect",
    );
    expect(await page.evaluate(() => window.localStorage.length), "localStorage after consent").toBeGreaterThan(0);
    const profile = await waitForProfile(id, (p) => p.consent.analytics === true, "analytics consent", shop.secret_key);
    expect(profile.consent.personalization).toBe(true);
    expect(profile.consent.marketing).toBe(false);
  });
});
