import { planningFlows } from "../flow-planning";
import { Hono } from "hono";
import { parseServerBatch, SERVER_LIMITS, type ServerEvent } from "../../core/batch";
import { readJsonBody } from "../body";
import { mapWithConcurrency } from "../concurrency";
import { lookupOwners } from "../db/identities";
import { notePeople } from "../db/shops";
import { recordOutcomes, resultSettings } from "../decisions";
import { ApiError } from "../errors";
import { settleIdentity } from "../identity";
import { withoutProof } from "../identity-proofs";
import { limitBody } from "../middleware/body-limit";
import { secretKey } from "../middleware/secret-key";
import { ingestInto, pickRoute, profilesOf, type PersonRoute } from "../routing";
import { takeShopRate } from "../shop-rate";
import type { AppEnv } from "../types";

/** How many people's objects one batch writes to at once. */
const PEOPLE_IN_FLIGHT = 32;

/**
 * `POST /v1/events`: a server batch. The whole batch is validated before anything is stored;
 * then each person's events go to their object in one call, people in parallel (bounded), and
 * the identity service settles what they named (claims, merges, devices). Server events are
 * trusted: they are routed only by proven owners in the index, never by a browser's unproven claim.
 */
export const serverEvents = new Hono<AppEnv>().post("/", secretKey, limitBody(SERVER_LIMITS.maxBytes), async (c) => {
  const receivedAt = Date.now();
  const shop = c.var.shop;
  const body = await readJsonBody(c.req.raw);
  const batch = parseServerBatch(body, receivedAt);
  if (!batch.ok) throw ApiError.fromValidation(batch.error);
  takeShopRate(shop, receivedAt);

  const profiles = profilesOf(c.env, shop);
  const named = batch.value.flatMap((event) => event.identifiers.filter((identifier) => identifier.kind !== "anonymous_id"));
  const known = await lookupOwners(c.var.db, shop.id, named);
  const flows = await planningFlows(c.var.db, shop.id);
  const byPerson = new Map<string, { route: PersonRoute; events: ServerEvent[] }>();
  for (const event of batch.value) {
    const route = pickRoute(profiles, shop.id, event.identifiers, known, true);
    const group = byPerson.get(route.start) ?? { route, events: [] };
    group.events.push(event);
    byPerson.set(route.start, group);
  }
  const results = await mapWithConcurrency([...byPerson.values()], PEOPLE_IN_FLIGHT, async ({ route, events }) => {
    const result = await ingestInto(
      profiles,
      route.start,
      {
        shopId: shop.id,
        consentMode: shop.settings.consent_mode,
        source: "server",
        events: events.map(({ event, identifiers }) => ({ event: withoutProof(event), identifiers })),
        batchConsent: null,
        batchIdentifiers: [],
        segmentRules: shop.settings.segments,
        flows,
        receivedAt,
        viaHome: route.start === route.home,
        results: resultSettings(shop),
      },
      route.home,
    );
    await recordOutcomes(c.var.db, shop, result, c.executionCtx);
    const person = await settleIdentity(profiles, c.var.db, shop.id, result.profileId, result.tasks);
    return { ...result, profileId: person };
  });
  if (results.some((result) => result.stored > 0)) await notePeople(c.var.db, shop);
  const sum = (pick: (r: (typeof results)[number]) => number) => results.reduce((total, r) => total + pick(r), 0);
  return c.json({
    stored: sum((r) => r.stored),
    duplicates: sum((r) => r.duplicates),
    profile_ids: [...new Set(results.map((r) => r.profileId))],
  });
});
