import { Hono } from "hono";
import { cors } from "hono/cors";
import { ApiError } from "../errors";
import { authorizeSite } from "../middleware/site-key";
import type { AppEnv } from "../types";

/**
 * CORS as for collect (a preflight carries no site key, so it is answered for any origin; the
 * request itself is checked against the shop's allowed origins), for a GET. Adds `Vary: Origin`.
 */
const configCors = cors({
  origin: (origin) => origin,
  allowMethods: ["GET", "HEAD", "OPTIONS"],
  maxAge: 86_400,
});

/**
 * `GET /v1/config?site=pk_…`: what the snippet must know before it sends anything: whether the
 * shop needs consent first and whether a browser identify needs a `user_hash`. Only shop-wide
 * settings, nothing about a person: it reads no identifier and sets no cookie, so the answer may
 * be cached for a minute (per origin: the key is honoured only from the shop's allowed origins).
 * Other query parameters are ignored.
 */
export const configRoute = new Hono<AppEnv>().use("/", configCors).get("/", async (c) => {
  const site = c.req.query("site");
  if (!site) throw new ApiError(400, "missing_key", "Send the shop's site key as ?site=pk_…", "site");
  const shop = await authorizeSite(c, site);
  c.header("Cache-Control", "public, max-age=60");
  return c.json({ consent_mode: shop.settings.consent_mode, identity_verification: shop.settings.identity_verification });
});
