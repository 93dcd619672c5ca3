import { describe, expect, it } from "vitest";
import { deriveProfile } from "./derive";
import { applyBatch, emptyProfile } from "./profile";
import { DAY_MS } from "./time";
import type { TrackedEvent } from "./types";

const T0 = Date.parse("2025-06-01T12:00:00.000Z");

function purchase(i: number, ts: number): TrackedEvent {
  return { id: `p${i}`, type: "purchase", ts, transaction_id: `T${i}`, value: 50, currency: "EUR" };
}

describe("derived profile", () => {
  it("an empty profile is an unengaged visitor in awareness with no segments", () => {
    expect(deriveProfile(emptyProfile("p1", T0), T0)).toEqual({
      lifecycle: "awareness",
      engagement: "bronze",
      rfm: { recency: 1, frequency: 1, monetary: 1 },
      segments: [],
      predictions: { churn_risk: null, next_order_at: null, clv: 0 },
    });
  });

  it("a VIP with four recent orders is an advocate, gold, vip and repeat customer, never treated as a first-time buyer", () => {
    const events = [0, 1, 2, 3].map((i) => purchase(i, T0 + i * 10 * DAY_MS));
    const now = T0 + 31 * DAY_MS;
    const { state } = applyBatch(
      emptyProfile("p1", T0),
      events.map((event) => ({ event, identifiers: [] })),
      {
        now,
        consentMode: "implied",
        seenIds: new Set(),
        ledger: new Map(),
      },
    );
    const derived = deriveProfile(state, now);
    expect(derived.lifecycle).toBe("advocacy");
    expect(derived.engagement).toBe("gold");
    expect(derived.segments).toEqual(expect.arrayContaining(["vip", "repeat_customer"]));
    expect(derived.segments).not.toContain("new_customer");
    expect(derived.predictions.next_order_at).toBe(new Date(T0 + 40 * DAY_MS).toISOString());
  });

  it("the same state derives differently as time passes: the VIP lapses into win-back", () => {
    const events = [0, 1, 2, 3].map((i) => purchase(i, T0 + i * DAY_MS));
    const { state } = applyBatch(
      emptyProfile("p1", T0),
      events.map((event) => ({ event, identifiers: [] })),
      {
        now: T0 + 3 * DAY_MS,
        consentMode: "implied",
        seenIds: new Set(),
        ledger: new Map(),
      },
    );
    const later = deriveProfile(state, T0 + 200 * DAY_MS);
    expect(later.lifecycle).toBe("win-back");
    expect(later.segments).toContain("lapsed");
    expect(later.segments).not.toContain("vip");
    expect(later.engagement).toBe("bronze");
  });
});
