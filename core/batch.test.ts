import { describe, expect, it } from "vitest";
import { BROWSER_LIMITS, CONTEXT_LIMITS, parseCollectBatch, parseDecideBody, parseServerBatch, SERVER_LIMITS } from "./batch";
import { DAY_MS } from "./time";
import type { ValidationFailure } from "./validation";

const RECEIVED_AT = Date.parse("2025-06-01T12:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

type Raw = Record<string, unknown>;

function collectBody(events: unknown[], extra: Raw = {}): Raw {
  return { site: "pk_test", anonymous_id: "anon-1", sent_at: iso(RECEIVED_AT), events, ...extra };
}

function collectError(body: unknown): ValidationFailure {
  const result = parseCollectBatch(body, RECEIVED_AT);
  if (result.ok) throw new Error("expected the collect batch to be refused");
  return result.error;
}

function serverError(body: unknown): ValidationFailure {
  const result = parseServerBatch(body, RECEIVED_AT);
  if (result.ok) throw new Error("expected the server batch to be refused");
  return result.error;
}

function collectOk(body: unknown) {
  const result = parseCollectBatch(body, RECEIVED_AT);
  if (!result.ok) throw new Error(`expected the collect batch to be accepted: ${result.error.message}`);
  return result.value;
}

function serverOk(body: unknown) {
  const result = parseServerBatch(body, RECEIVED_AT);
  if (!result.ok) throw new Error(`expected the server batch to be accepted: ${result.error.message}`);
  return result.value;
}

const pageView = (extra: Raw = {}): Raw => ({ type: "page_view", ...extra });

describe("browser batch shape", () => {
  it("a minimal batch is accepted with defaults", () => {
    const batch = collectOk({ site: "pk_test", anonymous_id: "anon-1", events: [] });
    expect(batch).toEqual({
      site: "pk_test",
      anonymous_id: "anon-1",
      sent_at: null,
      consent: null,
      events: [],
      placements: [],
      context: {},
    });
  });

  it("an empty events array is accepted (a collect that only asks for decisions)", () => {
    const batch = collectOk(
      collectBody([], { placements: ["top_banner", "popup", "inline:hero"], context: { url: "https://shop.example/" } }),
    );
    expect(batch.events).toEqual([]);
    expect(batch.placements).toEqual(["top_banner", "popup", "inline:hero"]);
    expect(batch.context).toEqual({ url: "https://shop.example/" });
  });

  const badBodies: [string, unknown][] = [
    ["null", null],
    ["an array", [pageView()]],
    ["a string", "page_view"],
    ["a number", 42],
  ];
  it.each(badBodies)("a body that is %s is refused as invalid JSON", (_label, body) => {
    const error = collectError(body);
    expect(error).toMatchObject({ status: 400, code: "invalid_json" });
    expect(serverError(body)).toMatchObject({ status: 400, code: "invalid_json" });
  });

  const badFields: [string, Raw, string][] = [
    ["a missing anonymous_id", { site: "pk_test", events: [] }, "anonymous_id"],
    ["the anonymous_id null", collectBody([], { anonymous_id: "null" }), "anonymous_id"],
    ["the anonymous_id undefined", collectBody([], { anonymous_id: "undefined" }), "anonymous_id"],
    ["an empty anonymous_id", collectBody([], { anonymous_id: "" }), "anonymous_id"],
    ["an anonymous_id of 129 characters", collectBody([], { anonymous_id: "a".repeat(129) }), "anonymous_id"],
    ["an anonymous_id given as a number", collectBody([], { anonymous_id: 12345 }), "anonymous_id"],
    ["a missing site", { anonymous_id: "anon-1", events: [] }, "site"],
    ["events that are not an array", collectBody([], { events: { 0: pageView() } }), "events"],
    ["missing events", { site: "pk_test", anonymous_id: "anon-1" }, "events"],
    ["a sent_at that is not ISO 8601", collectBody([], { sent_at: "now" }), "sent_at"],
    ["an unknown top-level field", collectBody([], { extra: 1 }), "extra"],
    ["a consent value that is not a boolean", collectBody([], { consent: { analytics: 1 } }), "consent.analytics"],
    ["an unknown consent purpose", collectBody([], { consent: { tracking: true } }), "consent.tracking"],
    ["eleven placements", collectBody([], { placements: Array.from({ length: 11 }, (_, i) => `inline:s${i}`) }), "placements"],
    ["an empty placement", collectBody([], { placements: ["top_banner", ""] }), "placements[1]"],
  ];
  it.each(badFields)("%s is refused naming its field", (_label, body, field) => {
    expect(collectError(body)).toMatchObject({ status: 400, code: "invalid_request", field });
  });

  it("the batch consent is kept as sent", () => {
    expect(collectOk(collectBody([], { consent: { analytics: true, marketing: false } })).consent).toEqual({
      analytics: true,
      marketing: false,
    });
  });
});

describe("prototype-polluting keys", () => {
  const vectors: [string, string][] = [
    ["at the top level", `{"site":"pk_test","anonymous_id":"a","events":[],"__proto__":{"admin":true}}`],
    ["in an event", `{"site":"pk_test","anonymous_id":"a","events":[{"type":"page_view","constructor":{"x":1}}]}`],
    ["in an event's page", `{"site":"pk_test","anonymous_id":"a","events":[{"type":"page_view","page":{"__proto__":{"x":1}}}]}`],
    [
      "in an item",
      `{"site":"pk_test","anonymous_id":"a","events":[{"type":"view_item","items":[{"item_id":"a"},{"item_id":"b","__proto__":{}}]}]}`,
    ],
    ["in the context", `{"site":"pk_test","anonymous_id":"a","events":[],"context":{"utm":{"prototype":"x"}}}`],
    [
      "in custom properties",
      `{"site":"pk_test","anonymous_id":"a","events":[{"type":"quiz_done"},{"type":"quiz_done","properties":{"a":[{"constructor":1}]}}]}`,
    ],
  ];
  const fields = [
    "__proto__",
    "events[0].constructor",
    "events[0].page.__proto__",
    "events[0].items[1].__proto__",
    "context.utm.prototype",
    "events[1].properties.a[0].constructor",
  ];

  it.each(vectors.map(([label, json], i) => [label, json, fields[i] ?? ""]))(
    "a forbidden key %s is refused with its path",
    (_label, json, field) => {
      const body: unknown = JSON.parse(json);
      expect(collectError(body)).toEqual(expect.objectContaining({ status: 400, code: "forbidden_key", field }));
    },
  );

  it("a forbidden key in a server batch is refused with its path", () => {
    const body: unknown = JSON.parse(`{"events":[{"type":"identify","email":"a@b.co","traits":{"__proto__":{"isAdmin":true}}}]}`);
    expect(serverError(body)).toMatchObject({ code: "forbidden_key", field: "events[0].traits.__proto__" });
  });

  it("custom properties nested too deep are refused before validation", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const error = collectError(collectBody([{ type: "quiz_done", properties: { answer: deep } }]));
    expect(error).toMatchObject({ status: 400, code: "too_deep" });
    expect(error.field?.startsWith("events[0].properties.answer.d.d")).toBe(true);
  });

  it("a refused forbidden key never pollutes Object.prototype", () => {
    collectError(JSON.parse(`{"site":"pk_test","anonymous_id":"a","events":[{"type":"page_view","__proto__":{"polluted":true}}]}`));
    expect(({} as Raw).polluted).toBeUndefined();
  });
});

describe("batch limits", () => {
  it("a browser batch of 100 events is accepted", () => {
    const events = Array.from({ length: BROWSER_LIMITS.maxEvents }, () => pageView());
    expect(collectOk(collectBody(events)).events).toHaveLength(100);
  });

  it("a browser batch of 101 events is refused with 413 too_many_events", () => {
    const events = Array.from({ length: 101 }, () => pageView());
    expect(collectError(collectBody(events))).toMatchObject({ status: 413, code: "too_many_events", field: "events" });
  });

  it("a server batch of 1000 events is accepted", () => {
    const events = Array.from({ length: SERVER_LIMITS.maxEvents }, (_, i) => pageView({ customer_id: String(i) }));
    expect(serverOk({ events })).toHaveLength(1000);
  });

  it("a server batch of 1001 events is refused with 413 too_many_events", () => {
    const events = Array.from({ length: 1001 }, (_, i) => pageView({ customer_id: String(i) }));
    expect(serverError({ events })).toMatchObject({ status: 413, code: "too_many_events", field: "events" });
  });

  it("an event over 32 KB is refused with 413 naming the event", () => {
    const big = { type: "quiz_done", properties: { answer: "x".repeat(33 * 1024) } };
    expect(collectError(collectBody([pageView(), big]))).toMatchObject({ status: 413, code: "event_too_large", field: "events[1]" });
    expect(serverError({ events: [{ ...big, customer_id: "1" }] })).toMatchObject({
      status: 413,
      code: "event_too_large",
      field: "events[0]",
    });
  });

  it("an event just under 32 KB is accepted", () => {
    const event = { type: "quiz_done", properties: { answer: "x".repeat(31 * 1024) } };
    expect(collectOk(collectBody([event])).events).toHaveLength(1);
  });

  it("event size counts bytes, not characters", () => {
    // 11,000 three-byte characters: 33,000 bytes but only 11,000 UTF-16 code units.
    const event = { type: "quiz_done", properties: { answer: "€".repeat(11_000) } };
    expect(collectError(collectBody([event]))).toMatchObject({ status: 413, code: "event_too_large" });
  });
});

describe("event validation inside a batch", () => {
  const unknownTypes: [string][] = [["Page View"], ["nudge_foo"], ["pageView"], ["PURCHASE"], [""]];
  it.each(unknownTypes)("the unknown event type %j is refused at events[N].type", (type) => {
    const error = collectError(collectBody([pageView(), pageView(), { type }]));
    expect(error).toMatchObject({ status: 400, code: "unknown_event", field: "events[2].type" });
  });

  it("an event without a type is refused at events[N].type", () => {
    expect(collectError(collectBody([{ page: {} }]))).toMatchObject({ status: 400, field: "events[0].type" });
    expect(collectError(collectBody([{ type: 7 }]))).toMatchObject({ status: 400, field: "events[0].type" });
  });

  it("an event that is not an object is refused at events[N]", () => {
    expect(collectError(collectBody([pageView(), "page_view"]))).toMatchObject({ status: 400, code: "invalid_event", field: "events[1]" });
    expect(collectError(collectBody([null]))).toMatchObject({ status: 400, code: "invalid_event", field: "events[0]" });
  });

  const wrongTypes: [string, Raw, string][] = [
    [
      "a string price",
      {
        type: "view_item",
        items: [
          { item_id: "a", price: 1 },
          { item_id: "b", price: "9.90" },
        ],
      },
      "events[0].items[1].price",
    ],
    ["a string quantity", { type: "add_to_cart", items: [{ item_id: "a", quantity: "2" }] }, "events[0].items[0].quantity"],
    ["a string value", { type: "begin_checkout", value: "12.00" }, "events[0].value"],
    ["a numeric search term", { type: "search", search_term: 42 }, "events[0].search_term"],
    ["a page url that is a number", { type: "page_view", page: { url: 1 } }, "events[0].page.url"],
    ["a bad identify email", { type: "identify", traits: { email: "ann" } }, "events[0].traits.email"],
    ["a channel that does not exist", { type: "unsubscribe", channel: "fax" }, "events[0].channel"],
    ["a numeric event id", { type: "page_view", id: 5 }, "events[0].id"],
  ];
  it.each(wrongTypes)("%s is refused at %s", (_label, event, field) => {
    expect(collectError(collectBody([event]))).toMatchObject({ status: 400, code: "invalid_request", field });
  });

  it("the field path names the failing event's index", () => {
    const error = collectError(collectBody([pageView(), { type: "view_item", items: [{ item_id: "a" }, { item_id: "b", price: "x" }] }]));
    expect(error.field).toBe("events[1].items[1].price");
  });

  it("custom snake_case events are accepted with their properties", () => {
    const batch = collectOk(collectBody([{ type: "wishlist_add", id: "w1", properties: { item_id: "sku-1", size: 42 } }]));
    expect(batch.events).toEqual([{ type: "wishlist_add", id: "w1", ts: RECEIVED_AT, properties: { item_id: "sku-1", size: 42 } }]);
  });

  it("GA4 extra fields on events and items are tolerated", () => {
    const batch = collectOk(
      collectBody([
        {
          type: "purchase",
          transaction_id: "T-1",
          value: 59.9,
          currency: "eur",
          affiliation: "Google Store",
          payment_type: "card",
          items: [{ item_id: "sku-1", item_name: "Shoe", price: 59.9, quantity: 1, index: 0, discount: 0, item_list_name: "Related" }],
        },
      ]),
    );
    expect(batch.events).toEqual([
      {
        type: "purchase",
        id: null,
        ts: RECEIVED_AT,
        transaction_id: "T-1",
        value: 59.9,
        currency: "EUR",
        items: [{ item_id: "sku-1", item_name: "Shoe", price: 59.9, quantity: 1 }],
      },
    ]);
  });

  it("events without an id get id null", () => {
    expect(collectOk(collectBody([pageView()])).events[0]?.id).toBeNull();
  });
});

describe("server batches", () => {
  it("a server batch accepts only the events field", () => {
    expect(serverError({ events: [], site: "pk_test" })).toMatchObject({ status: 400, field: "site" });
    expect(serverError({})).toMatchObject({ status: 400, field: "events" });
  });

  it("a server event without any identifier is refused naming the event", () => {
    const error = serverError({ events: [pageView({ email: "ann@example.com" }), pageView()] });
    expect(error).toMatchObject({ status: 400, code: "no_identifier", field: "events[1]" });
  });

  it("an identify whose traits carry the only identifier names its person", () => {
    const [first] = serverOk({ events: [{ type: "identify", traits: { email: " Ann@Example.com", first_name: "Ann" } }] });
    expect(first?.person).toEqual({ kind: "email", value: "ann@example.com" });
  });

  it("the strongest identifier names the person and every identifier is kept, normalized", () => {
    const [first] = serverOk({
      events: [
        {
          type: "purchase",
          transaction_id: "T1",
          value: 10,
          anonymous_id: "dev-1",
          email: "ANN@example.com",
          customer_id: 42,
          phone: "+44 20 7946 0958",
        },
      ],
    });
    expect(first?.person).toEqual({ kind: "customer_id", value: "42" });
    expect(first?.identifiers).toEqual([
      { kind: "anonymous_id", value: "dev-1" },
      { kind: "customer_id", value: "42" },
      { kind: "email", value: "ann@example.com" },
      { kind: "phone", value: "+442079460958" },
    ]);
  });

  it("identifiers are taken off the stored event", () => {
    const [first] = serverOk({ events: [pageView({ id: "e1", email: "ann@example.com", customer_id: "7" })] });
    expect(first?.event).toEqual({ type: "page_view", id: "e1", ts: RECEIVED_AT });
  });

  it("the same identifier on the event and in its traits is listed once", () => {
    const [first] = serverOk({ events: [{ type: "identify", email: "ann@example.com", traits: { email: "Ann@example.com" } }] });
    expect(first?.identifiers).toEqual([{ kind: "email", value: "ann@example.com" }]);
  });

  it("an invalid server identifier is refused at its field", () => {
    expect(serverError({ events: [pageView({ anonymous_id: "undefined" })] })).toMatchObject({ field: "events[0].anonymous_id" });
    expect(serverError({ events: [pageView({ phone: "555" })] })).toMatchObject({ field: "events[0].phone" });
  });
});

describe("identifiers on browser events", () => {
  const hash = "0123456789ABCDEF".repeat(4);

  it("a browser identify with a top-level customer_id stores it in its traits", () => {
    const batch = collectOk(collectBody([{ type: "identify", customer_id: 42, traits: { first_name: "Ann" } }]));
    expect(batch.events[0]).toEqual({ type: "identify", id: null, ts: RECEIVED_AT, traits: { first_name: "Ann", customer_id: "42" } });
  });

  it("a browser identify naming its person only at the top level is accepted", () => {
    expect(collectOk(collectBody([{ type: "identify", email: "Ann@Example.com" }])).events[0]?.traits).toEqual({
      email: "ann@example.com",
    });
  });

  it("a browser identify whose top-level email differs from its traits is refused at the top-level field", () => {
    const error = collectError(
      collectBody([pageView(), { type: "identify", email: "ann@example.com", traits: { email: "bob@example.com" } }]),
    );
    expect(error).toMatchObject({ status: 400, code: "invalid_request", field: "events[1].email" });
  });

  it("a browser event other than identify carrying a customer_id is refused, naming the field and the identify", () => {
    const error = collectError(collectBody([pageView(), pageView({ customer_id: "42" })]));
    expect(error).toMatchObject({ status: 400, code: "invalid_request", field: "events[1].customer_id" });
    expect(error.message).toContain("anonymous_id");
    expect(error.message).toContain("identify");
  });

  it("an identify's user_hash is kept at the top level of the stored event, in lowercase", () => {
    const batch = collectOk(collectBody([{ type: "identify", user_hash: hash, traits: { email: "ann@example.com" } }]));
    expect(batch.events[0]).toMatchObject({ user_hash: hash.toLowerCase(), traits: { email: "ann@example.com" } });
  });

  it("a user_hash sent in the traits is lifted to the top level and stored as no trait", () => {
    const batch = collectOk(collectBody([{ type: "identify", traits: { email: "ann@example.com", user_hash: hash } }]));
    expect(batch.events[0]?.user_hash).toBe(hash.toLowerCase());
    expect(batch.events[0]?.traits).toEqual({ email: "ann@example.com" });
  });

  it("a user_hash that is not 64 hex characters is refused at events[i].user_hash", () => {
    const error = collectError(collectBody([pageView(), { type: "identify", user_hash: "abc", traits: { email: "ann@example.com" } }]));
    expect(error).toMatchObject({ status: 400, code: "invalid_request", field: "events[1].user_hash" });
  });

  it("a user_hash alone names nobody: the identify still needs an identifier", () => {
    expect(collectError(collectBody([{ type: "identify", user_hash: hash }]))).toMatchObject({
      status: 400,
      code: "no_identifier",
      field: "events[0].traits",
    });
  });

  it("a server identify keeps its user_hash on the event and its identifiers naming the person", () => {
    const [first] = serverOk({ events: [{ type: "identify", customer_id: "42", traits: { email: "ann@example.com", user_hash: hash } }] });
    expect(first?.event).toEqual({
      type: "identify",
      id: null,
      ts: RECEIVED_AT,
      user_hash: hash.toLowerCase(),
      traits: { email: "ann@example.com" },
    });
    expect(first?.person).toEqual({ kind: "customer_id", value: "42" });
  });
});

describe("request context limits", () => {
  const withContext = (context: unknown) => collectBody([], { context });
  function decideError(context: unknown): ValidationFailure {
    const result = parseDecideBody({ anonymous_id: "anon-1", placements: ["top_banner"], context });
    if (result.ok) throw new Error("expected the decide body to be refused");
    return result.error;
  }

  it("a context with URLs of 2,048 characters and short strings is accepted as sent", () => {
    const context = {
      url: `https://shop.example/${"a".repeat(2027)}`,
      referrer: "https://r.example/",
      device: "mobile",
      utm: { source: "x".repeat(512) },
    };
    expect(context.url).toHaveLength(CONTEXT_LIMITS.maxUrlLength);
    expect(collectOk(withContext(context)).context).toEqual(context);
  });

  const refused: [string, unknown, string][] = [
    ["a url of 2,049 characters", { url: "u".repeat(2049) }, "context.url"],
    ["a url of 60 KB", { url: "u".repeat(60 * 1024) }, "context.url"],
    ["a referrer of 2,049 characters", { url: "https://shop.example/", referrer: "r".repeat(2049) }, "context.referrer"],
    ["a device of 513 characters", { device: "d".repeat(513) }, "context.device"],
    ["a nested url over the short limit", { page: { url: "u".repeat(513) } }, "context.page.url"],
    ["a utm value of 513 characters", { utm: { source: "s".repeat(513) } }, "context.utm.source"],
    ["an object nested 4 levels deep", { a: { b: { c: { d: 1 } } } }, "context.a.b.c"],
    ["a list nested 4 levels deep", { a: [[[1]]] }, "context.a[0][0]"],
    ["33 keys", Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])), "context"],
    ["a list of 33 entries", { tags: Array.from({ length: 33 }, (_, i) => i) }, "context.tags"],
    ["more than 8 KB in all", Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "x".repeat(500)])), "context"],
  ];
  it.each(refused)("%s is refused with 400 naming the field, in collect and decide", (_label, context, field) => {
    expect(collectError(withContext(context))).toMatchObject({ status: 400, code: "invalid_request", field });
    expect(decideError(context)).toMatchObject({ status: 400, code: "invalid_request", field });
  });

  it("the refusal of an over-long url says its limit", () => {
    expect(collectError(withContext({ url: "u".repeat(2049) })).message).toBe("context.url: at most 2048 characters");
  });

  it("values 3 levels deep are accepted", () => {
    expect(collectOk(withContext({ a: { b: { c: "x" } } })).context).toEqual({ a: { b: { c: "x" } } });
  });
});

describe("clock correction", () => {
  it("a browser event is placed at received_at − (sent_at − ts), whatever the browser's clock offset", () => {
    // The browser's clock is two hours behind; the event happened 90 seconds before sending.
    const sentAt = RECEIVED_AT - 2 * 60 * 60 * 1000;
    const ts = sentAt - 90_000;
    const batch = collectOk(collectBody([pageView({ ts: iso(ts) })], { sent_at: iso(sentAt) }));
    expect(batch.sent_at).toBe(sentAt);
    expect(batch.events[0]?.ts).toBe(RECEIVED_AT - 90_000);
  });

  it("a browser clock running ahead is corrected the same way", () => {
    const sentAt = RECEIVED_AT + 3 * DAY_MS;
    const batch = collectOk(collectBody([pageView({ ts: iso(sentAt - 5_000) })], { sent_at: iso(sentAt) }));
    expect(batch.events[0]?.ts).toBe(RECEIVED_AT - 5_000);
  });

  it("timezone offsets in ts and sent_at are honoured", () => {
    const batch = collectOk(collectBody([pageView({ ts: "2025-06-01T13:59:00+02:00" })], { sent_at: "2025-06-01T12:00:00Z" }));
    expect(batch.events[0]?.ts).toBe(RECEIVED_AT - 60_000);
  });

  it("an event without ts is placed at the receipt time", () => {
    expect(collectOk(collectBody([pageView()])).events[0]?.ts).toBe(RECEIVED_AT);
    expect(serverOk({ events: [pageView({ customer_id: "1" })] })[0]?.event.ts).toBe(RECEIVED_AT);
  });

  it("a browser event stamped after sent_at is clamped to the receipt time", () => {
    const batch = collectOk(collectBody([pageView({ ts: iso(RECEIVED_AT + 60_000) })], { sent_at: iso(RECEIVED_AT) }));
    expect(batch.events[0]?.ts).toBe(RECEIVED_AT);
  });

  it("a server event from the future is clamped to the receipt time", () => {
    const [first] = serverOk({ events: [pageView({ customer_id: "1", ts: iso(RECEIVED_AT + DAY_MS) })] });
    expect(first?.event.ts).toBe(RECEIVED_AT);
  });

  it("server events keep their past timestamps (backfill)", () => {
    const ts = RECEIVED_AT - 30 * DAY_MS;
    expect(serverOk({ events: [pageView({ customer_id: "1", ts: iso(ts) })] })[0]?.event.ts).toBe(ts);
  });

  it("a server event exactly 90 days old is accepted", () => {
    const ts = RECEIVED_AT - 90 * DAY_MS;
    expect(serverOk({ events: [pageView({ customer_id: "1", ts: iso(ts) })] })[0]?.event.ts).toBe(ts);
  });

  it("a server event older than 90 days is refused at events[i].ts", () => {
    const events = [pageView({ customer_id: "1" }), pageView({ customer_id: "1", ts: iso(RECEIVED_AT - 90 * DAY_MS - 1000) })];
    expect(serverError({ events })).toMatchObject({ status: 400, code: "event_too_old", field: "events[1].ts" });
  });

  it("a browser event more than 90 days before sent_at is refused at events[i].ts", () => {
    const sentAt = RECEIVED_AT - DAY_MS;
    const body = collectBody([pageView(), pageView({ ts: iso(sentAt - 91 * DAY_MS) })], { sent_at: iso(sentAt) });
    expect(collectError(body)).toMatchObject({ status: 400, code: "event_too_old", field: "events[1].ts" });
  });
});
