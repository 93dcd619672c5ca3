import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fail, findJsonHazard, formatPath, fromZodError, hazardFailure, joinPath, MAX_JSON_DEPTH } from "./validation";

describe("field paths", () => {
  const formats: [PropertyKey[], string][] = [
    [[], ""],
    [["events"], "events"],
    [["events", 3, "type"], "events[3].type"],
    [["events", 0, "items", 1, "price"], "events[0].items[1].price"],
    [[0, "a"], "[0].a"],
  ];
  it.each(formats)("%j is written %j", (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });

  const joins: [string, PropertyKey[], string][] = [
    ["events[2]", ["items", 0, "price"], "events[2].items[0].price"],
    ["events[2]", [], "events[2]"],
    ["", ["site"], "site"],
    ["events", [4], "events[4]"],
  ];
  it.each(joins)("%j joined with %j is %j", (prefix, path, expected) => {
    expect(joinPath(prefix, path)).toBe(expected);
  });
});

describe("failures", () => {
  it("a failure is a 400 unless told otherwise and names its field only when given", () => {
    expect(fail("bad", "Bad")).toEqual({ ok: false, error: { status: 400, code: "bad", message: "Bad" } });
    expect(fail("big", "Big", "events", 413)).toEqual({ ok: false, error: { status: 413, code: "big", message: "Big", field: "events" } });
  });

  it("a zod error becomes a failure naming the first issue's field under the prefix", () => {
    const schema = z.object({ items: z.array(z.object({ price: z.number() })) });
    const parsed = schema.safeParse({ items: [{ price: 1 }, { price: "2" }] });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const failure = fromZodError(parsed.error, "events[3]");
    expect(failure.error).toMatchObject({ status: 400, code: "invalid_request", field: "events[3].items[1].price" });
    expect(failure.error.message.startsWith("events[3].items[1].price: ")).toBe(true);
  });

  it("an unknown key of a strict object is named as the field", () => {
    const parsed = z
      .strictObject({ consent: z.strictObject({ analytics: z.boolean() }) })
      .safeParse({ consent: { analytics: true, ads: true } });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(fromZodError(parsed.error).error).toMatchObject({ field: "consent.ads", message: "consent.ads: unknown field" });
  });
});

describe("forbidden keys", () => {
  const vectors: [string, string | null][] = [
    [`{"a":1,"b":[1,{"c":null}]}`, null],
    [`{"__proto__":{"x":1}}`, "__proto__"],
    [`{"a":{"constructor":{"prototype":{}}}}`, "a.constructor"],
    [`{"a":[{"b":1},{"prototype":1}]}`, "a[1].prototype"],
    [`[{"ok":1},{"deep":{"deeper":[{"__proto__":null}]}}]`, "[1].deep.deeper[0].__proto__"],
    [`{"proto":1,"constructors":1,"__proto":1}`, null],
    [`"__proto__"`, null],
    [`{"a":"constructor"}`, null],
  ];
  it.each(vectors)("%s → %j", (json, expected) => {
    const hazard = findJsonHazard(JSON.parse(json));
    expect(hazard).toEqual(expected === null ? null : { kind: "forbidden_key", path: expected });
  });

  it("the first forbidden key in document order is reported", () => {
    expect(findJsonHazard(JSON.parse(`{"a":[{"constructor":1}],"b":{"__proto__":1}}`))).toEqual({
      kind: "forbidden_key",
      path: "a[0].constructor",
    });
  });

  it("a forbidden key becomes a 400 forbidden_key failure naming its path", () => {
    expect(hazardFailure(JSON.parse(`{"events":[{"page":{"__proto__":{}}}]}`))).toEqual({
      ok: false,
      error: {
        status: 400,
        code: "forbidden_key",
        message: "events[0].page.__proto__: this key is not allowed",
        field: "events[0].page.__proto__",
      },
    });
  });
});

describe("nesting depth", () => {
  function nested(depth: number): unknown {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { a: value } : [value];
    return value;
  }

  it(`nesting up to ${MAX_JSON_DEPTH} levels is fine`, () => {
    expect(findJsonHazard(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(hazardFailure(nested(MAX_JSON_DEPTH))).toBeNull();
  });

  it("nesting deeper than the limit is refused with the path where it went too deep", () => {
    const hazard = findJsonHazard(nested(MAX_JSON_DEPTH + 2));
    expect(hazard?.kind).toBe("too_deep");
    expect(hazardFailure(nested(MAX_JSON_DEPTH + 2))).toMatchObject({ ok: false, error: { status: 400, code: "too_deep" } });
  });

  it("a hostile body nested 100,000 levels deep is refused without exhausting the stack", () => {
    expect(findJsonHazard(nested(100_000))?.kind).toBe("too_deep");
  });
});
