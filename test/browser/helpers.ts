// Shared by the browser tests: Chromium through playwright-core (Debian's /usr/bin/chromium, never a
// downloaded one), a log of every request a page makes to /v1/collect, and the Worker's APIs.
import { type Browser, type BrowserContext, chromium, type Page, type Request } from "playwright-core";
import { inject } from "vitest";

export const workerUrl = (): string => inject("workerUrl");
export const pagesUrl = (): string => inject("pagesUrl");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS, timeout: 60_000 });
}

export interface CollectEvent {
  type: string;
  id?: string;
  [field: string]: unknown;
}
export interface CollectBody {
  site: string;
  anonymous_id: string;
  events: CollectEvent[];
  placements?: string[];
  consent?: Record<string, boolean>;
  [field: string]: unknown;
}
export interface CollectRecord {
  request: Request;
  body: CollectBody | null;
  resourceType: string;
  /** The answer's status once it came; null while pending or when the request failed. */
  status: number | null;
  /** The answer's JSON body, when it had one (decisions come back here). */
  answer: { decisions?: DecisionLike[] } | null;
  failed: boolean;
}
export interface DecisionLike {
  placement: string;
  campaign_id: string;
  variant_id: string;
  token: string;
  content: Record<string, unknown>;
}

function parseBody(request: Request): CollectBody | null {
  let text: string | null = null;
  try {
    text = request.postData();
  } catch {
    text = null;
  }
  if (text === null) {
    const buffer = request.postDataBuffer();
    text = buffer ? buffer.toString("utf8") : null;
  }
  if (text === null) return null;
  try {
    return JSON.parse(text) as CollectBody;
  } catch {
    return null;
  }
}

/** Every request to the worker's /v1/collect made in `context` (beacons included), in order. */
export function recordCollects(context: BrowserContext): CollectRecord[] {
  const records: CollectRecord[] = [];
  const find = (request: Request) => records.find((record) => record.request === request);
  const isCollect = (request: Request) => request.method() === "POST" && request.url().startsWith(`${workerUrl()}/v1/collect`);
  context.on("request", (request) => {
    if (isCollect(request))
      records.push({ request, body: parseBody(request), resourceType: request.resourceType(), status: null, answer: null, failed: false });
  });
  context.on("requestfinished", async (request) => {
    const record = find(request);
    if (!record) return;
    const response = await request.response().catch(() => null);
    record.answer = response ? await response.json().catch(() => null) : null;
    record.status = response?.status() ?? null;
  });
  context.on("requestfailed", (request) => {
    const record = find(request);
    if (record) record.failed = true;
  });
  return records;
}

/** The events of all collects that were answered 2xx. */
export function deliveredEvents(records: CollectRecord[]): CollectEvent[] {
  return records.filter((record) => record.status !== null && record.status < 300).flatMap((record) => record.body?.events ?? []);
}

/** The decisions of all answered collects. */
export function decisionsOf(records: CollectRecord[]): DecisionLike[] {
  return records.flatMap((record) => record.answer?.decisions ?? []);
}

/** The delivered `nudge_*` events of `type`, by decision token. */
export function reported(records: CollectRecord[], type: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of deliveredEvents(records)) {
    if (event.type === type && typeof event.token === "string") counts.set(event.token, (counts.get(event.token) ?? 0) + 1);
  }
  return counts;
}

/** Polls `probe` until it returns a value other than undefined/null/false, or fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}

/** The anonymous id of the device, from the first collect the page sent. */
export function anonymousIdOf(records: CollectRecord[]): Promise<string> {
  return waitFor(() => records.find((record) => record.body?.anonymous_id)?.body?.anonymous_id, "a collect with an anonymous_id");
}

export interface Profile {
  profile_id: string;
  counters: { events: number; page_views: number; sessions: number };
  cart: { items: { item_id: string; quantity?: number; price?: number }[]; value: number; currency: string | null };
  consent: Record<string, boolean | null>;
  [field: string]: unknown;
}

/** GET /v1/profiles/anonymous_id:<id>; null while the profile does not exist (404). */
export async function fetchProfile(anonymousId: string, secretKey = "sk_demo"): Promise<Profile | null> {
  const response = await fetch(`${workerUrl()}/v1/profiles/anonymous_id:${encodeURIComponent(anonymousId)}`, {
    headers: { authorization: `Bearer ${secretKey}` },
  });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`profile ${anonymousId}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Profile;
}

/** Polls the profile until `check` holds; returns it. */
export function waitForProfile(
  anonymousId: string,
  check: (profile: Profile) => boolean,
  what: string,
  secretKey = "sk_demo",
  timeoutMs = 15_000,
) {
  return waitFor(
    async () => {
      const profile = await fetchProfile(anonymousId, secretKey);
      return profile && check(profile) ? profile : null;
    },
    `the profile of ${anonymousId} to show ${what}`,
    timeoutMs,
  );
}

async function api<T>(method: string, urlPath: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(`${workerUrl()}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${urlPath}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export interface NewShop {
  shop_id: string;
  site_key: string;
  secret_key: string;
}

/** A new shop (admin token of the test Worker) whose allowed origin is the page server. */
export function createShop(settings: Record<string, unknown>): Promise<NewShop> {
  return api<NewShop>("POST", "/v1/shops", "admin_demo", { name: "Browser test shop", allowed_origins: [pagesUrl()], ...settings });
}

export function createCampaign(campaign: Record<string, unknown>, secretKey = "sk_demo"): Promise<{ id: string }> {
  return api<{ id: string }>("POST", "/v1/campaigns", secretKey, campaign);
}

export function deleteCampaign(id: string, secretKey = "sk_demo"): Promise<unknown> {
  return api("DELETE", `/v1/campaigns/${encodeURIComponent(id)}`, secretKey);
}

/** Opens `page` of test/browser/pages (with query parameters) and waits for the load event (the async snippet has run). */
export async function open(page: Page, name: string, query: Record<string, string> = {}): Promise<void> {
  const url = new URL(`${pagesUrl()}/${name}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  await page.goto(url.href, { waitUntil: "load" });
}

/** A browser context of its own per test (fresh storage), closed by the caller. */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 800 } });
}

// The type-check of this repository has no DOM library (Workers types only). Callbacks run in the
// page by `page.evaluate` declare `window` / `document` locally with the little of the DOM they use.
export interface PageStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
}
export interface PageElement {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly shadowRoot: PageRoot | null;
  readonly isConnected: boolean;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  getRootNode(): PageRoot | PageDocument;
  contains(node: PageElement | null): boolean;
  getBoundingClientRect(): { top: number; left: number; width: number; height: number };
}
export interface PageRoot {
  readonly activeElement: PageElement | null;
  readonly host?: PageElement;
  readonly mode?: string;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
export interface PageDocument extends PageRoot {
  cookie: string;
  readonly body: PageElement;
  readonly documentElement: PageElement;
}
export interface PageWindow {
  dataLayer: unknown[];
  nudge: (command: string, ...args: unknown[]) => void;
  readonly localStorage: PageStorage;
  readonly sessionStorage: PageStorage;
  readonly location: { href: string };
  [name: string]: unknown;
}
