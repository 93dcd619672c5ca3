// The dashboard (/dashboard, served by the Worker) in Chromium against `wrangler dev` with the seeded
// demo shop: sign in with the secret key (kept out of URLs, in sessionStorage only), the campaign
// list as text (markup in a name stays text), a campaign's report with its figures and a uPlot
// chart drawn from real results (a decision, an impression, a click and a purchase sent over
// HTTP), and the on/off switch seen through the API.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCampaign, deleteCampaign, launchBrowser, newContext, type PageWindow, waitFor, workerUrl } from "./helpers";

const SECRET_KEY = "sk_demo";
const XSS_NAME = "<img src=x onerror=alert(1)>";
/** The conversions series colour of the chart (snippets/dashboard/charts.ts, COLOURS.conversions). */
const CONVERSIONS_RGB: [number, number, number] = [0x16, 0xa3, 0x4a];
const SHOP_ORIGIN = "http://127.0.0.1:3000";

let browser: Browser;
let context: BrowserContext;
let page: Page;
let requestedUrls: string[];
let dialogs: string[];
let problems: string[];
let offerId: string;
let xssId: string;

const offerCampaign = (name: string, placement: string, status = "active") => ({
  name,
  placement,
  status,
  holdout: 0,
  variants: [{ id: "a", weight: 100, content: { title: "Ten percent off today", cta: { label: "Shop now", url: "/demo/category/mugs" } } }],
});

beforeAll(async () => {
  browser = await launchBrowser();
  offerId = (await createCampaign(offerCampaign("Dashboard test: inline offer", "inline:dashboard_offer"))).id;
  xssId = (await createCampaign(offerCampaign(XSS_NAME, "inline:dashboard_xss", "paused"))).id;
});
afterAll(async () => {
  for (const id of [offerId, xssId]) if (id) await deleteCampaign(id).catch(() => undefined);
  await browser?.close();
});
beforeEach(async () => {
  context = await newContext(browser);
  page = await context.newPage();
  requestedUrls = [];
  dialogs = [];
  problems = [];
  context.on("request", (request) => requestedUrls.push(request.url()));
  // CSP violations and script errors show up here.
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));
  page.on("dialog", async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
});
afterEach(async () => {
  await context?.close();
});

async function signIn(key = SECRET_KEY): Promise<void> {
  await page.goto(`${workerUrl()}/dashboard`, { waitUntil: "load" });
  await page.locator("#secret-key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function signedIn(): Promise<void> {
  await signIn();
  await page.locator('[data-testid="campaigns"]').waitFor({ timeout: 15_000 });
}

const campaignRow = (id: string) => page.locator(`[data-testid="campaign-row"][data-id="${id}"]`);

async function read<T>(path: string): Promise<T> {
  const response = await fetch(`${workerUrl()}${path}`, { headers: { authorization: `Bearer ${SECRET_KEY}` } });
  return (await response.json()) as T;
}

const campaignStatus = async (id: string) => (await read<{ status: string }>(`/v1/campaigns/${id}`)).status;
const flowEnabled = async (id: string) => (await read<{ enabled: boolean }>(`/v1/flows/${id}`)).enabled;

async function collect(anonymousId: string, events: Record<string, unknown>[], placements?: string[]) {
  const response = await fetch(`${workerUrl()}/v1/collect`, {
    method: "POST",
    headers: { origin: SHOP_ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ site: "pk_demo", anonymous_id: anonymousId, events, ...(placements ? { placements } : {}) }),
  });
  if (!response.ok) throw new Error(`collect: ${response.status} ${await response.text()}`);
  return (await response.json()) as { decisions?: { campaign_id: string; variant_id: string; token: string }[] };
}

/** One visitor over HTTP: decided the offer, shown it, clicked it, then bought for 24.50. */
async function visitorWhoBuysAfterAClick(): Promise<void> {
  const anonymousId = `dashboard-${Date.now().toString(36)}`;
  const answer = await collect(anonymousId, [{ type: "page_view", page: { url: `${SHOP_ORIGIN}/` } }], ["inline:dashboard_offer"]);
  const decision = answer.decisions?.find((d) => d.campaign_id === offerId);
  if (!decision) throw new Error(`no decision for the offer: ${JSON.stringify(answer)}`);
  const nudge = { campaign_id: offerId, variant_id: decision.variant_id, token: decision.token };
  await collect(anonymousId, [
    { type: "nudge_impression", ...nudge },
    { type: "nudge_click", ...nudge },
  ]);
  await collect(anonymousId, [
    {
      type: "purchase",
      transaction_id: `T-${anonymousId}`,
      value: 24.5,
      currency: "EUR",
      items: [{ item_id: "mug-basalt", price: 24.5, quantity: 1 }],
    },
  ]);
}

const statValue = (key: string) => page.locator(`[data-testid="stat-${key}"] .value`).textContent();

interface Canvas {
  width: number;
  height: number;
  getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/** Pixels of the canvas near `rgb`, and how many rows of the canvas they span. */
function colouredPixels(rgb: [number, number, number]) {
  return page.evaluate((target) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): Canvas | null } }).document;
    const canvas = doc.querySelector('[data-testid="chart-activity"] canvas');
    const data = canvas?.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data;
    if (!canvas || !data) return { count: 0, rows: 0, height: 0 };
    let count = 0;
    const rows = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      const near =
        Math.abs((data[i] ?? 0) - target[0]) + Math.abs((data[i + 1] ?? 0) - target[1]) + Math.abs((data[i + 2] ?? 0) - target[2]) < 60;
      if (near && (data[i + 3] ?? 0) > 200) {
        count += 1;
        rows.add(Math.floor(i / 4 / canvas.width));
      }
    }
    return { count, rows: rows.size, height: canvas.height };
  }, rgb);
}

describe("the dashboard", () => {
  it("signs in with the secret key, which stays out of every URL and lives in sessionStorage only", async () => {
    await signedIn();
    expect(page.url()).toBe(`${workerUrl()}/dashboard`);
    expect(requestedUrls.filter((url) => url.includes(SECRET_KEY))).toEqual([]);
    const storage = await page.evaluate(() => {
      const win = globalThis as unknown as PageWindow & { document: { cookie: string } };
      return { session: win.sessionStorage.getItem("nudge.dashboard.key"), local: win.localStorage.length, cookie: win.document.cookie };
    });
    expect(storage).toEqual({ session: SECRET_KEY, local: 0, cookie: "" });
  });

  it("shows an API error from a wrong key as text and keeps the key nowhere", async () => {
    await signIn("sk_wrong");
    await expect.poll(() => page.locator('[data-testid="error"]').textContent()).toContain("invalid_key");
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).sessionStorage.length)).toBe(0);
  });

  it("lists the demo shop's campaigns and flows by name", async () => {
    await signedIn();
    const names = await page.locator('[data-testid="campaign-name"]').allTextContents();
    for (const name of ["Demo: welcome", "Demo: still thinking about it?", "Demo: post-purchase cross-sell"]) expect(names).toContain(name);
    expect(await page.locator('[data-testid="flow-row"]').count()).toBeGreaterThan(0);
  });

  it("shows a campaign named like markup as literal text and runs none of it", async () => {
    await signedIn();
    const row = campaignRow(xssId);
    expect(await row.locator('[data-testid="campaign-name"]').textContent()).toBe(XSS_NAME);
    expect(await page.locator('[data-testid="campaigns"] img').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });

  it("shows a campaign's conversions, revenue and a chart drawn with its data", async () => {
    await visitorWhoBuysAfterAClick();
    await signedIn();
    await campaignRow(offerId).getByRole("button", { name: "Results" }).click();
    await page.locator('[data-testid="stat-conversions"]').waitFor();
    // Counts can reach the report a moment after the events: ask again until they are in.
    await waitFor(
      async () => {
        if ((await statValue("conversions")) === "1") return true;
        await page.getByRole("button", { name: "Show" }).click();
        return false;
      },
      "one conversion in the report",
      20_000,
    );
    expect(await statValue("impressions")).toBe("1");
    expect(await statValue("clicks")).toBe("1");
    expect(await statValue("revenue")).toBe("24.50");
    expect(await page.locator('[data-testid="uplift"]').textContent()).toContain("No holdout");

    await page.locator('[data-testid="chart-activity"] canvas').waitFor();
    const pixels = await colouredPixels(CONVERSIONS_RGB);
    expect(pixels.count).toBeGreaterThan(50);
    // A flat line at zero spans a few rows; one day with a conversion rises to the top of the plot.
    expect(pixels.rows).toBeGreaterThan(pixels.height * 0.3);
    const png = await page.locator('[data-testid="chart-activity"]').screenshot();
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.length).toBeGreaterThan(8_000);
    expect(problems).toEqual([]);
  });

  it("switches a campaign off and on again, as the API then tells", async () => {
    await signedIn();
    const toggle = campaignRow(offerId).locator('[data-testid="toggle"]');
    expect(await toggle.textContent()).toBe("Switch off");
    await toggle.click();
    await expect.poll(() => campaignStatus(offerId)).toBe("paused");
    await expect.poll(() => toggle.textContent()).toBe("Switch on");
    await toggle.click();
    await expect.poll(() => campaignStatus(offerId)).toBe("active");
    expect(await page.locator('[data-testid="error"]').textContent()).toBe("");
  });

  it("switches a flow off and on again, and shows a flow's steps", async () => {
    await signedIn();
    const row = page.locator('[data-testid="flow-row"]').first();
    const id = (await row.getAttribute("data-id")) ?? "";
    const before = await flowEnabled(id);
    const toggle = row.locator('[data-testid="toggle"]');
    await toggle.click();
    await expect.poll(() => flowEnabled(id)).toBe(!before);
    await toggle.click();
    await expect.poll(() => flowEnabled(id)).toBe(before);

    await row.getByRole("button", { name: "Results" }).click();
    await page.locator('[data-testid="steps"]').waitFor();
    expect(await page.locator('[data-testid="steps"] tbody tr').count()).toBeGreaterThan(0);
    expect(await statValue("recipients")).toMatch(/^\d+$/);
    expect(problems).toEqual([]);
  });

  it("signs out: the key leaves sessionStorage and the sign-in form comes back", async () => {
    await signedIn();
    await page.locator('[data-testid="sign-out"]').click();
    await page.locator("#secret-key").waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as PageWindow).sessionStorage.length)).toBe(0);
  });
});
