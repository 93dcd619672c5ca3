import { describe, expect, it } from "vitest";
import { isValidOriginPattern, originMatcher } from "./origins";

/** [pattern, origin, allowed] */
const VECTORS: [string, string, boolean][] = [
  // exact origins
  ["https://shop.example", "https://shop.example", true],
  ["https://shop.example", "https://www.shop.example", false],
  ["https://shop.example", "https://shop.example.evil.com", false],
  ["https://shop.example", "https://evilshop.example", false],
  ["https://shop.example", "http://shop.example", false],
  ["https://shop.example", "https://shop.example:8443", false],
  ["https://SHOP.Example", "https://shop.example", true],
  ["https://shop.example:8443", "https://shop.example:8443", true],
  ["https://shop.example:8443", "https://shop.example", false],
  // any port
  ["http://localhost:*", "http://localhost:3000", true],
  ["http://localhost:*", "http://localhost:8787", true],
  ["http://localhost:*", "http://localhost", true],
  ["http://localhost:*", "https://localhost:3000", false],
  ["http://localhost:*", "http://localhost.evil.com:3000", false],
  ["http://localhost:*", "http://127.0.0.1:3000", false],
  ["http://localhost", "http://localhost:3000", false],
  ["http://[::1]:*", "http://[::1]:5173", true],
  // any subdomain
  ["https://*.shop.example", "https://www.shop.example", true],
  ["https://*.shop.example", "https://eu.checkout.shop.example", true],
  ["https://*.shop.example", "https://shop.example", false],
  ["https://*.shop.example", "https://evil-shop.example", false],
  ["https://*.shop.example", "https://wwwshop.example", false],
  ["https://*.shop.example", "https://www.shop.example.evil.com", false],
  ["https://*.shop.example", "http://www.shop.example", false],
  ["https://*.shop.example", "https://www.shop.example:8443", false],
  ["https://*.shop.example:*", "https://www.shop.example:8443", true],
  // origins that are not origins
  ["https://shop.example", "https://shop.example/", false],
  ["https://shop.example", "https://shop.example/path", false],
  ["https://shop.example", "null", false],
  ["https://shop.example", "", false],
  ["https://shop.example", "shop.example", false],
  ["https://shop.example", "https://user@shop.example", false],
  // patterns that are not patterns never match
  ["*", "https://shop.example", false],
  ["https://shop.example/", "https://shop.example", false],
  ["shop.example", "https://shop.example", false],
  ["https://*", "https://shop.example", false],
  ["ftp://shop.example", "ftp://shop.example", false],
  // a wildcard over a public suffix, even if stored before the rule, matches nothing
  ["https://*.com", "https://evil.com", false],
  ["https://*.co.uk", "https://shop.co.uk", false],
  ["https://*.github.io", "https://alice.github.io", false],
  // a wildcard on a registrable domain under a public suffix
  ["https://*.myshop.co.uk", "https://www.myshop.co.uk", true],
  ["https://*.myshop.co.uk", "https://www.othershop.co.uk", false],
  ["https://*.alice.github.io", "https://docs.alice.github.io", true],
  ["https://alice.github.io", "https://alice.github.io", true],
  ["https://alice.github.io", "https://bob.github.io", false],
  ["http://127.0.0.1:*", "http://127.0.0.1:3000", true],
];

describe("allowed origins", () => {
  it.each(VECTORS)("pattern %s, origin %j → %s", (pattern, origin, allowed) => {
    expect(originMatcher([pattern])(origin)).toBe(allowed);
  });

  it("an origin is allowed when any pattern of the list matches", () => {
    const patterns = ["https://shop.example", "https://*.shop.example", "http://localhost:*"];
    expect(originMatcher(patterns)("http://localhost:5173")).toBe(true);
    expect(originMatcher(patterns)("https://m.shop.example")).toBe(true);
    expect(originMatcher(patterns)("https://other.example")).toBe(false);
  });

  it("an empty list allows no origin", () => {
    expect(originMatcher([])("https://shop.example")).toBe(false);
  });
});

describe("origin pattern validity", () => {
  const valid: [string][] = [
    ["https://shop.example"],
    ["https://*.shop.example"],
    ["https://*.eu.shop.example"],
    ["http://localhost:*"],
    ["http://localhost:8787"],
    ["http://127.0.0.1:*"],
    ["http://[::1]:*"],
    ["http://shop.localhost:*"],
    ["http://devbox:3000"],
    ["https://shop.example:65535"],
    ["https://*.myshop.co.uk"],
    ["https://*.myshop.com"],
    ["https://*.alice.github.io"],
    ["https://alice.github.io"],
    ["https://*.shop.xn--p1ai"],
  ];
  it.each(valid)("%s is a valid pattern", (pattern) => {
    expect(isValidOriginPattern(pattern)).toBe(true);
  });

  const invalid: [string][] = [
    ["*"],
    ["https://shop.example/"],
    ["shop.example"],
    ["https://*"],
    ["ftp://shop.example"],
    ["https://shop.example:99999x"],
    ["https://shop.example:65536"],
    ["https://sh op.example"],
    ["https://shop.example."],
    ["https://shop..example"],
    ["https://.shop.example"],
  ];
  it.each(invalid)("%j is not a valid pattern", (pattern) => {
    expect(isValidOriginPattern(pattern)).toBe(false);
  });

  const wildcardsWithoutASite: [string][] = [
    ["https://*.com"],
    ["https://*.COM"],
    ["https://*.com:*"],
    ["https://*.co.uk"],
    ["https://*.xn--p1ai"],
    ["https://*.github.io"],
    ["https://*.blogspot.com"],
    ["https://*.example"],
    ["http://*.localhost:*"],
    ["http://*.127.0.0.1:*"],
    ["http://*.[::1]:*"],
  ];
  it.each(wildcardsWithoutASite)("%s is refused: its wildcard does not sit on a registrable domain", (pattern) => {
    expect(isValidOriginPattern(pattern)).toBe(false);
  });

  const barePublicSuffixes: [string][] = [["https://com"], ["https://co.uk"], ["https://github.io"], ["http://blogspot.com:*"]];
  it.each(barePublicSuffixes)("%s is refused: its host is a public suffix, no one site", (pattern) => {
    expect(isValidOriginPattern(pattern)).toBe(false);
  });
});
