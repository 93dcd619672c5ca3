import { IDENTIFIER_STRENGTH } from "../core/identifiers";
import type { MergeCause } from "../core/identity";
import type { Identifier } from "../core/types";
import type { Database } from "./db/client";
import { claimIdentifiers } from "./db/identities";
import { ApiError } from "./errors";
import { stubFor, type Profiles } from "./routing";

const strength = (identifier: Identifier) => IDENTIFIER_STRENGTH.indexOf(identifier.kind);
const MAX_MERGE_STEPS = 8;

/**
 * Merges `absorbed` into `survivor`, following either one when it was merged elsewhere in the
 * meantime. Returns the survivor, or null when the merge was refused (a conflict).
 */
async function merge(profiles: Profiles, shopId: string, survivor: string, absorbed: string, cause: MergeCause): Promise<string | null> {
  for (let step = 0; step < MAX_MERGE_STEPS; step++) {
    if (survivor === absorbed) return survivor;
    const result = await stubFor(profiles, survivor).absorb({ absorbedId: absorbed, shopId, cause });
    switch (result.status) {
      case "merged":
      case "already":
        return survivor;
      case "conflict":
        return null;
      case "moved":
        survivor = result.to;
        break;
      case "absorbed_moved":
        absorbed = result.to;
        break;
    }
  }
  throw new ApiError(503, "unavailable", "The person is being merged; retry", undefined, { "Retry-After": "1" });
}

/**
 * After a person's events named identifiers (an identify, a server event): claims them in the
 * identity index, and when one already belongs to someone else, makes the two one person. The
 * owner of the strongest such identifier survives. Returns the person the events now belong to.
 */
export async function reconcileIdentity(
  profiles: Profiles,
  db: Database,
  shopId: string,
  profileId: string,
  named: readonly Identifier[],
  eventId: string | null,
): Promise<string> {
  if (named.length === 0) return profileId;
  const lost = await claimIdentifiers(db, shopId, profileId, named);
  if (lost.length === 0) return profileId;
  const ranked = [...lost].sort((a, b) => strength(a.identifier) - strength(b.identifier));
  let person = profileId;
  let merged = false;
  for (const { identifier, owner } of ranked) {
    if (owner === person) continue;
    const cause: MergeCause = { identifier, event_id: eventId };
    // The first merge brings this person to the owner of the strongest identifier; that survivor
    // then absorbs the owners of weaker ones.
    const survivor = merged ? await merge(profiles, shopId, person, owner, cause) : await merge(profiles, shopId, owner, person, cause);
    if (survivor === null) continue;
    person = survivor;
    merged = true;
  }
  return person;
}
