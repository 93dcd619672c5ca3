import { and, eq, inArray, sql } from "drizzle-orm";
import type { Identifier, IdentifierKind } from "../../core/types";
import { TtlCache } from "../ttl-cache";
import { chunks } from "./chunks";
import type { Database } from "./client";
import { identities } from "./schema";

/** Who owns an identifier in the index, and whether the claim was proven. */
export interface Owner {
  profileId: string;
  verified: boolean;
}

const owners = new TtlCache<Owner>(60_000);
const cacheKey = (shopId: string, identifier: Identifier) => `${shopId}\u0000${identifier.kind}\u0000${identifier.value}`;
/** D1 binds at most 100 parameters per query; a few go to the other conditions. */
const IN_CHUNK = 90;

function inChunks<T>(values: readonly T[]): T[][] {
  return chunks(values, IN_CHUNK);
}

/**
 * The owners of a set of identifiers of a shop, as far as the index knows them: one query per
 * kind and chunk for what the isolate cache does not hold.
 */
export async function lookupOwners(db: Database, shopId: string, wanted: readonly Identifier[]): Promise<Map<string, Owner>> {
  const found = new Map<string, Owner>();
  const missing = new Map<IdentifierKind, Set<string>>();
  for (const identifier of wanted) {
    const key = cacheKey(shopId, identifier);
    const cached = owners.get(key);
    if (cached !== undefined) found.set(key, cached);
    else missing.set(identifier.kind, (missing.get(identifier.kind) ?? new Set()).add(identifier.value));
  }
  for (const [kind, values] of missing) {
    for (const chunk of inChunks([...values])) {
      const rows = await db
        .select({ value: identities.value, profileId: identities.profileId, verified: identities.verified })
        .from(identities)
        .where(and(eq(identities.shopId, shopId), eq(identities.kind, kind), inArray(identities.value, chunk)));
      for (const row of rows) {
        const key = cacheKey(shopId, { kind, value: row.value });
        const owner = { profileId: row.profileId, verified: row.verified === 1 };
        owners.set(key, owner);
        found.set(key, owner);
      }
    }
  }
  return found;
}

export function ownerOf(found: Map<string, Owner>, shopId: string, identifier: Identifier): Owner | undefined {
  return found.get(cacheKey(shopId, identifier));
}

/** The owners fresh from the database (merges and take-overs move them), caching what it reads. */
export async function freshOwners(db: Database, shopId: string, wanted: readonly Identifier[]): Promise<Map<string, Owner>> {
  for (const identifier of wanted) owners.delete(cacheKey(shopId, identifier));
  return lookupOwners(db, shopId, wanted);
}

/**
 * Claims identifiers for a person. The first person to claim an identifier keeps it (the database
 * decides, so two devices identifying at once agree on one owner). Returns the identifiers that
 * belong to someone else (or to this person unproven), with their owner.
 */
export async function claimIdentifiers(
  db: Database,
  shopId: string,
  profileId: string,
  claimed: readonly Identifier[],
  verified: boolean,
  now = Date.now(),
): Promise<{ identifier: Identifier; owner: Owner }[]> {
  if (claimed.length === 0) return [];
  const won = await db
    .insert(identities)
    .values(
      claimed.map((identifier) => ({
        shopId,
        kind: identifier.kind,
        value: identifier.value,
        profileId,
        createdAt: now,
        verified: verified ? 1 : 0,
      })),
    )
    .onConflictDoNothing()
    .returning({ kind: identities.kind, value: identities.value });
  for (const identifier of won) owners.set(cacheKey(shopId, identifier), { profileId, verified });
  const lost = claimed.filter((identifier) => !won.some((w) => w.kind === identifier.kind && w.value === identifier.value));
  if (lost.length === 0) return [];
  const found = await freshOwners(db, shopId, lost);
  return lost.flatMap((identifier) => {
    const owner = ownerOf(found, shopId, identifier);
    return owner ? [{ identifier, owner }] : [];
  });
}

/**
 * A proven claim takes an identifier over from an unproven one (no merge: an unproven claim never
 * joins two people). True when the identifier now belongs to `profileId`, proven.
 */
export async function takeOverUnverified(db: Database, shopId: string, profileId: string, identifier: Identifier): Promise<boolean> {
  const rows = await db
    .update(identities)
    .set({ profileId, verified: 1 })
    .where(
      and(
        eq(identities.shopId, shopId),
        eq(identities.kind, identifier.kind),
        eq(identities.value, identifier.value),
        eq(identities.verified, 0),
      ),
    )
    .returning({ kind: identities.kind });
  owners.delete(cacheKey(shopId, identifier));
  return rows.length > 0;
}

/** After a merge: every identifier of the absorbed people now names the survivor. */
export async function repointIdentities(db: Database, shopId: string, survivor: string, absorbed: readonly string[]): Promise<void> {
  for (const chunk of inChunks(absorbed)) {
    const moved = await db
      .update(identities)
      .set({ profileId: survivor })
      .where(and(eq(identities.shopId, shopId), inArray(identities.profileId, chunk)))
      .returning({ kind: identities.kind, value: identities.value, verified: identities.verified });
    for (const row of moved) owners.set(cacheKey(shopId, row), { profileId: survivor, verified: row.verified === 1 });
  }
}

/** The identifiers the index holds for these people (an erasure tombstones them before removing them). */
export async function identifiersOf(db: Database, shopId: string, people: readonly string[]): Promise<Identifier[]> {
  const found: Identifier[] = [];
  for (const chunk of inChunks(people)) {
    found.push(
      ...(await db
        .select({ kind: identities.kind, value: identities.value })
        .from(identities)
        .where(and(eq(identities.shopId, shopId), inArray(identities.profileId, chunk)))),
    );
  }
  return found;
}

/** Whether the index still names any of these people. */
export async function anyIdentityOf(db: Database, shopId: string, people: readonly string[]): Promise<boolean> {
  for (const chunk of inChunks(people)) {
    const row = await db
      .select({ one: sql<number>`1` })
      .from(identities)
      .where(and(eq(identities.shopId, shopId), inArray(identities.profileId, chunk)))
      .limit(1);
    if (row.length > 0) return true;
  }
  return false;
}

/** Removes people's identifiers from the index (erasure) and from this isolate's cache. */
export async function forgetIdentities(
  db: Database,
  shopId: string,
  people: readonly string[],
  identifiers: readonly Identifier[],
): Promise<void> {
  for (const identifier of identifiers) owners.delete(cacheKey(shopId, identifier));
  for (const chunk of inChunks(people)) {
    const removed = await db
      .delete(identities)
      .where(and(eq(identities.shopId, shopId), inArray(identities.profileId, chunk)))
      .returning({ kind: identities.kind, value: identities.value });
    for (const identifier of removed) owners.delete(cacheKey(shopId, identifier));
  }
}
