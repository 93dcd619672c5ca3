/**
 * The statistics of results: conversion rates and 95% intervals for one rate (Wilson score) and
 * for the difference of two independent rates (Newcomb's hybrid score interval). Score intervals
 * behave at 0/n and n/n and with small samples, where the textbook normal approximation gives
 * zero-width or out-of-range intervals.
 */

/** The normal quantile for a two-sided 95% interval. */
export const Z_95 = 1.959964;

/** A count of successes among trials (converting people among people). */
export interface Proportion {
  successes: number;
  trials: number;
}

export type Interval = [low: number, high: number];

/** successes / trials; 0 when there were no trials (a rate of nobody is shown as zero, not NaN). */
export function conversionRate({ successes, trials }: Proportion): number {
  return trials > 0 ? successes / trials : 0;
}

/**
 * Counts net of reversals can fall outside 0..trials for a while (a refund counted before its
 * order reached the report); the interval is computed on the nearest possible proportion.
 */
function clampedRate({ successes, trials }: Proportion): number {
  return Math.min(Math.max(successes / trials, 0), 1);
}

/** Wilson's score interval for one proportion; null without trials (nothing to estimate). */
export function wilsonInterval(proportion: Proportion, z = Z_95): Interval | null {
  const n = proportion.trials;
  if (!(n > 0)) return null;
  const p = clampedRate(proportion);
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, center - halfWidth), Math.min(1, center + halfWidth)];
}

/** A difference of two rates with its interval. */
export interface RateDifference {
  /** rate(a) − rate(b). */
  difference: number;
  interval: Interval;
}

/**
 * Newcomb's hybrid score interval for rate(a) − rate(b) of independent samples (Newcomb 1998,
 * "Interval estimation for the difference between independent proportions", method 10): each
 * side's Wilson limits combined by the square-and-add rule. Null when a side has no trials.
 */
export function newcombDifference(a: Proportion, b: Proportion, z = Z_95): RateDifference | null {
  const intervalA = wilsonInterval(a, z);
  const intervalB = wilsonInterval(b, z);
  if (!intervalA || !intervalB) return null;
  const pA = clampedRate(a);
  const pB = clampedRate(b);
  const [lowA, highA] = intervalA;
  const [lowB, highB] = intervalB;
  const difference = pA - pB;
  const low = difference - Math.sqrt((pA - lowA) ** 2 + (highB - pB) ** 2);
  const high = difference + Math.sqrt((highA - pA) ** 2 + (pB - lowB) ** 2);
  return { difference, interval: [low, high] };
}

/** Rounds to a fixed number of decimals for display (rates, intervals), without −0. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return rounded === 0 ? 0 : rounded;
}
