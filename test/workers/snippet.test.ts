import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import code from "../../snippets/dist/bundle";
import { sha256Hex } from "../../workers/crypto";
import { api, BASE, collect, createShop, SHOP_ORIGIN, visitorId } from "../helpers";

const snippet = (init: RequestInit = {}) => SELF.fetch(`${BASE}/nudge.js`, init);

describe("GET /nudge.js", () => {
  it("serves the built snippet as JavaScript, cacheable, for any origin, without a cookie", async () => {
    const response = await snippet({ headers: { origin: SHOP_ORIGIN } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(code);
    expect(response.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=300, stale-while-revalidate=86400");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(response.headers.get("etag")).toBe(`"${await sha256Hex(code)}"`);
    expect(response.headers.get("set-cookie")).toBeNull();
    // Not under /v1: no database middleware ran.
    expect(response.headers.get("server-timing")).toBeNull();
  });

  it("answers 304 without a body to a matching If-None-Match, also in a list or weak", async () => {
    const etag = (await snippet()).headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, `"a",W/${etag} , "b"`, "*"]) {
      const response = await snippet({ headers: { "if-none-match": ifNoneMatch } });
      expect(response.status, ifNoneMatch).toBe(304);
      expect(await response.text()).toBe("");
      expect(response.headers.get("etag")).toBe(etag);
      expect(response.headers.get("cache-control")).toBe("public, max-age=300, stale-while-revalidate=86400");
    }
  });

  it("sends the code again for a tag that does not match", async () => {
    for (const ifNoneMatch of ['"0000"', etagless((await snippet()).headers.get("etag") ?? ""), ""]) {
      const response = await snippet({ headers: { "if-none-match": ifNoneMatch } });
      expect(response.status, ifNoneMatch).toBe(200);
      expect(await response.text()).toBe(code);
    }
  });

  it("answers HEAD with the headers and no body", async () => {
    const response = await snippet({ method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]{64}"$/);
    expect(await response.text()).toBe("");
  });

  it.each([
    ["POST", "/nudge.js"],
    ["GET", "/nudge.js/"],
    ["GET", "/nudge.js/x"],
  ])("%s %s is not a route", async (method, path) => {
    const response = await SELF.fetch(`${BASE}${path}`, { method });
    expect(response.status).toBe(404);
  });
});

describe("pop-up triggers reach the page", () => {
  it("a decision carries its campaign's trigger, defaults filled in; one without a trigger carries none", async () => {
    const shop = await createShop();
    const popup = {
      name: "Leaving already?",
      placement: "popup",
      trigger: { scroll_pct: 40, exit_intent: true, url_matches: "*/products/*" },
      variants: [{ id: "a", weight: 100, content: { title: "10% off your first order", code: "HELLO10" } }],
    };
    const banner = {
      name: "Free shipping",
      placement: "top_banner",
      variants: [{ id: "a", weight: 100, content: { title: "Free shipping" } }],
    };
    const ids: string[] = [];
    for (const campaign of [popup, banner]) {
      const created = await api(shop, "POST", "/v1/campaigns", campaign);
      expect(created.status, await created.clone().text()).toBe(201);
      ids.push(((await created.json()) as { id: string }).id);
    }
    const response = await collect(shop, {
      anonymous_id: visitorId(),
      events: [{ type: "page_view" }],
      placements: ["popup", "top_banner"],
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const { decisions } = (await response.json()) as { decisions: { placement: string; campaign_id: string; trigger?: unknown }[] };
    const byPlacement = new Map(decisions.map((decision) => [decision.placement, decision]));
    expect(byPlacement.get("popup")).toEqual(
      expect.objectContaining({
        campaign_id: ids[0],
        trigger: { delay_ms: 0, scroll_pct: 40, exit_intent: true, url_matches: "*/products/*" },
      }),
    );
    expect(byPlacement.get("top_banner")?.campaign_id).toBe(ids[1]);
    expect(byPlacement.get("top_banner")).not.toHaveProperty("trigger");
  });
});

/** The tag without its quotes: not a valid entity tag, so never a match. */
function etagless(tag: string): string {
  return tag.replace(/"/g, "");
}
