import { describe, expect, it } from "vitest";
import { fromDataLayer } from "./datalayer";

const json = (v: unknown) => JSON.parse(JSON.stringify(v));
/** What gtag() pushes: its Arguments object. */
function gtag(..._args: unknown[]): IArguments {
  // biome-ignore lint/complexity/noArguments: gtag pushes exactly this object
  return arguments;
}

describe("fromDataLayer", () => {
  it("maps a GA4 e-commerce object pushed by the shop or GTM", () => {
    const entry = {
      event: "add_to_cart",
      "gtm.uniqueEventId": 12,
      ecommerce: { currency: "EUR", value: 12, items: [{ item_id: "mug-1", price: 12 }] },
    };
    expect(json(fromDataLayer(entry))).toEqual({
      type: "add_to_cart",
      currency: "EUR",
      value: 12,
      items: [{ item_id: "mug-1", price: 12 }],
    });
  });

  it("takes a search term next to the event", () => {
    expect(json(fromDataLayer({ event: "search", search_term: "mug" }))).toEqual({ type: "search", search_term: "mug" });
  });

  it("maps a gtag('event', …) call", () => {
    expect(json(fromDataLayer(gtag("event", "purchase", { transaction_id: "T-1", value: 30, currency: "EUR" })))).toEqual({
      type: "purchase",
      transaction_id: "T-1",
      value: 30,
      currency: "EUR",
    });
  });

  it("maps a Consent Mode update to a consent event", () => {
    const entry = gtag("consent", "update", { analytics_storage: "granted", ad_personalization: "denied", ad_user_data: "granted" });
    expect(fromDataLayer(entry)).toEqual({ type: "consent", consent: { analytics: true, personalization: false, marketing: true } });
  });

  it("skips the Consent Mode default, other events and anything else", () => {
    for (const entry of [
      gtag("consent", "default", { analytics_storage: "denied" }),
      gtag("js", new Date()),
      gtag("config", "G-XXXX"),
      gtag("event", "login", {}),
      { event: "gtm.js" },
      { event: "gtm.dom" },
      { ecommerce: null },
      { event: "addToCart", ecommerce: { add: { products: [] } } },
      null,
      "add_to_cart",
      42,
    ]) {
      expect(fromDataLayer(entry)).toBeUndefined();
    }
  });
});
