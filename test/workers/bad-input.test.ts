import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, collect, createShop, getProfile, serverEvents, SHOP_ORIGIN, visitorId, type TestShop } from "../helpers";
import { centralDb } from "../central-db";

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

let shop: TestShop;
let otherShop: TestShop;
let anon: string;

async function identityRows(): Promise<number> {
  const row = await centralDb().prepare("SELECT COUNT(*) AS n FROM identities").first<{ n: number }>();
  return row?.n ?? 0;
}

function rawCollect(body: string, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${BASE}/v1/collect`, {
    method: "POST",
    headers: { origin: SHOP_ORIGIN, "content-type": "application/json", ...headers },
    body,
  });
}

const pageView = (extra: Record<string, unknown> = {}) => ({ type: "page_view", ...extra });

beforeAll(async () => {
  shop = await createShop();
  otherShop = await createShop({ allowed_origins: ["https://other.example"] });
  anon = visitorId("known");
  const first = await collect(shop, { anonymous_id: anon, events: [pageView({ id: "seed" })] });
  expect(first.status).toBe(200);
});

type Case = [name: string, send: () => Promise<Response>, status: number, code: string, field?: string];

const cases: Case[] = [
  ["bad JSON", () => rawCollect('{"site": "x", "events": ['), 400, "invalid_json"],
  ["a JSON array instead of an object", () => rawCollect("[]"), 401, "missing_key"],
  [
    "a browser body over 64 KB",
    () => collect(shop, { anonymous_id: anon, events: [pageView()], padding: "x".repeat(70 * 1024) }),
    413,
    "payload_too_large",
  ],
  [
    "a browser body over 64 KB streamed without a declared length",
    () => {
      const chunk = new TextEncoder().encode(" ".repeat(16 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 6) controller.enqueue(chunk);
          else controller.close();
        },
      });
      return SELF.fetch(`${BASE}/v1/collect`, { method: "POST", headers: { origin: SHOP_ORIGIN }, body });
    },
    413,
    "payload_too_large",
  ],
  [
    "101 events in a browser batch",
    () => collect(shop, { anonymous_id: anon, events: Array.from({ length: 101 }, () => pageView()) }),
    413,
    "too_many_events",
    "events",
  ],
  [
    "one event over 32 KB",
    () =>
      collect(shop, {
        anonymous_id: anon,
        events: [
          pageView({ page: { title: "t".repeat(400), url: "u".repeat(2000) } }),
          { type: "signup", properties: { blob: "b".repeat(33 * 1024) } },
        ],
      }),
    413,
    "event_too_large",
    "events[1]",
  ],
  [
    "an unknown event type",
    () => collect(shop, { anonymous_id: anon, events: [pageView(), { type: "Page View" }] }),
    400,
    "unknown_event",
    "events[1].type",
  ],
  [
    "a reserved nudge_ name",
    () => collect(shop, { anonymous_id: anon, events: [{ type: "nudge_hack" }] }),
    400,
    "unknown_event",
    "events[0].type",
  ],
  [
    "an event without a type",
    () => collect(shop, { anonymous_id: anon, events: [pageView(), {}] }),
    400,
    "invalid_event",
    "events[1].type",
  ],
  [
    "a price of the wrong type",
    () =>
      collect(shop, {
        anonymous_id: anon,
        events: [pageView(), { type: "add_to_cart", items: [{ item_id: "a" }, { item_id: "b", price: "12" }] }],
      }),
    400,
    "invalid_request",
    "events[1].items[1].price",
  ],
  [
    "a purchase without transaction_id",
    () => collect(shop, { anonymous_id: anon, events: [{ type: "purchase", value: 3 }] }),
    400,
    "invalid_request",
    "events[0].transaction_id",
  ],
  [
    "a malformed timestamp",
    () => collect(shop, { anonymous_id: anon, events: [pageView({ ts: "yesterday" })] }),
    400,
    "invalid_request",
    "events[0].ts",
  ],
  [
    "an unknown top-level field",
    () => collect(shop, { anonymous_id: anon, events: [pageView()], extra: 1 }),
    400,
    "invalid_request",
    "extra",
  ],
  [
    "a __proto__ key",
    () =>
      rawCollect(
        `{"site":"${shop.site_key}","anonymous_id":"${anon}","events":[{"type":"identify","traits":{"__proto__":{"admin":true}}}]}`,
      ),
    400,
    "forbidden_key",
    "events[0].traits.__proto__",
  ],
  [
    "a constructor key",
    () => collect(shop, { anonymous_id: anon, events: [{ type: "signup", properties: { constructor: { prototype: 1 } } }] }),
    400,
    "forbidden_key",
    "events[0].properties.constructor",
  ],
  [
    "JSON nested 10,000 levels deep",
    () =>
      rawCollect(
        `{"site":"${shop.site_key}","anonymous_id":"${anon}","events":[{"type":"signup","properties":{"a":${"[".repeat(10_000)}${"]".repeat(10_000)}}}]}`,
      ),
    400,
    "too_deep",
  ],
  ["an empty anonymous_id", () => collect(shop, { anonymous_id: "", events: [pageView()] }), 400, "invalid_request", "anonymous_id"],
  ['the anonymous_id "null"', () => collect(shop, { anonymous_id: "null", events: [pageView()] }), 400, "invalid_request", "anonymous_id"],
  [
    "an anonymous_id of 129 characters",
    () => collect(shop, { anonymous_id: "a".repeat(129), events: [pageView()] }),
    400,
    "invalid_request",
    "anonymous_id",
  ],
  [
    "an anonymous_id with spaces",
    () => collect(shop, { anonymous_id: "a b", events: [pageView()] }),
    400,
    "invalid_request",
    "anonymous_id",
  ],
  ["a missing site key", () => rawCollect(JSON.stringify({ anonymous_id: "x", events: [] })), 401, "missing_key", "site"],
  [
    "an unknown site key",
    () => rawCollect(JSON.stringify({ site: "pk_nope", anonymous_id: "x", events: [pageView()] })),
    401,
    "invalid_key",
    "site",
  ],
  [
    "a secret key as site key",
    () => collect(shop, { site: shop.secret_key, anonymous_id: anon, events: [pageView()] }),
    401,
    "wrong_key",
    "site",
  ],
  [
    "an origin not allowed",
    () => collect(shop, { anonymous_id: anon, events: [pageView()] }, { origin: "https://evil.example" }),
    403,
    "origin_not_allowed",
  ],
  ["no origin at all", () => collect(shop, { anonymous_id: anon, events: [pageView()] }, { origin: null }), 403, "origin_not_allowed"],
  [
    "the site key of another shop from this shop's origin",
    () => collect(shop, { site: otherShop.site_key, anonymous_id: anon, events: [pageView()] }),
    403,
    "origin_not_allowed",
  ],
];

describe("bad input to /v1/collect", () => {
  it.each(cases)("%s is refused with the error shape and changes nothing", async (_name, send, status, code, field) => {
    const before = await identityRows();
    const response = await send();
    expect(response.status).toBe(status);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe("string");
    if (field !== undefined) expect(body.error.field).toBe(field);
    const { body: profile } = await getProfile(shop, `anonymous_id:${anon}`);
    expect(profile.counters.events).toBe(1);
    expect(await identityRows()).toBe(before);
  });
});

describe("bad input to /v1/events", () => {
  const who = { customer_id: "bad-input-person" };
  const serverCases: Case[] = [
    ["bad JSON", () => serverEvents(shop, "{nope"), 400, "invalid_json"],
    [
      "1,001 events",
      () => serverEvents(shop, { events: Array.from({ length: 1001 }, () => pageView(who)) }),
      413,
      "too_many_events",
      "events",
    ],
    ["a body over 1 MB", () => serverEvents(shop, { events: [pageView(who)], pad: "x".repeat(1024 * 1024) }), 413, "payload_too_large"],
    ["an event that names no person", () => serverEvents(shop, { events: [pageView(who), pageView()] }), 400, "no_identifier", "events[1]"],
    [
      "an invalid email",
      () => serverEvents(shop, { events: [pageView(who), pageView({ email: "not-an-email" })] }),
      400,
      "invalid_request",
      "events[1].email",
    ],
    [
      "an invalid phone",
      () => serverEvents(shop, { events: [{ type: "identify", ...who, traits: { phone: "12" } }] }),
      400,
      "invalid_request",
      "events[0].traits.phone",
    ],
    [
      "an identifier over 256 characters",
      () => serverEvents(shop, { events: [pageView({ customer_id: "c".repeat(257) })] }),
      400,
      "invalid_request",
      "events[0].customer_id",
    ],
    [
      "a missing key",
      () => SELF.fetch(`${BASE}/v1/events`, { method: "POST", body: JSON.stringify({ events: [pageView(who)] }) }),
      401,
      "missing_key",
    ],
    ["a wrong key", () => serverEvents(shop, { events: [pageView(who)] }, "sk_wrong"), 401, "invalid_key"],
    ["a site key as bearer", () => serverEvents(shop, { events: [pageView(who)] }, shop.site_key), 401, "wrong_key"],
    [
      "a secret key sent from a browser origin",
      () =>
        SELF.fetch(`${BASE}/v1/events`, {
          method: "POST",
          headers: { authorization: `Bearer ${shop.secret_key}`, origin: SHOP_ORIGIN },
          body: JSON.stringify({ events: [pageView(who)] }),
        }),
      403,
      "browser_origin",
    ],
  ];

  it.each(serverCases)("%s is refused and changes nothing", async (_name, send, status, code, field) => {
    const response = await send();
    expect(response.status).toBe(status);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe(code);
    if (field !== undefined) expect(body.error.field).toBe(field);
    expect((await getProfile(shop, "customer_id:bad-input-person")).status).toBe(404);
  });
});
