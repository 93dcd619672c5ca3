import type { AuditEntry, MergeCause, Route } from "../core/identity";
import { mergeConflict, mergeProfiles } from "../core/merge";
import { uniteLedgers } from "../core/orders";
import { emptyProfile } from "../core/profile";
import type { ProfileState } from "../core/types";
import { database } from "../workers/db/client";
import { repointIdentities } from "../workers/db/identities";
import type { ProfileObject } from "./profile-object";
import type { ProfileDump, ProfileStorage } from "./profile-storage";

export interface AbsorbRequest {
  absorbedId: string;
  shopId: string;
  cause: MergeCause;
}

export type AbsorbResult =
  | { status: "merged"; absorbed: string[] }
  | { status: "already" }
  | { status: "conflict"; reason: string }
  /** The survivor asked was itself merged: ask `to`. */
  | { status: "moved"; to: string }
  /** The person to absorb was merged elsewhere meanwhile: it lives on at `to`. */
  | { status: "absorbed_moved"; to: string };

export type HandOver = { status: "dump"; dump: ProfileDump } | { status: "conflict"; reason: string } | { status: "moved"; to: string };

/** What the merge needs of the surviving object. */
export interface SurvivorContext {
  env: Env;
  /** The namespace this object lives in (its jurisdiction's): the people it merges live there too. */
  profiles: DurableObjectNamespace<ProfileObject>;
  profileId: string;
  store: ProfileStorage;
  state(): ProfileState | null;
  setState(state: ProfileState): void;
  /** Where the survivor itself stands now (it may have been asked to hand over meanwhile). */
  route(): Route;
}

function person(profiles: DurableObjectNamespace<ProfileObject>, profileId: string) {
  return profiles.get(profiles.idFromString(profileId));
}

/**
 * Merges the person `absorbedId` into the survivor, in three idempotent steps:
 * 1. the absorbed object checks for a conflict, stops taking events (they reach the survivor from
 *    now on) and hands over its data — retried by its alarm until step 3;
 * 2. the survivor checks again for a conflict, merges the data into its own in one transaction
 *    and records the merge;
 * 3. the absorbed object keeps only its route to the survivor; the objects it had absorbed before
 *    and the identity index point straight at the survivor (no chains).
 * Repeating any step changes nothing, so a retry after a crash at any point converges.
 */
export async function absorbInto(survivor: SurvivorContext, request: AbsorbRequest): Promise<AbsorbResult> {
  const { env, profiles, profileId, store } = survivor;
  if (request.absorbedId === profileId) return { status: "already" };
  const absorbed = person(profiles, request.absorbedId);
  if (store.absorbed().includes(request.absorbedId)) {
    await absorbed.completeHandOver(profileId);
    return { status: "already" };
  }
  const handOver = await absorbed.beginHandOver(profileId, survivor.state()?.identifiers.customer_id ?? null, request.cause, request.shopId);
  if (handOver.status === "moved") return { status: "absorbed_moved", to: handOver.to };
  const now = Date.now();
  const conflictEntry = (reason: string): AuditEntry => ({ at: now, type: "conflict", survivor: profileId, absorbed: [request.absorbedId], ...request.cause, reason });
  if (handOver.status === "conflict") {
    store.appendAudit(conflictEntry(handOver.reason));
    return { status: "conflict", reason: handOver.reason };
  }

  // While this object waited, it may itself have begun handing over (two people absorbing each
  // other at once): then it is no survivor; the other side stays whole and the caller follows.
  const route = survivor.route();
  if (route.status !== "active") {
    await absorbed.cancelHandOver(profileId, null);
    return { status: "moved", to: route.into };
  }
  const { dump } = handOver;
  const current = survivor.state() ?? emptyProfile(profileId, now);
  const incoming = dump.state ?? emptyProfile(dump.profileId, now);
  const conflict = mergeConflict(current, incoming);
  if (conflict) {
    await absorbed.cancelHandOver(profileId, conflictEntry(conflict));
    store.appendAudit(conflictEntry(conflict));
    return { status: "conflict", reason: conflict };
  }
  const ledger = uniteLedgers(store.ledger(null).values(), dump.orders);
  const merged = mergeProfiles(current, incoming, ledger, now);
  const absorbedIds = [dump.profileId, ...dump.absorbed];
  const entry: AuditEntry = { at: now, type: "merge", survivor: profileId, absorbed: absorbedIds, ...request.cause };
  store.absorb(dump, merged, ledger, [...new Set([...store.absorbed(), ...absorbedIds])], entry, request.shopId);
  survivor.setState(merged);

  await absorbed.completeHandOver(profileId);
  for (const earlier of dump.absorbed) await person(profiles, earlier).repoint(profileId);
  await repointIdentities(database(env.DB), request.shopId, profileId, absorbedIds);
  return { status: "merged", absorbed: absorbedIds };
}
