import { CONSENT_PURPOSES, type Choice, type ConsentMode, type ConsentPurpose, type TrackedEvent } from "./types";

export type ConsentChoices = Partial<Record<ConsentPurpose, Choice>>;

/**
 * The consent in force for one purpose: the person's latest explicit choice, else the shop's
 * default — granted when consent is implied, refused when it is required.
 */
export function hasConsent(choices: ConsentChoices, purpose: ConsentPurpose, mode: ConsentMode): boolean {
  const choice = choices[purpose];
  return choice ? choice.value : mode === "implied";
}

export function effectiveConsent(choices: ConsentChoices, mode: ConsentMode): Record<ConsentPurpose, boolean> {
  return {
    analytics: hasConsent(choices, "analytics", mode),
    personalization: hasConsent(choices, "personalization", mode),
    marketing: hasConsent(choices, "marketing", mode),
  };
}

/** Records the explicit choices of a consent event; an older choice never overrides a newer one. */
export function applyConsentChoices(choices: ConsentChoices, event: TrackedEvent): ConsentChoices {
  const next = { ...choices };
  for (const purpose of CONSENT_PURPOSES) {
    const value = event.consent?.[purpose];
    const current = next[purpose];
    if (value !== undefined && (!current || current.at <= event.ts)) next[purpose] = { value, at: event.ts };
  }
  return next;
}
