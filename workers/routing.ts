import { IDENTIFIER_STRENGTH } from "../core/identifiers";
import type { Identifier } from "../core/types";
import type { DecideRequest } from "../durable-objects/decisions";
import type { ProfileObject } from "../durable-objects/profile-object";
import type { IngestRequest, IngestResult, Moved } from "../durable-objects/profile-rpc";
import type { Database } from "./db/client";
import { resultSettings } from "./decisions";
import { lookupOwners, ownerOf, type Owner } from "./db/identities";
import type { Shop } from "./db/shops";
import { ApiError } from "./errors";
import { countObjectCall } from "./middleware/object-calls";
import { TtlCache } from "./ttl-cache";

export type ProfileStub = DurableObjectStub<ProfileObject>;
export type Profiles = DurableObjectNamespace<ProfileObject>;

/**
 * The namespace of a shop's people: in the EU jurisdiction when the shop's `data_region` is
 * "eu" (objects are then created and kept in the EU only). `JURISDICTIONS = "off"` is for the
 * local runtime, which does not implement jurisdictions.
 */
export function profilesOf(env: Pick<Env, "PROFILES" | "JURISDICTIONS">, shop: Shop): Profiles {
  const eu = shop.settings.data_region === "eu" && env.JURISDICTIONS !== "off";
  return eu ? env.PROFILES.jurisdiction("eu") : env.PROFILES;
}

/**
 * The object that an identifier names before the identity index knows of it. Deterministic, so
 * a device's events reach its person without a database query on the hot path of collect.
 */
export function homeObjectId(profiles: Profiles, shopId: string, identifier: Identifier): string {
  return profiles.idFromName(`${shopId}:${identifier.kind}:${identifier.value}`).toString();
}

/**
 * The stub of a person's object. Every call through it counts as one object call (the capacity
 * model's second cost, `Server-Timing: obj`): all of the Worker's calls to objects get their stub here.
 */
export function stubFor(profiles: Profiles, profileId: string): ProfileStub {
  return countingCalls(profiles.get(profiles.idFromString(profileId)));
}

function countingCalls(stub: ProfileStub): ProfileStub {
  return new Proxy(stub, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        countObjectCall();
        return Reflect.apply(value, target, args);
      };
    },
  });
}

/** Where a request for a person starts, and the home object a stale route falls back to. */
export interface PersonRoute {
  start: string;
  home: string;
}

/**
 * The person a set of identifiers names: the owner of the strongest one in the identity index
 * (with `provenOnly`, only a proven owner counts, so a trusted event never lands on a browser's
 * unproven claim). When the index does not know it, the person of the device named, else the
 * strongest identifier's home object: never the owner of a weaker identifier, which may be
 * another customer (the identity service then merges or records the conflict).
 */
export function pickRoute(
  profiles: Profiles,
  shopId: string,
  identifiers: readonly Identifier[],
  known: Map<string, Owner>,
  provenOnly: boolean,
): PersonRoute {
  const ranked = IDENTIFIER_STRENGTH.flatMap((kind) => identifiers.filter((identifier) => identifier.kind === kind));
  const strongest = ranked[0];
  if (!strongest) throw new ApiError(400, "no_identifier", "The request names no person");
  const home = homeObjectId(profiles, shopId, strongest);
  if (strongest.kind === "anonymous_id") return deviceRoute(profiles, shopId, strongest.value);
  const owner = ownerOf(known, shopId, strongest);
  if (owner && (owner.verified || !provenOnly)) return { start: owner.profileId, home };
  const device = ranked.find((identifier) => identifier.kind === "anonymous_id");
  return device ? deviceRoute(profiles, shopId, device.value) : { start: home, home };
}

export async function resolveRoute(
  profiles: Profiles,
  db: Database,
  shopId: string,
  identifiers: readonly Identifier[],
  provenOnly: boolean,
): Promise<PersonRoute> {
  const indexed = identifiers.filter((identifier) => identifier.kind !== "anonymous_id");
  return pickRoute(profiles, shopId, identifiers, await lookupOwners(db, shopId, indexed), provenOnly);
}

export function isMoved(value: unknown): value is Moved {
  return typeof value === "object" && value !== null && (value as { code?: unknown }).code === "moved";
}

/** Merged people are repointed straight at their survivor, so more hops than this mean a loop. */
const MAX_HOPS = 4;

/**
 * Calls a person's object; when the person was merged, calls the survivor instead (one hop:
 * absorbed objects point straight at their survivor). Resolves with the object that answered.
 */
export async function follow<T>(
  profiles: Profiles,
  profileId: string,
  call: (stub: ProfileStub, hop: number) => Promise<T>,
): Promise<{ profileId: string; value: Exclude<T, Moved> }> {
  let current = profileId;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    const value = await callObject(() => call(stubFor(profiles, current), hop));
    if (!isMoved(value)) return { profileId: current, value: value as Exclude<T, Moved> };
    current = value.to;
  }
  throw new ApiError(503, "unavailable", "The person is being merged; retry", undefined, { "Retry-After": "1" });
}

/**
 * Maps the platform's overload errors to 429/503, so a client learns to retry instead of
 * seeing a 500.
 */
async function callObject<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const flags = error as { overloaded?: boolean; retryable?: boolean };
    console.warn("profile object call failed", { overloaded: flags.overloaded, retryable: flags.retryable, error: String(error) });
    if (flags.overloaded)
      throw new ApiError(429, "rate_limited", "This person receives too many events; retry later", undefined, { "Retry-After": "1" });
    if (flags.retryable)
      throw new ApiError(503, "unavailable", "The profile store is briefly unavailable; retry", undefined, { "Retry-After": "1" });
    throw error;
  }
}

export type Ingested = Extract<IngestResult, { ok: true }>;

/**
 * Sends a batch to a person (following a merge) and turns a refusal for rate into a 429. A
 * stale route to an erased person is retried at the identifier's home, which starts afresh.
 */
export async function ingestInto(
  profiles: Profiles,
  profileId: string,
  request: IngestRequest,
  home: string = profileId,
  withCampaigns?: (decide: DecideRequest) => Promise<DecideRequest>,
): Promise<Ingested> {
  const viaHome = profileId === home;
  const { value } = await follow<IngestResult>(
    profiles,
    profileId,
    async (stub, hop) => (await stub.ingest({ ...request, viaHome: viaHome && hop === 0 })) as IngestResult,
  );
  if (value.ok) return value;
  if (value.code === "need_campaigns") {
    if (!request.decide || !withCampaigns || request.decide.campaigns)
      throw new Error("the profile object asked for campaigns it was sent");
    return ingestInto(profiles, profileId, { ...request, decide: await withCampaigns(request.decide) }, home);
  }
  if (value.code === "invalid_token") {
    throw new ApiError(
      400,
      "invalid_token",
      `events[${value.index}].token: not a decision token of this shop for this person, campaign and variant`,
      `events[${value.index}].token`,
    );
  }
  if (value.code === "erased") {
    if (viaHome) throw new ApiError(503, "unavailable", "The person was just erased; retry", undefined, { "Retry-After": "1" });
    return ingestInto(profiles, home, request, home);
  }
  throw new ApiError(429, "rate_limited", "This person receives too many events; retry later", undefined, {
    "Retry-After": String(value.retryAfterSeconds),
  });
}

/** Where each device's person lives when a merge moved it away from the device's home object. */
const deviceSurvivors = new TtlCache<string>(60_000);

/** The object to send a device's batch to: the survivor this isolate learned, else the home. */
export function deviceRoute(profiles: Profiles, shopId: string, anonymousId: string): PersonRoute {
  const home = homeObjectId(profiles, shopId, { kind: "anonymous_id", value: anonymousId });
  return { start: deviceSurvivors.get(`${shopId}:${anonymousId}`) ?? home, home };
}

export function rememberDevice(shopId: string, anonymousId: string, home: string, person: string): void {
  const key = `${shopId}:${anonymousId}`;
  const known = deviceSurvivors.get(key);
  if (person === home) {
    if (known !== undefined) deviceSurvivors.delete(key);
  } else if (known !== person) {
    deviceSurvivors.set(key, person);
  }
}

export function forgetDevice(shopId: string, anonymousId: string): void {
  deviceSurvivors.delete(`${shopId}:${anonymousId}`);
}

/** A batch without events: asks a person's object for decisions only. */
export function emptyBatch(shop: Shop, receivedAt: number): IngestRequest {
  return {
    shopId: shop.id,
    consentMode: shop.settings.consent_mode,
    source: "browser",
    events: [],
    batchConsent: null,
    batchIdentifiers: [],
    segmentRules: shop.settings.segments,
    receivedAt,
    viaHome: false,
    results: resultSettings(shop),
  };
}
