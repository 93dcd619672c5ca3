import { Hono } from "hono";
import { parseServerBatch, SERVER_LIMITS, type ServerEvent } from "../../core/batch";
import { readJsonBody } from "../body";
import { mapWithConcurrency } from "../concurrency";
import { lookupProfileIds } from "../db/identities";
import { learnFromInteractions } from "../decisions";
import { ApiError } from "../errors";
import { reconcileIdentity } from "../identity";
import { secretKey } from "../middleware/secret-key";
import { homeObjectId, ingestInto, pickProfileId, profilesOf } from "../routing";
import { takeShopRate } from "../shop-rate";
import type { AppEnv } from "../types";

/** How many people's objects one batch writes to at once. */
const PEOPLE_IN_FLIGHT = 32;

/**
 * `POST /v1/events`: a server batch. The whole batch is validated before anything is stored;
 * then each person's events go to their object in one call, people in parallel (bounded), and
 * the identifiers they name are reconciled (claimed, or merged with their owner).
 */
export const serverEvents = new Hono<AppEnv>().post("/v1/events", secretKey, async (c) => {
  const receivedAt = Date.now();
  const shop = c.var.shop;
  const body = await readJsonBody(c.req.raw, SERVER_LIMITS.maxBytes);
  const batch = parseServerBatch(body, receivedAt);
  if (!batch.ok) throw ApiError.fromValidation(batch.error);
  takeShopRate(shop, receivedAt);

  const profiles = profilesOf(c.env, shop);
  const named = batch.value.flatMap((event) => event.identifiers.filter((identifier) => identifier.kind !== "anonymous_id"));
  const known = await lookupProfileIds(c.var.db, shop.id, named);
  const byPerson = new Map<string, ServerEvent[]>();
  for (const event of batch.value) {
    const profileId = pickProfileId(profiles, shop.id, event.identifiers, known);
    byPerson.set(profileId, [...(byPerson.get(profileId) ?? []), event]);
  }
  const results = await mapWithConcurrency([...byPerson], PEOPLE_IN_FLIGHT, async ([profileId, events]) => {
    const first = events[0];
    const home = first ? homeObjectId(profiles, shop.id, first.person) : profileId;
    const result = await ingestInto(
      profiles,
      profileId,
      {
        shopId: shop.id,
        consentMode: shop.settings.consent_mode,
        source: "server",
        events: events.map(({ event, identifiers }) => ({ event, identifiers })),
        batchConsent: null,
        batchIdentifiers: [],
        segmentRules: shop.settings.segments,
        receivedAt,
        viaHome: profileId === home,
      },
      home,
    );
    await learnFromInteractions(c.var.db, shop, result.interactions);
    const cause = events.find(({ event }) => event.type === "identify")?.event ?? first?.event;
    const person = await reconcileIdentity(profiles, c.var.db, shop.id, result.profileId, result.namedIdentifiers, cause?.id ?? null);
    return { ...result, profileId: person };
  });
  const sum = (pick: (r: (typeof results)[number]) => number) => results.reduce((total, r) => total + pick(r), 0);
  return c.json({
    stored: sum((r) => r.stored),
    duplicates: sum((r) => r.duplicates),
    profile_ids: [...new Set(results.map((r) => r.profileId))],
  });
});
