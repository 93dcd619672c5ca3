import type { Context } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { createMiddleware } from "hono/factory";
import { secretsEqual } from "../crypto";
import { findSecretKey } from "../db/keys";
import { findShop } from "../db/shops";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

/**
 * bearerAuth answers its refusals with its own plain-text responses; these hooks throw the API's
 * errors instead, so a refusal keeps the error shape and its code. A malformed header counts as
 * a missing one.
 */
function refusals(missing: () => ApiError, invalid: () => ApiError) {
  const refuse = (error: () => ApiError) => ({
    message: (): never => {
      throw error();
    },
  });
  return { noAuthenticationHeader: refuse(missing), invalidAuthenticationHeader: refuse(missing), invalidToken: refuse(invalid) };
}

function refuseBrowserOrigin(c: Context<AppEnv>, message: string): void {
  if (c.req.header("origin")) throw new ApiError(403, "browser_origin", message);
}

/**
 * The Worker's own pages (its dashboard) may send a secret key: the browser sets `Origin` on their
 * writes, and it is exactly the origin the request came to. Any other origin, `null` or another
 * port of the same host is still a page that must not hold the key.
 */
function refuseForeignOrigin(c: Context<AppEnv>, message: string): void {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.req.url).origin) throw new ApiError(403, "browser_origin", message);
}

/** Finds the key's shop for the route; a site key sent here gets its own code, it is a common mistake. */
async function verifySecretKey(token: string, c: Context<AppEnv>): Promise<boolean> {
  if (token.startsWith("pk_")) throw new ApiError(401, "wrong_key", "This is a site key; this endpoint needs a secret key (sk_…)");
  const grant = await findSecretKey(c.var.db, token);
  if (!grant) return false;
  const shop = await findShop(c.var.db, grant.shopId);
  if (!shop) throw new ApiError(401, "invalid_key", "The secret key's shop no longer exists");
  c.set("shop", shop);
  c.set("keyId", grant.keyId);
  return true;
}

const secretBearer = bearerAuth<AppEnv>({
  verifyToken: verifySecretKey,
  ...refusals(
    () => new ApiError(401, "missing_key", "Send a secret key as Authorization: Bearer sk_…"),
    () => new ApiError(401, "invalid_key", "The secret key is unknown or revoked"),
  ),
});

/**
 * Secret keys (`Authorization: Bearer sk_…`) are for servers and the Worker's own dashboard. A
 * request that carries another browser `Origin` is refused even with a valid key: the key must
 * never live in a shop's page.
 */
export const secretKey = createMiddleware<AppEnv>(async (c, next) => {
  refuseForeignOrigin(c, "Secret keys are not accepted from a browser origin; use the site key in pages");
  await secretBearer(c, next);
});

const invalidAdminToken = () => new ApiError(401, "invalid_admin_token", "Send the admin token as Authorization: Bearer …");
const adminBearer = bearerAuth<AppEnv>({
  verifyToken: (token, c) => secretsEqual(token, c.env.ADMIN_TOKEN ?? ""),
  ...refusals(invalidAdminToken, invalidAdminToken),
});

/** The admin token (a Worker secret) for creating shops; like a secret key, never from a page. */
export const adminToken = createMiddleware<AppEnv>(async (c, next) => {
  refuseBrowserOrigin(c, "The admin token is not accepted from a browser origin");
  if (!c.env.ADMIN_TOKEN) throw new ApiError(401, "admin_disabled", "This deployment has no ADMIN_TOKEN secret");
  await adminBearer(c, next);
});
