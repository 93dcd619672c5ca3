import { describe, expect, it } from "vitest";
import { fromZodError } from "../../../core/validation";
import { campaignSchema } from "../../../workers/schemas/campaign";

const specExample = {
  name: "Free shipping from 50 EUR",
  placement: "top_banner",
  status: "active",
  priority: 10,
  audience: { all: [{ attr: "cart.value", op: "gte", value: 30 }, { not: { attr: "segments", op: "contains", value: "vip" } }] },
  trigger: { delay_ms: 0, scroll_pct: null, exit_intent: false, url_matches: null },
  caps: { per_day: 3, lifetime: 10, stop_after_click: true, stop_after_conversion: true },
  variants: [
    {
      id: "a",
      weight: 50,
      content: {
        title: "Almost there",
        body: "Free shipping from 50 EUR",
        cta: { label: "To the cart", url: "https://shop.example/cart" },
      },
    },
    { id: "b", weight: 50, content: { title: "Free shipping today", body: "On orders over 50 EUR" } },
  ],
  holdout: 0.1,
  schedule: { start: "2026-12-01T00:00:00Z", end: null, timezone: "Europe/Berlin" },
};

function fieldOf(input: unknown): string | undefined {
  const parsed = campaignSchema.safeParse(input);
  if (parsed.success) return undefined;
  return fromZodError(parsed.error).error.field;
}

describe("the campaign schema", () => {
  it("takes the documented example campaign as it is", () => {
    const parsed = campaignSchema.parse(specExample);
    expect(parsed.variants).toHaveLength(2);
    expect(parsed.holdout).toBe(0.1);
  });

  it("fills the defaults of a minimal campaign", () => {
    const parsed = campaignSchema.parse({
      name: "n",
      placement: "inline:hero",
      variants: [{ id: "a", weight: 100, content: { title: "Hi" } }],
    });
    expect(parsed).toMatchObject({
      status: "active",
      priority: 0,
      audience: { all: [] },
      trigger: null,
      caps: { per_day: null, lifetime: null, stop_after_click: false, stop_after_conversion: false },
      holdout: 0,
      schedule: null,
    });
  });

  it("takes a schedule in local time of its time zone", () => {
    const parsed = campaignSchema.parse({
      ...specExample,
      schedule: { start: "2026-12-01T00:00:00", end: "2026-12-24T18:00:00", timezone: "Europe/Berlin" },
    });
    expect(parsed.schedule).toEqual({ start: "2026-12-01T00:00:00", end: "2026-12-24T18:00:00", timezone: "Europe/Berlin" });
    const reversed = {
      ...specExample,
      schedule: { start: "2026-12-01T01:00:00", end: "2026-12-01T00:30:00+01:00", timezone: "Europe/Berlin" },
    };
    expect(fieldOf(reversed)).toBe("schedule.end");
  });

  it.each([
    ["an unknown field", { ...specExample, colour: "red" }, "colour"],
    ["a missing name", { ...specExample, name: undefined }, "name"],
    ["an unknown placement", { ...specExample, placement: "footer" }, "placement"],
    [
      "weights not summing to 100",
      { ...specExample, variants: [{ ...specExample.variants[0], weight: 60 }, specExample.variants[1]] },
      "variants",
    ],
    [
      "a duplicate variant id",
      { ...specExample, variants: [specExample.variants[0], { ...specExample.variants[1], id: "a" }] },
      "variants[1].id",
    ],
    ["a holdout over 50%", { ...specExample, holdout: 0.6 }, "holdout"],
    [
      "a javascript: CTA",
      { ...specExample, variants: [{ id: "a", weight: 100, content: { cta: { label: "x", url: "javascript:alert(1)" } } }] },
      "variants[0].content.cta.url",
    ],
    [
      "a data: image",
      { ...specExample, variants: [{ id: "a", weight: 100, content: { image_url: "data:image/svg+xml,<svg onload=alert(1)>" } }] },
      "variants[0].content.image_url",
    ],
    [
      "raw HTML as a content field",
      { ...specExample, variants: [{ id: "a", weight: 100, content: { html: "<b>x</b>" } }] },
      "variants[0].content.html",
    ],
    [
      "an oversized body",
      { ...specExample, variants: [{ id: "a", weight: 100, content: { body: "x".repeat(2001) } }] },
      "variants[0].content.body",
    ],
    [
      "an unknown audience path",
      { ...specExample, audience: { all: [{ attr: "cart.colour", op: "eq", value: "red" }] } },
      "audience.all[0].attr",
    ],
    ["a bad operator value", { ...specExample, audience: { attr: "cart.value", op: "between", value: [5] } }, "audience.value"],
    [
      "a schedule ending before it starts",
      { ...specExample, schedule: { start: "2026-12-02T00:00:00Z", end: "2026-12-01T00:00:00Z", timezone: "UTC" } },
      "schedule.end",
    ],
    ["an unknown time zone", { ...specExample, schedule: { start: null, end: null, timezone: "Mars/Base" } }, "schedule.timezone"],
  ])("refuses %s, naming the field", (_name, input, field) => {
    expect(fieldOf(input)).toBe(field);
  });
});
