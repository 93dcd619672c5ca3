import { claimTask, deviceTask, type IdentityTask } from "../core/identity";
import type { BatchOutcome } from "../core/profile";
import type { IngestRequest } from "./profile-rpc";
import type { ProfileStorage } from "./profile-storage";

/**
 * Identifiers the index must confirm: each one the stored events named that this person has not
 * had confirmed yet (as proven, when it now is), and the devices a trusted server event tied to
 * this person. Stored with the batch, so a failure before the Worker settles them loses nothing.
 */
export function identityTasks(store: ProfileStorage, outcome: BatchOutcome, request: IngestRequest): IdentityTask[] {
  const cause = outcome.stored.find((event) => event.type === "identify") ?? outcome.stored[0];
  const eventId = cause?.id ?? null;
  const claims = outcome.namedIdentifiers
    .filter((named) => !store.isClaimed(named, named.verified))
    .map((named) => claimTask(named, named.verified, eventId));
  if (request.source !== "server") return claims;
  const devices = outcome.addedIdentifiers.flatMap((identifier) =>
    identifier.kind === "anonymous_id" ? [deviceTask(identifier.value, eventId)] : [],
  );
  return [...claims, ...devices];
}
