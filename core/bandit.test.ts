import { beforeAll, describe, expect, it } from "vitest";
import {
  chooseAction,
  expectedValue,
  mulberry32,
  recordOutcome,
  sampleBeta,
  type ArmStats,
  type BanditState,
  type BetaPrior,
  type Random,
} from "./bandit";

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

describe("mulberry32", () => {
  it("replays the same sequence for the same seed", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
  });

  it("gives different sequences for different seeds", () => {
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });

  it("draws uniformly within [0, 1)", () => {
    const random = mulberry32(7);
    const draws = Array.from({ length: 10_000 }, () => random());
    expect(draws.every((draw) => draw >= 0 && draw < 1)).toBe(true);
    expect(mean(draws)).toBeCloseTo(0.5, 1);
  });
});

describe("sampleBeta", () => {
  it.each([
    [2, 5],
    [1, 1],
    [30, 10],
    [0.5, 0.5],
    [0.3, 2],
  ])("Beta(%d, %d) samples average to alpha / (alpha + beta) within 0.01 and stay within [0, 1]", (alpha, beta) => {
    const random = mulberry32(1234);
    const samples = Array.from({ length: 20_000 }, () => sampleBeta(alpha, beta, random));
    expect(samples.every((sample) => sample >= 0 && sample <= 1)).toBe(true);
    expect(Math.abs(mean(samples) - alpha / (alpha + beta))).toBeLessThanOrEqual(0.01);
  });

  it.each([
    [0, 1],
    [1, -1],
    [Number.NaN, 1],
    [1, Number.POSITIVE_INFINITY],
  ])("refuses Beta(%d, %d) with a RangeError", (alpha, beta) => {
    expect(() => sampleBeta(alpha, beta, mulberry32(1))).toThrow(RangeError);
  });
});

describe("expectedValue", () => {
  it.each<[string, ArmStats | undefined, BetaPrior | undefined, number]>([
    ["an unseen arm under the default prior", undefined, undefined, 0.5],
    ["3 conversions out of 4 under the default prior", { successes: 3, failures: 1 }, undefined, 4 / 6],
    ["an unseen arm under a Beta(2, 8) prior", undefined, { alpha: 2, beta: 8 }, 0.2],
    ["10 conversions out of 100 under a Beta(2, 8) prior", { successes: 10, failures: 90 }, { alpha: 2, beta: 8 }, 12 / 110],
  ])("is the posterior mean for %s", (_name, stats, prior, expected) => {
    expect(expectedValue(stats, prior)).toBeCloseTo(expected, 12);
  });
});

describe("recordOutcome", () => {
  it("counts a conversion as a success and anything else as a failure", () => {
    let state: BanditState = {};
    state = recordOutcome(state, "new", "subscribe", true);
    state = recordOutcome(state, "new", "subscribe", false);
    state = recordOutcome(state, "new", "subscribe", false);
    state = recordOutcome(state, "new", "review", true);
    expect(state).toEqual({
      new: { subscribe: { successes: 1, failures: 2 }, review: { successes: 1, failures: 0 } },
    });
  });

  it("returns a new state and leaves the given one untouched", () => {
    const before: BanditState = deepFreeze({
      vip: { reorder: { successes: 2, failures: 3 } },
      new: { subscribe: { successes: 0, failures: 1 } },
    });
    const snapshot = structuredClone(before);
    const after = recordOutcome(before, "vip", "reorder", true);
    expect(before).toEqual(snapshot);
    expect(after).not.toBe(before);
    expect(after.vip?.reorder).toEqual({ successes: 3, failures: 3 });
    expect(after.new).toEqual(snapshot.new);
  });

  it("treats ids that name Object.prototype members as ordinary arms", () => {
    const state = recordOutcome({}, "__proto__", "constructor", true);
    expect(Object.getPrototypeOf(state)).toBe(Object.prototype);
    expect(Object.hasOwn(state, "__proto__")).toBe(true);
    expect(chooseAction(state, "constructor", ["toString"], mulberry32(1)).action).toBe("toString");
  });

  it("keeps the state JSON-serializable", () => {
    const state = recordOutcome(recordOutcome({}, "new", "subscribe", true), "vip", "reorder", false);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe("chooseAction", () => {
  const ACTIONS = ["complete_purchase", "subscribe", "cross_sell", "review"] as const;

  it("makes the same choices for the same seed", () => {
    const state: BanditState = { new: { subscribe: { successes: 5, failures: 20 }, review: { successes: 2, failures: 30 } } };
    const run = (seed: number): string[] => {
      const random = mulberry32(seed);
      return Array.from({ length: 50 }, () => chooseAction(state, "new", ACTIONS, random).action);
    };
    expect(run(99)).toEqual(run(99));
    expect(run(99)).not.toEqual(run(100));
  });

  it("reports one posterior sample in [0, 1] per action", () => {
    const choice = chooseAction({}, "new", ACTIONS, mulberry32(3), { explore: 0 });
    expect(Object.keys(choice.scores)).toEqual([...ACTIONS]);
    expect(Object.values(choice.scores).every((score) => score >= 0 && score <= 1)).toBe(true);
    expect(choice.reason).toBe("thompson");
    expect(choice.scores[choice.action]).toBe(Math.max(...Object.values(choice.scores)));
  });

  it("breaks ties in favour of the first action in the list", () => {
    // A constant draw gives every unseen arm the very same sample.
    const constant: Random = () => 0.5;
    const choice = chooseAction({}, "new", ["review", "subscribe", "cross_sell"], constant);
    expect(new Set(Object.values(choice.scores)).size).toBe(1);
    expect(choice).toMatchObject({ action: "review", reason: "thompson" });
    expect(chooseAction({}, "new", ["cross_sell", "review"], constant).action).toBe("cross_sell");
  });

  it("picks an arm with a clearly better record whenever it does not explore", () => {
    const state: BanditState = {
      new: { subscribe: { successes: 900, failures: 100 }, review: { successes: 100, failures: 900 } },
    };
    const random = mulberry32(5);
    const picks = Array.from({ length: 200 }, () => chooseAction(state, "new", ["review", "subscribe"], random, { explore: 0 }));
    expect(picks.every((pick) => pick.action === "subscribe" && pick.reason === "thompson")).toBe(true);
  });

  it("lets the prior decide between unseen arms", () => {
    const random = mulberry32(8);
    const prior: BetaPrior = { alpha: 1, beta: 99 };
    const state: BanditState = { new: { subscribe: { successes: 50, failures: 50 } } };
    const picks = Array.from(
      { length: 200 },
      () => chooseAction(state, "new", ["review", "subscribe"], random, { prior, explore: 0 }).action,
    );
    expect(picks.every((action) => action === "subscribe")).toBe(true);
  });

  it("explores uniformly: each of 4 actions gets 25% ± 3 points of 10,000 draws with explore = 1", () => {
    // The best arm is overwhelmingly better, so any bias towards it would show.
    const state: BanditState = { new: { review: { successes: 1000, failures: 0 } } };
    const random = mulberry32(2024);
    const counts = new Map<string, number>(ACTIONS.map((action) => [action, 0]));
    for (let i = 0; i < 10_000; i++) {
      const choice = chooseAction(state, "new", ACTIONS, random, { explore: 1 });
      expect(choice.reason).toBe("explore");
      counts.set(choice.action, (counts.get(choice.action) ?? 0) + 1);
    }
    const shares = [...counts.values()].map((count) => count / 10_000);
    for (const share of shares) expect(Math.abs(share - 0.25)).toBeLessThanOrEqual(0.03);
    // Chi-square with 3 degrees of freedom: 16.27 is the 0.1% critical value.
    const chiSquare = [...counts.values()].reduce((sum, count) => sum + (count - 2500) ** 2 / 2500, 0);
    expect(chiSquare).toBeLessThan(16.27);
  });

  it("explores in about the configured share of decisions", () => {
    const random = mulberry32(11);
    const explored = Array.from({ length: 10_000 }, () => chooseAction({}, "new", ACTIONS, random, { explore: 0.2 })).filter(
      (choice) => choice.reason === "explore",
    ).length;
    expect(Math.abs(explored / 10_000 - 0.2)).toBeLessThanOrEqual(0.02);
  });

  it("never explores with explore = 0", () => {
    const random = mulberry32(12);
    const reasons = new Set(Array.from({ length: 1000 }, () => chooseAction({}, "new", ACTIONS, random, { explore: 0 }).reason));
    expect([...reasons]).toEqual(["thompson"]);
  });

  it("refuses an empty action list", () => {
    expect(() => chooseAction({}, "new", [], mulberry32(1))).toThrow(RangeError);
  });

  it.each([-0.1, 1.5, Number.NaN])("refuses explore = %d", (explore) => {
    expect(() => chooseAction({}, "new", ACTIONS, mulberry32(1), { explore })).toThrow(RangeError);
  });

  it("refuses a prior that is not positive", () => {
    expect(() => chooseAction({}, "new", ACTIONS, mulberry32(1), { prior: { alpha: 0, beta: 1 } })).toThrow(RangeError);
  });

  it("keeps segments independent: learning in vip does not change choices in new", () => {
    let trained: BanditState = {};
    for (let i = 0; i < 500; i++) trained = recordOutcome(trained, "vip", "review", true);
    for (let i = 0; i < 500; i++) trained = recordOutcome(trained, "vip", "subscribe", false);
    expect(trained.new).toBeUndefined();
    const decide = (state: BanditState): { action: string; scores: Record<string, number> }[] => {
      const random = mulberry32(77);
      return Array.from({ length: 200 }, () => {
        const { action, scores } = chooseAction(state, "new", ACTIONS, random);
        return { action, scores };
      });
    };
    expect(decide(trained)).toEqual(decide({}));
    // While vip itself has learned to prefer review.
    const random = mulberry32(78);
    const vipPicks = Array.from({ length: 200 }, () => chooseAction(trained, "vip", ACTIONS, random, { explore: 0 }).action);
    expect(vipPicks.filter((action) => action === "review").length).toBeGreaterThanOrEqual(190);
  });
});

describe("simulation with known conversion rates", () => {
  const RATES: Record<string, number> = { cross_sell: 0.02, subscribe: 0.05, review: 0.08, complete_purchase: 0.12 };
  const ACTIONS = Object.keys(RATES);
  const BEST = "complete_purchase";
  const ROUNDS = 5_000;
  const LAST = 1_000;
  const SEEDS = [1, 2, 3, 4, 5];

  interface Run {
    seed: number;
    bestShareLast: number;
    conversions: number;
    expectedConversions: number;
    uniformConversions: number;
    uniformExpectedConversions: number;
  }

  function rate(action: string): number {
    return RATES[action] ?? 0;
  }

  /** Each round: choose, draw the outcome from the true rate, record. The uniform policy gets its own draws. */
  function simulate(seed: number): Run {
    const policyRandom = mulberry32(seed);
    const outcomeRandom = mulberry32(seed + 1_000);
    const uniformRandom = mulberry32(seed + 2_000);
    const uniformOutcomeRandom = mulberry32(seed + 3_000);
    let state: BanditState = {};
    let bestLast = 0;
    let conversions = 0;
    let expectedConversions = 0;
    let uniformConversions = 0;
    let uniformExpectedConversions = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { action } = chooseAction(state, "all", ACTIONS, policyRandom);
      const converted = outcomeRandom() < rate(action);
      state = recordOutcome(state, "all", action, converted);
      if (converted) conversions += 1;
      expectedConversions += rate(action);
      if (round >= ROUNDS - LAST && action === BEST) bestLast += 1;

      const uniform = ACTIONS[Math.floor(uniformRandom() * ACTIONS.length)] ?? BEST;
      if (uniformOutcomeRandom() < rate(uniform)) uniformConversions += 1;
      uniformExpectedConversions += rate(uniform);
    }
    return { seed, bestShareLast: bestLast / LAST, conversions, expectedConversions, uniformConversions, uniformExpectedConversions };
  }

  let runs: Run[] = [];
  beforeAll(() => {
    runs = SEEDS.map(simulate);
  });

  it("chooses the best action in at least 80% of the last 1,000 of 5,000 rounds, for every seed", () => {
    for (const run of runs) expect(run.bestShareLast, `seed ${run.seed}`).toBeGreaterThanOrEqual(0.8);
  });

  it("converts more than a uniform choice over the same rounds, averaged over 5 seeds", () => {
    expect(mean(runs.map((run) => run.conversions))).toBeGreaterThan(mean(runs.map((run) => run.uniformConversions)));
    expect(mean(runs.map((run) => run.expectedConversions))).toBeGreaterThan(mean(runs.map((run) => run.uniformExpectedConversions)));
  });
});
