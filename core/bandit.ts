/**
 * Next-best-action as a Bernoulli bandit: Thompson sampling over Beta posteriors, kept per segment
 * and action, so each audience learns its own best step. State is plain data (counts only); the
 * caller stores it per shop and injects the randomness, which keeps every decision reproducible.
 */

export interface ArmStats {
  successes: number;
  failures: number;
}

/** Segment key → action id → outcome counts. A missing arm has seen nothing and falls back to the prior. */
export type BanditState = Record<string, Record<string, ArmStats>>;

/** A uniform draw in [0, 1). Injected so that tests and simulations are deterministic. */
export type Random = () => number;

export interface BetaPrior {
  alpha: number;
  beta: number;
}

export interface ChooseOptions {
  /** Pseudo-counts added to every arm; Beta(1, 1) (uniform) unless given. */
  prior?: BetaPrior;
  /** Share of decisions that pick an action uniformly at random, in [0, 1]; 0.05 unless given. */
  explore?: number;
}

export interface ActionChoice {
  action: string;
  reason: "thompson" | "explore";
  /** The posterior sample drawn for each action (drawn on exploration too, for `?explain=1`). */
  scores: Record<string, number>;
}

export const DEFAULT_PRIOR: BetaPrior = { alpha: 1, beta: 1 };
export const DEFAULT_EXPLORE = 0.05;

/** A small, fast 32-bit PRNG (Tommy Ettinger's mulberry32): good enough for sampling, not for secrets. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw by Box–Muller; `1 - u` keeps the logarithm away from zero. */
function standardNormal(random: Random): number {
  const u1 = 1 - random();
  const u2 = random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * A Gamma(shape, 1) draw by Marsaglia–Tsang (2000). Their squeeze accepts almost every candidate at
 * once; below shape 1 the method does not apply, so it draws Gamma(shape + 1) and scales by u^(1/shape).
 */
function sampleGamma(shape: number, random: Random): number {
  if (shape < 1) return sampleGamma(shape + 1, random) * (1 - random()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = standardNormal(random);
    const base = 1 + c * x;
    if (base <= 0) continue;
    const v = base * base * base;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Own properties only, so ids such as "constructor" or "__proto__" read as unseen rather than as Object.prototype members. */
function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function assertShape(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a finite number above 0, got ${value}`);
}

/**
 * A Beta(alpha, beta) draw as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta).
 * Throws a RangeError unless both parameters are finite and positive.
 */
export function sampleBeta(alpha: number, beta: number, random: Random): number {
  assertShape("alpha", alpha);
  assertShape("beta", beta);
  const x = sampleGamma(alpha, random);
  const y = sampleGamma(beta, random);
  // Both draws can underflow to 0 only for tiny shapes, where Beta tends to Bernoulli(alpha / (alpha + beta)).
  if (x + y === 0) return random() < alpha / (alpha + beta) ? 1 : 0;
  return x / (x + y);
}

/** The posterior mean of an arm: what the bandit currently believes its conversion rate is. */
export function expectedValue(stats: ArmStats | undefined, prior: BetaPrior = DEFAULT_PRIOR): number {
  const successes = stats?.successes ?? 0;
  const failures = stats?.failures ?? 0;
  return (prior.alpha + successes) / (prior.alpha + prior.beta + successes + failures);
}

/**
 * Picks the action for one decision in a segment. With probability `explore` the pick is uniform,
 * so that an arm the posterior has written off still gets the occasional chance to prove it changed;
 * otherwise each action's posterior is sampled once and the highest sample wins (ties: the first in
 * `actions`), which explores in proportion to the remaining uncertainty.
 *
 * Throws a RangeError on an empty action list (there is nothing to decide, and the caller must not
 * show a next-best-action then), on `explore` outside [0, 1], and on a non-positive prior.
 */
export function chooseAction(
  state: BanditState,
  segment: string,
  actions: readonly string[],
  random: Random,
  options: ChooseOptions = {},
): ActionChoice {
  if (actions.length === 0) throw new RangeError("chooseAction needs at least one action");
  const prior = options.prior ?? DEFAULT_PRIOR;
  const explore = options.explore ?? DEFAULT_EXPLORE;
  if (!(explore >= 0 && explore <= 1)) throw new RangeError(`explore must be within [0, 1], got ${explore}`);
  assertShape("prior.alpha", prior.alpha);
  assertShape("prior.beta", prior.beta);

  const exploring = random() < explore;
  const arms = own(state, segment);
  const scores: Record<string, number> = {};
  let best = actions[0] as string;
  let bestScore = -Infinity;
  for (const action of actions) {
    const stats = own(arms, action);
    const score = sampleBeta(prior.alpha + (stats?.successes ?? 0), prior.beta + (stats?.failures ?? 0), random);
    scores[action] = score;
    if (score > bestScore) {
      best = action;
      bestScore = score;
    }
  }
  if (!exploring) return { action: best, reason: "thompson", scores };
  const index = Math.min(actions.length - 1, Math.floor(random() * actions.length));
  return { action: actions[index] as string, reason: "explore", scores };
}

/** Counts one outcome of a shown action. Returns a new state; the given one is left untouched. */
export function recordOutcome(state: BanditState, segment: string, action: string, converted: boolean): BanditState {
  const arms = own(state, segment) ?? {};
  const stats = own(arms, action) ?? { successes: 0, failures: 0 };
  const next: ArmStats = converted
    ? { successes: stats.successes + 1, failures: stats.failures }
    : { successes: stats.successes, failures: stats.failures + 1 };
  return { ...state, [segment]: { ...arms, [action]: next } };
}
