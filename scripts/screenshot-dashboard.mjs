#!/usr/bin/env node
// `node scripts/screenshot-dashboard.mjs`: the README's picture of the dashboard. Starts nothing:
// it talks to a running Worker at NUDGE_URL (default http://127.0.0.1:8787, `npm start`) with the
// seeded demo shop. It creates (once, then reuses) a demo campaign with two variants and a holdout,
// sends results for it over HTTP (decisions, impressions, clicks and purchases from a few dozen
// visitors, the same each run), then signs in to /dashboard in Chromium, opens that campaign's
// report and saves docs/dashboard.png (1280x900).
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const BASE = (process.env.NUDGE_URL || "http://127.0.0.1:8787").replace(/\/$/, "");
const SECRET_KEY = process.env.NUDGE_SECRET_KEY || "sk_demo";
const SITE_KEY = process.env.NUDGE_SITE_KEY || "pk_demo";
// The demo shop allows http://127.0.0.1:* as a shop origin (scripts/seed.sql).
const SHOP_ORIGIN = "http://127.0.0.1:3000";
const OUT = join(dirname(fileURLToPath(import.meta.url)), "..", "docs", "dashboard.png");
const VISITORS = 60;
const PLACEMENT = "inline:spring_offer";
const CAMPAIGN = {
  name: "Demo: spring offer",
  placement: PLACEMENT,
  status: "active",
  holdout: 0.2,
  variants: [
    {
      id: "ten_off",
      weight: 50,
      content: { title: "10% off all mugs this week", cta: { label: "Shop mugs", url: "/demo/category/mugs" } },
    },
    {
      id: "free_ship",
      weight: 50,
      content: { title: "Free shipping on your first order", cta: { label: "Shop now", url: "/demo/category/mugs" } },
    },
  ],
};

async function api(method, path, body) {
  const response = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

async function collect(anonymousId, events, placements) {
  const response = await fetch(`${BASE}/v1/collect`, {
    method: "POST",
    headers: { origin: SHOP_ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ site: SITE_KEY, anonymous_id: anonymousId, events, ...(placements ? { placements } : {}) }),
  });
  if (!response.ok) throw new Error(`collect: ${response.status} ${await response.text()}`);
  return response.json();
}

/** The campaign of an earlier run, or a new one. */
async function springOffer() {
  const { campaigns } = await api("GET", "/v1/campaigns");
  const existing = campaigns.find((campaign) => campaign.name === CAMPAIGN.name && campaign.placement === PLACEMENT);
  if (existing) return existing.id;
  return (await api("POST", "/v1/campaigns", CAMPAIGN)).id;
}

/** A small seeded generator (mulberry32): the same visitors behave the same way on every run. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One visitor: a page view that asks for the offer; if shown, an impression and maybe a click; maybe an order. */
async function visitor(campaignId, index, run, chance) {
  const anonymousId = `screenshot-${run}-${index}`;
  const answer = await collect(anonymousId, [{ type: "page_view", page: { url: `${SHOP_ORIGIN}/` } }], [PLACEMENT]);
  const decision = (answer.decisions ?? []).find((d) => d.campaign_id === campaignId);
  let buys = chance() < 0.12;
  if (decision) {
    const nudge = { campaign_id: campaignId, variant_id: decision.variant_id, token: decision.token };
    const events = [{ type: "nudge_impression", ...nudge }];
    if (chance() < 0.45) {
      events.push({ type: "nudge_click", ...nudge });
      buys = chance() < 0.5;
    }
    await collect(anonymousId, events);
  }
  if (!buys) return;
  const price = [18, 24.5, 32][Math.floor(chance() * 3)];
  await collect(anonymousId, [
    {
      type: "purchase",
      transaction_id: `SHOT-${run}-${index}`,
      value: price,
      currency: "EUR",
      items: [{ item_id: "mug-basalt", price, quantity: 1 }],
    },
  ]);
}

async function screenshot(campaignId) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${BASE}/dashboard`, { waitUntil: "load" });
    await page.locator("#secret-key").fill(SECRET_KEY);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator(`[data-testid="campaign-row"][data-id="${campaignId}"] [data-testid="open-report"]`).click();
    await page.locator('[data-testid="chart-revenue"] canvas').waitFor({ timeout: 15_000 });
    // Two weeks read better in a small picture than the default 30 days.
    const to = await page.locator("#to").inputValue();
    await page.locator("#from").fill(new Date(Date.parse(`${to}T00:00:00Z`) - 13 * 86_400_000).toISOString().slice(0, 10));
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForTimeout(500);
    await page.locator('[data-testid="chart-revenue"] canvas').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    await mkdir(dirname(OUT), { recursive: true });
    await page.screenshot({ path: OUT });
  } finally {
    await browser.close();
  }
}

const campaignId = await springOffer();
// A run id keeps each run's visitors new people, so a second run adds to the results.
const run = Date.now().toString(36);
const chance = random(20260301);
for (let i = 0; i < VISITORS; i++) await visitor(campaignId, i, run, chance);
await screenshot(campaignId);
console.log(`saved ${OUT} (${campaignId}, ${VISITORS} visitors)`);
