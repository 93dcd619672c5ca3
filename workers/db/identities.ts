import { and, eq, inArray } from "drizzle-orm";
import type { Identifier, IdentifierKind } from "../../core/types";
import { TtlCache } from "../ttl-cache";
import type { Database } from "./client";
import { identities } from "./schema";

const profileIds = new TtlCache<string>(60_000);
const cacheKey = (shopId: string, identifier: Identifier) => `${shopId}\u0000${identifier.kind}\u0000${identifier.value}`;
/** D1 binds at most 100 parameters per query. */
const LOOKUP_CHUNK = 90;

/**
 * The people a set of identifiers of a shop belong to, as far as the index knows them: one query
 * per kind and chunk for what the isolate cache does not hold.
 */
export async function lookupProfileIds(db: Database, shopId: string, wanted: readonly Identifier[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const missing = new Map<IdentifierKind, Set<string>>();
  for (const identifier of wanted) {
    const key = cacheKey(shopId, identifier);
    const cached = profileIds.get(key);
    if (cached !== undefined) found.set(key, cached);
    else missing.set(identifier.kind, (missing.get(identifier.kind) ?? new Set()).add(identifier.value));
  }
  for (const [kind, values] of missing) {
    const all = [...values];
    for (let start = 0; start < all.length; start += LOOKUP_CHUNK) {
      const rows = await db
        .select({ value: identities.value, profileId: identities.profileId })
        .from(identities)
        .where(and(eq(identities.shopId, shopId), eq(identities.kind, kind), inArray(identities.value, all.slice(start, start + LOOKUP_CHUNK))));
      for (const row of rows) {
        const key = cacheKey(shopId, { kind, value: row.value });
        profileIds.set(key, row.profileId);
        found.set(key, row.profileId);
      }
    }
  }
  return found;
}

export function knownProfileId(found: Map<string, string>, shopId: string, identifier: Identifier): string | undefined {
  return found.get(cacheKey(shopId, identifier));
}

/**
 * Records identifiers a person gained. The first person to claim an identifier keeps it; the
 * claims that won are cached at once, so the next event naming them costs no query.
 */
export async function claimIdentifiers(db: Database, shopId: string, profileId: string, claimed: readonly Identifier[], now = Date.now()): Promise<void> {
  if (claimed.length === 0) return;
  const won = await db
    .insert(identities)
    .values(claimed.map((identifier) => ({ shopId, kind: identifier.kind, value: identifier.value, profileId, createdAt: now })))
    .onConflictDoNothing()
    .returning({ kind: identities.kind, value: identities.value });
  for (const identifier of won) profileIds.set(cacheKey(shopId, identifier), profileId);
}
