// The renderer in a real browser: campaigns created through the API come back as decisions from
// /v1/collect and are shown (banner, pop-up, inline slot), safely, once, without layout shifts and
// under a strict Content-Security-Policy with Trusted Types. Each test has a shop of its own, so
// one test's campaigns never show in another.
import type { Browser, BrowserContext, Dialog, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type CollectRecord,
  createCampaign,
  createShop,
  decisionsOf,
  launchBrowser,
  type NewShop,
  newContext,
  open,
  type PageDocument,
  type PageElement,
  recordCollects,
  reported,
  waitFor,
  workerUrl,
} from "./helpers";

declare const document: PageDocument;
declare const window: { __nudgeTest: { violations: string[]; shift: number; shifts: string[] } } & Record<string, unknown>;

let browser: Browser;
let context: BrowserContext;
let page: Page;
let collects: CollectRecord[];
let dialogs: string[];
let shop: NewShop;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  shop = await createShop({ consent_mode: "implied" });
  context = await newContext(browser);
  collects = recordCollects(context);
  page = await context.newPage();
  dialogs = [];
  page.on("dialog", (dialog: Dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
});
afterEach(async () => {
  await context?.close();
});

const campaign = (placement: string, content: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  createCampaign({ name: `${placement} test`, placement, variants: [{ id: "a", weight: 100, content }], ...extra }, shop.secret_key);

/** Waits until the decision for `campaignId` came back, then for its impression, and gives a second impression time to show. */
async function impressionsOf(campaignId: string): Promise<number> {
  const decision = await waitFor(() => decisionsOf(collects).find((d) => d.campaign_id === campaignId), `a decision of ${campaignId}`);
  await waitFor(() => reported(collects, "nudge_impression").get(decision.token), `the impression of ${campaignId}`);
  await page.waitForTimeout(1_500);
  return reported(collects, "nudge_impression").get(decision.token) ?? 0;
}

/** The innermost focused element, through open shadow roots: is it inside an element matching `selector` (searched deeply)? */
const focusInside = (selector: string) =>
  page.evaluate((sel) => {
    let active: PageElement | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    const find = (root: PageDocument | PageElement | NonNullable<PageElement["shadowRoot"]>): PageElement | null => {
      const hit = root.querySelector(sel);
      if (hit) return hit;
      for (const node of Array.from(root.querySelectorAll("*"))) {
        if (node.shadowRoot) {
          const inner = find(node.shadowRoot);
          if (inner) return inner;
        }
      }
      return null;
    };
    const target = find(document);
    return !!target && !!active && (target === active || target.contains(active));
  }, selector);

/** Every `href` in the page and its open shadow roots. */
const allHrefs = () =>
  page.evaluate(() => {
    const hrefs: string[] = [];
    const walk = (root: PageDocument | NonNullable<PageElement["shadowRoot"]>) => {
      for (const node of Array.from(root.querySelectorAll("*"))) {
        const href = node.getAttribute("href");
        if (href !== null) hrefs.push(href);
        if (node.shadowRoot) walk(node.shadowRoot);
      }
    };
    walk(document);
    return hrefs;
  });

describe("the renderer", () => {
  it("shows a top banner from a real decision, with its link, and reports one impression", async () => {
    const { id } = await campaign("top_banner", { title: "Free shipping today", cta: { label: "Shop the sale", url: "/sale" } });
    await open(page, "basic.html", { site: shop.site_key });
    await expect.poll(() => page.getByText("Free shipping today").isVisible(), { timeout: 15_000 }).toBe(true);
    const link = page.getByRole("link", { name: "Shop the sale" });
    expect(await link.getAttribute("href")).toMatch(/\/sale$/);
    expect(await impressionsOf(id)).toBe(1);
  });

  it("shows a pop-up that takes the focus and closes with Escape, reporting one impression and one dismissal", async () => {
    const { id } = await campaign("popup", { title: "Ten percent off", body: "Today only.", cta: { label: "Get it", url: "/deal" } });
    await open(page, "basic.html", { site: shop.site_key });
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await dialog.getByText("Ten percent off").isVisible()).toBe(true);
    expect(await focusInside("[role=dialog]")).toBe(true);

    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.count(), { timeout: 5_000 }).toBe(0);
    expect(await page.getByText("Ten percent off").count()).toBe(0);
    expect(await impressionsOf(id)).toBe(1);
    const token = decisionsOf(collects).find((d) => d.campaign_id === id)?.token ?? "";
    await waitFor(() => reported(collects, "nudge_dismiss").get(token), "the dismissal");
    expect(reported(collects, "nudge_dismiss").get(token)).toBe(1);
  });

  it("fills an inline slot from a real decision", async () => {
    const { id } = await campaign("inline:hero", { title: "Winter collection", body: "New mugs are in." });
    await open(page, "slot.html", { site: shop.site_key });
    const slot = page.locator('[data-nudge-slot="hero"]');
    await expect.poll(() => slot.getByText("Winter collection").isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await slot.getByText("New mugs are in.").isVisible()).toBe(true);
    expect(collects.some((record) => record.body?.placements?.includes("inline:hero"))).toBe(true);
    expect(await impressionsOf(id)).toBe(1);
  });

  it("shows markup in a title as text and runs none of it", async () => {
    const title = "<img src=x onerror=alert(1)>";
    await campaign("top_banner", { title, body: "<script>alert(2)</script>" });
    await open(page, "basic.html", { site: shop.site_key });
    await expect.poll(() => page.getByText(title, { exact: true }).isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.locator("img").count()).toBe(0);
    await page.waitForTimeout(1_000);
    expect(dialogs).toEqual([]);
  });

  it("never renders a javascript: call to action as a link", async () => {
    await campaign("top_banner", { title: "Careful offer", cta: { label: "Claim it", url: "/claim" } });
    // The API refuses javascript: URLs, so the answer is altered on its way to the page.
    await page.route(`${workerUrl()}/v1/collect**`, async (route) => {
      const response = await route.fetch();
      const answer = await response.json().catch(() => null);
      for (const decision of answer?.decisions ?? []) {
        if (decision.content?.cta) decision.content.cta.url = "javascript:alert(document.domain)";
      }
      await route.fulfill({ response, json: answer });
    });
    await open(page, "basic.html", { site: shop.site_key });
    await expect.poll(() => page.getByText("Careful offer").isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByRole("link", { name: "Claim it" }).count()).toBe(0);
    expect((await allHrefs()).filter((href) => /^\s*javascript:/i.test(href))).toEqual([]);
    const label = page.getByText("Claim it");
    if ((await label.count()) > 0) await label.click();
    await page.waitForTimeout(500);
    expect(dialogs).toEqual([]);
    expect(page.url()).toMatch(/\/basic\.html/);
  });

  it("renders under a strict Content-Security-Policy with Trusted Types without a violation", async () => {
    await campaign("top_banner", { title: "Strict page banner", cta: { label: "Go", url: "/go" } });
    const messages: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Trusted Type|TrustedHTML|TrustedScript/i.test(message.text())) messages.push(message.text());
    });
    await page.addInitScript(() => {
      window.__nudgeTest = { violations: [], shift: 0, shifts: [] };
      (document as unknown as { addEventListener(type: string, listener: (event: Record<string, string>) => void): void }).addEventListener(
        "securitypolicyviolation",
        (event) => window.__nudgeTest.violations.push(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    await open(page, "basic.html", { site: shop.site_key, csp: "strict" });
    await expect.poll(() => page.getByText("Strict page banner").isVisible(), { timeout: 15_000 }).toBe(true);
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => window.__nudgeTest.violations)).toEqual([]);
    expect(messages).toEqual([]);
  });

  it("shifts no layout when it shows a banner and a pop-up", async () => {
    await campaign("top_banner", { title: "Stable banner", cta: { label: "See more", url: "/more" } });
    await campaign("popup", { title: "Stable pop-up" });
    await page.addInitScript(() => {
      window.__nudgeTest = { violations: [], shift: 0, shifts: [] };
      const Observer = window.PerformanceObserver as new (
        callback: (list: {
          getEntries(): { value: number; hadRecentInput: boolean; sources?: { node?: { nodeName?: string } }[] }[];
        }) => void,
      ) => { observe(options: Record<string, unknown>): void };
      new Observer((list) => {
        for (const entry of list.getEntries()) {
          if (entry.hadRecentInput) continue;
          window.__nudgeTest.shift += entry.value;
          window.__nudgeTest.shifts.push(`${entry.value} ${(entry.sources ?? []).map((s) => s.node?.nodeName).join(",")}`);
        }
      }).observe({ type: "layout-shift", buffered: true });
    });
    await open(page, "stable.html", { site: shop.site_key });
    await expect.poll(() => page.getByText("Stable banner").isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.getByRole("dialog").isVisible(), { timeout: 15_000 }).toBe(true);
    await page.waitForTimeout(1_000);
    const { shift, shifts } = await page.evaluate(() => window.__nudgeTest);
    expect(shifts).toEqual([]);
    expect(shift).toBe(0);
  });
});
