import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ProfileObject } from "../../durable-objects/profile-object";
import { api, collect, createShop, getProfile, serverEvents, visitorId, type TestShop } from "../helpers";

const identify = (traits: Record<string, unknown>, id?: string) => ({ type: "identify", traits, ...(id ? { id } : {}) });

async function identifyDevice(shop: TestShop, anon: string, traits: Record<string, unknown>, id?: string) {
  const response = await collect(shop, { anonymous_id: anon, events: [identify(traits, id)] });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { profile_id: string };
}

function objectOf(profileId: string): DurableObjectStub<ProfileObject> {
  return env.PROFILES.get(env.PROFILES.idFromString(profileId));
}

interface ExportBody {
  events: { type: string; id: string | null }[];
  merges: { type: string; absorbed: string[]; identifier?: { kind: string; value: string }; event_id?: string | null }[];
  identifiers: { anonymous_ids: string[]; absorbed_profile_ids: string[] };
  consent_history: unknown[];
}

describe("identity stitching", () => {
  it("shows the order and an empty cart on device A after a purchase on device B, once both identified", async () => {
    const shop = await createShop();
    const [a, b] = [visitorId("phone"), visitorId("laptop")];
    await collect(shop, { anonymous_id: a, events: [{ type: "add_to_cart", currency: "EUR", items: [{ item_id: "boots", price: 80 }] }] });
    await identifyDevice(shop, a, { email: "Ann@Example.com" });
    await collect(shop, { anonymous_id: b, events: [{ type: "page_view" }] });
    const merged = await identifyDevice(shop, b, { email: "ann@example.com" });
    await collect(shop, {
      anonymous_id: b,
      events: [{ type: "purchase", transaction_id: "T-ann", value: 80, items: [{ item_id: "boots", price: 80 }] }],
    });

    const { status, body } = await getProfile(shop, `anonymous_id:${a}`);
    expect(status).toBe(200);
    expect(body.profile_id).toBe(merged.profile_id);
    expect(body.orders).toMatchObject({ count: 1, revenue: 80 });
    expect(body.cart.items).toEqual([]);
    expect(body.identifiers.anonymous_ids.sort()).toEqual([a, b].sort());
    expect((await getProfile(shop, `anonymous_id:${b}`)).body.profile_id).toBe(body.profile_id);
    expect((await getProfile(shop, "email:ann@example.com")).body.profile_id).toBe(body.profile_id);
  });

  it("makes one person of two devices that identify with the same email at the same moment", async () => {
    const shop = await createShop();
    const devices = [visitorId("d1"), visitorId("d2"), visitorId("d3")];
    for (const device of devices) await collect(shop, { anonymous_id: device, events: [{ type: "page_view" }] });
    const answers = await Promise.all(devices.map((device) => identifyDevice(shop, device, { email: "same@example.com" })));
    const people = new Set(answers.map((answer) => answer.profile_id));
    expect(people.size).toBe(1);
    const ids = await Promise.all(devices.map(async (device) => (await getProfile(shop, `anonymous_id:${device}`)).body.profile_id));
    expect(new Set(ids).size).toBe(1);
    const { body } = await getProfile(shop, "email:same@example.com");
    expect(body.counters.page_views).toBe(3);
  });

  it("follows a chain of three: A absorbs B, then C absorbs A, and every device reaches C directly", async () => {
    const shop = await createShop();
    const [a, b, c] = [visitorId("a"), visitorId("b"), visitorId("c")];
    const personA = await identifyDevice(shop, a, { email: "chain@example.com" });
    await collect(shop, { anonymous_id: b, events: [{ type: "page_view" }] });
    const afterB = await identifyDevice(shop, b, { email: "chain@example.com" });
    expect(afterB.profile_id).toBe(personA.profile_id);
    const personC = await identifyDevice(shop, c, { customer_id: "cust-chain" });
    const afterA = await identifyDevice(shop, a, { customer_id: "cust-chain" });
    expect(afterA.profile_id).toBe(personC.profile_id);

    for (const device of [a, b, c]) expect((await getProfile(shop, `anonymous_id:${device}`)).body.profile_id).toBe(personC.profile_id);
    const homeOfB = env.PROFILES.idFromName(`${shop.shop_id}:anonymous_id:${b}`).toString();
    const routeOfB = await runInDurableObject(
      objectOf(homeOfB),
      (_instance, state) => state.storage.sql.exec<{ value: string }>("SELECT value FROM state WHERE key = 'route'").one().value,
    );
    expect(JSON.parse(routeOfB)).toEqual({ status: "merged", into: personC.profile_id });
    const { body } = await getProfile(shop, "email:chain@example.com");
    expect(body.identifiers).toMatchObject({ email: "chain@example.com", customer_id: "cust-chain" });
    expect(body.counters.page_views).toBe(1);
  });

  it("changes nothing when the same identify arrives twice", async () => {
    const shop = await createShop();
    const [a, b] = [visitorId(), visitorId()];
    await identifyDevice(shop, a, { email: "twice@example.com" });
    await identifyDevice(shop, b, { email: "twice@example.com" }, "ident-1");
    const before = (await api(shop, "GET", "/v1/profiles/email:twice@example.com/export").then((r) => r.json())) as ExportBody;
    await identifyDevice(shop, b, { email: "twice@example.com" }, "ident-1");
    await identifyDevice(shop, a, { email: "twice@example.com" }, "ident-2");
    const after = (await api(shop, "GET", "/v1/profiles/email:twice@example.com/export").then((r) => r.json())) as ExportBody;
    expect(after.merges.filter((m) => m.type === "merge")).toHaveLength(1);
    expect(after.merges.filter((m) => m.type === "merge")).toEqual(before.merges.filter((m) => m.type === "merge"));
    expect(after.identifiers.absorbed_profile_ids).toEqual(before.identifiers.absorbed_profile_ids);
  });

  it("never merges two customers with different customer ids on a shared email, and records the conflict on both", async () => {
    const shop = await createShop();
    const [mum, son] = [visitorId("mum"), visitorId("son")];
    const first = await identifyDevice(shop, mum, { customer_id: "c-mum", email: "family@example.com" });
    const second = await identifyDevice(shop, son, { customer_id: "c-son", email: "family@example.com" }, "ident-son");
    expect(second.profile_id).not.toBe(first.profile_id);
    expect((await getProfile(shop, "customer_id:c-mum")).body.profile_id).toBe(first.profile_id);
    expect((await getProfile(shop, "customer_id:c-son")).body.profile_id).toBe(second.profile_id);
    for (const key of ["customer_id:c-mum", "customer_id:c-son"]) {
      const exported = (await api(shop, "GET", `/v1/profiles/${key}/export`).then((r) => r.json())) as ExportBody;
      const conflicts = exported.merges.filter((m) => m.type === "conflict");
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0]).toMatchObject({ identifier: { kind: "email", value: "family@example.com" }, event_id: "ident-son" });
      expect(exported.merges.filter((m) => m.type === "merge")).toHaveLength(0);
    }
  });

  it("exports both devices' events and the merge after a merge", async () => {
    const shop = await createShop();
    const [a, b] = [visitorId(), visitorId()];
    await collect(shop, {
      anonymous_id: a,
      events: [
        { type: "page_view", id: "pv-a" },
        { type: "consent", id: "c-a", consent: { marketing: false } },
      ],
    });
    await collect(shop, { anonymous_id: b, events: [{ type: "page_view", id: "pv-b" }] });
    await identifyDevice(shop, a, { email: "export@example.com" }, "id-a");
    await identifyDevice(shop, b, { email: "export@example.com" }, "id-b");
    const response = await api(shop, "GET", `/v1/profiles/anonymous_id:${b}/export`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as ExportBody;
    expect(body.events.map((e) => e.id).sort()).toEqual(["c-a", "id-a", "id-b", "pv-a", "pv-b"]);
    expect(body.merges.filter((m) => m.type === "merge")).toEqual([
      expect.objectContaining({ identifier: { kind: "email", value: "export@example.com" }, event_id: "id-b" }),
    ]);
    expect(body.consent_history).toHaveLength(1);
    expect(body.identifiers.anonymous_ids.sort()).toEqual([a, b].sort());
  });

  it("lands events sent for the absorbed device after the merge in the survivor", async () => {
    const shop = await createShop();
    const [a, b] = [visitorId(), visitorId()];
    await identifyDevice(shop, a, { email: "after@example.com" });
    await identifyDevice(shop, b, { email: "after@example.com" });
    await Promise.all([1, 2, 3].map((i) => collect(shop, { anonymous_id: b, events: [{ type: "page_view", id: `late-${i}` }] })));
    const { body } = await getProfile(shop, `anonymous_id:${a}`);
    expect(body.counters.page_views).toBe(3);
  });

  it("finishes an interrupted merge from the absorbed object's alarm and loses no event sent meanwhile", async () => {
    const shop = await createShop();
    const [a, b] = [visitorId(), visitorId()];
    const survivor = await identifyDevice(shop, a, { email: "crash@example.com" });
    await collect(shop, { anonymous_id: b, events: [{ type: "page_view", id: "before" }] });
    const homeOfB = env.PROFILES.idFromName(`${shop.shop_id}:anonymous_id:${b}`).toString();
    const cause = { identifier: { kind: "email" as const, value: "crash@example.com" }, event_id: null };
    // The hand-over starts, then the survivor "crashes" before taking the data in.
    const handOver = await objectOf(homeOfB).beginHandOver(survivor.profile_id, null, cause, shop.shop_id);
    expect(handOver.status).toBe("ready");
    await collect(shop, { anonymous_id: b, events: [{ type: "page_view", id: "during" }] });
    expect(await runDurableObjectAlarm(objectOf(homeOfB))).toBe(true);
    const exported = (await api(shop, "GET", `/v1/profiles/anonymous_id:${a}/export`).then((r) => r.json())) as ExportBody;
    expect(exported.events.map((e) => e.id)).toEqual(expect.arrayContaining(["before", "during"]));
    expect((await getProfile(shop, `anonymous_id:${b}`)).body.profile_id).toBe(survivor.profile_id);
  });

  it("loses nothing when two people each identify with the other's identifier at the same moment", async () => {
    const shop = await createShop();
    const [a, b] = [visitorId("x"), visitorId("y")];
    await collect(shop, { anonymous_id: a, events: [{ type: "page_view" }, { type: "identify", traits: { email: "x@example.com" } }] });
    await collect(shop, { anonymous_id: b, events: [{ type: "page_view" }, { type: "identify", traits: { phone: "+15550001111" } }] });
    await Promise.all([identifyDevice(shop, a, { phone: "+15550001111" }), identifyDevice(shop, b, { email: "x@example.com" })]);
    const [pa, pb] = await Promise.all([getProfile(shop, `anonymous_id:${a}`), getProfile(shop, `anonymous_id:${b}`)]);
    expect(pa.status).toBe(200);
    expect(pa.body.profile_id).toBe(pb.body.profile_id);
    expect(pa.body.counters.page_views).toBe(2);
    expect(pa.body.identifiers).toMatchObject({ email: "x@example.com", phone: "+15550001111" });
  });

  it("keeps the same email in two shops as two people", async () => {
    const [one, two] = [await createShop(), await createShop()];
    const anon = visitorId();
    const first = await identifyDevice(one, anon, { email: "shared@example.com" });
    const second = await identifyDevice(two, visitorId(), { email: "shared@example.com" });
    expect(first.profile_id).not.toBe(second.profile_id);
    expect((await getProfile(two, `anonymous_id:${anon}`)).status).toBe(404);
  });

  it("merges a server-side identify with a device that identified in the browser", async () => {
    const shop = await createShop();
    const anon = visitorId();
    await collect(shop, { anonymous_id: anon, events: [{ type: "add_to_cart", items: [{ item_id: "x", price: 5 }] }] });
    await identifyDevice(shop, anon, { email: "srv@example.com" });
    await serverEvents(shop, { events: [{ type: "purchase", customer_id: "srv-1", transaction_id: "S1", value: 5 }] });
    await serverEvents(shop, { events: [{ type: "identify", customer_id: "srv-1", traits: { email: "srv@example.com" } }] });
    const { body } = await getProfile(shop, `anonymous_id:${anon}`);
    expect(body.identifiers.customer_id).toBe("srv-1");
    expect(body.orders.count).toBe(1);
    expect(body.cart.items).toEqual([]);
  });
});

describe("identify input", () => {
  it.each([
    ["an identify without any identifier", { type: "identify", traits: { first_name: "Ann" } }, "events[0].traits"],
    ["an invalid phone", { type: "identify", traits: { phone: "call me" } }, "events[0].traits.phone"],
    ["an invalid email", { type: "identify", traits: { email: "ann@" } }, "events[0].traits.email"],
    ["an email over 256 characters", { type: "identify", traits: { email: `${"a".repeat(250)}@example.com` } }, "events[0].traits.email"],
    ["a customer id over 256 characters", { type: "identify", traits: { customer_id: "c".repeat(257) } }, "events[0].traits.customer_id"],
  ])("refuses %s and changes nothing", async (_name, event, field) => {
    const shop = await createShop();
    const anon = visitorId();
    const response = await collect(shop, { anonymous_id: anon, events: [event] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe(field);
    expect((await getProfile(shop, `anonymous_id:${anon}`)).status).toBe(404);
  });

  it("normalizes phone numbers to E.164 and finds the person by any spelling", async () => {
    const shop = await createShop();
    const anon = visitorId();
    await identifyDevice(shop, anon, { phone: "+49 (30) 1234-5678" });
    const { status, body } = await getProfile(shop, "phone:0049 30 12345678");
    expect(status).toBe(200);
    expect(body.identifiers.phone).toBe("+493012345678");
  });
});
