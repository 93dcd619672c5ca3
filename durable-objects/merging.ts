import { retractActivity } from "../core/activity";
import { repointTask, type AuditEntry, type MergeCause, type Route } from "../core/identity";
import { mergeConflict, mergeProfiles } from "../core/merge";
import { uniteLedgers } from "../core/orders";
import { emptyProfile } from "../core/profile";
import { mergeResults } from "../core/results/merge";
import { emptyResults } from "../core/results/person";
import type { ReportCount } from "../core/results/types";
import type { ProfileState } from "../core/types";
import type { ProfileObject } from "./profile-object";
import { PAGED_PARTS, type Page, type PagedPart } from "./paged-rows";
import type { PersonHead, ProfileStorage } from "./profile-storage";

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

export type HandOver =
  /** `first`: the first page of each part, so a small person is handed over in one call. */
  | { status: "ready"; head: PersonHead; first: Record<PagedPart, Page> }
  | { status: "conflict"; reason: string }
  | { status: "moved"; to: string }
  /** The person asked to hand over is absorbing the asker at this moment, and wins the tie. */
  | { status: "absorbing_you" };

/** What the merge needs of the surviving object. */
export interface SurvivorContext {
  /** The namespace this object lives in (its jurisdiction's): the people it merges live there too. */
  profiles: DurableObjectNamespace<ProfileObject>;
  profileId: string;
  store: ProfileStorage;
  state(): ProfileState | null;
  setState(state: ProfileState): void;
  /** Where the survivor itself stands now (it may have been asked to hand over meanwhile). */
  route(): Route;
  /** Merges under way in this object, by absorbed id: a second request for one joins the first. */
  inFlight: Map<string, Promise<AbsorbResult>>;
  /** Writes what the merge takes back from the shop's report counters (a person counted twice). */
  reportCounts(shopId: string, counts: ReportCount[]): Promise<void>;
}

function person(profiles: DurableObjectNamespace<ProfileObject>, profileId: string) {
  return profiles.get(profiles.idFromString(profileId));
}

/**
 * Merges the person `absorbedId` into the survivor:
 * 1. the absorbed object checks for a conflict, stops taking events (they reach the survivor from
 *    now on) and hands over its data in pages — retried by its alarm until step 3;
 * 2. the survivor stages the pages, then, without awaiting anything, checks again that it is
 *    still a survivor and that nothing conflicts, and takes the person in with one transaction
 *    (events it already counted are left out and their counts taken back);
 * 3. the absorbed object keeps only its route to the survivor; the objects it had absorbed point
 *    straight at the survivor. The index is repointed by the Worker (a task the survivor keeps).
 * Concurrent requests for one absorbed person share one run, so a person is absorbed once.
 */
export function absorbInto(survivor: SurvivorContext, request: AbsorbRequest): Promise<AbsorbResult> {
  const running = survivor.inFlight.get(request.absorbedId);
  if (running) return running;
  const run = absorbOnce(survivor, request).finally(() => survivor.inFlight.delete(request.absorbedId));
  survivor.inFlight.set(request.absorbedId, run);
  return run;
}

async function absorbOnce(survivor: SurvivorContext, request: AbsorbRequest): Promise<AbsorbResult> {
  const { profiles, profileId, store } = survivor;
  if (request.absorbedId === profileId) return { status: "already" };
  const absorbed = person(profiles, request.absorbedId);
  if (store.absorbed().includes(request.absorbedId)) {
    await absorbed.completeHandOver(profileId);
    return { status: "already" };
  }
  const handOver = await absorbed.beginHandOver(
    profileId,
    survivor.state()?.identifiers.customer_id ?? null,
    request.cause,
    request.shopId,
  );
  if (handOver.status === "moved") return { status: "absorbed_moved", to: handOver.to };
  // Two people absorbing each other at once: the smaller id survives, the other follows it.
  if (handOver.status === "absorbing_you") return { status: "moved", to: request.absorbedId };
  const conflictEntry = (reason: string): AuditEntry => ({
    at: Date.now(),
    type: "conflict",
    survivor: profileId,
    absorbed: [request.absorbedId],
    ...request.cause,
    reason,
  });
  if (handOver.status === "conflict") {
    store.appendAudit(conflictEntry(handOver.reason));
    return { status: "conflict", reason: handOver.reason };
  }

  for (const part of PAGED_PARTS) {
    const staged = await stagePart(survivor, request.absorbedId, part, handOver.first[part]);
    if (!staged) return giveUp(survivor, request.absorbedId, null);
  }

  // From here on nothing is awaited until the person is taken in: the checks below hold for the write.
  if (store.absorbed().includes(request.absorbedId)) {
    store.pages.dropStaged(request.absorbedId);
    await absorbed.completeHandOver(profileId);
    return { status: "already" };
  }
  if (survivor.route().status !== "active") return giveUp(survivor, request.absorbedId, null);
  const { head } = handOver;
  const now = Date.now();
  const current = survivor.state() ?? emptyProfile(profileId, now);
  const incoming = retractActivity(head.state ?? emptyProfile(head.profileId, now), store.pages.stagedDuplicates(request.absorbedId));
  const conflict = mergeConflict(current, incoming);
  if (conflict) {
    store.appendAudit(conflictEntry(conflict));
    return giveUp(survivor, request.absorbedId, conflictEntry(conflict));
  }
  const ledger = uniteLedgers(store.ledger(null).values(), head.orders);
  const results =
    current.results || incoming.results ? mergeResults(current.results ?? emptyResults(), incoming.results ?? emptyResults()) : null;
  const merged = { ...mergeProfiles(current, incoming, ledger, now), ...(results ? { results: results.results } : {}) };
  const absorbedIds = [head.profileId, ...head.absorbed];
  const entry: AuditEntry = { at: now, type: "merge", survivor: profileId, absorbed: absorbedIds, ...request.cause };
  store.absorb(head, merged, ledger, [...new Set([...store.absorbed(), ...absorbedIds])], entry, [repointTask(absorbedIds)]);
  survivor.setState(merged);

  if (results && results.counts.length > 0) await survivor.reportCounts(request.shopId, results.counts);
  await absorbed.completeHandOver(profileId);
  for (const earlier of head.absorbed) await person(profiles, earlier).repoint(profileId);
  return { status: "merged", absorbed: absorbedIds };
}

/** Pulls one part of the absorbed person's rows into the staging table; false when the hand-over stopped. */
async function stagePart(survivor: SurvivorContext, absorbedId: string, part: PagedPart, first: Page): Promise<boolean> {
  const absorbed = person(survivor.profiles, absorbedId);
  let page: Page | null = first;
  for (;;) {
    if (page === null || survivor.route().status !== "active") return false;
    survivor.store.pages.stage(absorbedId, part, page);
    if (page.next === null) return true;
    page = await absorbed.handOverPage(survivor.profileId, part, page.next);
  }
}

/**
 * The merge does not happen after all (a conflict found late, or this object was itself asked to
 * hand over meanwhile): the absorbed person goes on as before; the caller follows the survivor.
 */
async function giveUp(survivor: SurvivorContext, absorbedId: string, entry: AuditEntry | null): Promise<AbsorbResult> {
  survivor.store.pages.dropStaged(absorbedId);
  await person(survivor.profiles, absorbedId).cancelHandOver(survivor.profileId, entry);
  const route = survivor.route();
  if (route.status !== "active") return { status: "moved", to: route.into };
  // Not a conflict: the absorbed person stopped handing over to us; the caller asks again.
  return entry ? { status: "conflict", reason: entry.reason ?? "conflict" } : { status: "absorbed_moved", to: absorbedId };
}
