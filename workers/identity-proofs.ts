import { proofSubject, verifyUserHash } from "../core/identity-proof";
import type { IncomingEvent } from "../core/profile";
import type { Identifier, IdentifierKind, TrackedEvent } from "../core/types";
import type { Shop } from "./db/shops";

const IDENTIFYING_TRAITS = ["customer_id", "email", "phone"] as const;

function traitIdentifiers(event: TrackedEvent): Identifier[] {
  return IDENTIFYING_TRAITS.flatMap((kind) => {
    const value = event.traits?.[kind];
    return typeof value === "string" ? [{ kind, value }] : [];
  });
}

/** The event as stored: a `user_hash` proves once and is never kept (it would prove again for anyone who read it). */
export function withoutProof(event: TrackedEvent): TrackedEvent {
  if (event.user_hash === undefined) return event;
  const { user_hash: _proof, ...stored } = event;
  return stored;
}

/**
 * Which identifiers of a browser identify no `user_hash` proves. With the shop's
 * `identity_verification` off, a browser is trusted like a server. A valid hash proves only the
 * identifier it signs (the strongest one named); the others stay unproven claims.
 */
async function unprovenKinds(shop: Shop, event: TrackedEvent): Promise<IdentifierKind[]> {
  if (event.type !== "identify" || shop.settings.identity_verification === "off") return [];
  const named = traitIdentifiers(event);
  const subject = proofSubject(named);
  const proven =
    subject !== null && event.user_hash !== undefined && (await verifyUserHash(shop.identitySecret, subject.value, event.user_hash));
  return named.filter((identifier) => !proven || identifier.kind !== subject?.kind).map((identifier) => identifier.kind);
}

/** A browser batch's events as they reach the device's person: proofs checked, then dropped. */
export async function browserEvents(shop: Shop, events: readonly TrackedEvent[], device: Identifier): Promise<IncomingEvent[]> {
  return Promise.all(
    events.map(async (event) => {
      const unproven = await unprovenKinds(shop, event);
      return { event: withoutProof(event), identifiers: [device], ...(unproven.length > 0 ? { unproven } : {}) };
    }),
  );
}
