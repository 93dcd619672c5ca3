import { Hono, type Context } from "hono";
import { z } from "zod";
import { mergePatch } from "../../core/merge-patch";
import { isPrivateHost } from "../../core/private-address";
import { fromZodError } from "../../core/validation";
import { findShopForUpdate, hasIdentifiedPeople, saveSettings, type Shop } from "../db/shops";
import { ApiError } from "../errors";
import { limitBody, MANAGEMENT_BODY_LIMIT } from "../middleware/body-limit";
import { secretKey } from "../middleware/secret-key";
import { outboundUrls, settingsSchema, type ShopSettings } from "../schemas/settings";
import { maskSettingsSecrets, unmaskSecrets } from "../settings-secrets";
import type { AppEnv } from "../types";
import { validBody } from "../validate";

const patchSchema = z.record(z.string(), z.unknown());
type SettingsPatch = z.infer<typeof patchSchema>;

/** Lost compare-and-swap races before a PUT gives up with 409 (each retry re-reads and re-merges). */
const WRITE_ATTEMPTS = 5;

const settingsView = (shopId: string, settings: ShopSettings) => ({ shop_id: shopId, ...maskSettingsSecrets(settings) });

/** The stored settings with the patch merged in, validated whole and checked against the rules of a change. */
async function changedSettings(c: Context<AppEnv>, stored: Shop, patch: SettingsPatch): Promise<ShopSettings> {
  const merged = settingsSchema.safeParse(unmaskSecrets(mergePatch(stored.settings, patch), stored.settings));
  if (!merged.success) throw ApiError.fromValidation(fromZodError(merged.error).error);
  const storedUrls = new Map(outboundUrls(stored.settings.channels).map(({ field, url }) => [field, url]));
  for (const { field, url } of outboundUrls(merged.data.channels)) {
    if (url !== storedUrls.get(field) && c.env.ALLOW_PRIVATE_WEBHOOKS !== "true" && isPrivateHost(new URL(url).hostname)) {
      throw new ApiError(400, "private_webhook", "Webhook and provider URLs on loopback or private addresses are not allowed here", field);
    }
  }
  if (merged.data.data_region !== stored.settings.data_region && (await hasPeople(c, stored))) {
    throw new ApiError(
      409,
      "data_region_locked",
      "The data region is chosen before the shop has people; it cannot move existing people",
      "data_region",
    );
  }
  return merged.data;
}

async function hasPeople(c: Context<AppEnv>, shop: Shop): Promise<boolean> {
  return shop.peopleSince !== null || (await hasIdentifiedPeople(c.var.db, shop.id));
}

/**
 * `GET /v1/settings` and `PUT /v1/settings`: a PUT names only the fields to change; they are
 * merged key by key into the stored settings (nested objects too) and the result is validated
 * as a whole, so an invalid change stores nothing. The merge reads the stored settings fresh and
 * writes with compare-and-swap, so concurrent changes of different keys all survive.
 */
export const settingsRoute = new Hono<AppEnv>()
  .get("/", secretKey, (c) => c.json(settingsView(c.var.shop.id, c.var.shop.settings)))
  .put("/", secretKey, limitBody(MANAGEMENT_BODY_LIMIT), async (c) => {
    const patch = await validBody(c.req.raw, patchSchema);
    delete patch.shop_id;
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const stored = await findShopForUpdate(c.var.db, c.var.shop.id);
      if (!stored) throw new ApiError(401, "invalid_key", "The secret key's shop no longer exists");
      const settings = await changedSettings(c, stored.shop, patch);
      if (await saveSettings(c.var.db, c.var.shop.id, settings, stored.version)) return c.json(settingsView(c.var.shop.id, settings));
    }
    throw new ApiError(409, "settings_conflict", "The settings kept changing concurrently; send the change again");
  });
