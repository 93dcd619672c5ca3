import { describe, expect, it } from "vitest";
import { backoff } from "./backoff";

describe("backoff", () => {
  it("doubles from 1 s, half to all of it (jitter)", () => {
    expect([0, 1, 2, 3].map((n) => backoff(n, 1))).toEqual([1000, 2000, 4000, 8000]);
    expect([0, 1, 2, 3].map((n) => backoff(n, 0))).toEqual([500, 1000, 2000, 4000]);
  });

  it("waits at most 5 minutes", () => {
    expect(backoff(30, 1)).toBe(300_000);
    expect(backoff(1000, 1)).toBe(300_000);
  });

  it("stays within its bounds with real randomness", () => {
    for (let n = 0; n < 20; n++) {
      const wait = backoff(n);
      expect(wait).toBeGreaterThanOrEqual(Math.min(300_000, 1000 * 2 ** n) / 2);
      expect(wait).toBeLessThanOrEqual(Math.min(300_000, 1000 * 2 ** n));
    }
  });
});
