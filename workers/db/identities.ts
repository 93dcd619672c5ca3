import { and, eq } from "drizzle-orm";
import type { Identifier } from "../../core/types";
import { TtlCache } from "../ttl-cache";
import type { Database } from "./client";
import { identities } from "./schema";

const profileIds = new TtlCache<string>(30_000);
const cacheKey = (shopId: string, identifier: Identifier) => `${shopId}\u0000${identifier.kind}\u0000${identifier.value}`;

/** The person an identifier of a shop belongs to, when the index knows it. */
export async function lookupProfileId(db: Database, shopId: string, identifier: Identifier): Promise<string | null> {
  return profileIds.through(cacheKey(shopId, identifier), async () => {
    const row = await db.query.identities.findFirst({
      columns: { profileId: true },
      where: and(eq(identities.shopId, shopId), eq(identities.kind, identifier.kind), eq(identities.value, identifier.value)),
    });
    return row?.profileId ?? null;
  });
}

/** Records identifiers a person gained. The first person to claim an identifier keeps it. */
export async function claimIdentifiers(db: Database, shopId: string, profileId: string, claimed: readonly Identifier[], now = Date.now()): Promise<void> {
  if (claimed.length === 0) return;
  await db
    .insert(identities)
    .values(claimed.map((identifier) => ({ shopId, kind: identifier.kind, value: identifier.value, profileId, createdAt: now })))
    .onConflictDoNothing();
}
