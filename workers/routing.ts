import { IDENTIFIER_STRENGTH } from "../core/identifiers";
import type { Identifier } from "../core/types";
import type { IngestRequest, IngestResult } from "../durable-objects/profile-object";
import type { Database } from "./db/client";
import { knownProfileId, lookupProfileIds } from "./db/identities";
import { ApiError } from "./errors";

export type ProfileStub = DurableObjectStub<import("../durable-objects/profile-object").ProfileObject>;

/**
 * The object that an identifier names before the identity index knows of it. Deterministic, so
 * a device's events reach its person without a database query on the hot path of collect.
 */
export function homeObjectId(env: Env, shopId: string, identifier: Identifier): DurableObjectId {
  return env.PROFILES.idFromName(`${shopId}:${identifier.kind}:${identifier.value}`);
}

export function stubFor(env: Env, profileId: string): ProfileStub {
  return env.PROFILES.get(env.PROFILES.idFromString(profileId));
}

/**
 * The person a set of identifiers names: the first one the identity index knows (strongest
 * first), else the home object of the strongest identifier. Device ids always route by name.
 */
export function pickProfileId(env: Env, shopId: string, identifiers: readonly Identifier[], known: Map<string, string>): string {
  const ranked = IDENTIFIER_STRENGTH.flatMap((kind) => identifiers.filter((identifier) => identifier.kind === kind));
  for (const identifier of ranked) {
    if (identifier.kind === "anonymous_id") continue;
    const profileId = knownProfileId(known, shopId, identifier);
    if (profileId) return profileId;
  }
  const strongest = ranked[0];
  if (!strongest) throw new ApiError(400, "no_identifier", "The request names no person");
  return homeObjectId(env, shopId, strongest).toString();
}

export async function resolveProfileId(env: Env, db: Database, shopId: string, identifiers: readonly Identifier[]): Promise<string> {
  const indexed = identifiers.filter((identifier) => identifier.kind !== "anonymous_id");
  return pickProfileId(env, shopId, identifiers, await lookupProfileIds(db, shopId, indexed));
}

/**
 * Calls a person's object and maps its refusals and the platform's overload errors to 429/503,
 * so a client learns to retry instead of seeing a 500.
 */
export async function ingestInto(stub: ProfileStub, request: IngestRequest): Promise<Extract<IngestResult, { ok: true }>> {
  let result: IngestResult;
  try {
    result = await stub.ingest(request);
  } catch (error) {
    const flags = error as { overloaded?: boolean; retryable?: boolean };
    console.warn("profile object call failed", { overloaded: flags.overloaded, retryable: flags.retryable, error: String(error) });
    if (flags.overloaded) throw new ApiError(429, "rate_limited", "This person receives too many events; retry later", undefined, { "Retry-After": "1" });
    if (flags.retryable) throw new ApiError(503, "unavailable", "The profile store is briefly unavailable; retry", undefined, { "Retry-After": "1" });
    throw error;
  }
  if (!result.ok) {
    throw new ApiError(429, "rate_limited", "This person receives too many events; retry later", undefined, {
      "Retry-After": String(result.retryAfterSeconds),
    });
  }
  return result;
}

/** Identifiers to record in the index: one per kind (the latest), never device ids (they route by name). */
export function indexableIdentifiers(added: readonly Identifier[]): Identifier[] {
  const latest = new Map<string, Identifier>();
  for (const identifier of added) if (identifier.kind !== "anonymous_id") latest.set(identifier.kind, identifier);
  return [...latest.values()];
}
