import { describe, expect, it } from "vitest";
import { evaluateRule, isKnownPath, validateRule, type Rule } from "./rules";
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
    const rule: Rule = { all: [{ attr: "cart.value", op: "gte", value: 30 }, { attr: "engagement", op: "eq", value: "gold" }] };
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
