// Google Consent Mode v2: `gtag('consent', 'update', {analytics_storage, ad_storage, ad_user_data,
// ad_personalization})`, each 'granted' or 'denied', as Nudge's consent purposes.
import { obj } from "./util";

/** Nudge's consent purposes (POST /v1/collect `consent`). */
export interface Consent {
  analytics?: boolean;
  personalization?: boolean;
  marketing?: boolean;
}

const flag = (v: unknown) => (v === "granted" ? true : v === "denied" ? false : undefined);

/**
 * analytics_storage → analytics, ad_personalization (else ad_storage) → personalization,
 * ad_user_data → marketing; a value other than 'granted'/'denied' is left out.
 */
export function consentMode(params: unknown): Consent {
  const p = obj(params);
  return {
    analytics: flag(p.analytics_storage),
    personalization: flag(p.ad_personalization) ?? flag(p.ad_storage),
    marketing: flag(p.ad_user_data),
  };
}
