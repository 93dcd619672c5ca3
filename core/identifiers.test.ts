import { describe, expect, it } from "vitest";
import {
  isValidAnonymousId,
  isValidEmail,
  normalizeCustomerId,
  normalizeEmail,
  normalizeIdentifier,
  normalizePhone,
  parseProfileKey,
  strongestIdentifier,
  type ProfileKeyResult,
} from "./identifiers";
import type { Identifier } from "./types";

describe("anonymous ids", () => {
  const accepted: [string, string][] = [
    ["a single character", "a"],
    ["a uuid", "3f2504e0-4f89-41d3-9a0c-0305e82c3301"],
    ["letters, digits and ._:-", "Ab9._:-z"],
    ["exactly 128 characters", "x".repeat(128)],
    ["a GA client id", "GA1.2.1234567890.1700000000"],
  ];
  it.each(accepted)("accepts %s", (_label, value) => {
    expect(isValidAnonymousId(value)).toBe(true);
    expect(normalizeIdentifier("anonymous_id", value)).toEqual({ kind: "anonymous_id", value });
  });

  const refused: [string, string][] = [
    ["the empty string", ""],
    ["the string null", "null"],
    ["the string undefined", "undefined"],
    ["null in capitals", "NULL"],
    ["undefined in mixed case", "Undefined"],
    ["129 characters", "x".repeat(129)],
    ["a space", "abc def"],
    ["a slash", "abc/def"],
    ["an at sign", "ann@example.com"],
    ["a non-ascii letter", "café"],
    ["a trailing newline", "abc\n"],
  ];
  it.each(refused)("refuses %s", (_label, value) => {
    expect(isValidAnonymousId(value)).toBe(false);
    expect(normalizeIdentifier("anonymous_id", value)).toBeNull();
  });
});

describe("emails", () => {
  it("are normalized by trimming and lowercasing", () => {
    expect(normalizeEmail("  Ann.Smith@Example.COM \n")).toBe("ann.smith@example.com");
    expect(normalizeIdentifier("email", " ANN@example.com ")).toEqual({ kind: "email", value: "ann@example.com" });
  });

  it.each([["ann@example.com"], ["a+tag@sub.example.co.uk"]])("%s is a valid email", (value) => {
    expect(isValidEmail(value)).toBe(true);
  });

  it.each([["ann"], ["ann@example"], ["@example.com"], ["ann smith@example.com"], [`${"a".repeat(250)}@example.com`]])(
    "%s is not a valid email",
    (value) => {
      expect(isValidEmail(value)).toBe(false);
      expect(normalizeIdentifier("email", value)).toBeNull();
    },
  );
});

describe("phone numbers", () => {
  const vectors: [string, string | null][] = [
    ["+14155552671", "+14155552671"],
    ["+1 (415) 555-2671", "+14155552671"],
    ["+44 20 7946 0958", "+442079460958"],
    ["0049 30 123456", "+4930123456"],
    ["  +33.1.23.45.67.89  ", "+33123456789"],
    ["4155552671", null],
    ["+0123456789", null],
    ["+123456", null],
    ["+1234567", "+1234567"],
    ["+123456789012345", "+123456789012345"],
    ["+1234567890123456", null],
    ["+1 415 CALL NOW", null],
    ["", null],
  ];
  it.each(vectors)("%j normalizes to E.164 %j", (raw, expected) => {
    expect(normalizePhone(raw)).toBe(expected);
    expect(normalizeIdentifier("phone", raw)).toEqual(expected === null ? null : { kind: "phone", value: expected });
  });
});

describe("customer ids", () => {
  it("numbers and padded strings become trimmed strings", () => {
    expect(normalizeCustomerId(42)).toBe("42");
    expect(normalizeCustomerId("  c-42 ")).toBe("c-42");
  });

  it("an empty or overlong customer id is refused", () => {
    expect(normalizeIdentifier("customer_id", "   ")).toBeNull();
    expect(normalizeIdentifier("customer_id", "x".repeat(257))).toBeNull();
    expect(normalizeIdentifier("customer_id", "x".repeat(256))).toEqual({ kind: "customer_id", value: "x".repeat(256) });
  });
});

describe("profile keys", () => {
  const vectors: [string, ProfileKeyResult][] = [
    ["email:Ann@Example.com", { ok: true, identifier: { kind: "email", value: "ann@example.com" } }],
    ["customer_id:42", { ok: true, identifier: { kind: "customer_id", value: "42" } }],
    ["anonymous_id:abc-123", { ok: true, identifier: { kind: "anonymous_id", value: "abc-123" } }],
    ["anonymous_id:GA1.2:3", { ok: true, identifier: { kind: "anonymous_id", value: "GA1.2:3" } }],
    ["phone:+1 415 555 2671", { ok: true, identifier: { kind: "phone", value: "+14155552671" } }],
    ["email:", { ok: false, reason: "invalid_value" }],
    ["email:not-an-email", { ok: false, reason: "invalid_value" }],
    ["anonymous_id:null", { ok: false, reason: "invalid_value" }],
    ["phone:12345", { ok: false, reason: "invalid_value" }],
    ["ann@example.com", { ok: false, reason: "unknown_kind" }],
    [":42", { ok: false, reason: "unknown_kind" }],
    ["user_id:42", { ok: false, reason: "unknown_kind" }],
    ["Email:ann@example.com", { ok: false, reason: "unknown_kind" }],
    ["", { ok: false, reason: "unknown_kind" }],
  ];
  it.each(vectors)("%j parses to %j", (key, expected) => {
    expect(parseProfileKey(key)).toEqual(expected);
  });
});

describe("the strongest identifier", () => {
  const anon: Identifier = { kind: "anonymous_id", value: "a1" };
  const email: Identifier = { kind: "email", value: "ann@example.com" };
  const phone: Identifier = { kind: "phone", value: "+14155552671" };
  const customer: Identifier = { kind: "customer_id", value: "42" };

  it("a customer id beats an email, which beats a phone, which beats an anonymous id", () => {
    expect(strongestIdentifier([anon, phone, email, customer])).toEqual(customer);
    expect(strongestIdentifier([anon, phone, email])).toEqual(email);
    expect(strongestIdentifier([anon, phone])).toEqual(phone);
    expect(strongestIdentifier([anon])).toEqual(anon);
  });

  it("no identifier names no person", () => {
    expect(strongestIdentifier([])).toBeNull();
  });
});
