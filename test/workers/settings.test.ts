import { describe, expect, it } from "vitest";
import { findShopForUpdate, notePeople, saveSettings } from "../../workers/db/shops";
import { api, createShop, type TestShop } from "../helpers";
import { centralDatabase, centralDb } from "../central-db";

interface ErrorBody {
  error: { code: string; field?: string };
}

interface Channels {
  webhook: { url: string; secret: string } | null;
  email: Record<string, unknown> | null;
  sms: Record<string, unknown> | null;
}

async function storedSettings(
  shopId: string,
): Promise<{ timezone: string; settings: { channels: Channels; smart_sending_hours: number; quiet_hours: { start: string } } }> {
  const row = await centralDb()
    .prepare("SELECT timezone, settings FROM shops WHERE id = ?")
    .bind(shopId)
    .first<{ timezone: string; settings: string }>();
  if (!row) throw new Error(`no shop ${shopId}`);
  return { timezone: row.timezone, settings: JSON.parse(row.settings) };
}

async function getSettings(shop: TestShop): Promise<Record<string, unknown> & { channels: Channels }> {
  return (await (await api(shop, "GET", "/v1/settings")).json()) as Record<string, unknown> & { channels: Channels };
}

const WEBHOOK = { url: "https://hooks.example/n", secret: "whsec_live_1234" };
const EMAIL = { provider: "resend", api_key: "re_live_abcdef", from: "Shop <shop@example.com>", reply_to: "care@example.com" };
const SMS = { provider: "twilio", account_sid: `AC${"0".repeat(32)}`, auth_token: "tok", from: "+4915112345678" };

describe("secrets in settings", () => {
  it("are shown masked with their last 2 characters, in GET and in the PUT answer", async () => {
    const shop = await createShop();
    const put = await api(shop, "PUT", "/v1/settings", { channels: { webhook: WEBHOOK, email: EMAIL } });
    expect(put.status).toBe(200);
    const expected = { webhook: { url: WEBHOOK.url, secret: "••••34" }, email: { ...EMAIL, api_key: "••••ef" }, sms: null };
    expect(((await put.json()) as { channels: Channels }).channels).toEqual(expected);
    expect((await getSettings(shop)).channels).toEqual(expected);
    expect((await storedSettings(shop.shop_id)).settings.channels.webhook).toEqual(WEBHOOK);
  });

  it("show nothing of a secret shorter than 8 characters", async () => {
    const shop = await createShop();
    await api(shop, "PUT", "/v1/settings", { channels: { webhook: { url: WEBHOOK.url, secret: "short1" }, sms: SMS } });
    const { channels } = await getSettings(shop);
    expect(channels.webhook?.secret).toBe("••••");
    expect(channels.sms).toEqual({ ...SMS, auth_token: "••••" });
  });

  it("survive a GET → edit → PUT roundtrip that sends the masked values back", async () => {
    const shop = await createShop();
    await api(shop, "PUT", "/v1/settings", { channels: { webhook: WEBHOOK, email: EMAIL } });
    const read = await getSettings(shop);
    const put = await api(shop, "PUT", "/v1/settings", { ...read, timezone: "Europe/Berlin" });
    expect(put.status).toBe(200);
    const stored = await storedSettings(shop.shop_id);
    expect(stored.timezone).toBe("Europe/Berlin");
    expect(stored.settings.channels.webhook).toEqual(WEBHOOK);
    expect(stored.settings.channels.email).toEqual(EMAIL);
  });

  it("are replaced by a new value sent in clear", async () => {
    const shop = await createShop();
    await api(shop, "PUT", "/v1/settings", { channels: { webhook: WEBHOOK } });
    await api(shop, "PUT", "/v1/settings", { channels: { webhook: { secret: "whsec_live_5678" } } });
    expect((await storedSettings(shop.shop_id)).settings.channels.webhook).toEqual({ url: WEBHOOK.url, secret: "whsec_live_5678" });
  });

  it("refuse a masked value where nothing is stored to keep", async () => {
    const shop = await createShop();
    const response = await api(shop, "PUT", "/v1/settings", { channels: { webhook: { url: WEBHOOK.url, secret: "••••34" } } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.field).toBe("channels.webhook.secret");
    expect((await storedSettings(shop.shop_id)).settings.channels.webhook).toBeNull();
  });
});

describe("concurrent settings changes", () => {
  it("all survive when different keys are changed at the same moment, again and again", async () => {
    const shop = await createShop();
    const zones = ["Europe/Berlin", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Europe/Lisbon"];
    for (const [round, timezone] of zones.entries()) {
      const responses = await Promise.all([
        api(shop, "PUT", "/v1/settings", { timezone }),
        api(shop, "PUT", "/v1/settings", { smart_sending_hours: round + 1 }),
        api(shop, "PUT", "/v1/settings", { quiet_hours: { start: `20:0${round}` } }),
      ]);
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
      const stored = await storedSettings(shop.shop_id);
      expect(stored.timezone).toBe(timezone);
      expect(stored.settings.smart_sending_hours).toBe(round + 1);
      expect(stored.settings.quiet_hours.start).toBe(`20:0${round}`);
    }
  });

  it("are written only over the version they were merged into", async () => {
    const shop = await createShop();
    const db = centralDatabase();
    const read = await findShopForUpdate(db, shop.shop_id);
    if (!read) throw new Error("shop not found");
    expect(await saveSettings(db, shop.shop_id, { ...read.shop.settings, timezone: "Europe/Berlin" }, read.version)).toBe(true);
    expect(await saveSettings(db, shop.shop_id, { ...read.shop.settings, smart_sending_hours: 1 }, read.version)).toBe(false);
    const stored = await storedSettings(shop.shop_id);
    expect(stored.timezone).toBe("Europe/Berlin");
    expect(stored.settings.smart_sending_hours).toBe(16);
  });

  it("answer 409 and store nothing when every write loses its race", async () => {
    const shop = await createShop();
    // Ignoring every update of this shop's version makes each compare-and-swap find nothing to write.
    const trigger = `lose_races_${shop.shop_id.replace(/\W/g, "_")}`;
    await centralDb()
      .prepare(
        `CREATE TRIGGER ${trigger} BEFORE UPDATE OF version ON shops WHEN OLD.id = '${shop.shop_id}' BEGIN SELECT RAISE(IGNORE); END`,
      )
      .run();
    try {
      const response = await api(shop, "PUT", "/v1/settings", { timezone: "Europe/Berlin" });
      expect(response.status).toBe(409);
      expect(((await response.json()) as ErrorBody).error.code).toBe("settings_conflict");
      expect((await storedSettings(shop.shop_id)).timezone).toBe("UTC");
    } finally {
      await centralDb().prepare(`DROP TRIGGER ${trigger}`).run();
    }
  });
});

describe("the data region", () => {
  it("can change while the shop has no people", async () => {
    const shop = await createShop();
    const response = await api(shop, "PUT", "/v1/settings", { data_region: "eu" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data_region: "eu" });
  });

  it("answers 409 once the shop has people, even before anyone identified", async () => {
    const shop = await createShop();
    const db = centralDatabase();
    const read = await findShopForUpdate(db, shop.shop_id);
    if (!read) throw new Error("shop not found");
    await notePeople(db, read.shop);
    const response = await api(shop, "PUT", "/v1/settings", { data_region: "eu" });
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error).toMatchObject({ code: "data_region_locked", field: "data_region" });
    expect((await api(shop, "PUT", "/v1/settings", { data_region: "default", timezone: "Europe/Berlin" })).status).toBe(200);
  });
});
