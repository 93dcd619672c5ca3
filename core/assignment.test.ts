import { describe, expect, it } from "vitest";
import { assign, bucket, fnv1a32, mergeStickyAssignments, type StickyAssignments, type VariantWeight } from "./assignment";

const T0 = 1_700_000_000_000;
const CAMPAIGN = "cmp_free_shipping";
const PEOPLE = 20_000;
/** Sequential ids differ only in their last characters: the hardest case for an even spread. */
const personIds: string[] = Array.from({ length: PEOPLE }, (_, i) => `person-${i}`);

const AB: VariantWeight[] = [
  { id: "a", weight: 50 },
  { id: "b", weight: 50 },
];
const THREE_WAY: VariantWeight[] = [
  { id: "a", weight: 10 },
  { id: "b", weight: 30 },
  { id: "c", weight: 60 },
];

/** Percent of persons per outcome (`holdout` or a variant id) among those counted. */
function shares(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).map(([outcome, count]) => [outcome, (count / outcomes.length) * 100]));
}

function outcomeOf(personId: string, variants: VariantWeight[], holdout: number): string {
  const { assignment } = assign(CAMPAIGN, personId, variants, holdout, {}, T0);
  return assignment.kind === "holdout" ? "holdout" : assignment.variant_id;
}

function expectShares(actual: Record<string, number>, variants: VariantWeight[], tolerance: number): void {
  for (const variant of variants) {
    expect(Math.abs((actual[variant.id] ?? 0) - variant.weight), `variant ${variant.id}: ${actual[variant.id]}%`).toBeLessThanOrEqual(
      tolerance,
    );
  }
}

describe("fnv1a32", () => {
  it.each<[string, number]>([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["b", 0xe70c2de5],
    ["c", 0xe60c2c52],
    ["fo", 0x6222e842],
    ["foo", 0xa9f37ed7],
    ["foob", 0x3f5076ef],
    ["fooba", 0x39aaa18a],
    ["foobar", 0xbf9cf968],
  ])("hashes %j to the published FNV-1a vector %i", (text, expected) => {
    expect(fnv1a32(text)).toBe(expected);
  });

  it.each<[string, number]>([
    ["é", 0x1e9de8c1],
    ["日本", 0x9f26ee51],
    ["😀", 0x33a29608],
  ])("hashes the UTF-8 bytes of %j, not its UTF-16 code units", (text, expected) => {
    expect(fnv1a32(text)).toBe(expected);
  });

  it("returns an unsigned 32-bit integer", () => {
    for (const id of personIds.slice(0, 1000)) {
      const hash = fnv1a32(id);
      expect(Number.isInteger(hash)).toBe(true);
      expect(hash).toBeGreaterThanOrEqual(0);
      expect(hash).toBeLessThan(2 ** 32);
    }
  });
});

describe("bucket", () => {
  it.each<[string, string, number]>([
    ["seed", "a", 0.0505],
    ["seed", "b", 0.2696],
    ["foo", "ab", 0.2575],
    ["foo", "def", 0.2019],
    ["89123klj", "8952klfjas09ujkasdf", 0.124],
    ["90850943850283058242805", "123", 0.7516],
    ["()**(%$##$%#$#", '___)((*":&', 0.0128],
  ])("matches GrowthBook's hash v2 for seed %j and id %j", (seed, personId, expected) => {
    expect(bucket(seed, personId)).toBe(expected);
  });

  it("lies in [0, 1) in steps of 1/10000", () => {
    const positions = personIds.map((id) => bucket(CAMPAIGN, id));
    expect(Math.min(...positions)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...positions)).toBeLessThan(1);
    expect(positions.filter((position) => Math.abs(position * 10000 - Math.round(position * 10000)) > 1e-9)).toEqual([]);
  });

  it("is the same on every call for the same seed and person", () => {
    const first = personIds.map((id) => bucket(CAMPAIGN, id));
    const second = personIds.map((id) => bucket(CAMPAIGN, id));
    expect(second).toEqual(first);
  });

  it("differs between seeds, so campaigns split people independently", () => {
    const differing = personIds.filter((id) => bucket("cmp_one", id) !== bucket("cmp_two", id)).length;
    expect(differing / PEOPLE).toBeGreaterThan(0.99);
  });
});

describe("assign: hashing", () => {
  it("gives the same person the same variant on every call, even without a sticky record", () => {
    for (const id of personIds.slice(0, 500)) {
      const first = assign(CAMPAIGN, id, THREE_WAY, 0.1, {}, T0);
      const again = assign(CAMPAIGN, id, THREE_WAY, 0.1, {}, T0 + 60_000);
      expect(again.assignment).toEqual(first.assignment);
      expect(first.assignment.reason).toBe("hashed");
    }
  });

  it.each<[string, VariantWeight[]]>([
    ["50/50", AB],
    ["10/30/60", THREE_WAY],
  ])("splits 20,000 persons %s within 2 percentage points", (_name, variants) => {
    expectShares(shares(personIds.map((id) => outcomeOf(id, variants, 0))), variants, 2);
  });

  it("holds out 10% of persons, within 1.5 percentage points, when the holdout share is 0.1", () => {
    const held = shares(personIds.map((id) => outcomeOf(id, AB, 0.1))).holdout ?? 0;
    expect(Math.abs(held - 10)).toBeLessThanOrEqual(1.5);
  });

  it("gives holdout members no variant and records them as holdout", () => {
    let held = 0;
    for (const id of personIds.slice(0, 2000)) {
      const { assignment, sticky } = assign(CAMPAIGN, id, AB, 0.1, {}, T0);
      if (assignment.kind !== "holdout") continue;
      held += 1;
      expect(assignment).toEqual({ kind: "holdout", reason: "hashed" });
      expect(sticky).toEqual({ [CAMPAIGN]: { variant_id: null, at: T0 } });
    }
    expect(held).toBeGreaterThan(0);
  });

  it("holds out no one when the holdout share is 0", () => {
    expect(personIds.filter((id) => outcomeOf(id, AB, 0) === "holdout")).toEqual([]);
  });

  it.each<[string, VariantWeight[], number]>([
    ["50/50 with a 10% holdout", AB, 0.1],
    ["10/30/60 with a 10% holdout", THREE_WAY, 0.1],
    ["10/30/60 with a 50% holdout", THREE_WAY, 0.5],
  ])("keeps the variant split among persons not held out (%s): the two hashes are independent", (_name, variants, holdout) => {
    const outcomes = personIds.map((id) => outcomeOf(id, variants, holdout)).filter((outcome) => outcome !== "holdout");
    expectShares(shares(outcomes), variants, 2);
  });

  it("reads weights relative to their sum and never picks a variant of weight 0", () => {
    const variants: VariantWeight[] = [
      { id: "off", weight: 0 },
      { id: "a", weight: 33.3 },
      { id: "b", weight: 33.3 },
      { id: "c", weight: 33.3 },
    ];
    const split = shares(personIds.map((id) => outcomeOf(id, variants, 0)));
    expect(split.off).toBeUndefined();
    expectShares(
      split,
      [
        { id: "a", weight: 100 / 3 },
        { id: "b", weight: 100 / 3 },
        { id: "c", weight: 100 / 3 },
      ],
      2,
    );
  });

  it("refuses a campaign without a variant of positive weight", () => {
    expect(() => assign(CAMPAIGN, "person-1", [], 0, {}, T0)).toThrow(RangeError);
    expect(() => assign(CAMPAIGN, "person-1", [{ id: "a", weight: 0 }], 0, {}, T0)).toThrow(RangeError);
  });
});

describe("assign: stickiness", () => {
  it("records a new assignment with the time it was made", () => {
    const { assignment, sticky } = assign(CAMPAIGN, "person-7", AB, 0, {}, T0);
    expect(assignment.kind).toBe("variant");
    if (assignment.kind !== "variant") return;
    expect(sticky).toEqual({ [CAMPAIGN]: { variant_id: assignment.variant_id, at: T0 } });
  });

  it("keeps every person's variant after the weights change, with the reason sticky", () => {
    const reweighted: VariantWeight[] = [
      { id: "a", weight: 1 },
      { id: "b", weight: 99 },
    ];
    for (const id of personIds.slice(0, 1000)) {
      const first = assign(CAMPAIGN, id, AB, 0, {}, T0);
      if (first.assignment.kind !== "variant") throw new Error("no holdout was configured");
      const later = assign(CAMPAIGN, id, reweighted, 0, first.sticky, T0 + 86_400_000);
      expect(later.assignment).toEqual({ kind: "variant", variant_id: first.assignment.variant_id, reason: "sticky" });
      expect(later.sticky).toBe(first.sticky);
    }
  });

  it("keeps a recorded holdout even after the holdout share is removed", () => {
    const sticky: StickyAssignments = { [CAMPAIGN]: { variant_id: null, at: T0 } };
    const result = assign(CAMPAIGN, "person-7", AB, 0, sticky, T0 + 1000);
    expect(result).toEqual({ assignment: { kind: "holdout", reason: "sticky" }, sticky });
  });

  it("re-assigns a person whose recorded variant no longer exists, and records it anew", () => {
    const sticky: StickyAssignments = { [CAMPAIGN]: { variant_id: "retired", at: T0 } };
    const later = T0 + 86_400_000;
    const result = assign(CAMPAIGN, "person-7", THREE_WAY, 0, sticky, later);
    const fresh = assign(CAMPAIGN, "person-7", THREE_WAY, 0, {}, later);
    expect(result.assignment.reason).toBe("hashed");
    expect(result).toEqual(fresh);
    expect(result.sticky[CAMPAIGN]?.at).toBe(later);
  });

  it("keeps other campaigns' assignments in the new sticky map", () => {
    const other = { variant_id: "x", at: T0 - 5000 };
    const { sticky } = assign(CAMPAIGN, "person-7", AB, 0, { cmp_other: other }, T0);
    expect(sticky.cmp_other).toEqual(other);
    expect(Object.keys(sticky).sort()).toEqual([CAMPAIGN, "cmp_other"].sort());
  });

  it("never mutates the sticky map it was given", () => {
    const input: StickyAssignments = {
      cmp_other: { variant_id: "x", at: T0 - 5000 },
      [CAMPAIGN]: { variant_id: "retired", at: T0 - 1000 },
    };
    const before = structuredClone(input);
    Object.freeze(input);
    for (const entry of Object.values(input)) Object.freeze(entry);
    const result = assign(CAMPAIGN, "person-7", AB, 0.1, input, T0);
    expect(input).toEqual(before);
    expect(result.sticky).not.toBe(input);
  });

  it("does not mistake an inherited property for a recorded assignment", () => {
    const { assignment } = assign("constructor", "person-7", AB, 0, {}, T0);
    expect(assignment.reason).toBe("hashed");
  });
});

describe("mergeStickyAssignments", () => {
  it.each<[string, StickyAssignments, StickyAssignments, StickyAssignments]>([
    [
      "the older person's, made first",
      { c1: { variant_id: "a", at: T0 } },
      { c1: { variant_id: "b", at: T0 + 1 } },
      { c1: { variant_id: "a", at: T0 } },
    ],
    [
      "the newer person's, made first",
      { c1: { variant_id: "a", at: T0 + 1 } },
      { c1: { variant_id: "b", at: T0 } },
      { c1: { variant_id: "b", at: T0 } },
    ],
    [
      "the older person's on a tie",
      { c1: { variant_id: "a", at: T0 } },
      { c1: { variant_id: "b", at: T0 } },
      { c1: { variant_id: "a", at: T0 } },
    ],
    [
      "an earlier holdout over a later variant",
      { c1: { variant_id: "a", at: T0 + 1 } },
      { c1: { variant_id: null, at: T0 } },
      { c1: { variant_id: null, at: T0 } },
    ],
  ])("keeps %s when both persons were assigned in a campaign", (_name, older, newer, expected) => {
    expect(mergeStickyAssignments(older, newer)).toEqual(expected);
  });

  it("unites campaigns that only one of the two persons was assigned in", () => {
    const older: StickyAssignments = { c1: { variant_id: "a", at: T0 }, c2: { variant_id: null, at: T0 } };
    const newer: StickyAssignments = { c3: { variant_id: "b", at: T0 + 5 } };
    expect(mergeStickyAssignments(older, newer)).toEqual({ ...older, ...newer });
  });

  it("never mutates either input", () => {
    const older: StickyAssignments = { c1: { variant_id: "a", at: T0 + 1 } };
    const newer: StickyAssignments = { c1: { variant_id: "b", at: T0 }, c2: { variant_id: "x", at: T0 } };
    const before = structuredClone({ older, newer });
    mergeStickyAssignments(Object.freeze(older), Object.freeze(newer));
    expect({ older, newer }).toEqual(before);
  });

  it("lets the merged person keep the variant they saw first, under the survivor's id", () => {
    const firstSeen = assign(CAMPAIGN, "person-2", AB, 0, {}, T0);
    if (firstSeen.assignment.kind !== "variant") throw new Error("no holdout was configured");
    const seenFirst = firstSeen.assignment.variant_id;
    const survivor: StickyAssignments = { [CAMPAIGN]: { variant_id: seenFirst === "a" ? "b" : "a", at: T0 + 10 } };
    const merged = mergeStickyAssignments(survivor, firstSeen.sticky);
    const after = assign(CAMPAIGN, "person-1", AB, 0, merged, T0 + 20);
    expect(after.assignment).toEqual({ kind: "variant", variant_id: seenFirst, reason: "sticky" });
  });
});
