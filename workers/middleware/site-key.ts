import type { Context } from "hono";
import { originMatcher } from "../../core/origins";
import { findSiteKey } from "../db/keys";
import { findShop, type Shop } from "../db/shops";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

/** Each cached shop's origin list, parsed once for as long as the cache keeps that shop. */
const matchers = new WeakMap<readonly string[], (origin: string) => boolean>();

function originAllowedFor(shop: Shop, origin: string): boolean {
  const patterns = shop.settings.allowed_origins;
  let matcher = matchers.get(patterns);
  if (!matcher) {
    matcher = originMatcher(patterns);
    matchers.set(patterns, matcher);
  }
  return matcher(origin);
}

/**
 * The origin of the page that sent the request: its `Origin`, or, where a browser sends none (a
 * same-origin GET, such as the snippet's config request from the demo storefront the Worker serves
 * at /demo) and its Fetch Metadata says `Sec-Fetch-Site: same-origin`, the request's own origin,
 * which is then checked against the allowed origins like any other.
 */
function pageOrigin(c: Context<AppEnv>): string | undefined {
  const origin = c.req.header("origin");
  if (origin) return origin;
  return c.req.header("sec-fetch-site") === "same-origin" ? new URL(c.req.url).origin : undefined;
}

/**
 * A site key is public, so what protects a shop is its origin list: the key is honoured only
 * from the shop's allowed origins. Requests without an `Origin` (not from a page) are refused.
 */
export async function authorizeSite(c: Context<AppEnv>, site: unknown): Promise<Shop> {
  if (typeof site !== "string" || site.length === 0) throw new ApiError(401, "missing_key", "Send the shop's site key as `site`", "site");
  if (site.startsWith("sk_")) throw new ApiError(401, "wrong_key", "Never put a secret key in a page; use the site key (pk_…)", "site");
  const grant = site.length <= 128 ? await findSiteKey(c.var.db, site) : null;
  if (!grant) throw new ApiError(401, "invalid_key", "The site key is unknown or revoked", "site");
  const shop = await findShop(c.var.db, grant.shopId);
  if (!shop) throw new ApiError(401, "invalid_key", "The site key's shop no longer exists", "site");
  const origin = pageOrigin(c);
  if (!origin || !originAllowedFor(shop, origin)) {
    throw new ApiError(403, "origin_not_allowed", `The origin ${origin ?? "(none)"} is not in the shop's allowed_origins`);
  }
  return shop;
}
