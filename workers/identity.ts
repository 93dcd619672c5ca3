import { IDENTIFIER_STRENGTH } from "../core/identifiers";
import { repointTask, type IdentityTask, type MergeCause } from "../core/identity";
import type { Identifier } from "../core/types";
import type { ClaimedIdentifier } from "../durable-objects/profile-storage";
import type { Database } from "./db/client";
import { claimIdentifiers, freshOwners, ownerOf, repointIdentities, takeOverUnverified, type Owner } from "./db/identities";
import { ApiError } from "./errors";
import { homeObjectId, stubFor, type Profiles } from "./routing";

type ClaimTask = Extract<IdentityTask, { type: "claim" }>;

const strength = (identifier: Identifier) => IDENTIFIER_STRENGTH.indexOf(identifier.kind);
const MAX_MERGE_STEPS = 8;

/**
 * Merges `absorbed` into `survivor`, following either one when it was merged elsewhere in the
 * meantime, and points the index of the absorbed people at the survivor. Returns the survivor
 * and the repoint task it recorded, or null when the merge was refused (a conflict).
 */
async function merge(
  profiles: Profiles,
  db: Database,
  shopId: string,
  survivor: string,
  absorbed: string,
  cause: MergeCause,
): Promise<{ survivor: string; repointed: string | null } | null> {
  for (let step = 0; step < MAX_MERGE_STEPS; step++) {
    if (survivor === absorbed) return { survivor, repointed: null };
    const result = await stubFor(profiles, survivor).absorb({ absorbedId: absorbed, shopId, cause });
    switch (result.status) {
      case "merged":
        await repointIdentities(db, shopId, survivor, result.absorbed);
        return { survivor, repointed: repointTask(result.absorbed).key };
      case "already":
        return { survivor, repointed: null };
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

/** What one run of the identity service did, to be confirmed on the person who holds the tasks now. */
class Settlement {
  readonly done: string[] = [];
  readonly claimed: ClaimedIdentifier[] = [];

  finish(task: IdentityTask, claimed?: ClaimedIdentifier): void {
    this.done.push(task.key);
    if (claimed) this.claimed.push(claimed);
  }
}

/**
 * The identity service: carries out the identity tasks a person's object recorded.
 * - Repoints left by merges are applied to the index.
 * - Proven claims (server events, a browser identify with a valid `user_hash`, or any identify
 *   where verification is off) take the identifier in the index; when it already belongs to
 *   someone else proven, the two become one person (the owner of the strongest identifier
 *   survives); an unproven owner loses it to the proven claim without any merge.
 * - Unproven claims take only an identifier nobody holds; a taken one stays recorded on the
 *   claiming device's own profile and joins nobody.
 * - A device that a trusted server event tied to the person joins them.
 * Every step is idempotent; the tasks are confirmed on the person at the end, and until then they
 * are handed out again with the person's next batch, so a failure half-way is retried.
 * Returns the person the events belong to now.
 */
export async function settleIdentity(
  profiles: Profiles,
  db: Database,
  shopId: string,
  profileId: string,
  tasks: readonly IdentityTask[],
): Promise<string> {
  if (tasks.length === 0) return profileId;
  const settlement = new Settlement();
  let person = profileId;
  for (const task of tasks) {
    if (task.type !== "repoint") continue;
    await repointIdentities(db, shopId, person, task.absorbed);
    settlement.finish(task);
  }
  const claims = tasks.filter((task): task is ClaimTask => task.type === "claim");
  person = await settleProvenClaims(
    profiles,
    db,
    shopId,
    person,
    claims.filter((task) => task.verified),
    settlement,
  );
  await settleUnprovenClaims(
    db,
    shopId,
    person,
    claims.filter((task) => !task.verified),
    settlement,
  );
  for (const task of tasks) {
    if (task.type !== "device") continue;
    const home = homeObjectId(profiles, shopId, { kind: "anonymous_id", value: task.anonymous_id });
    const cause: MergeCause = { identifier: { kind: "anonymous_id", value: task.anonymous_id }, event_id: task.event_id };
    const merged = home === person ? null : await merge(profiles, db, shopId, person, home, cause);
    if (merged) {
      person = merged.survivor;
      if (merged.repointed) settlement.done.push(merged.repointed);
    }
    settlement.finish(task);
  }
  await stubFor(profiles, person).settleIdentity(settlement.done, settlement.claimed);
  return person;
}

async function settleProvenClaims(
  profiles: Profiles,
  db: Database,
  shopId: string,
  profileId: string,
  tasks: readonly ClaimTask[],
  settlement: Settlement,
): Promise<string> {
  const lost = await claimIdentifiers(
    db,
    shopId,
    profileId,
    tasks.map((task) => task.identifier),
    true,
  );
  const taskOf = (identifier: Identifier) =>
    tasks.find((task) => task.identifier.kind === identifier.kind && task.identifier.value === identifier.value);
  for (const task of tasks) {
    if (!lost.some(({ identifier }) => identifier.kind === task.identifier.kind && identifier.value === task.identifier.value))
      settlement.finish(task, { ...task.identifier, verified: true });
  }
  let person = profileId;
  let merged = false;
  for (const { identifier, owner } of [...lost].sort((a, b) => strength(a.identifier) - strength(b.identifier))) {
    const task = taskOf(identifier);
    if (!task) continue;
    const current = owner.verified ? owner : await takeOverOrOwner(db, shopId, person, identifier, owner);
    if (current.profileId === person) {
      settlement.finish(task, { ...identifier, verified: true });
      continue;
    }
    const cause: MergeCause = { identifier, event_id: task.event_id };
    // The first merge brings this person to the owner of the strongest identifier; that survivor
    // then absorbs the owners of weaker ones.
    const result = merged
      ? await merge(profiles, db, shopId, person, current.profileId, cause)
      : await merge(profiles, db, shopId, current.profileId, person, cause);
    // A refused merge (a conflict) is final: the claim is not retried with every batch.
    settlement.finish(task, { ...identifier, verified: true });
    if (!result) continue;
    if (result.repointed) settlement.done.push(result.repointed);
    person = result.survivor;
    merged = true;
  }
  return person;
}

/** An unproven owner gives way to a proven claim; returns who owns the identifier afterwards. */
async function takeOverOrOwner(db: Database, shopId: string, person: string, identifier: Identifier, owner: Owner): Promise<Owner> {
  if (await takeOverUnverified(db, shopId, person, identifier)) return { profileId: person, verified: true };
  return ownerOf(await freshOwners(db, shopId, [identifier]), shopId, identifier) ?? owner;
}

async function settleUnprovenClaims(
  db: Database,
  shopId: string,
  person: string,
  tasks: readonly ClaimTask[],
  settlement: Settlement,
): Promise<void> {
  if (tasks.length === 0) return;
  await claimIdentifiers(
    db,
    shopId,
    person,
    tasks.map((task) => task.identifier),
    false,
  );
  for (const task of tasks) settlement.finish(task, { ...task.identifier, verified: false });
}
