import { planningFlows } from "../flow-planning";
import { type Context, Hono } from "hono";
import type { DecideRequest } from "../../durable-objects/decisions";
import type { Shop } from "../db/shops";
import { BROWSER_LIMITS, parseCollectBatch } from "../../core/batch";
import { readJsonBody } from "../body";
import { notePeople } from "../db/shops";
import { decideRequest, recordOutcomes, resultSettings, withCampaigns } from "../decisions";
import { ApiError } from "../errors";
import { settleIdentity } from "../identity";
import { browserEvents } from "../identity-proofs";
import { limitBody } from "../middleware/body-limit";
import { browserCors } from "../middleware/cors";
import { authorizeSite } from "../middleware/site-key";
import { deviceRoute, emptyBatch, ingestInto, profilesOf, rememberDevice } from "../routing";
import { takeShopRate } from "../shop-rate";
import type { AppEnv } from "../types";

/** Decisions for the person a batch merged the device into. */
async function decideAgain(c: Context<AppEnv>, shop: Shop, person: string, decide: DecideRequest, receivedAt: number) {
  const profiles = profilesOf(c.env, shop);
  const result = await ingestInto(profiles, person, { ...emptyBatch(shop, receivedAt), decide }, person, (request) =>
    withCampaigns(c.var.db, shop, request),
  );
  await recordOutcomes(c.var.db, shop, result, c.executionCtx);
  return result.decisions;
}

/**
 * `POST /v1/collect`: a browser batch. The device's anonymous id names its object directly (or
 * the survivor a merge moved it to, once this isolate learned it), so the only database reads
 * are the cached site key and shop; an identify adds the identity service's work (claims, and a
 * merge when a proven identifier belongs to someone else). With `placements`, the answer carries
 * decisions made after the batch's events were applied.
 */
export const collect = new Hono<AppEnv>().use("/", browserCors).post("/", limitBody(BROWSER_LIMITS.maxBytes), async (c) => {
  const receivedAt = Date.now();
  const body = await readJsonBody(c.req.raw);
  const shop = await authorizeSite(c, (body as { site?: unknown } | null)?.site);
  const batch = parseCollectBatch(body, receivedAt);
  if (!batch.ok) throw ApiError.fromValidation(batch.error);
  takeShopRate(shop, receivedAt);
  const { anonymous_id, events, consent, placements, context } = batch.value;
  const device = { kind: "anonymous_id" as const, value: anonymous_id };
  const profiles = profilesOf(c.env, shop);
  const { start, home } = deviceRoute(profiles, shop.id, anonymous_id);
  const decide = await decideRequest(c.var.db, shop, placements, context);
  const flows = events.length > 0 ? await planningFlows(c.var.db, shop.id) : undefined;
  const result = await ingestInto(
    profiles,
    start,
    {
      shopId: shop.id,
      consentMode: shop.settings.consent_mode,
      source: "browser",
      events: await browserEvents(shop, events, device),
      batchConsent: consent,
      batchIdentifiers: [device],
      segmentRules: shop.settings.segments,
      flows,
      receivedAt,
      viaHome: true,
      decide,
      results: resultSettings(shop),
    },
    home,
    (request) => withCampaigns(c.var.db, shop, request),
  );
  if (result.stored > 0) await notePeople(c.var.db, shop);
  await recordOutcomes(c.var.db, shop, result, c.executionCtx);
  const person = await settleIdentity(profiles, c.var.db, shop.id, result.profileId, result.tasks);
  rememberDevice(shop.id, anonymous_id, home, person);
  // This batch merged the device into another person: decide again as that person.
  const decisions = decide && person !== result.profileId ? await decideAgain(c, shop, person, decide, receivedAt) : result.decisions;
  return c.json({
    profile_id: person,
    decisions,
    events: { stored: result.stored, duplicates: result.duplicates, without_consent: result.withoutConsent },
  });
});
