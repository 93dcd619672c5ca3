import { describe, expect, it } from "vitest";
import { type Claim, claimDue, forgetOutbox, releaseClaims, scheduleNext } from "../../workers/db/outbox";
import { centralDatabase, centralDb } from "../central-db";

const LEASE_MS = 60_000;
const db = centralDatabase();

let shopCounter = 0;
/**
 * A shop of its own per test, and a `now` earlier than every earlier test's: the outbox is one
 * table and claims see every shop's rows, so rows left by earlier tests are never due yet.
 */
function freshShop(): { shopId: string; now: number } {
  shopCounter += 1;
  return { shopId: `shop_outbox_${shopCounter}_${Math.random().toString(36).slice(2, 8)}`, now: 1e12 - shopCounter * 1e9 };
}

/** Claims only within `shopId`: rows of other tests (other shops) are released again. */
async function claimOf(shopId: string, owner: string, now: number, limit = 100): Promise<Claim[]> {
  const claims = await claimDue(db, owner, now, limit, LEASE_MS);
  await releaseClaims(
    db,
    owner,
    claims.filter((claim) => claim.shopId !== shopId),
  );
  return claims.filter((claim) => claim.shopId === shopId);
}

async function row(shopId: string, profileId: string) {
  return centralDb()
    .prepare("SELECT due_at, seq, lease_owner, lease_until FROM outbox WHERE shop_id = ? AND profile_id = ?")
    .bind(shopId, profileId)
    .first<{ due_at: number | null; seq: number; lease_owner: string | null; lease_until: number | null }>();
}

describe("the outbox", () => {
  it("never gives the same row to two claims made at once", async () => {
    for (let round = 0; round < 20; round++) {
      const { shopId, now } = freshShop();
      for (let person = 0; person < 6; person++) await scheduleNext(db, shopId, `p${person}`, now - 1000 + person, 1);
      const [first, second] = await Promise.all([claimOf(shopId, "run-a", now, 4), claimOf(shopId, "run-b", now, 4)]);
      const keys = [...(first ?? []), ...(second ?? [])].map((claim) => claim.profileId);
      expect(new Set(keys).size, `round ${round}`).toBe(keys.length);
      expect(keys.length).toBe(6);
    }
  });

  it("claims the earliest due rows first and reports when each was due", async () => {
    const { shopId, now } = freshShop();
    await scheduleNext(db, shopId, "late", now - 10, 1);
    await scheduleNext(db, shopId, "early", now - 500, 1);
    const claims = await claimOf(shopId, "run", now);
    expect(claims).toEqual([
      { shopId, profileId: "early", dueAt: now - 500 },
      { shopId, profileId: "late", dueAt: now - 10 },
    ]);
  });

  it("does not claim rows that are not due or have nothing pending", async () => {
    const { shopId, now } = freshShop();
    await scheduleNext(db, shopId, "later", now + 1, 1);
    await scheduleNext(db, shopId, "idle", null, 1);
    expect(await claimOf(shopId, "run", now)).toEqual([]);
    expect((await claimOf(shopId, "run", now + 1)).map((claim) => claim.profileId)).toEqual(["later"]);
  });

  it("does not claim a held row until its lease expires, then another run takes it over", async () => {
    const { shopId, now } = freshShop();
    await scheduleNext(db, shopId, "p", now - 1, 1);
    expect(await claimOf(shopId, "run-a", now)).toHaveLength(1);
    expect(await claimOf(shopId, "run-b", now + LEASE_MS - 1)).toEqual([]);
    expect(await claimOf(shopId, "run-b", now + LEASE_MS)).toHaveLength(1);
    expect(await row(shopId, "p")).toMatchObject({ lease_owner: "run-b", lease_until: now + 2 * LEASE_MS });
  });

  it("lets a released row be claimed again, and releases only the owner's own lease", async () => {
    const { shopId, now } = freshShop();
    await scheduleNext(db, shopId, "p", now - 1, 1);
    const claims = await claimOf(shopId, "run-a", now);
    await releaseClaims(db, "run-b", claims);
    expect(await claimOf(shopId, "run-c", now)).toEqual([]);
    await releaseClaims(db, "run-a", claims);
    expect(await row(shopId, "p")).toMatchObject({ lease_owner: null, lease_until: null });
    expect(await claimOf(shopId, "run-c", now)).toHaveLength(1);
  });

  it("keeps the due time of the newest seq: an older write arriving late is ignored", async () => {
    const { shopId, now } = freshShop();
    await scheduleNext(db, shopId, "p", now + 100, 5);
    await scheduleNext(db, shopId, "p", now + 50, 4);
    expect(await row(shopId, "p")).toMatchObject({ due_at: now + 100, seq: 5 });
    await scheduleNext(db, shopId, "p", null, 6);
    expect(await row(shopId, "p")).toMatchObject({ due_at: null, seq: 6 });
  });

  it("leaves a lease alone when the object writes its next due time", async () => {
    const { shopId, now } = freshShop();
    await scheduleNext(db, shopId, "p", now - 1, 1);
    await claimOf(shopId, "run-a", now);
    await scheduleNext(db, shopId, "p", now + 10, 2);
    expect(await row(shopId, "p")).toMatchObject({ due_at: now + 10, seq: 2, lease_owner: "run-a" });
  });

  it("forgets erased people, in chunks beyond D1's parameter limit", async () => {
    const { shopId, now } = freshShop();
    const people = Array.from({ length: 150 }, (_, i) => `p${i}`);
    await centralDb().batch(
      people.map((person) =>
        centralDb().prepare("INSERT INTO outbox (shop_id, profile_id, due_at, seq) VALUES (?, ?, ?, 1)").bind(shopId, person, now),
      ),
    );
    await forgetOutbox(db, shopId, [...people.slice(0, 149), "unknown"]);
    const left = await centralDb().prepare("SELECT profile_id FROM outbox WHERE shop_id = ?").bind(shopId).all<{ profile_id: string }>();
    expect(left.results.map((rest) => rest.profile_id)).toEqual(["p149"]);
  });

  it("releases many claims at once, in chunks beyond D1's parameter limit", async () => {
    const { shopId, now } = freshShop();
    const people = Array.from({ length: 120 }, (_, i) => `p${i}`);
    await centralDb().batch(
      people.map((person) =>
        centralDb()
          .prepare("INSERT INTO outbox (shop_id, profile_id, due_at, seq) VALUES (?, ?, ?, 1)")
          .bind(shopId, person, now - 1),
      ),
    );
    const claims = await claimOf(shopId, "run", now, 500);
    expect(claims).toHaveLength(120);
    await releaseClaims(db, "run", claims);
    expect(await claimOf(shopId, "run-2", now, 500)).toHaveLength(120);
  });
});
