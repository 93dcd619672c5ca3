import { env, SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { centralDatabase, type CountStatements } from "../../workers/db/client";
import { dispatchDue } from "../../workers/dispatcher";
import { countingObjectCalls } from "../../workers/middleware/object-calls";
import { api, BASE, collect, createShop, SHOP_ORIGIN, serverEvents, visitorId, type TestShop } from "../helpers";

/**
 * The capacity model: what one operation costs in central-database statements (D1 or libSQL) and
 * in calls from the Worker to people's objects, read from `Server-Timing` as production reports
 * it. Each count is exact, on purpose: a change that adds a query to a hot path fails here first.
 */
interface Cost {
  queries: number;
  objectCalls: number;
}

function costOf(response: Response): Cost {
  const timing = response.headers.get("server-timing") ?? "";
  const queries = /db;desc="(\d+) queries"/.exec(timing)?.[1];
  const calls = /obj;desc="(\d+) calls"/.exec(timing)?.[1];
  if (queries === undefined || calls === undefined) throw new Error(`no db/obj counts in Server-Timing: ${JSON.stringify(timing)}`);
  return { queries: Number(queries), objectCalls: Number(calls) };
}

async function ok(response: Promise<Response>): Promise<Response> {
  const answered = await response;
  expect(answered.status, await answered.clone().text()).toBe(200);
  return answered;
}

const PLACEMENTS = ["top_banner", "popup", "inline:hero"];
const banner = {
  name: "Free shipping",
  placement: "top_banner",
  priority: 10,
  audience: { all: [] },
  variants: [{ id: "a", weight: 100, content: { title: "Free shipping from 50 EUR" } }],
};

/** A shop whose site key, secret key, settings and active campaigns this isolate has cached. */
async function warmShop(): Promise<TestShop> {
  const shop = await createShop();
  expect((await api(shop, "POST", "/v1/campaigns", banner)).status).toBe(201);
  await ok(collect(shop, { anonymous_id: visitorId("warm"), events: [{ type: "page_view" }], placements: PLACEMENTS }));
  await ok(serverEvents(shop, { events: [{ type: "page_view", customer_id: "warm-up" }] }));
  return shop;
}

function decide(shop: TestShop, anonymousId: string): Promise<Response> {
  return SELF.fetch(`${BASE}/v1/decide`, {
    method: "POST",
    headers: { origin: SHOP_ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ site: shop.site_key, anonymous_id: anonymousId, placements: PLACEMENTS }),
  });
}

describe("capacity: the cost of each operation", () => {
  it("costs a warm collect of a page view no query and one object call", async () => {
    const shop = await warmShop();
    const response = await ok(collect(shop, { anonymous_id: visitorId(), events: [{ type: "page_view" }] }));
    // Site key and shop come from the isolate's caches; the device's home object is named by its id.
    expect(costOf(response)).toEqual({ queries: 0, objectCalls: 1 });
  });

  it("costs a warm collect asking for 3 placements no query and one object call", async () => {
    const shop = await warmShop();
    const response = await ok(collect(shop, { anonymous_id: visitorId(), events: [{ type: "page_view" }], placements: PLACEMENTS }));
    // The object decides all placements in the same call, from the campaigns the isolate cached.
    expect(costOf(response)).toEqual({ queries: 0, objectCalls: 1 });
  });

  it("costs an identify with a new email one query and two object calls", async () => {
    const shop = await warmShop();
    const device = visitorId();
    await ok(collect(shop, { anonymous_id: device, events: [{ type: "page_view" }] }));
    const response = await ok(
      collect(shop, { anonymous_id: device, events: [{ type: "identify", traits: { email: `new-${device}@example.com` } }] }),
    );
    // The batch (1 call); claiming the email in the identity index (1 query); confirming the
    // object's identity tasks (1 call).
    expect(costOf(response)).toEqual({ queries: 1, objectCalls: 2 });
  });

  it("costs an identify that merges two devices three queries and three object calls", async () => {
    const shop = await warmShop();
    const [phone, laptop] = [visitorId("phone"), visitorId("laptop")];
    const email = `ann-${phone}@example.com`;
    await ok(collect(shop, { anonymous_id: phone, events: [{ type: "identify", traits: { email } }] }));
    await ok(collect(shop, { anonymous_id: laptop, events: [{ type: "page_view" }] }));
    const response = await ok(collect(shop, { anonymous_id: laptop, events: [{ type: "identify", traits: { email } }] }));
    // The batch, the survivor's absorb (the hand-over between the two objects is theirs, not the
    // Worker's) and confirming the identity tasks: 3 calls. Claiming the email, looking up its
    // owner, repointing the index to the survivor: 3 queries.
    expect(costOf(response)).toEqual({ queries: 3, objectCalls: 3 });
  });

  it("costs a warm decide for a device no query and one object call", async () => {
    const shop = await warmShop();
    const device = visitorId();
    await ok(collect(shop, { anonymous_id: device, events: [{ type: "page_view" }] }));
    // A device needs no identity look-up; campaigns come from the isolate's cache.
    expect(costOf(await ok(decide(shop, device)))).toEqual({ queries: 0, objectCalls: 1 });
  });

  it("costs a server event for a customer this isolate knows no query and one object call", async () => {
    const shop = await warmShop();
    await ok(serverEvents(shop, { events: [{ type: "identify", customer_id: "c-cap", traits: { first_name: "Cap" } }] }));
    const response = await ok(
      serverEvents(shop, { events: [{ type: "purchase", customer_id: "c-cap", transaction_id: "T1", value: 30 }] }),
    );
    // The customer id's owner is in the isolate's identity cache (60 s); the batch is one call.
    expect(costOf(response)).toEqual({ queries: 0, objectCalls: 1 });
  });

  it("costs the first server event of a new customer two queries and two object calls", async () => {
    const shop = await warmShop();
    const response = await ok(
      serverEvents(shop, { events: [{ type: "purchase", customer_id: "c-first", transaction_id: "T2", value: 30 }] }),
    );
    // Looking up the customer id (not indexed yet) and claiming it: 2 queries. The batch and
    // confirming the identity tasks: 2 calls. Each further identifier kind named adds a look-up.
    expect(costOf(response)).toEqual({ queries: 2, objectCalls: 2 });
  });
});

describe("capacity: the cron's cost per message", () => {
  const WEBHOOK = "https://hooks.example.com/nudge";
  const HOUR = 60 * 60 * 1000;

  /** A shop with the cart reminder on, its webhook answered here, and `people` customers with a cart at `at`. */
  async function shopWithCarts(people: number, at: number): Promise<void> {
    const shop = await createShop();
    expect(
      (await api(shop, "PUT", "/v1/settings", { quiet_hours: null, channels: { webhook: { url: WEBHOOK, secret: "whsec_cap" } } })).status,
    ).toBe(200);
    expect((await api(shop, "PUT", "/v1/flows/cart_abandonment", { enabled: true })).status).toBe(200);
    const ts = new Date(at).toISOString();
    for (let person = 0; person < people; person++) {
      const email = `cart-${person}-${visitorId()}@example.com`;
      await ok(
        serverEvents(shop, {
          events: [
            { type: "identify", email, traits: { email }, ts },
            { type: "subscribe", email, channel: "email", ts },
            { type: "add_to_cart", email, ts, value: 24, currency: "EUR", items: [{ item_id: "mug-1", price: 24, quantity: 1 }] },
          ],
        }),
      );
    }
  }

  /** One cron run at `now`, its statements and object calls counted. */
  async function measuredRun(now: number) {
    const counts = { statements: 0 };
    const count: CountStatements = (statements) => {
      counts.statements += statements;
    };
    // The webhook answers without a network; private addresses allowed so no DNS look-up is made.
    const realFetch = globalThis.fetch;
    const webhook = vi
      .spyOn(globalThis, "fetch")
      .mockImplementation((input, init) =>
        String(input instanceof Request ? input.url : input).startsWith(WEBHOOK)
          ? Promise.resolve(new Response("ok"))
          : realFetch(input, init),
      );
    const runEnv = { ...env, PUBLIC_URL: "https://nudge.example.com", ALLOW_PRIVATE_WEBHOOKS: "true" };
    try {
      const { value: run, calls } = await countingObjectCalls(() => dispatchDue(runEnv, now, { database: centralDatabase(runEnv, count) }));
      return { run, statements: counts.statements, objectCalls: calls };
    } finally {
      webhook.mockRestore();
    }
  }

  it("costs one object call per message and a fixed number of statements per run", async () => {
    const t0 = Date.now();
    await shopWithCarts(1, t0);
    const one = await measuredRun(t0 + 4 * HOUR + 60_000);
    expect(one.run).toMatchObject({ people: 1, sent: 1, errors: 0 });

    await shopWithCarts(3, t0);
    const three = await measuredRun(t0 + 4 * HOUR + 60_000);
    expect(three.run).toMatchObject({ people: 3, sent: 3, errors: 0 });

    // Per person: one call (its object checks and sends its due steps, then writes its next due time itself).
    expect([one.objectCalls, three.objectCalls]).toEqual([1, 3]);
    // Per run, whatever the number of people in a batch of up to 100: the lease claim, releasing
    // the leases, the empty claim that ends the run, and adding up the report counters; no statement
    // per person. (The shop and its flows came from the isolate's 5-second caches; a cold isolate
    // reads them once per shop: 2 more.)
    expect([one.statements, three.statements]).toEqual([4, 4]);
  });
});
