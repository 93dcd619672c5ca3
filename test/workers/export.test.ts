import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, collect, createShop, getProfile, serverEvents, visitorId } from "../helpers";

interface ExportBody {
  events: { id: string | null; type: string; ts: string; received_at: string }[];
  identifiers: { anonymous_ids: string[]; absorbed_profile_ids: string[] };
  consent_history: unknown[];
}

describe("GET /v1/profiles/{key}/export", () => {
  it("exports a person with 10,000 events of 4 KB, more than one message between objects may carry", { timeout: 60_000 }, async () => {
    const shop = await createShop();
    const stored = await serverEvents(shop, { events: [{ type: "page_view", id: "pv-first", customer_id: "big" }] });
    const person = ((await stored.json()) as { profile_ids: string[] }).profile_ids[0] ?? "";
    // A long history, written straight into the person's storage (a person's rate limit would take minutes).
    await runInDurableObject(env.PROFILES.get(env.PROFILES.idFromString(person)), (_instance, state) => {
      const now = Date.now();
      const body = (i: number) =>
        JSON.stringify({
          id: `pv-${i}`,
          type: "page_view",
          ts: now,
          page: { url: `https://shop.example/p/${i}`, title: "x".repeat(4000) },
        });
      state.storage.transactionSync(() => {
        for (let i = 1; i < 10_000; i++)
          state.storage.sql.exec(
            "INSERT INTO events (event_id, type, ts, received_at, body) VALUES (?, 'page_view', ?, ?, ?)",
            `pv-${i}`,
            now,
            now,
            body(i),
          );
      });
    });
    const response = await api(shop, "GET", "/v1/profiles/customer_id:big/export");
    expect(response.status).toBe(200);
    const body = (await response.json()) as ExportBody;
    expect(body.events).toHaveLength(10_000);
    expect(new Set(body.events.map((event) => event.id)).size).toBe(10_000);
    expect(body.events[0]).toMatchObject({ type: "page_view", ts: expect.stringMatching(/Z$/), received_at: expect.stringMatching(/Z$/) });
  });

  it("lists every device of a person, beyond the latest ones the profile shows", { timeout: 60_000 }, async () => {
    const shop = await createShop();
    const devices = Array.from({ length: 60 }, () => visitorId("many"));
    for (const device of devices) {
      const response = await collect(shop, {
        anonymous_id: device,
        events: [{ type: "identify", traits: { email: "sixty@example.com" } }],
      });
      expect(response.status).toBe(200);
    }
    const profile = await getProfile(shop, "email:sixty@example.com");
    expect(profile.body.identifiers.anonymous_ids).toHaveLength(50);
    const body = (await (await api(shop, "GET", "/v1/profiles/email:sixty@example.com/export")).json()) as ExportBody;
    expect([...body.identifiers.anonymous_ids].sort()).toEqual([...devices].sort());
  });
});
