import { Hono } from "hono";
import { BROWSER_LIMITS, parseCollectBatch } from "../../core/batch";
import { readJsonBody } from "../body";
import { claimIdentifiers } from "../db/identities";
import { ApiError } from "../errors";
import { browserCors } from "../middleware/cors";
import { authorizeSite } from "../middleware/site-key";
import { homeObjectId, indexableIdentifiers, ingestInto } from "../routing";
import type { AppEnv } from "../types";

/**
 * `POST /v1/collect`: a browser batch. The device's anonymous id names its object directly, so
 * the only database reads are the (cached) site key and shop.
 */
export const collect = new Hono<AppEnv>().use("/v1/collect", browserCors).post("/v1/collect", async (c) => {
  const receivedAt = Date.now();
  const body = await readJsonBody(c.req.raw, BROWSER_LIMITS.maxBytes);
  const shop = await authorizeSite(c, (body as { site?: unknown } | null)?.site);
  const batch = parseCollectBatch(body, receivedAt);
  if (!batch.ok) throw ApiError.fromValidation(batch.error);
  const { anonymous_id, events, consent } = batch.value;
  const device = { kind: "anonymous_id" as const, value: anonymous_id };
  const stub = c.env.PROFILES.get(homeObjectId(c.env, shop.id, device));
  const result = await ingestInto(stub, {
    shopId: shop.id,
    consentMode: shop.settings.consent_mode,
    source: "browser",
    events: events.map((event) => ({ event, identifiers: [device] })),
    batchConsent: consent,
    batchIdentifiers: [device],
    receivedAt,
  });
  await claimIdentifiers(c.var.db, shop.id, result.profileId, indexableIdentifiers(result.addedIdentifiers));
  return c.json({
    profile_id: result.profileId,
    decisions: [],
    events: { stored: result.stored, duplicates: result.duplicates, without_consent: result.withoutConsent },
  });
});
