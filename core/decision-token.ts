/**
 * Decision tokens: an HMAC-SHA256 (Web Crypto) over shop, person, campaign, variant and placement,
 * so that `nudge_impression` / `nudge_click` / `nudge_dismiss` events can only report decisions
 * that were really made, for this person, in this shop.
 */
export interface TokenClaims {
  shop: string;
  person: string;
  campaign: string;
  variant: string;
  placement: string;
}

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, key);
  }
  return key;
}

function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

const payloadOf = (claims: TokenClaims) => JSON.stringify([claims.shop, claims.person, claims.campaign, claims.variant, claims.placement]);

export async function signDecision(secret: string, claims: TokenClaims): Promise<string> {
  const payload = encoder.encode(payloadOf(claims));
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", await keyFor(secret), payload));
  return `${toBase64Url(payload)}.${toBase64Url(signature)}`;
}

/** The claims of a genuine token, or null for a forged, altered or malformed one. */
export async function verifyDecision(secret: string, token: string): Promise<TokenClaims | null> {
  const [payloadText, signatureText, extra] = token.split(".");
  if (payloadText === undefined || signatureText === undefined || extra !== undefined) return null;
  const payload = fromBase64Url(payloadText);
  const signature = fromBase64Url(signatureText);
  if (!payload || !signature) return null;
  if (!(await crypto.subtle.verify("HMAC", await keyFor(secret), signature, payload))) return null;
  try {
    const [shop, person, campaign, variant, placement] = JSON.parse(new TextDecoder().decode(payload)) as string[];
    if ([shop, person, campaign, variant, placement].some((part) => typeof part !== "string")) return null;
    return { shop: shop as string, person: person as string, campaign: campaign as string, variant: variant as string, placement: placement as string };
  } catch {
    return null;
  }
}
