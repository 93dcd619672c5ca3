import type { Identifier } from "../core/types";
import type { EraseResult } from "../durable-objects/profile-rpc";
import type { ErasureJob } from "../durable-objects/profile-storage";
import type { Database } from "./db/client";
import { recordErasure, wasErased } from "./db/erasures";
import { anyIdentityOf, forgetIdentities, identifiersOf } from "./db/identities";
import { forgetOutbox } from "./db/outbox";
import { ApiError } from "./errors";
import { follow, forgetDevice, resolveRoute, stubFor, type Profiles } from "./routing";

export interface ErasureAnswer {
  erased: true;
  profile_id: string | null;
  profiles: number;
}

const notFound = () => new ApiError(404, "profile_not_found", "No profile holds this identifier");

/**
 * Erases a person everywhere (GDPR art. 17) as a resumable job. The person's object records the
 * job (the people it absorbed, every identifier and device) and wipes itself; then the absorbed
 * objects are wiped, the identifiers tombstoned (salted hashes), the index entries removed, and
 * only then is the job dropped. Every step is idempotent, so a retried DELETE finishes what a
 * failed one started, also when the person's object is already empty.
 */
export async function erasePerson(profiles: Profiles, db: Database, shopId: string, identifier: Identifier): Promise<ErasureAnswer> {
  const route = await resolveRoute(profiles, db, shopId, [identifier], false);
  const { profileId, value } = await follow<EraseResult>(profiles, route.start, async (stub) => (await stub.erase()) as EraseResult);
  const job = await jobFor(db, shopId, profileId, identifier, value);
  if (!job) return { erased: true, profile_id: null, profiles: 0 };
  const identifiers: Identifier[] = [identifier, ...job.identifiers];
  for (const absorbed of job.people.slice(1)) identifiers.push(...(await stubFor(profiles, absorbed).eraseAbsorbed()));
  identifiers.push(...(await identifiersOf(db, shopId, job.people)));
  await recordErasure(db, shopId, identifiers);
  await forgetIdentities(db, shopId, job.people, identifiers);
  await forgetOutbox(db, shopId, job.people);
  for (const { kind, value: anonymousId } of identifiers) if (kind === "anonymous_id") forgetDevice(shopId, anonymousId);
  await stubFor(profiles, profileId).finishErasure();
  return { erased: true, profile_id: profileId, profiles: job.people.length };
}

/**
 * The job to finish: the one the object recorded; for an empty object still named by the index
 * (its job lost), a job for the index alone; null when the identifier was erased before.
 */
async function jobFor(
  db: Database,
  shopId: string,
  profileId: string,
  identifier: Identifier,
  result: Exclude<EraseResult, { ok: false }>,
): Promise<ErasureJob | null> {
  if (result.status === "erasing") return result.job;
  if (await anyIdentityOf(db, shopId, [profileId])) return { people: [profileId], identifiers: [], started_at: Date.now() };
  if (await wasErased(db, shopId, identifier)) return null;
  throw notFound();
}
