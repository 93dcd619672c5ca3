// The snippet in a real browser, for scripts/bench.mjs: Chromium (Debian's /usr/bin/chromium through
// playwright-core, the flags of test/browser/helpers.ts) loads a plain page from a small page server
// on 127.0.0.1 with the stub and the async tag of the Worker under test, `loads` times, each in a
// fresh browser context (a first visit: no stored id, a new person). From the page's own
// Performance timeline it takes the time from navigation start to the first decision rendered
// (the renderer's top-banner host, `<div data-nudge="top_banner">` with its shadow root filled, is
// in the document) and the page's first contentful paint. Browser and page server are closed at
// the end, also on failure.
import http from "node:http";
import { chromium } from "playwright-core";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];
const SITE_KEY = "pk_demo";
const SECRET_KEY = "sk_demo";
const BANNER = '[data-nudge="top_banner"]';
const RENDER_TIMEOUT_MS = 15_000;

/** The page under test: the stub, the tag, a little content of its own to paint. */
function pageHtml(workerUrl) {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Nudge bench page</title>
    <script>window.nudge=window.nudge||function(){(nudge.q=nudge.q||[]).push(arguments)}</script>
    <script async src="${workerUrl}/nudge.js" data-site="${SITE_KEY}"></script>
  </head>
  <body>
    <h1>Mugs</h1>
    <p>A shop page with the snippet and nothing else.</p>
  </body>
</html>
`;
}

/** Serves the page at / on a free 127.0.0.1 port; resolves with the server and its origin. */
async function startPageServer(workerUrl) {
  const html = pageHtml(workerUrl);
  const server = http.createServer((request, response) => {
    if (request.url === "/" || request.url?.startsWith("/?")) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html);
    } else {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

async function closeServer(server) {
  if (!server) return;
  const closed = new Promise((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/** A top banner for everyone of the demo shop, so that every first visit gets a decision. */
async function createBannerCampaign(workerUrl) {
  const response = await fetch(`${workerUrl}/v1/campaigns`, {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({
      name: "Bench snippet banner",
      placement: "top_banner",
      audience: { all: [] },
      variants: [{ id: "a", weight: 100, content: { title: "Free shipping today", cta: { label: "Shop", url: "/sale" } } }],
    }),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`snippet campaign: ${response.status} ${text}`);
  return JSON.parse(text).id;
}

/**
 * Runs in the page before any of its scripts: records performance.now() when the banner host is
 * in the document with its shadow root filled (the renderer fills it in the same task it appends
 * the host, so the observer's microtask sees both).
 */
function observeBanner(selector) {
  const found = () => {
    const host = document.querySelector(selector);
    return host?.shadowRoot && host.shadowRoot.childNodes.length > 0;
  };
  const observer = new MutationObserver(() => {
    if (window.__nudgeBenchRendered === undefined && found()) {
      window.__nudgeBenchRendered = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

/** In the page, after load: waits for the recorded moment (polling), then reads the paint timeline. */
function readTimings({ timeoutMs }) {
  return new Promise((resolve) => {
    const started = performance.now();
    const poll = () => {
      const rendered = window.__nudgeBenchRendered;
      if (rendered !== undefined || performance.now() - started > timeoutMs) {
        const fcp = performance.getEntriesByName("first-contentful-paint")[0];
        resolve({ rendered: rendered ?? null, fcp: fcp ? fcp.startTime : null });
      } else setTimeout(poll, 20);
    };
    poll();
  });
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

const round = (value) => (value === null ? null : Number(value.toFixed(1)));

/**
 * Measures `loads` first visits (after `warmups` not counted). Returns the figures; throws when a
 * load shows no decision within the timeout.
 */
export async function benchSnippet({
  workerUrl,
  loads = 20,
  warmups = 1,
  executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
}) {
  const campaignId = await createBannerCampaign(workerUrl);
  let browser = null;
  let pages = null;
  try {
    pages = await startPageServer(workerUrl);
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
    const samples = [];
    for (let i = 0; i < warmups + loads; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        await context.addInitScript(observeBanner, BANNER);
        const page = await context.newPage();
        await page.goto(`${pages.url}/?load=${i}`, { waitUntil: "load", timeout: 30_000 });
        const timing = await page.evaluate(readTimings, { timeoutMs: RENDER_TIMEOUT_MS });
        if (timing.rendered === null) throw new Error(`load ${i}: no decision rendered within ${RENDER_TIMEOUT_MS} ms`);
        if (i >= warmups) samples.push(timing);
      } finally {
        await context.close().catch(() => {});
      }
    }
    const rendered = samples.map((s) => s.rendered).sort((a, b) => a - b);
    const fcp = samples
      .map((s) => s.fcp)
      .filter((v) => v !== null)
      .sort((a, b) => a - b);
    return {
      loads: samples.length,
      warmup_loads: warmups,
      campaign_id: campaignId,
      page_url: pages.url,
      detection: `${BANNER} host with a filled shadow root (MutationObserver), performance.now() from navigation start`,
      first_decision_rendered_ms: {
        p50: round(percentile(rendered, 50)),
        p90: round(percentile(rendered, 90)),
        min: round(rendered[0]),
        max: round(rendered[rendered.length - 1]),
      },
      page_fcp_ms: { p50: round(percentile(fcp, 50)), samples: fcp.length },
      samples_ms: samples.map((s) => ({ rendered: round(s.rendered), fcp: round(s.fcp) })),
    };
  } finally {
    await browser?.close().catch(() => {});
    await closeServer(pages?.server);
  }
}
