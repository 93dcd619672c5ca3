import { Hono, type Context } from "hono";
import { parseProfileKey } from "../../core/identifiers";
import type { Identifier, TrackedEvent } from "../../core/types";
import type { ApiProfile } from "../../core/profile-view";
import type { Moved, PersonExport } from "../../durable-objects/profile-object";
import { recordErasure } from "../db/erasures";
import { forgetIdentities } from "../db/identities";
import { ApiError } from "../errors";
import { secretKey } from "../middleware/secret-key";
import { follow, forgetDevice, profilesOf, resolveProfileId, stubFor, type Profiles } from "../routing";
import type { AppEnv } from "../types";

/** The person a profile key (`email:…`, `customer_id:…`, `phone:…`, `anonymous_id:…`) names. */
async function personOf(c: Context<AppEnv>): Promise<{ profiles: Profiles; profileId: string }> {
  const parsed = parseProfileKey(c.req.param("key") ?? "");
  if (!parsed.ok) {
    const message =
      parsed.reason === "unknown_kind"
        ? "A profile key is email:…, customer_id:…, phone:… or anonymous_id:…"
        : "The identifier is not valid for its kind";
    throw new ApiError(400, "invalid_profile_key", message, "key");
  }
  const profiles = profilesOf(c.env, c.var.shop);
  return { profiles, profileId: await resolveProfileId(profiles, c.var.db, c.var.shop.id, [parsed.identifier]) };
}

const notFound = () => new ApiError(404, "profile_not_found", "No profile holds this identifier");

function exportBody(data: PersonExport) {
  const { profile, dump } = data;
  const events = dump.events.map((row) => ({ ...(JSON.parse(row.body) as TrackedEvent), received_at: new Date(row.received_at).toISOString() }));
  return {
    profile,
    identifiers: { ...profile?.identifiers, absorbed_profile_ids: dump.absorbed },
    events: events.map((event) => ({ ...event, ts: new Date(event.ts).toISOString() })),
    event_summary: dump.summary,
    orders: dump.orders.map((order) => ({ ...order, at: new Date(order.at).toISOString() })),
    merges: dump.audit.map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() })),
    consent_history: events.filter((event) => event.type === "consent").map((event) => ({ consent: event.consent, at: new Date(event.ts).toISOString() })),
    campaign_history: dump.state?.campaigns ?? {},
    messages: [],
    assignments: dump.state?.assignments ?? {},
  };
}

/**
 * The profile API. Any identifier of a person resolves to them (any device, email, customer id,
 * phone); a merged person's old keys lead to the survivor.
 */
export const profiles = new Hono<AppEnv>()
  .get("/v1/profiles/:key{[^/]+}/export", secretKey, async (c) => {
    const { profiles, profileId } = await personOf(c);
    const { value } = await follow<PersonExport | Moved | null>(profiles, profileId, async (stub) => (await stub.exportData(c.var.shop.settings.consent_mode, c.var.shop.settings.segments)) as PersonExport | Moved | null);
    if (!value) throw notFound();
    return c.json(exportBody(value));
  })
  .get("/v1/profiles/:key{.+}", secretKey, async (c) => {
    const { profiles, profileId } = await personOf(c);
    const { value } = await follow<ApiProfile | Moved | null>(profiles, profileId, async (stub) => (await stub.profile(c.var.shop.settings.consent_mode, c.var.shop.settings.segments)) as ApiProfile | Moved | null);
    if (!value) throw notFound();
    return c.json(value);
  })
  .delete("/v1/profiles/:key{.+}", secretKey, async (c) => {
    const shop = c.var.shop;
    const { profiles, profileId } = await personOf(c);
    const { profileId: survivor, value } = await follow<ApiProfile | Moved | null>(profiles, profileId, async (stub) => (await stub.profile(shop.settings.consent_mode)) as ApiProfile | Moved | null);
    if (!value) throw notFound();
    const erased = await stubFor(profiles, survivor).erase();
    const identifiers: Identifier[] = [...erased.identifiers];
    for (const absorbed of erased.absorbed) identifiers.push(...(await stubFor(profiles, absorbed).erase()).identifiers);
    const people = [survivor, ...erased.absorbed];
    identifiers.push(...(await forgetIdentities(c.var.db, shop.id, people, identifiers)));
    for (const identifier of identifiers) if (identifier.kind === "anonymous_id") forgetDevice(shop.id, identifier.value);
    await recordErasure(c.var.db, shop.id, identifiers);
    return c.json({ erased: true, profile_id: survivor, profiles: people.length });
  });
