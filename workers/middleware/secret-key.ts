import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { secretsEqual } from "../crypto";
import { findSecretKey } from "../db/keys";
import { findShop } from "../db/shops";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

/**
 * Secret keys (`Authorization: Bearer sk_…`) are for servers. A request that carries a browser
 * `Origin` is refused even with a valid key: the key must never live in a page.
 */
export const secretKey = createMiddleware<AppEnv>(async (c, next) => {
  await authenticateSecretKey(c);
  await next();
});

/** The secret-key check itself, for routes that take either kind of key. */
export async function authenticateSecretKey(c: Context<AppEnv>): Promise<void> {
  refuseBrowserOrigin(c, "Secret keys are not accepted from a browser origin; use the site key in pages");
  const token = bearer(c.req.header("authorization"));
  if (!token) throw new ApiError(401, "missing_key", "Send a secret key as Authorization: Bearer sk_…");
  if (token.startsWith("pk_")) throw new ApiError(401, "wrong_key", "This is a site key; this endpoint needs a secret key (sk_…)");
  const grant = await findSecretKey(c.var.db, token);
  if (!grant) throw new ApiError(401, "invalid_key", "The secret key is unknown or revoked");
  const shop = await findShop(c.var.db, grant.shopId);
  if (!shop) throw new ApiError(401, "invalid_key", "The secret key's shop no longer exists");
  c.set("shop", shop);
  c.set("keyId", grant.keyId);
}

function refuseBrowserOrigin(c: Context<AppEnv>, message: string): void {
  if (c.req.header("origin")) throw new ApiError(403, "browser_origin", message);
}

/**
 * The admin token (a Worker secret) for creating shops; like a secret key, never from a page.
 * (hono/bearer-auth does not fit: it answers with HTTPException responses, not ApiError's shape.)
 */
export const adminToken = createMiddleware<AppEnv>(async (c, next) => {
  refuseBrowserOrigin(c, "The admin token is not accepted from a browser origin");
  const expected = c.env.ADMIN_TOKEN;
  const token = bearer(c.req.header("authorization"));
  if (!expected) throw new ApiError(401, "admin_disabled", "This deployment has no ADMIN_TOKEN secret");
  if (!token || !secretsEqual(token, expected)) throw new ApiError(401, "invalid_admin_token", "Send the admin token as Authorization: Bearer …");
  await next();
});
