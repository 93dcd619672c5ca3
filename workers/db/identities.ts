import { and, eq, inArray } from "drizzle-orm";
import type { Identifier, IdentifierKind } from "../../core/types";
import { TtlCache } from "../ttl-cache";
import type { Database } from "./client";
import { identities } from "./schema";

const owners = new TtlCache<string>(60_000);
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
    const cached = owners.get(key);
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
        owners.set(key, row.profileId);
        found.set(key, row.profileId);
      }
    }
  }
  return found;
}

export function knownProfileId(found: Map<string, string>, shopId: string, identifier: Identifier): string | undefined {
  return found.get(cacheKey(shopId, identifier));
}

export interface ClaimLost {
  identifier: Identifier;
  owner: string;
}

/**
 * Claims identifiers for a person. The first person to claim an identifier keeps it (the database
 * decides, so two devices identifying at once agree on one owner). Returns the claims that went
 * to someone else, with their owner: the people to merge.
 */
export async function claimIdentifiers(db: Database, shopId: string, profileId: string, claimed: readonly Identifier[], now = Date.now()): Promise<ClaimLost[]> {
  const unknown = claimed.filter((identifier) => owners.get(cacheKey(shopId, identifier)) !== profileId);
  if (unknown.length === 0) return [];
  const won = await db
    .insert(identities)
    .values(unknown.map((identifier) => ({ shopId, kind: identifier.kind, value: identifier.value, profileId, createdAt: now })))
    .onConflictDoNothing()
    .returning({ kind: identities.kind, value: identities.value });
  for (const identifier of won) owners.set(cacheKey(shopId, identifier), profileId);
  const lost = unknown.filter((identifier) => !won.some((w) => w.kind === identifier.kind && w.value === identifier.value));
  if (lost.length === 0) return [];
  const found = await ownersOf(db, shopId, lost);
  return lost.flatMap((identifier) => {
    const owner = knownProfileId(found, shopId, identifier);
    return owner === undefined || owner === profileId ? [] : [{ identifier, owner }];
  });
}

/** After a merge: every identifier of the absorbed people now names the survivor. */
export async function repointIdentities(db: Database, shopId: string, survivor: string, absorbed: readonly string[]): Promise<void> {
  if (absorbed.length === 0) return;
  await db.update(identities).set({ profileId: survivor }).where(and(eq(identities.shopId, shopId), inArray(identities.profileId, [...absorbed])));
}

/** The owner of each identifier (fresh from the database: merges move owners), caching what it reads. */
export async function ownersOf(db: Database, shopId: string, wanted: readonly Identifier[]): Promise<Map<string, string>> {
  for (const identifier of wanted) owners.delete(cacheKey(shopId, identifier));
  return lookupProfileIds(db, shopId, wanted);
}

/** Removes a person's identifiers from the index (erasure) and from this isolate's cache. */
export async function forgetIdentities(db: Database, shopId: string, people: readonly string[], identifiers: readonly Identifier[]): Promise<Identifier[]> {
  for (const identifier of identifiers) owners.delete(cacheKey(shopId, identifier));
  if (people.length === 0) return [];
  const removed = await db
    .delete(identities)
    .where(and(eq(identities.shopId, shopId), inArray(identities.profileId, [...people])))
    .returning({ kind: identities.kind, value: identities.value });
  for (const identifier of removed) owners.delete(cacheKey(shopId, identifier));
  return removed;
}
