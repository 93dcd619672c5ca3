import { describe, expect, it } from "vitest";
import { compileGlob, globMatches, matchesGlob } from "./glob";

/** The former implementation, as the reference for the semantics (only ever fed short strings here). */
function regexMatches(value: string, pattern: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`).test(value);
}

/** A small deterministic generator, so that a failing case can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

function randomString(random: () => number, alphabet: readonly string[], maxLength: number): string {
  const length = Math.floor(random() * (maxLength + 1));
  return Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
}

describe("glob patterns", () => {
  it("a pattern compiles to the literal segments between its stars", () => {
    expect(compileGlob("*/category/*/reviews").segments).toEqual(["", "/category/", "/reviews"]);
    expect(compileGlob("https://shop.example/").segments).toEqual(["https://shop.example/"]);
  });

  it.each([
    ["https://shop.example/*", "https://shop.example/a/b", true],
    ["https://shop.example/*", "http://shop.example/a", false],
    ["*", "", true],
    ["", "", true],
    ["", "a", false],
    ["a*a", "a", false],
    ["a*a", "aa", true],
    ["*.html", "/index.html", true],
    ["*.html", "/indexXhtml", false],
  ])("%j against %j is %s", (pattern, value, expected) => {
    expect(matchesGlob(value, pattern)).toBe(expected);
  });

  it("agrees with the former regular expression on 5,000 generated cases", () => {
    const random = seededRandom(7);
    const disagreements: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      const pattern = randomString(random, ["a", "b", "*", "/", "\n", "."], 6);
      const value = randomString(random, ["a", "b", "/", "\n", "."], 8);
      if (globMatches(value, compileGlob(pattern)) !== regexMatches(value, pattern))
        disagreements.push(`${JSON.stringify(pattern)} against ${JSON.stringify(value)}`);
    }
    expect(disagreements).toEqual([]);
  });
});

describe("glob matching is bounded", () => {
  // The pattern and input that took the former regular expression 13 s at 20 KB (cubic time).
  const pattern = "*/category/*/product/*/reviews";
  const nearMiss = `https://shop.example${"/category/product".repeat(3_600)}/review`;

  it("the pathological pattern against 60 KB that almost matches answers false at once", () => {
    expect(nearMiss.length).toBeGreaterThan(60_000);
    const started = performance.now();
    expect(matchesGlob(nearMiss, pattern)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("the pathological pattern against 60 KB that matches answers true at once", () => {
    const started = performance.now();
    expect(matchesGlob(`${nearMiss}s`, pattern)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("a middle segment missing from 60 KB that ends right is looked for once", () => {
    const value = `https://shop.example${"/category/x".repeat(5_500)}/reviews`;
    const started = performance.now();
    expect(matchesGlob(value, pattern)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("a pattern of many stars against 60 KB of one repeated character stays fast", () => {
    const value = "a".repeat(60_000);
    const started = performance.now();
    expect(matchesGlob(value, `${"*a".repeat(200)}*b`)).toBe(false);
    expect(matchesGlob(value, `${"*a".repeat(200)}*`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
