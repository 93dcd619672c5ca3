/**
 * Decision tokens: an HMAC-SHA256 (Web Crypto) over shop, person, campaign, variant and placement,
 * so that `nudge_impression` / `nudge_click` / `nudge_dismiss` events can only report decisions
 * that were really made, for this person, in this shop. Each token also carries a random decision
 * id, so that a replayed token is recognisable as the same decision, and its issue time, so that
 * it can expire.
 */
import { fromBase64Url, hmacKey, toBase64Url } from "./hmac";
import { DAY_MS } from "./time";

/** What a decision is about. */
export interface DecisionClaims {
  shop: string;
  person: string;
  campaign: string;
  variant: string;
  placement: string;
}

export interface TokenClaims extends DecisionClaims {
  /** Unique per token: 12 random bytes, base64url. */
  id: string;
  /** Issue time, epoch milliseconds. */
  iat: number;
}

/** A token reports its decision for this long after it was issued. */
export const TOKEN_TTL_MS = 7 * DAY_MS;

/** 96 random bits: collisions are out of reach, and the id stays 16 characters long. */
const ID_BYTES = 12;
const ID_PATTERN = /^[A-Za-z0-9_-]{16}$/;

const encoder = new TextEncoder();

function newDecisionId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(ID_BYTES)));
}

/** A JSON array rather than an object: the token travels with every nudge event, so it stays short. */
const payloadOf = (claims: TokenClaims) =>
  JSON.stringify([claims.shop, claims.person, claims.campaign, claims.variant, claims.placement, claims.id, claims.iat]);

type Payload = [shop: string, person: string, campaign: string, variant: string, placement: string, id: string, iat: number];

function isPayload(parts: unknown): parts is Payload {
  if (!Array.isArray(parts) || parts.length !== 7) return false;
  const [id, iat]: unknown[] = parts.slice(5);
  return (
    parts.slice(0, 5).every((part) => typeof part === "string") &&
    typeof id === "string" &&
    ID_PATTERN.test(id) &&
    typeof iat === "number" &&
    Number.isSafeInteger(iat) &&
    iat >= 0
  );
}

function claimsOf(payload: Uint8Array): TokenClaims | null {
  let parts: unknown;
  try {
    parts = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return null;
  }
  if (!isPayload(parts)) return null;
  const [shop, person, campaign, variant, placement, id, iat] = parts;
  return { shop, person, campaign, variant, placement, id, iat };
}

/** Signs a decision as a token of its own: a fresh decision id, issued at `now`. */
export async function signDecision(secret: string, decision: DecisionClaims, now = Date.now()): Promise<string> {
  const claims: TokenClaims = { ...decision, id: newDecisionId(), iat: now };
  const payload = encoder.encode(payloadOf(claims));
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), payload));
  return `${toBase64Url(payload)}.${toBase64Url(signature)}`;
}

/** The claims of a genuine token, or null for a forged, altered or malformed one. Expiry is `tokenExpired`'s call. */
export async function verifyDecision(secret: string, token: string): Promise<TokenClaims | null> {
  const [payloadText, signatureText, extra] = token.split(".");
  if (payloadText === undefined || signatureText === undefined || extra !== undefined) return null;
  const payload = fromBase64Url(payloadText);
  const signature = fromBase64Url(signatureText);
  if (!payload || !signature) return null;
  if (!(await crypto.subtle.verify("HMAC", await hmacKey(secret), signature, payload))) return null;
  return claimsOf(payload);
}

/** True from `TOKEN_TTL_MS` after the token was issued on. */
export function tokenExpired(claims: Pick<TokenClaims, "iat">, now: number): boolean {
  return now >= claims.iat + TOKEN_TTL_MS;
}
