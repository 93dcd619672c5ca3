/// <reference types="vite/client" />
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import seedSql from "../../scripts/seed.sql?raw";
import { findShop } from "../../workers/db/shops";
import { api, BASE, createShop, type TestShop } from "../helpers";
import { centralDatabase, centralDb, type CentralStatement } from "../central-db";

interface ErrorBody {
  error: { code: string; field?: string };
}

async function storedIdentitySecret(shopId: string): Promise<string | undefined> {
  const row = await centralDb().prepare("SELECT identity_secret FROM shops WHERE id = ?").bind(shopId).first<{ identity_secret: string }>();
  return row?.identity_secret;
}

async function createShopWithSecret(): Promise<TestShop & { identity_secret: string }> {
  const response = await SELF.fetch(`${BASE}/v1/shops`, {
    method: "POST",
    headers: { authorization: "Bearer test_admin_token" },
    body: JSON.stringify({ name: "Verified" }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as TestShop & { identity_secret: string };
}

async function storedVerification(shopId: string): Promise<string | undefined> {
  const row = await centralDb()
    .prepare("SELECT json_extract(settings, '$.identity_verification') AS mode FROM shops WHERE id = ?")
    .bind(shopId)
    .first<{ mode: string }>();
  return row?.mode;
}

/** scripts/seed.sql as statements (its comments hold no statements). */
function seedStatements(): CentralStatement[] {
  const code = seedSql
    .split("\n")
    .filter((line) => !line.startsWith("--"))
    .join("\n");
  return code
    .split(";")
    .map((statement) => statement.trim())
    .filter(Boolean)
    .map((statement) => centralDb().prepare(statement));
}

describe("the identity secret", () => {
  it("is returned once by POST /v1/shops and stored usable, as the shop's identitySecret", async () => {
    const shop = await createShopWithSecret();
    expect(shop.identity_secret).toMatch(/^ids_[A-Za-z0-9_-]{32}$/);
    expect(await storedIdentitySecret(shop.shop_id)).toBe(shop.identity_secret);
    expect((await findShop(centralDatabase(), shop.shop_id))?.identitySecret).toBe(shop.identity_secret);
    const listings = `${await (await api(shop, "GET", "/v1/keys")).text()} ${await (await api(shop, "GET", "/v1/settings")).text()}`;
    expect(listings).not.toContain(shop.identity_secret);
  });

  it("is rotated by POST /v1/keys {kind: identity}, answered once and seen at once in this isolate", async () => {
    const shop = await createShopWithSecret();
    const db = centralDatabase();
    expect((await findShop(db, shop.shop_id))?.identitySecret).toBe(shop.identity_secret); // now cached
    const response = await api(shop, "POST", "/v1/keys", { kind: "identity" });
    expect(response.status).toBe(201);
    const rotated = (await response.json()) as { kind: string; identity_secret: string };
    expect(rotated.kind).toBe("identity");
    expect(rotated.identity_secret).toMatch(/^ids_/);
    expect(rotated.identity_secret).not.toBe(shop.identity_secret);
    expect(await storedIdentitySecret(shop.shop_id)).toBe(rotated.identity_secret);
    expect((await findShop(db, shop.shop_id))?.identitySecret).toBe(rotated.identity_secret);
  });

  it("leaves secret keys to a POST /v1/keys without a body or with {kind: secret}", async () => {
    const shop = await createShop();
    for (const body of [undefined, { kind: "secret" }]) {
      const response = await api(shop, "POST", "/v1/keys", body);
      expect(response.status).toBe(201);
      const created = (await response.json()) as { secret_key: string };
      expect(created.secret_key).toMatch(/^sk_/);
      expect((await api({ ...shop, secret_key: created.secret_key }, "GET", "/v1/settings")).status).toBe(200);
    }
  });

  it.each([{ kind: "site" }, {}, [], "identity", { kind: "identity", extra: 1 }])(
    "is not rotated by the body %j, which is refused on kind",
    async (body) => {
      const shop = await createShopWithSecret();
      const response = await api(shop, "POST", "/v1/keys", body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.field).toBe("kind");
      expect(await storedIdentitySecret(shop.shop_id)).toBe(shop.identity_secret);
    },
  );
});

describe("the identity_verification setting", () => {
  it("is required for new shops and can be turned off", async () => {
    const shop = await createShop({ identity_verification: "required" });
    expect(await (await api(shop, "GET", "/v1/settings")).json()).toMatchObject({ identity_verification: "required" });
    const put = await api(shop, "PUT", "/v1/settings", { identity_verification: "off" });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ identity_verification: "off" });
    expect((await findShop(centralDatabase(), shop.shop_id))?.settings.identity_verification).toBe("off");
  });

  it("is required for a shop stored before the setting existed", async () => {
    const shop = await createShop();
    await centralDb()
      .prepare("UPDATE shops SET settings = json_remove(settings, '$.identity_verification') WHERE id = ?")
      .bind(shop.shop_id)
      .run();
    expect(await (await api(shop, "GET", "/v1/settings")).json()).toMatchObject({ identity_verification: "required" });
  });

  it("refuses any other value on its field", async () => {
    const shop = await createShop();
    const response = await api(shop, "PUT", "/v1/settings", { identity_verification: "optional" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.field).toBe("identity_verification");
  });
});

describe("the demo shop of scripts/seed.sql", () => {
  const demo = { shop_id: "shop_demo", site_key: "pk_demo", secret_key: "sk_demo", identity_secret: "ids_demo" };

  it("has the identity secret ids_demo and identity verification off, and a re-seed keeps what changed since", async () => {
    await centralDb().batch(seedStatements());
    expect(await storedIdentitySecret("shop_demo")).toBe("ids_demo");
    expect(await (await api(demo, "GET", "/v1/settings")).json()).toMatchObject({ identity_verification: "off" });

    expect((await api(demo, "PUT", "/v1/settings", { identity_verification: "required" })).status).toBe(200);
    const rotated = (await (await api(demo, "POST", "/v1/keys", { kind: "identity" })).json()) as { identity_secret: string };
    await centralDb().batch(seedStatements());
    expect(await storedIdentitySecret("shop_demo")).toBe(rotated.identity_secret);
    expect(await storedVerification("shop_demo")).toBe("required");
  });

  it("gets ids_demo and verification off once when it was seeded before identity verification existed", async () => {
    await centralDb().batch(seedStatements());
    await centralDb()
      .prepare(
        "UPDATE shops SET identity_secret = 'ids_random', settings = json_remove(settings, '$.identity_verification') WHERE id = 'shop_demo'",
      )
      .run();
    await centralDb().batch(seedStatements());
    expect(await storedIdentitySecret("shop_demo")).toBe("ids_demo");
    expect(await storedVerification("shop_demo")).toBe("off");
  });
});
