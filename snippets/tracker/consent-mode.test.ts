import { describe, expect, it } from "vitest";
import { consentMode } from "./consent-mode";

const json = (v: unknown) => JSON.parse(JSON.stringify(v));

describe("consentMode", () => {
  it("maps analytics_storage, ad_personalization and ad_user_data to analytics, personalization and marketing", () => {
    expect(
      consentMode({ analytics_storage: "granted", ad_storage: "denied", ad_personalization: "granted", ad_user_data: "denied" }),
    ).toEqual({ analytics: true, personalization: true, marketing: false });
  });

  it("takes ad_storage for personalization when ad_personalization is not given", () => {
    expect(json(consentMode({ ad_storage: "granted" }))).toEqual({ personalization: true });
    expect(json(consentMode({ ad_storage: "denied" }))).toEqual({ personalization: false });
  });

  it("leaves out what is not 'granted' or 'denied'", () => {
    expect(json(consentMode({ analytics_storage: "yes", ad_user_data: true, functionality_storage: "granted" }))).toEqual({});
    expect(json(consentMode(undefined))).toEqual({});
  });
});
