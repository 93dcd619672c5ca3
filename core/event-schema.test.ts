import { describe, expect, it } from "vitest";
import { eventSchemaFor, KNOWN_EVENT_TYPES } from "./event-schema";

type Source = "browser" | "server";

function parse(raw: Record<string, unknown>, source: Source = "browser") {
  const schema = eventSchemaFor(String(raw.type), source);
  if (!schema) throw new Error(`no schema for ${String(raw.type)}`);
  return schema.safeParse(raw);
}

function firstIssuePath(raw: Record<string, unknown>, source: Source = "browser"): PropertyKey[] | null {
  const result = parse(raw, source);
  return result.success ? null : [...(result.error.issues[0]?.path ?? [])];
}

describe("event types", () => {
  it.each(KNOWN_EVENT_TYPES.map((type) => [type]))("%s is an event type for browsers and servers", (type) => {
    expect(eventSchemaFor(type, "browser")).not.toBeNull();
    expect(eventSchemaFor(type, "server")).not.toBeNull();
  });

  const custom: [string][] = [["wishlist_add"], ["newsletter_popup_seen"], ["quiz_completed_2"], ["x"]];
  it.each(custom)("any other snake_case name such as %s is a custom event", (type) => {
    expect(eventSchemaFor(type, "browser")).not.toBeNull();
  });

  const refused: [string][] = [
    ["Page View"],
    ["pageView"],
    ["page-view"],
    ["PAGE_VIEW"],
    ["nudge_foo"],
    ["nudge_conversion"],
    ["_private"],
    ["1st_visit"],
    [""],
    ["a".repeat(65)],
  ];
  it.each(refused)("%j is not an event type", (type) => {
    expect(eventSchemaFor(type, "browser")).toBeNull();
    expect(eventSchemaFor(type, "server")).toBeNull();
  });
});

describe("event fields", () => {
  const valid: [string, Record<string, unknown>][] = [
    ["a page view with a page", { type: "page_view", page: { url: "https://shop.example/", title: "Home", referrer: "" } }],
    ["a bare page view", { type: "page_view" }],
    ["a product view", { type: "view_item", items: [{ item_id: "sku-1", price: 19.9 }], currency: "eur", value: 19.9 }],
    ["a numeric item id", { type: "select_item", items: [{ item_id: 123 }] }],
    ["a search", { type: "search", search_term: "red shoes" }],
    ["an add to cart", { type: "add_to_cart", items: [{ item_id: "a", quantity: 2, price: 5 }], value: 10, currency: "USD" }],
    ["a view of an empty cart", { type: "view_cart", items: [], value: 0 }],
    ["a purchase", { type: "purchase", transaction_id: "T1", value: 42, currency: "EUR", tax: 2, shipping: 4.9, coupon: "X" }],
    ["a refund without a value", { type: "refund", transaction_id: "T1" }],
    ["an identify", { type: "identify", traits: { email: "Ann@Example.com", first_name: "Ann", vip: true, age: 31, nickname: null } }],
    ["a subscription", { type: "subscribe", channel: "sms" }],
    ["a partial consent", { type: "consent", consent: { marketing: false } }],
    ["a nudge click", { type: "nudge_click", campaign_id: "c1", variant_id: "v1", token: "tok" }],
    ["a custom event with properties", { type: "wishlist_add", properties: { item_id: "a", tags: ["x", "y"], nested: { n: 1 } } }],
    ["an event with an id and an offset timestamp", { type: "page_view", id: "e1", ts: "2025-06-01T12:00:00+02:00" }],
  ];
  it.each(valid)("%s is accepted", (_label, raw) => {
    expect(parse(raw).success).toBe(true);
  });

  const invalid: [string, Record<string, unknown>, PropertyKey[]][] = [
    [
      "an item price given as a string",
      { type: "view_item", items: [{ item_id: "a" }, { item_id: "b", price: "9.90" }] },
      ["items", 1, "price"],
    ],
    ["a negative price", { type: "view_item", items: [{ item_id: "a", price: -1 }] }, ["items", 0, "price"]],
    ["a fractional quantity", { type: "add_to_cart", items: [{ item_id: "a", quantity: 1.5 }] }, ["items", 0, "quantity"]],
    ["an item without an item_id", { type: "view_item", items: [{ item_name: "Shoe" }] }, ["items", 0, "item_id"]],
    ["an empty item_id", { type: "view_item", items: [{ item_id: "" }] }, ["items", 0, "item_id"]],
    ["a product view without items", { type: "view_item" }, ["items"]],
    ["a value given as a string", { type: "add_to_cart", items: [], value: "10" }, ["value"]],
    ["a currency that is not ISO 4217", { type: "add_to_cart", items: [], currency: "EURO" }, ["currency"]],
    ["a search without a term", { type: "search" }, ["search_term"]],
    ["a purchase without a transaction id", { type: "purchase", value: 10 }, ["transaction_id"]],
    ["a purchase with a negative value", { type: "purchase", transaction_id: "T1", value: -5 }, ["value"]],
    ["an identify with a bad email", { type: "identify", traits: { email: "not-an-email" } }, ["traits", "email"]],
    ["an identify with a bad phone", { type: "identify", traits: { phone: "12345" } }, ["traits", "phone"]],
    ["an identify with a nested trait", { type: "identify", traits: { address: { city: "Paris" } } }, ["traits", "address"]],
    ["an unknown subscription channel", { type: "subscribe", channel: "push" }, ["channel"]],
    ["a consent given as a string", { type: "consent", consent: { analytics: "yes" } }, ["consent", "analytics"]],
    ["a nudge click without a token", { type: "nudge_click", campaign_id: "c1", variant_id: "v1" }, ["token"]],
    ["an empty event id", { type: "page_view", id: "" }, ["id"]],
    ["a timestamp that is not ISO 8601", { type: "page_view", ts: "yesterday" }, ["ts"]],
    ["a custom property with a dash", { type: "wishlist_add", properties: { "item-id": "a" } }, ["properties", "item-id"]],
  ];
  it.each(invalid)("%s is refused at its field", (_label, raw, path) => {
    expect(firstIssuePath(raw)).toEqual(path);
  });

  it("a trait name with a dash is refused at that trait", () => {
    expect(firstIssuePath({ type: "identify", traits: { "first-name": "Ann" } })).toEqual(["traits", "first-name"]);
  });

  it("a consent naming no purpose or an unknown purpose is refused", () => {
    expect(parse({ type: "consent", consent: {} }).success).toBe(false);
    expect(parse({ type: "consent", consent: { analytics: true, ads: true } }).success).toBe(false);
  });

  it("more than 50 custom properties are refused", () => {
    const properties = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`p${i}`, i]));
    expect(parse({ type: "wishlist_add", properties }).success).toBe(false);
    delete properties.p50;
    expect(parse({ type: "wishlist_add", properties }).success).toBe(true);
  });

  it("GA4 fields outside the contract are tolerated and dropped", () => {
    const result = parse({
      type: "purchase",
      transaction_id: "T1",
      value: 30,
      currency: "eur",
      affiliation: "Online Store",
      items: [{ item_id: "a", price: 30, index: 0, discount: 2, item_list_id: "related" }],
    });
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data).toEqual({
      type: "purchase",
      transaction_id: "T1",
      value: 30,
      currency: "EUR",
      items: [{ item_id: "a", price: 30 }],
    });
  });

  it("identify traits are normalized: email lowercased, phone in E.164, numeric customer id as a string", () => {
    const result = parse({ type: "identify", traits: { email: " Ann@Example.COM ", phone: "+1 (415) 555-2671", customer_id: 42 } });
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data).toEqual({ type: "identify", traits: { email: "ann@example.com", phone: "+14155552671", customer_id: "42" } });
  });

  it("numeric item ids become strings", () => {
    const result = parse({ type: "view_item", items: [{ item_id: 123 }] });
    expect(result.success && result.data).toEqual({ type: "view_item", items: [{ item_id: "123" }] });
  });
});

describe("server identifiers on events", () => {
  it("server events keep and normalize the identifiers naming their person", () => {
    const result = parse(
      { type: "page_view", email: "Ann@Example.com", customer_id: 7, phone: "0044 20 7946 0958", anonymous_id: "a1" },
      "server",
    );
    expect(result.success && result.data).toEqual({
      type: "page_view",
      email: "ann@example.com",
      customer_id: "7",
      phone: "+442079460958",
      anonymous_id: "a1",
    });
  });

  it("a server event's invalid identifier is refused at its field", () => {
    expect(firstIssuePath({ type: "page_view", anonymous_id: "null" }, "server")).toEqual(["anonymous_id"]);
    expect(firstIssuePath({ type: "page_view", email: "nope" }, "server")).toEqual(["email"]);
  });

  it.each([
    ["email", "ann@example.com"],
    ["customer_id", "42"],
    ["phone", "+442079460958"],
  ])("a browser event other than identify carrying %s is refused at that field, pointing to identify", (field, value) => {
    const result = parse({ type: "page_view", [field]: value }, "browser");
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    expect(issue?.path).toEqual([field]);
    expect(issue?.message).toMatch(/anonymous_id.*identify/);
  });

  it("a browser custom event carrying an identifier is refused too", () => {
    expect(firstIssuePath({ type: "wishlist_add", customer_id: 7 }, "browser")).toEqual(["customer_id"]);
  });
});

describe("identify: top-level identifiers and user_hash", () => {
  const hash = "AB".repeat(32);

  it("a browser identify lifts a top-level email, customer_id and phone into its traits, normalized", () => {
    const result = parse({
      type: "identify",
      customer_id: 42,
      email: " Ann@Example.com",
      phone: "0044 20 7946 0958",
      traits: { first_name: "Ann" },
    });
    expect(result.success && result.data).toEqual({
      type: "identify",
      traits: { first_name: "Ann", customer_id: "42", email: "ann@example.com", phone: "+442079460958" },
    });
  });

  it("a browser identify may name its identifier only at the top level", () => {
    const result = parse({ type: "identify", customer_id: "c-7" });
    expect(result.success && result.data).toEqual({ type: "identify", traits: { customer_id: "c-7" } });
  });

  it("a browser identify naming the same identifier at the top level and in its traits keeps it once", () => {
    const result = parse({ type: "identify", email: "ANN@example.com", traits: { email: "ann@example.com" } });
    expect(result.success && result.data).toEqual({ type: "identify", traits: { email: "ann@example.com" } });
  });

  it.each([
    ["customer_id", "1", "2"],
    ["email", "ann@example.com", "bob@example.com"],
    ["phone", "+442079460958", "+14155552671"],
  ])("a browser identify whose top-level %s differs from its traits is refused at the top-level field", (field, top, trait) => {
    const result = parse({ type: "identify", [field]: top, traits: { [field]: trait } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: [field], message: `differs from traits.${field}` });
  });

  it("an invalid top-level identifier of a browser identify is refused at its field", () => {
    expect(firstIssuePath({ type: "identify", email: "nope" })).toEqual(["email"]);
  });

  it.each<[Source]>([["browser"], ["server"]])("a %s identify keeps a top-level user_hash, in lowercase", (source) => {
    const result = parse({ type: "identify", user_hash: hash, traits: { email: "ann@example.com" } }, source);
    expect(result.success && result.data).toEqual({
      type: "identify",
      user_hash: hash.toLowerCase(),
      traits: { email: "ann@example.com" },
    });
  });

  it.each<[Source]>([["browser"], ["server"]])(
    "a %s identify's traits.user_hash is lifted to the top level, never kept as a trait",
    (source) => {
      const result = parse({ type: "identify", traits: { email: "ann@example.com", user_hash: hash } }, source);
      expect(result.success && result.data).toEqual({
        type: "identify",
        user_hash: hash.toLowerCase(),
        traits: { email: "ann@example.com" },
      });
    },
  );

  it("the same user_hash at the top level and in the traits is kept once", () => {
    const result = parse({ type: "identify", user_hash: hash.toLowerCase(), traits: { email: "ann@example.com", user_hash: hash } });
    expect(result.success && result.data).toEqual({
      type: "identify",
      user_hash: hash.toLowerCase(),
      traits: { email: "ann@example.com" },
    });
  });

  it("a user_hash in the traits that differs from the top-level one is refused at user_hash", () => {
    const result = parse({ type: "identify", user_hash: "0".repeat(64), traits: { email: "ann@example.com", user_hash: "1".repeat(64) } });
    expect(result.error?.issues[0]).toMatchObject({ path: ["user_hash"], message: "differs from traits.user_hash" });
  });

  const badHashes: [string, unknown][] = [
    ["63 hex characters", "a".repeat(63)],
    ["65 hex characters", "a".repeat(65)],
    ["a character that is not hex", `${"a".repeat(63)}g`],
    ["base64", "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="],
    ["a number", 12],
  ];
  it.each(badHashes)("a user_hash of %s is refused at its field", (_label, userHash) => {
    expect(firstIssuePath({ type: "identify", user_hash: userHash, traits: { email: "ann@example.com" } })).toEqual(["user_hash"]);
    expect(firstIssuePath({ type: "identify", traits: { email: "ann@example.com", user_hash: userHash } }, "server")).toEqual([
      "traits",
      "user_hash",
    ]);
  });

  it("a server identify keeps its top-level identifiers naming the person, apart from its traits", () => {
    const result = parse({ type: "identify", customer_id: 42, traits: { email: "ann@example.com" } }, "server");
    expect(result.success && result.data).toEqual({ type: "identify", customer_id: "42", traits: { email: "ann@example.com" } });
  });
});
