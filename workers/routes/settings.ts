import { Hono } from "hono";
import { z } from "zod";
import { mergePatch } from "../../core/merge-patch";
import { isPrivateHost } from "../../core/private-address";
import { fromZodError } from "../../core/validation";
import { hasIdentifiedPeople, saveSettings } from "../db/shops";
import { ApiError } from "../errors";
import { secretKey } from "../middleware/secret-key";
import { settingsSchema } from "../schemas/settings";
import type { AppEnv } from "../types";
import { validBody } from "../validate";

const patchSchema = z.record(z.string(), z.unknown());

/**
 * `GET /v1/settings` and `PUT /v1/settings`: a PUT names only the fields to change; they are
 * merged key by key into the current settings (nested objects too) and the result is validated
 * as a whole, so an invalid change stores nothing.
 */
export const settingsRoute = new Hono<AppEnv>()
  .get("/v1/settings", secretKey, (c) => c.json({ shop_id: c.var.shop.id, ...c.var.shop.settings }))
  .put("/v1/settings", secretKey, async (c) => {
    const patch = await validBody(c.req.raw, patchSchema);
    delete patch.shop_id;
    const merged = settingsSchema.safeParse(mergePatch(c.var.shop.settings, patch));
    if (!merged.success) throw ApiError.fromValidation(fromZodError(merged.error).error);
    const webhook = merged.data.channels.webhook;
    const webhookChanges = webhook !== null && webhook.url !== c.var.shop.settings.channels.webhook?.url;
    if (webhook && webhookChanges && c.env.ALLOW_PRIVATE_WEBHOOKS !== "true" && isPrivateHost(new URL(webhook.url).hostname)) {
      throw new ApiError(400, "private_webhook", "Webhook URLs on loopback or private addresses are not allowed here", "channels.webhook.url");
    }
    const regionChanges = merged.data.data_region !== c.var.shop.settings.data_region;
    if (regionChanges && (await hasIdentifiedPeople(c.var.db, c.var.shop.id))) {
      throw new ApiError(409, "data_region_locked", "The data region is chosen before the shop has people; it cannot move existing people", "data_region");
    }
    await saveSettings(c.var.db, c.var.shop.id, merged.data);
    return c.json({ shop_id: c.var.shop.id, ...merged.data });
  });
