import { Hono } from "hono";
import { parseProfileKey } from "../../core/identifiers";
import { ApiError } from "../errors";
import { secretKey } from "../middleware/secret-key";
import { resolveProfileId, stubFor } from "../routing";
import type { AppEnv } from "../types";

/** `GET /v1/profiles/{key}:{value}`: the live profile of the person an identifier names. */
export const profiles = new Hono<AppEnv>().get("/v1/profiles/:key{.+}", secretKey, async (c) => {
  const parsed = parseProfileKey(c.req.param("key"));
  if (!parsed.ok) {
    const message =
      parsed.reason === "unknown_kind"
        ? "A profile key is email:…, customer_id:…, phone:… or anonymous_id:…"
        : "The identifier is not valid for its kind";
    throw new ApiError(400, "invalid_profile_key", message, "key");
  }
  const shop = c.var.shop;
  const profileId = await resolveProfileId(c.env, c.var.db, shop.id, [parsed.identifier]);
  const profile = await stubFor(c.env, profileId).profile(shop.settings.consent_mode);
  if (!profile) throw new ApiError(404, "profile_not_found", "No profile holds this identifier");
  return c.json(profile);
});
