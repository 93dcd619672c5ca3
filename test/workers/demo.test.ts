import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PRODUCTS } from "../../workers/demo/pages";
import { DEMO_CSP } from "../../workers/routes/demo";
import { BASE, createShop } from "../helpers";

const get = (path: string) => SELF.fetch(`${BASE}${path}`);

const PAGES = ["/demo", "/demo/category/mugs", ...PRODUCTS.map((p) => `/demo/product/${p.id}`), "/demo/cart", "/demo/checkout"];

describe("the demo storefront at /demo", () => {
  it("has three products", () => {
    expect(PRODUCTS).toHaveLength(3);
  });

  it.each(PAGES)(
    "%s answers 200 as HTML with the strict CSP, the tag, the demo's script and stylesheet, and no inline script or style",
    async (path) => {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=UTF-8");
      expect(response.headers.get("content-security-policy")).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'",
      );
      expect(response.headers.get("content-security-policy")).toBe(DEMO_CSP);
      const html = await response.text();
      expect(html).toContain('<script async src="/nudge.js" data-site="pk_demo"></script>');
      expect(html).toContain('<script src="/demo/shop.js"></script>');
      expect(html).toContain('<link rel="stylesheet" href="/demo/style.css">');
      // The shop.js loads before the tag (it carries the stub).
      expect(html.indexOf("/demo/shop.js")).toBeLessThan(html.indexOf("/nudge.js"));
      // Every script has a src; no style element or attribute.
      expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
      expect(html).toContain('href="/demo/cart"');
    },
  );

  it("reserves a hero slot on the home page and a next-best-action element on product pages", async () => {
    expect(await (await get("/demo")).text()).toContain('data-nudge-slot="hero"');
    for (const product of PRODUCTS) {
      const html = await (await get(`/demo/product/${product.id}`)).text();
      expect(html).toContain("data-nudge-nba");
      expect(html).toContain(`data-item-id="${product.id}"`);
    }
  });

  it("serves /demo/shop.js as JavaScript carrying the stub and the GA4 events, and /demo/style.css as CSS", async () => {
    const script = await get("/demo/shop.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(script.headers.get("x-content-type-options")).toBe("nosniff");
    const code = await script.text();
    expect(code.startsWith("window.nudge=window.nudge||function(){(nudge.q=nudge.q||[]).push(arguments)};")).toBe(true);
    for (const event of ["view_item", "add_to_cart", "view_cart", "begin_checkout", "purchase"]) expect(code).toContain(`"${event}"`);
    expect(code).toContain('window.nudge("consent"');

    const style = await get("/demo/style.css");
    expect(style.status).toBe(200);
    expect(style.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(await style.text()).toContain(".hero");
  });

  it("answers 404 for unknown demo paths and products", async () => {
    for (const path of ["/demo/nope", "/demo/product/mug-unknown", "/demo/category/hats", "/demo/shop.js/x"]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type"), path).toContain("application/json");
      await response.body?.cancel();
    }
  });
});

describe("the snippet's config request from a page the Worker serves itself", () => {
  it("takes a same-origin GET without Origin (Sec-Fetch-Site: same-origin) as coming from the Worker's origin", async () => {
    const own = await createShop({ allowed_origins: [BASE] });
    const config = (headers: Record<string, string>) => SELF.fetch(`${BASE}/v1/config?site=${own.site_key}`, { headers });
    const sameOrigin = await config({ "sec-fetch-site": "same-origin" });
    expect(sameOrigin.status).toBe(200);
    expect(await sameOrigin.json()).toEqual({ consent_mode: "implied", identity_verification: "off" });
    for (const site of ["cross-site", "same-site", "none"]) {
      const response = await config({ "sec-fetch-site": site });
      expect(response.status, site).toBe(403);
      await response.body?.cancel();
    }
    const noHeaders = await config({});
    expect(noHeaders.status).toBe(403);
    await noHeaders.body?.cancel();

    // A shop that does not allow the Worker's own origin is refused for it.
    const other = await createShop();
    const refused = await SELF.fetch(`${BASE}/v1/config?site=${other.site_key}`, { headers: { "sec-fetch-site": "same-origin" } });
    expect(refused.status).toBe(403);
    await refused.body?.cancel();
  });
});
