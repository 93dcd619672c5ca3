import { and, eq } from "drizzle-orm";
import type { Identifier } from "../../core/types";
import { sha256Hex } from "../crypto";
import type { Database } from "./client";
import { erasures } from "./schema";

/** D1 binds at most 100 parameters per query: 3 per row. */
const ROWS_PER_INSERT = 30;

/** Salted per shop, so the same email erased in two shops leaves unrelated hashes. */
export function identifierHash(shopId: string, identifier: Identifier): Promise<string> {
  return sha256Hex(`${shopId}\u0000${identifier.kind}\u0000${identifier.value}`);
}

/** Leaves the tombstone of an erasure: hashed identifiers and the time, nothing else. */
export async function recordErasure(db: Database, shopId: string, identifiers: readonly Identifier[], now = Date.now()): Promise<void> {
  const hashes = [...new Set(await Promise.all(identifiers.map((identifier) => identifierHash(shopId, identifier))))];
  for (let start = 0; start < hashes.length; start += ROWS_PER_INSERT) {
    const rows = hashes.slice(start, start + ROWS_PER_INSERT).map((identifierHash) => ({ shopId, identifierHash, erasedAt: now }));
    await db
      .insert(erasures)
      .values(rows)
      .onConflictDoUpdate({ target: [erasures.shopId, erasures.identifierHash], set: { erasedAt: now } });
  }
}

/** Whether an identifier of the shop was erased (a retried erasure that already finished). */
export async function wasErased(db: Database, shopId: string, identifier: Identifier): Promise<boolean> {
  const hash = await identifierHash(shopId, identifier);
  const rows = await db
    .select({ at: erasures.erasedAt })
    .from(erasures)
    .where(and(eq(erasures.shopId, shopId), eq(erasures.identifierHash, hash)))
    .limit(1);
  return rows.length > 0;
}
