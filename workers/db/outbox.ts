import { and, eq, inArray, or, sql } from "drizzle-orm";
import { chunks } from "./chunks";
import type { Database } from "./client";
import { outbox } from "./schema";

/** A person whose flow work a cron run has leased, and when it was due. */
export interface Claim {
  shopId: string;
  profileId: string;
  dueAt: number;
}

/** D1 binds at most 100 parameters per statement. */
const RELEASES_PER_STATEMENT = 45;
const FORGETS_PER_STATEMENT = 90;

/**
 * Atomically leases up to `limit` rows due at `now` that nobody holds (or whose lease expired):
 * ONE statement, so two overlapping runs never claim the same row. Earliest due first.
 */
export async function claimDue(db: Database, owner: string, now: number, limit: number, leaseMs: number): Promise<Claim[]> {
  const rows = await db.all<{ shop_id: string; profile_id: string; due_at: number }>(sql`
    UPDATE ${outbox} SET lease_owner = ${owner}, lease_until = ${now + leaseMs}
    WHERE rowid IN (
      SELECT rowid FROM ${outbox}
      WHERE due_at IS NOT NULL AND due_at <= ${now} AND (lease_until IS NULL OR lease_until <= ${now})
      ORDER BY due_at LIMIT ${limit}
    )
    RETURNING shop_id, profile_id, due_at`);
  // RETURNING follows no order of its own.
  return rows.map((row) => ({ shopId: row.shop_id, profileId: row.profile_id, dueAt: row.due_at })).sort((a, b) => a.dueAt - b.dueAt);
}

/** Ends this owner's leases on these rows (the persons' objects have written their next due time themselves). */
export async function releaseClaims(db: Database, owner: string, claims: readonly Pick<Claim, "shopId" | "profileId">[]): Promise<void> {
  for (const chunk of chunks(claims, RELEASES_PER_STATEMENT)) {
    const held = chunk.map((claim) => and(eq(outbox.shopId, claim.shopId), eq(outbox.profileId, claim.profileId)));
    await db
      .update(outbox)
      .set({ leaseOwner: null, leaseUntil: null })
      .where(and(eq(outbox.leaseOwner, owner), or(...held)));
  }
}

/**
 * The object's next due time (null: nothing pending), written only when `seq` is newer than the
 * stored one: writes may arrive out of order, and the object's own counter says which is last.
 * The lease columns are left alone, so a run holding the row keeps it.
 */
export async function scheduleNext(db: Database, shopId: string, profileId: string, dueAt: number | null, seq: number): Promise<void> {
  await db
    .insert(outbox)
    .values({ shopId, profileId, dueAt, seq })
    .onConflictDoUpdate({
      target: [outbox.shopId, outbox.profileId],
      set: { dueAt: sql`excluded.due_at`, seq: sql`excluded.seq` },
      setWhere: sql`excluded.seq > ${outbox.seq}`,
    });
}

/** Erasure: these people have no flow work left. */
export async function forgetOutbox(db: Database, shopId: string, profileIds: readonly string[]): Promise<void> {
  for (const chunk of chunks(profileIds, FORGETS_PER_STATEMENT)) {
    await db.delete(outbox).where(and(eq(outbox.shopId, shopId), inArray(outbox.profileId, chunk)));
  }
}
