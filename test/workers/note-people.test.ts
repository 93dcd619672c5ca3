import { describe, expect, it } from "vitest";
import { findShopForUpdate, notePeople, type Shop } from "../../workers/db/shops";
import { createShop } from "../helpers";
import { centralDatabase, centralDb, recordingDatabase } from "../central-db";

async function freshShop(): Promise<Shop> {
  const created = await createShop();
  const read = await findShopForUpdate(centralDatabase(), created.shop_id);
  if (!read) throw new Error("shop not found");
  return read.shop;
}

async function peopleSince(shopId: string): Promise<number | null | undefined> {
  const row = await centralDb()
    .prepare("SELECT people_since FROM shops WHERE id = ?")
    .bind(shopId)
    .first<{ people_since: number | null }>();
  return row?.people_since;
}

describe("notePeople", () => {
  it("records when the shop first stored people, in one query", async () => {
    const shop = await freshShop();
    expect(shop.peopleSince).toBeNull();
    const { db, statements } = recordingDatabase();
    await notePeople(db, shop, 1_000);
    expect(await peopleSince(shop.id)).toBe(1_000);
    expect(statements).toHaveLength(1);
    expect((await findShopForUpdate(db, shop.id))?.shop.peopleSince).toBe(1_000);
  });

  it("writes at most once per shop in an isolate, even with a cached shop that does not show it yet", async () => {
    const shop = await freshShop();
    const { db, statements } = recordingDatabase();
    await notePeople(db, shop, 1_000);
    await notePeople(db, shop, 2_000);
    await notePeople(db, { ...shop }, 3_000);
    expect(statements).toHaveLength(1);
    expect(await peopleSince(shop.id)).toBe(1_000);
  });

  it("keeps the first time when another isolate recorded it already", async () => {
    const shop = await freshShop();
    await centralDb().prepare("UPDATE shops SET people_since = 500 WHERE id = ?").bind(shop.id).run();
    await notePeople(centralDatabase(), shop, 1_000);
    expect(await peopleSince(shop.id)).toBe(500);
  });

  it("costs nothing when the shop already shows people", async () => {
    const shop = await freshShop();
    const { db, statements } = recordingDatabase();
    await notePeople(db, { ...shop, peopleSince: 500 }, 1_000);
    expect(statements).toHaveLength(0);
    expect(await peopleSince(shop.id)).toBeNull();
  });
});
