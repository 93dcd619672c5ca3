import { describe, expect, it } from "vitest";
import { emptyProfile } from "../profile";
import type { ProfileState } from "../types";
import { contentUrls, emailBodies, type MessageContent, renderContent, smsText, type TrackedLinks, trackContent } from "./render";
import type { FlowStep, SendOrder } from "./types";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const order: SendOrder = {
  run_id: "run_1",
  flow_id: "cart_abandonment",
  step_id: "reminder",
  message_id: "msg_1",
  channel: "email",
  to: "ada@example.com",
  attempt: 1,
};

function person(change: (state: ProfileState) => void = () => {}): ProfileState {
  const state = emptyProfile("p1", NOW);
  state.identifiers.email = "ada@example.com";
  state.traits.first_name = "Ada";
  change(state);
  return state;
}

const step = (template: FlowStep["template"], channel: FlowStep["channel"] = "email"): FlowStep => ({
  id: "reminder",
  delay_hours: 4,
  channel,
  template,
});

const render = (template: FlowStep["template"], state = person(), messageId = "msg_1") =>
  renderContent({ order: { ...order, message_id: messageId }, step: step(template), state, shopName: "Mug Shop" });

const links: TrackedLinks = {
  open: "https://nudge.test/m/o/OPEN",
  unsubscribe: "https://nudge.test/m/u/UNSUB",
  click: "https://nudge.test/m/c/CTA?u=x",
  tracked: {
    "https://shop.example/cart": "https://nudge.test/m/c/CTA?u=x",
    "https://shop.example/p/mug": "https://nudge.test/m/c/MUG?u=y",
  },
};

describe("rendering a step's content", () => {
  it("fills subject and body from the live profile and the shop", () => {
    const state = person((s) => {
      s.cart = { items: [{ item_id: "mug", quantity: 2, price: 12.5 }, { item_id: "tea" }], value: 30, currency: "EUR", updated_at: NOW };
    });
    const content = render(
      {
        subject: "{{first_name}}, your cart",
        body: "{{cart_count}} items, {{cart_value}} {{cart_currency}} at {{shop_name}} for {{email}} {{last_name|}}",
      },
      state,
    );
    expect(content).toEqual({ subject: "Ada, your cart", body: "3 items, 30.00 EUR at Mug Shop for ada@example.com " });
  });

  it("uses fallbacks for what the profile lacks", () => {
    const content = render(
      { body: "Hi {{first_name|there}}" },
      person((s) => delete s.traits.first_name),
    );
    expect(content.body).toBe("Hi there");
  });

  it("keeps a subject to one line whatever a profile's name holds", () => {
    const content = render(
      { subject: "Hi {{first_name}}", body: "x" },
      person((s) => (s.traits.first_name = "Ada\r\nBcc: all@example.com")),
    );
    expect(content.subject).toBe("Hi Ada Bcc: all@example.com");
  });

  it("gives an SMS no subject", () => {
    const content = renderContent({
      order: { ...order, channel: "sms" },
      step: step({ subject: "S", body: "B" }, "sms"),
      state: person(),
      shopName: "Mug Shop",
    });
    expect(content).toEqual({ body: "B" });
  });

  it("lists the cart's items with only what a message shows, and only http(s) links", () => {
    const state = person((s) => {
      s.cart.items = [
        {
          item_id: "mug",
          item_name: "Mug",
          price: 12,
          quantity: 2,
          item_category: "kitchen",
          url: "https://shop.example/p/mug",
          image_url: "https://cdn.example/mug.jpg",
        },
        { item_id: "tea", url: "javascript:alert(1)", image_url: "data:image/png;base64,AAAA" },
      ];
    });
    expect(render({ body: "b", items: "cart" }, state).items).toEqual([
      { item_id: "mug", item_name: "Mug", price: 12, url: "https://shop.example/p/mug", image_url: "https://cdn.example/mug.jpg" },
      { item_id: "tea" },
    ]);
  });

  it("lists at most 6 items", () => {
    const state = person((s) => (s.cart.items = Array.from({ length: 9 }, (_, i) => ({ item_id: `i${i}` }))));
    expect(render({ body: "b", items: "cart" }, state).items).toHaveLength(6);
  });

  it("lists viewed products distinct and newest first", () => {
    const state = person((s) => {
      s.views.recent = [
        { item_id: "a", at: NOW - 3000 },
        { item_id: "b", item_name: "B", at: NOW - 1000 },
        { item_id: "a", at: NOW - 2000 },
      ];
    });
    expect(render({ body: "b", items: "viewed" }, state).items).toEqual([{ item_id: "b", item_name: "B" }, { item_id: "a" }]);
  });

  it("lists bought items, described by what the person viewed", () => {
    const state = person((s) => {
      s.orders.items = { mug: 1, refunded: 0, tea: 2 };
      s.views.recent = [{ item_id: "mug", item_name: "Mug", url: "https://shop.example/p/mug", at: NOW }];
    });
    expect(render({ body: "b", items: "ordered" }, state).items).toEqual([
      { item_id: "mug", item_name: "Mug", url: "https://shop.example/p/mug" },
      { item_id: "tea" },
    ]);
  });

  it("leaves out an empty item list", () => {
    expect(render({ body: "b", items: "cart" }).items).toBeUndefined();
  });

  it("gives everyone the same static code", () => {
    expect(render({ body: "Use {{code}}", code: "WELCOME10" })).toEqual({ body: "Use WELCOME10", code: "WELCOME10" });
  });

  it("derives a unique code from the message id: the same on every retry, different for another message", () => {
    const template = { body: "{{code}}", code: { prefix: "CART-" } };
    const first = render(template, person(), "msg_1").code;
    expect(first).toMatch(/^CART-[A-HJ-NP-Z2-9]{8}$/);
    expect(render(template, person(), "msg_1").code).toBe(first);
    const codes = new Set(Array.from({ length: 1000 }, (_, i) => render(template, person(), `msg_${i}`).code));
    expect(codes.size).toBe(1000);
  });

  it("keeps an http(s) call to action and drops any other", () => {
    expect(render({ body: "b", cta: { label: "Go", url: "https://shop.example/cart" } }).cta).toEqual({
      label: "Go",
      url: "https://shop.example/cart",
    });
    expect(render({ body: "b", cta: { label: "Go", url: "javascript:alert(1)" } }).cta).toBeUndefined();
  });
});

const content: MessageContent = {
  subject: "Your <cart>",
  body: "Hi <b>Ada</b> & co\n\nSecond line",
  items: [
    {
      item_id: "mug",
      item_name: 'Mug "<script>"',
      price: 12,
      url: "https://shop.example/p/mug",
      image_url: "https://cdn.example/mug.jpg?a=1&b=2",
    },
    { item_id: "tea" },
  ],
  code: "CART-ABCDEFGH",
  cta: { label: "Back to <cart>", url: "https://shop.example/cart" },
};

describe("links of a message", () => {
  it("lists every link once, the call to action first", () => {
    const withDuplicate = { ...content, items: [...(content.items ?? []), { item_id: "cart", url: "https://shop.example/cart" }] };
    expect(contentUrls(withDuplicate)).toEqual(["https://shop.example/cart", "https://shop.example/p/mug"]);
    expect(contentUrls({ body: "b", items: [{ item_id: "x" }, { item_id: "y", url: "https://shop.example/y" }] })).toEqual([
      "https://shop.example/y",
    ]);
    expect(contentUrls({ body: "b" })).toEqual([]);
  });

  it("replaces every link by its tracked URL", () => {
    const tracked = trackContent(content, links);
    expect(tracked.cta?.url).toBe("https://nudge.test/m/c/CTA?u=x");
    expect(tracked.items?.[0]?.url).toBe("https://nudge.test/m/c/MUG?u=y");
    expect(tracked.items?.[1]).toEqual({ item_id: "tea" });
    expect(content.cta?.url).toBe("https://shop.example/cart");
  });
});

describe("email bodies", () => {
  const { html, text } = emailBodies(content, links);

  it("escapes every value, so no data becomes markup", () => {
    expect(html).not.toMatch(/<script|<b>|<cart>/);
    expect(html).toContain("Hi &lt;b&gt;Ada&lt;/b&gt; &amp; co");
    expect(html).toContain("Mug &quot;&lt;script&gt;&quot;");
    expect(html).toContain("Back to &lt;cart&gt;");
    expect(html).toContain('src="https://cdn.example/mug.jpg?a=1&amp;b=2"');
  });

  it("links items and the call to action through their tracked URLs, never the raw ones", () => {
    expect(html).toContain('href="https://nudge.test/m/c/MUG?u=y"');
    expect(html).toContain('href="https://nudge.test/m/c/CTA?u=x"');
    expect(html).not.toContain('href="https://shop.example');
    expect(text).toContain("https://nudge.test/m/c/MUG?u=y");
    expect(text).not.toContain("https://shop.example");
  });

  it("shows the code, an unsubscribe link and the open pixel", () => {
    expect(html).toContain("CART-ABCDEFGH");
    expect(html).toContain('href="https://nudge.test/m/u/UNSUB"');
    expect(html).toContain('<img src="https://nudge.test/m/o/OPEN" width="1" height="1" alt="">');
  });

  it("has a plain-text version with the body, items, code, call to action and unsubscribe link", () => {
    expect(text).toBe(
      [
        "Hi <b>Ada</b> & co\n\nSecond line",
        '- Mug "<script>" (12.00): https://nudge.test/m/c/MUG?u=y\n- tea',
        "Your code: CART-ABCDEFGH",
        "Back to <cart>: https://nudge.test/m/c/CTA?u=x",
        "Unsubscribe: https://nudge.test/m/u/UNSUB",
      ].join("\n\n"),
    );
  });
});

describe("SMS text", () => {
  it("holds the body, the code, the main link and how to stop", () => {
    expect(smsText({ body: "Your cart waits", code: "C1" }, links)).toBe(
      "Your cart waits\nCode: C1\nhttps://nudge.test/m/c/CTA?u=x\nStop: https://nudge.test/m/u/UNSUB",
    );
  });

  it("names the code once when the body already does, and no link when there is none", () => {
    expect(smsText({ body: "Use C1 today", code: "C1" }, { ...links, click: "" })).toBe("Use C1 today\nStop: https://nudge.test/m/u/UNSUB");
  });
});
