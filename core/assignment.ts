/**
 * Variant and holdout assignment per person: deterministic (a hash of campaign and person, so every
 * edge location agrees without coordination) and sticky (recorded in the profile, so a later change
 * of weights, or a merge that changes the person's id, never moves someone to another variant).
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/** 32-bit FNV-1a over the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/**
 * A person's position in [0, 1) for one seed, in steps of 1/10000: GrowthBook's hash version 2,
 * `fnv1a32(String(fnv1a32(seed + personId))) % 10000 / 10000`. One FNV-1a pass mixes the last bytes
 * of similar ids (`p1`, `p2`, …) poorly into the low bits the modulus reads; hashing the decimal
 * string again spreads the high bits over them. Being GrowthBook's formula, it is checked against
 * GrowthBook's published vectors (for ASCII ids; GrowthBook hashes UTF-16 code units, we hash UTF-8).
 */
export function bucket(seed: string, personId: string): number {
  return (fnv1a32(String(fnv1a32(seed + personId))) % 10000) / 10000;
}

/** A variant's share of the traffic that is not held out, in percent; a campaign's weights sum to 100. */
export interface VariantWeight {
  id: string;
  weight: number;
}

export type Assignment =
  | { kind: "variant"; variant_id: string; reason: "hashed" | "sticky" }
  | { kind: "holdout"; reason: "hashed" | "sticky" };

/** Per campaign id, what the person was given and when; `variant_id: null` is the holdout. */
export type StickyAssignments = Record<string, { variant_id: string | null; at: number }>;

export interface AssignResult {
  assignment: Assignment;
  sticky: StickyAssignments;
}

/** The holdout draws from its own seed, so whether a person is held out says nothing about their variant. */
function holdoutSeed(campaignId: string): string {
  return `${campaignId}:holdout`;
}

/**
 * Weights are read relative to their sum, so percentages that round to 99.9 leave no gap; a variant
 * with weight 0 is never picked.
 */
function pickVariant(variants: readonly VariantWeight[], position: number): string {
  const weighted = variants.filter((variant) => variant.weight > 0);
  const lastVariant = weighted[weighted.length - 1];
  if (!lastVariant) throw new RangeError("a campaign needs at least one variant with a positive weight");
  const target = position * weighted.reduce((sum, variant) => sum + variant.weight, 0);
  let cumulative = 0;
  for (const variant of weighted) {
    cumulative += variant.weight;
    if (target < cumulative) return variant.id;
  }
  return lastVariant.id;
}

/** Own entries only, so a campaign id such as `constructor` never reads `Object.prototype`. */
function recordOf(sticky: StickyAssignments, campaignId: string): StickyAssignments[string] | undefined {
  return Object.hasOwn(sticky, campaignId) ? sticky[campaignId] : undefined;
}

/**
 * The person's assignment in a campaign. A recorded one is kept while its variant still exists (a
 * recorded holdout is always kept, so no one in the control group starts seeing content mid-test);
 * otherwise the person is hashed: held out when the holdout bucket falls below `holdout` (0..0.5),
 * else given the variant whose cumulative weight range holds their campaign bucket. A new assignment
 * is returned in a new sticky map, stamped `now`; the input map is never mutated. Throws a RangeError
 * when no variant has a positive weight, which the campaign schema already refuses.
 */
export function assign(
  campaignId: string,
  personId: string,
  variants: readonly VariantWeight[],
  holdout: number,
  sticky: StickyAssignments,
  now: number,
): AssignResult {
  const recorded = recordOf(sticky, campaignId);
  if (recorded) {
    if (recorded.variant_id === null) return { assignment: { kind: "holdout", reason: "sticky" }, sticky };
    const variantId = recorded.variant_id;
    if (variants.some((variant) => variant.id === variantId)) {
      return { assignment: { kind: "variant", variant_id: variantId, reason: "sticky" }, sticky };
    }
  }
  if (bucket(holdoutSeed(campaignId), personId) < holdout) {
    return { assignment: { kind: "holdout", reason: "hashed" }, sticky: { ...sticky, [campaignId]: { variant_id: null, at: now } } };
  }
  const variantId = pickVariant(variants, bucket(campaignId, personId));
  return {
    assignment: { kind: "variant", variant_id: variantId, reason: "hashed" },
    sticky: { ...sticky, [campaignId]: { variant_id: variantId, at: now } },
  };
}

/**
 * Sticky assignments after an identity merge: per campaign the assignment made first (the smaller
 * `at`) is kept, so the person keeps what they saw first and results are not split across two
 * variants; on a tie the older person's wins. Campaigns only one side knows are carried over.
 */
export function mergeStickyAssignments(older: StickyAssignments, newer: StickyAssignments): StickyAssignments {
  const entries: [string, StickyAssignments[string]][] = [];
  for (const campaignId of new Set([...Object.keys(older), ...Object.keys(newer)])) {
    const kept = recordOf(older, campaignId);
    const other = recordOf(newer, campaignId);
    const chosen = kept && !(other && other.at < kept.at) ? kept : other;
    if (chosen) entries.push([campaignId, chosen]);
  }
  return Object.fromEntries(entries);
}
