import { Hono } from "hono";
import { cartPage, categoryPage, checkoutPage, homePage, PRODUCTS, productPage } from "../demo/pages";
import { SHOP_JS } from "../demo/shop.js";
import { STYLE_CSS } from "../demo/style";
import type { AppEnv } from "../types";

/**
 * The strict policy the demo pages are served with: no inline script or style anywhere, which shows
 * that the snippet (and what it renders, in shadow roots with constructed stylesheets) works under it.
 */
export const DEMO_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'";

const PAGE_HEADERS = {
  "Content-Security-Policy": DEMO_CSP,
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};
const ASSET_HEADERS = { "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff" };

/**
 * `/demo`: a small fake shop for the seeded demo shop (`pk_demo`, campaigns `cmp_demo_*` in
 * scripts/seed.sql). Static pages and assets only; unknown paths fall through to the JSON 404.
 */
export const demoRoute = new Hono<AppEnv>()
  .get("/", (c) => c.html(homePage(), 200, PAGE_HEADERS))
  .get("/category/mugs", (c) => c.html(categoryPage(), 200, PAGE_HEADERS))
  .get("/product/:id", (c) => {
    const product = PRODUCTS.find((p) => p.id === c.req.param("id"));
    if (!product) return c.notFound();
    return c.html(productPage(product), 200, PAGE_HEADERS);
  })
  .get("/cart", (c) => c.html(cartPage(), 200, PAGE_HEADERS))
  .get("/checkout", (c) => c.html(checkoutPage(), 200, PAGE_HEADERS))
  .get("/shop.js", (c) => c.body(SHOP_JS, 200, { ...ASSET_HEADERS, "Content-Type": "application/javascript; charset=utf-8" }))
  .get("/style.css", (c) => c.body(STYLE_CSS, 200, { ...ASSET_HEADERS, "Content-Type": "text/css; charset=utf-8" }));
