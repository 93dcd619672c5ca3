import { describe, expect, it } from "vitest";
import { conversionRate, newcombDifference, roundTo, wilsonInterval } from "./stats";

const at4 = (values: readonly number[]) => values.map((value) => roundTo(value, 4));

describe("conversion rate", () => {
  it("is converting people over people", () => {
    expect(conversionRate({ successes: 3, trials: 12 })).toBe(0.25);
  });

  it("is zero when nobody was counted", () => {
    expect(conversionRate({ successes: 0, trials: 0 })).toBe(0);
  });
});

describe("Wilson score interval", () => {
  // Newcomb R.G. (1998) "Two-sided confidence intervals for the single proportion: comparison
  // of seven methods", Statistics in Medicine 17:857-872, Table I, method 3 (score, no correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])("matches Newcomb's published interval for %i/%i", (successes, trials, low, high) => {
    const interval = wilsonInterval({ successes, trials });
    expect(interval && at4(interval)).toEqual([low, high]);
  });

  it("reaches 1 exactly when everyone converted, and stays inside 0..1", () => {
    expect(at4(wilsonInterval({ successes: 10, trials: 10 }) ?? [])).toEqual([0.7225, 1]);
  });

  it("has no interval without trials", () => {
    expect(wilsonInterval({ successes: 0, trials: 0 })).toBeNull();
  });

  it("treats net counts outside 0..trials as the nearest possible proportion", () => {
    expect(wilsonInterval({ successes: -1, trials: 20 })).toEqual(wilsonInterval({ successes: 0, trials: 20 }));
    expect(wilsonInterval({ successes: 21, trials: 20 })).toEqual(wilsonInterval({ successes: 20, trials: 20 }));
  });
});

describe("Newcomb's hybrid score interval for a difference of proportions", () => {
  // Newcomb R.G. (1998) "Interval estimation for the difference between independent
  // proportions: comparison of eleven methods", Statistics in Medicine 17:873-890, Table II,
  // method 10; each row also checked by hand from the Wilson limits of both sides.
  it.each([
    [56, 70, 48, 80, 0.2, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.6, 0.1705, 0.809],
    [6, 7, 2, 7, 0.5714, 0.0582, 0.8062],
    [5, 56, 0, 29, 0.0893, -0.0381, 0.1926],
    [0, 10, 0, 20, 0, -0.1611, 0.2775],
    [0, 10, 0, 10, 0, -0.2775, 0.2775],
    [10, 10, 0, 20, 1, 0.6791, 1],
    [10, 10, 0, 10, 1, 0.6075, 1],
  ])("matches Table II for %i/%i against %i/%i", (a, n, b, m, difference, low, high) => {
    const result = newcombDifference({ successes: a, trials: n }, { successes: b, trials: m });
    expect(result && roundTo(result.difference, 4)).toBe(difference);
    expect(result && at4(result.interval)).toEqual([low, high]);
  });

  it("mirrors when the sides swap", () => {
    const forward = newcombDifference({ successes: 9, trials: 10 }, { successes: 3, trials: 10 });
    const backward = newcombDifference({ successes: 3, trials: 10 }, { successes: 9, trials: 10 });
    expect(backward && at4([backward.difference, ...backward.interval])).toEqual(
      forward && at4([-forward.difference, -forward.interval[1], -forward.interval[0]]),
    );
  });

  it("has no interval when either side has nobody", () => {
    expect(newcombDifference({ successes: 0, trials: 0 }, { successes: 3, trials: 10 })).toBeNull();
    expect(newcombDifference({ successes: 3, trials: 10 }, { successes: 0, trials: 0 })).toBeNull();
  });
});

describe("rounding for display", () => {
  it("keeps the asked decimals and never answers minus zero", () => {
    expect(roundTo(0.123456, 4)).toBe(0.1235);
    expect(Object.is(roundTo(-0.00001, 4), 0)).toBe(true);
  });
});
