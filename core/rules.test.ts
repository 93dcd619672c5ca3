import { describe, expect, it } from "vitest";
import { compileRule } from "./compiled-rules";
import { emptyProfile } from "./profile";
import { toApiProfile } from "./profile-view";
import { evaluateRule, isKnownPath, resolvePath, staticPaths, validateRule, type Rule } from "./rules";
import vectors from "./rules.vectors.json";

interface EvaluateCase {
  name: string;
  rule: unknown;
  profile?: unknown;
  context?: unknown;
  match: boolean;
}
interface InvalidCase {
  name: string;
  rule: unknown;
  field: string;
  code: string;
}

describe("audience rules (JSON vectors)", () => {
  it.each((vectors.evaluate as EvaluateCase[]).map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(validateRule(c.rule, "audience")).toBeNull();
    const result = evaluateRule(c.rule as Rule, { profile: c.profile ?? {}, context: c.context ?? {} });
    expect(result.match).toBe(c.match);
    expect(result.reason.length).toBeGreaterThan(0);
  });

  it.each((vectors.evaluate as EvaluateCase[]).map((c) => [c.name, c] as const))("compiled: %s", (_name, c) => {
    const subject = { profile: c.profile ?? {}, context: c.context ?? {} };
    expect(compileRule(c.rule as Rule)(subject)).toBe(c.match);
  });

  it.each((vectors.invalid as InvalidCase[]).map((c) => [c.name, c] as const))("refuses %s with its field", (_name, c) => {
    const problem = validateRule(c.rule, "audience");
    expect(problem).toMatchObject({ status: 400, code: c.code, field: c.field });
  });
});

describe("rule limits and reasons", () => {
  it("refuses more conditions than the limit", () => {
    const rule = { any: Array.from({ length: 51 }, () => ({ attr: "lifecycle", op: "eq", value: "x" })) };
    expect(validateRule(rule, "audience")?.field).toBe("audience.any[50]");
  });

  it("names the deciding condition in the reason", () => {
    const rule: Rule = {
      all: [
        { attr: "cart.value", op: "gte", value: 30 },
        { attr: "engagement", op: "eq", value: "gold" },
      ],
    };
    const result = evaluateRule(rule, { profile: { cart: { value: 40 }, engagement: "bronze" }, context: {} });
    expect(result).toEqual({ match: false, reason: 'engagement eq "gold": "bronze" → false' });
  });

  it.each([
    ["cart.value", true],
    ["views.category.shoes", true],
    ["traits.first_name", true],
    ["context.utm.source", true],
    ["cart", false],
    ["context.cookie", false],
    ["__proto__", false],
  ])("knows whether %s is a path (%s)", (path, known) => {
    expect(isKnownPath(path)).toBe(known);
  });
});

describe("bounded evaluation", () => {
  const reviews: Rule = { attr: "context.url", op: "matches", value: "*/category/*/product/*/reviews" };
  const longUrl = `https://shop.example${"/category/product".repeat(3_600)}`;

  it("the pattern that once stalled the runtime decides a 60 KB url at once", () => {
    expect(longUrl.length).toBeGreaterThan(60_000);
    const started = performance.now();
    expect(evaluateRule(reviews, { profile: {}, context: { url: `${longUrl}/review` } }).match).toBe(false);
    expect(evaluateRule(reviews, { profile: {}, context: { url: `${longUrl}/reviews` } }).match).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("a reason quotes a long value shortened", () => {
    const { reason } = evaluateRule(reviews, { profile: {}, context: { url: longUrl } });
    expect(reason.length).toBeLessThan(400);
    expect(reason).toContain("…");
  });
});

describe("every path of the profile", () => {
  const now = Date.parse("2026-11-27T12:00:00Z");
  const state = emptyProfile("p", now - 40 * 24 * 60 * 60 * 1000);
  state.identifiers = { anonymous_ids: ["d"], email: "a@example.com", customer_id: "c", phone: "+4915112345678" };
  state.cart = { items: [{ item_id: "x", price: 1 }], value: 1, currency: "EUR", updated_at: now };
  state.orders = {
    count: 2,
    revenue: 20,
    first_at: now - 30 * 86_400_000,
    last_at: now - 86_400_000,
    items: { x: 1 },
    recent: [
      { transaction_id: "t2", at: now - 86_400_000, value: 10, currency: "EUR" },
      { transaction_id: "t1", at: now - 30 * 86_400_000, value: 10, currency: "EUR" },
    ],
  };
  const profile = toApiProfile(state, "implied", now);
  const context = {
    url: "https://s.example/p",
    path: "/p",
    referrer: "https://r.example",
    device: "mobile",
    locale: "de",
    utm: { source: "a", medium: "b", campaign: "c", term: "d", content: "e" },
  };

  it.each(staticPaths().map((path) => [path]))("%s names a value of the profile or the context", (path) => {
    const value = resolvePath({ profile, context }, path);
    expect(value).not.toBeUndefined();
  });
});
