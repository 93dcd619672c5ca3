import { describe, expect, it } from "vitest";
import { parseRetryAfter, retryAt } from "./retry";

const NOW = Date.parse("2026-05-01T12:00:00Z");
const MINUTE = 60_000;

describe("Retry-After", () => {
  it("reads delta-seconds", () => {
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", NOW)).toBe(0);
  });

  it("reads an HTTP-date as the time left until it", () => {
    expect(parseRetryAfter("Fri, 01 May 2026 12:10:00 GMT", NOW)).toBe(10 * MINUTE);
    expect(parseRetryAfter("Friday, 01-May-26 12:10:00 GMT", NOW)).toBe(10 * MINUTE);
    expect(parseRetryAfter("Fri May  1 12:10:00 2026", NOW)).toBe(10 * MINUTE);
  });

  it("reads a date in the past as no wait", () => {
    expect(parseRetryAfter("Fri, 01 May 2026 11:00:00 GMT", NOW)).toBe(0);
  });

  it("ignores an absent or garbled header", () => {
    expect(parseRetryAfter(null, NOW)).toBeNull();
    for (const garbage of ["", "soon", "-5", "1.5", "2026-05-01T12:10:00Z", "Fri, 99 May 2026 12:10:00 GMT"]) {
      expect(parseRetryAfter(garbage, NOW)).toBeNull();
    }
  });
});

describe("retry backoff", () => {
  it("doubles from one minute with each attempt", () => {
    expect([1, 2, 3, 4].map((attempt) => retryAt(attempt, null, NOW) - NOW)).toEqual([1, 2, 4, 8].map((m) => m * MINUTE));
  });

  it("waits at most an hour on its own", () => {
    expect(retryAt(12, null, NOW) - NOW).toBe(60 * MINUTE);
  });

  it("honours a longer Retry-After", () => {
    expect(retryAt(1, "600", NOW) - NOW).toBe(10 * MINUTE);
  });

  it("keeps its own backoff when Retry-After asks for less", () => {
    expect(retryAt(3, "5", NOW) - NOW).toBe(4 * MINUTE);
  });

  it("caps Retry-After at six hours", () => {
    expect(retryAt(1, String(3 * 24 * 3600), NOW) - NOW).toBe(6 * 60 * MINUTE);
  });
});
