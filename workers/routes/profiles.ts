import { Hono, type Context } from "hono";
import { parseProfileKey } from "../../core/identifiers";
import type { Identifier } from "../../core/types";
import type { ApiProfile } from "../../core/profile-view";
import type { Moved, PersonExport } from "../../durable-objects/profile-rpc";
import { erasePerson } from "../erasure";
import { ApiError } from "../errors";
import { exportStream } from "../export";
import { secretKey } from "../middleware/secret-key";
import { follow, profilesOf, resolveRoute, stubFor, type Profiles } from "../routing";
import type { AppEnv } from "../types";

/** The person a profile key (`email:…`, `customer_id:…`, `phone:…`, `anonymous_id:…`) names. */
function identifierOf(c: Context<AppEnv>): Identifier {
  const parsed = parseProfileKey(c.req.param("key") ?? "");
  if (!parsed.ok) {
    const message =
      parsed.reason === "unknown_kind"
        ? "A profile key is email:…, customer_id:…, phone:… or anonymous_id:…"
        : "The identifier is not valid for its kind";
    throw new ApiError(400, "invalid_profile_key", message, "key");
  }
  return parsed.identifier;
}

/** The person an identifier names: its proven owner, else an unproven claimant, else its home. */
async function personOf(c: Context<AppEnv>): Promise<{ profiles: Profiles; profileId: string }> {
  const profiles = profilesOf(c.env, c.var.shop);
  return { profiles, profileId: (await resolveRoute(profiles, c.var.db, c.var.shop.id, [identifierOf(c)], false)).start };
}

const notFound = () => new ApiError(404, "profile_not_found", "No profile holds this identifier");

/**
 * The profile API. Any identifier of a person resolves to them (any device, email, customer id,
 * phone); a merged person's old keys lead to the survivor.
 */
export const profiles = new Hono<AppEnv>()
  .get("/:key{[^/]+}/export", secretKey, async (c) => {
    const { profiles, profileId } = await personOf(c);
    const settings = c.var.shop.settings;
    const found = await follow<PersonExport | Moved | null>(
      profiles,
      profileId,
      async (stub) => (await stub.exportData(settings.consent_mode, settings.segments)) as PersonExport | Moved | null,
    );
    if (!found.value) throw notFound();
    return c.body(exportStream(stubFor(profiles, found.profileId), found.value), 200, {
      "content-type": "application/json; charset=utf-8",
    });
  })
  .get("/:key{.+}", secretKey, async (c) => {
    const { profiles, profileId } = await personOf(c);
    const { value } = await follow<ApiProfile | Moved | null>(
      profiles,
      profileId,
      async (stub) => (await stub.profile(c.var.shop.settings.consent_mode, c.var.shop.settings.segments)) as ApiProfile | Moved | null,
    );
    if (!value) throw notFound();
    return c.json(value);
  })
  .delete("/:key{.+}", secretKey, async (c) => {
    const identifier = identifierOf(c);
    return c.json(await erasePerson(profilesOf(c.env, c.var.shop), c.var.db, c.var.shop.id, identifier));
  });
