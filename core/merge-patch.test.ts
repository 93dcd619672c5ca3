import { describe, expect, it } from "vitest";
import { mergePatch } from "./merge-patch";

/** RFC 7396 appendix A examples that involve no null member ([target, patch, result]). */
const RFC_VECTORS: [unknown, unknown, unknown][] = [
  [{ a: "b" }, { a: "c" }, { a: "c" }],
  [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
  [{ a: ["b"] }, { a: "c" }, { a: "c" }],
  [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
  [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
  [
    ["a", "b"],
    ["c", "d"],
    ["c", "d"],
  ],
  [{ a: "b" }, ["c"], ["c"]],
  [{ a: "foo" }, "bar", "bar"],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: "b" }, { a: "b" }],
  [{}, { a: { bb: { ccc: "d" } } }, { a: { bb: { ccc: "d" } } }],
];

describe("JSON merge patch", () => {
  it.each(RFC_VECTORS)("%j patched with %j is %j", (target, patch, result) => {
    expect(mergePatch(target, patch)).toEqual(result);
  });

  it("nested objects merge key by key; keys the patch does not name keep their values", () => {
    const settings = {
      timezone: "Europe/Paris",
      quiet_hours: { start: "21:00", end: "08:00" },
      channels: { email: { from: "a@shop.example" }, sms: null },
    };
    expect(mergePatch(settings, { quiet_hours: { end: "07:30" }, channels: { sms: { provider: "x" } } })).toEqual({
      timezone: "Europe/Paris",
      quiet_hours: { start: "21:00", end: "07:30" },
      channels: { email: { from: "a@shop.example" }, sms: { provider: "x" } },
    });
  });

  it("a null in the patch clears the value it names", () => {
    const result = mergePatch({ quiet_hours: { start: "21:00", end: "08:00" }, timezone: "UTC" }, { quiet_hours: null });
    expect(result).toEqual({ quiet_hours: null, timezone: "UTC" });
  });

  it("an empty patch changes nothing", () => {
    expect(mergePatch({ a: 1, b: { c: 2 } }, {})).toEqual({ a: 1, b: { c: 2 } });
  });

  it("the target is not modified", () => {
    const target = { a: 1, b: { c: 2, d: [1, 2] } };
    mergePatch(target, { a: 2, b: { c: 3, d: [3] } });
    expect(target).toEqual({ a: 1, b: { c: 2, d: [1, 2] } });
  });

  it("a __proto__ key in a patch never pollutes Object.prototype", () => {
    const patch: unknown = JSON.parse(`{"__proto__":{"polluted":true},"a":{"__proto__":{"polluted":true}}}`);
    mergePatch({ a: {} }, patch);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
