import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, collect, createShop, getProfile, serverEvents, visitorId } from "../helpers";

interface Settings {
  shop_id: string;
  name: string;
  timezone: string;
  allowed_origins: string[];
  consent_mode: string;
  smart_sending_hours: number;
  quiet_hours: { start: string; end: string } | null;
  channels: { webhook: { url: string; secret: string } | null; email: unknown; sms: unknown };
}

describe("POST /v1/shops", () => {
  it("creates a shop with a site key, a secret key that works at once and an identity secret", async () => {
    const response = await SELF.fetch(`${BASE}/v1/shops`, {
      method: "POST",
      headers: { authorization: "Bearer test_admin_token" },
      body: JSON.stringify({ name: "Fresh", allowed_origins: ["https://fresh.example"] }),
    });
    expect(response.status).toBe(201);
    const shop = (await response.json()) as { shop_id: string; site_key: string; secret_key: string; identity_secret: string };
    expect(shop.site_key).toMatch(/^pk_/);
    expect(shop.secret_key).toMatch(/^sk_/);
    expect(shop.identity_secret).toMatch(/^ids_/);
    const settings = (await (await api(shop, "GET", "/v1/settings")).json()) as Settings;
    expect(settings).toMatchObject({ shop_id: shop.shop_id, name: "Fresh", consent_mode: "required", timezone: "UTC" });
  });

  it("refuses a missing or wrong admin token and an invalid shop", async () => {
    const wrong = await SELF.fetch(`${BASE}/v1/shops`, { method: "POST", headers: { authorization: "Bearer nope" }, body: '{"name":"x"}' });
    expect(wrong.status).toBe(401);
    const invalid = await SELF.fetch(`${BASE}/v1/shops`, {
      method: "POST",
      headers: { authorization: "Bearer test_admin_token" },
      body: JSON.stringify({ name: "x", timezone: "Mars/Olympus" }),
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { field: string } }).error.field).toBe("timezone");
  });

  it("refuses the admin token from a browser origin, like a secret key", async () => {
    const response = await SELF.fetch(`${BASE}/v1/shops`, {
      method: "POST",
      headers: { authorization: "Bearer test_admin_token", origin: "https://evil.example" },
      body: '{"name":"x"}',
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("browser_origin");
  });
});

describe("GET/PUT /v1/settings", () => {
  it("merges a change key by key, nested objects too, and keeps the other values", async () => {
    const shop = await createShop();
    const put = await api(shop, "PUT", "/v1/settings", {
      channels: { webhook: { url: "https://hooks.example/n", secret: "s1" } },
      timezone: "Europe/Berlin",
    });
    expect(put.status).toBe(200);
    const second = await api(shop, "PUT", "/v1/settings", { channels: { webhook: { secret: "s2" } }, quiet_hours: { start: "22:00" } });
    expect(second.status).toBe(200);
    const settings = (await (await api(shop, "GET", "/v1/settings")).json()) as Settings;
    expect(settings.channels.webhook).toEqual({ url: "https://hooks.example/n", secret: "••••" }); // write-only: masked
    expect(settings.quiet_hours).toEqual({ start: "22:00", end: "08:00" });
    expect(settings.timezone).toBe("Europe/Berlin");
    expect(settings.consent_mode).toBe("implied");
    expect(settings.smart_sending_hours).toBe(16);
  });

  it("refuses an invalid change with its field and stores nothing of it", async () => {
    const shop = await createShop();
    const response = await api(shop, "PUT", "/v1/settings", { timezone: "Europe/Berlin", allowed_origins: ["javascript:alert(1)"] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe("allowed_origins[0]");
    const unknown = await api(shop, "PUT", "/v1/settings", { colour: "red" });
    expect(unknown.status).toBe(400);
    const settings = (await (await api(shop, "GET", "/v1/settings")).json()) as Settings;
    expect(settings.timezone).toBe("UTC");
  });

  it("refuses a webhook on a loopback or private address (ALLOW_PRIVATE_WEBHOOKS is off here)", async () => {
    const shop = await createShop();
    for (const url of ["http://127.0.0.1:8788/webhook", "http://localhost/hook", "https://192.168.0.5/x", "http://[::1]/x"]) {
      const response = await api(shop, "PUT", "/v1/settings", { channels: { webhook: { url, secret: "s" } } });
      expect(response.status, url).toBe(400);
      expect(((await response.json()) as { error: { field: string } }).error.field).toBe("channels.webhook.url");
    }
    const settings = (await (await api(shop, "GET", "/v1/settings")).json()) as Settings;
    expect(settings.channels.webhook).toBeNull();
  });

  it("applies a new allowed origin to collect right away", async () => {
    const shop = await createShop();
    const refused = await collect(shop, { anonymous_id: visitorId(), events: [] }, { origin: "http://localhost:5173" });
    expect(refused.status).toBe(403);
    await api(shop, "PUT", "/v1/settings", { allowed_origins: ["https://shop.example", "http://localhost:*"] });
    const allowed = await collect(shop, { anonymous_id: visitorId(), events: [] }, { origin: "http://localhost:5173" });
    expect(allowed.status).toBe(200);
  });
});

describe("POST/DELETE /v1/keys", () => {
  it("rotates a secret key: the new one works, the revoked one is refused", async () => {
    const shop = await createShop();
    const created = await api(shop, "POST", "/v1/keys");
    expect(created.status).toBe(201);
    const fresh = (await created.json()) as { id: string; secret_key: string };
    const listing = (await (await api(shop, "GET", "/v1/keys")).json()) as { keys: { id: string; kind: string; prefix: string }[] };
    const old = listing.keys.find((key) => key.kind === "secret" && key.id !== fresh.id);
    expect(old).toBeDefined();
    expect(JSON.stringify(listing)).not.toContain(fresh.secret_key);

    const withNew = { ...shop, secret_key: fresh.secret_key };
    const revoke = await api(withNew, "DELETE", `/v1/keys/${old?.id}`);
    expect(revoke.status).toBe(200);
    const refused = await serverEvents(shop, { events: [{ type: "page_view", customer_id: "k" }] });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("invalid_key");
    expect((await serverEvents(withNew, { events: [{ type: "page_view", customer_id: "k" }] })).status).toBe(200);
    expect((await getProfile(withNew, "customer_id:k")).body.counters.events).toBe(1);
  });

  it("does not revoke the last secret key or another shop's key", async () => {
    const shop = await createShop();
    const other = await createShop();
    const otherKey = (await (await api(other, "POST", "/v1/keys")).json()) as { id: string };
    expect((await api(shop, "DELETE", `/v1/keys/${otherKey.id}`)).status).toBe(404);
    const keys = (await (await api(shop, "GET", "/v1/keys")).json()) as { keys: { id: string; kind: string }[] };
    const only = keys.keys.find((key) => key.kind === "secret");
    const last = await api(shop, "DELETE", `/v1/keys/${only?.id}`);
    expect(last.status).toBe(409);
  });
});

describe("GET /v1/profiles/{key}:{value}", () => {
  it("answers 404 for an unknown person and 400 for a key of an unknown kind", async () => {
    const shop = await createShop();
    expect((await getProfile(shop, "email:nobody@example.com")).status).toBe(404);
    const bad = await getProfile(shop, "shoe_size:42");
    expect(bad.status).toBe(400);
    expect((bad.body as unknown as { error: { field: string } }).error.field).toBe("key");
  });

  it("does not show one shop's person to another shop", async () => {
    const shop = await createShop();
    const other = await createShop();
    await serverEvents(shop, { events: [{ type: "page_view", customer_id: "private" }] });
    expect((await getProfile(shop, "customer_id:private")).status).toBe(200);
    expect((await getProfile(other, "customer_id:private")).status).toBe(404);
  });
});

describe("unknown routes", () => {
  it("answer 404 with the error shape", async () => {
    const response = await SELF.fetch(`${BASE}/v1/nothing`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});

describe("profile keys with special characters", () => {
  it("finds a customer id with % and an email with + however the path is encoded", async () => {
    const shop = await createShop();
    await serverEvents(shop, {
      events: [
        { type: "page_view", customer_id: "50%off/x" },
        { type: "page_view", email: "ann+news@example.com" },
      ],
    });
    expect((await getProfile(shop, "customer_id:50%off/x")).status).toBe(200);
    expect((await getProfile(shop, "email:ann+news@example.com")).status).toBe(200);
    const raw = await api(shop, "GET", "/v1/profiles/email:ann+news@example.com");
    expect(raw.status).toBe(200);
  });
});
