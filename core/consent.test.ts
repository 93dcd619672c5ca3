import { describe, expect, it } from "vitest";
import { applyConsentChoices, effectiveConsent, hasConsent, type ConsentChoices } from "./consent";
import type { ConsentMode, ConsentPurpose, TrackedEvent } from "./types";

const T0 = Date.parse("2025-06-01T12:00:00.000Z");

function consentEvent(ts: number, consent: Partial<Record<ConsentPurpose, boolean>>): TrackedEvent {
  return { id: null, type: "consent", ts, consent };
}

describe("consent in force", () => {
  const defaults: [ConsentMode, boolean][] = [
    ["implied", true],
    ["required", false],
  ];
  it.each(defaults)("without a choice, a %s shop's default is %s for every purpose", (mode, expected) => {
    expect(effectiveConsent({}, mode)).toEqual({ analytics: expected, personalization: expected, marketing: expected });
  });

  it("an explicit choice beats the shop's default either way", () => {
    const choices: ConsentChoices = { analytics: { value: true, at: T0 }, marketing: { value: false, at: T0 } };
    expect(effectiveConsent(choices, "required")).toEqual({ analytics: true, personalization: false, marketing: false });
    expect(effectiveConsent(choices, "implied")).toEqual({ analytics: true, personalization: true, marketing: false });
    expect(hasConsent(choices, "marketing", "implied")).toBe(false);
    expect(hasConsent(choices, "analytics", "required")).toBe(true);
  });
});

describe("recording consent choices", () => {
  it("a consent event records each purpose it names, with its time", () => {
    const next = applyConsentChoices({}, consentEvent(T0, { analytics: true, marketing: false }));
    expect(next).toEqual({ analytics: { value: true, at: T0 }, marketing: { value: false, at: T0 } });
  });

  it("purposes the event does not name keep their earlier choice", () => {
    const before: ConsentChoices = { personalization: { value: true, at: T0 - 1000 } };
    const next = applyConsentChoices(before, consentEvent(T0, { analytics: false }));
    expect(next).toEqual({ personalization: { value: true, at: T0 - 1000 }, analytics: { value: false, at: T0 } });
  });

  it("a newer choice replaces an older one", () => {
    const before: ConsentChoices = { analytics: { value: true, at: T0 } };
    expect(applyConsentChoices(before, consentEvent(T0 + 1, { analytics: false })).analytics).toEqual({ value: false, at: T0 + 1 });
  });

  it("an older choice arriving late never overrides a newer one", () => {
    const before: ConsentChoices = { analytics: { value: false, at: T0 } };
    expect(applyConsentChoices(before, consentEvent(T0 - 1, { analytics: true })).analytics).toEqual({ value: false, at: T0 });
  });

  it("the choices given are not modified", () => {
    const before: ConsentChoices = { analytics: { value: true, at: T0 } };
    applyConsentChoices(before, consentEvent(T0 + 1, { analytics: false, marketing: true }));
    expect(before).toEqual({ analytics: { value: true, at: T0 } });
  });
});
