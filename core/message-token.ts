/**
 * Tracking tokens of sent messages: the open pixel, click redirects and unsubscribe links carry
 * an HMAC-SHA256 (Web Crypto) over who the message went to and what it was, so that nobody can
 * record an open, a click or an unsubscribe for a message that was not sent, nor redirect a
 * click anywhere but to a URL the message contained. A confirmation link (double opt-in) names the
 * address it confirms, so that it confirms that address only. What is signed starts with a prefix of its
 * own, so that a decision token (signed with the same secret) never verifies as a message token.
 */
import { DAY_MS } from "./time";
import type { Channel } from "./types";

export type MessageLinkKind = "open" | "click" | "unsubscribe" | "confirm";

export interface MessageClaims {
  shop: string;
  person: string;
  message: string;
  flow: string;
  step: string;
  channel: Channel;
  kind: MessageLinkKind;
  /** Click only: base64url of the first 16 bytes of SHA-256 of the target URL. */
  url?: string;
  /** Confirm only: the address whose owner confirms it by following the link. */
  address?: string;
  /** Issue time, epoch milliseconds. */
  iat: number;
}

/** Links keep working for half a year: people open old mail, and an unsubscribe link must not die soon. */
export const MESSAGE_TOKEN_TTL_MS = 180 * DAY_MS;

const DOMAIN = "nudge-message-v1.";
const KINDS: readonly string[] = ["open", "click", "unsubscribe", "confirm"] satisfies MessageLinkKind[];
const CHANNELS: readonly string[] = ["email", "sms"] satisfies Channel[];
/** 16 bytes of base64url, unpadded. */
const URL_HASH_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** Longer than any address an event may carry (core/identifiers.ts). */
const MAX_ADDRESS_LENGTH = 320;

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
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** What is signed: the domain prefix, then the payload's bytes. */
function signedBytes(payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(DOMAIN.length + payload.length);
  bytes.set(encoder.encode(DOMAIN));
  bytes.set(payload, DOMAIN.length);
  return bytes;
}

async function urlHash(url: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(url)));
  return toBase64Url(digest.slice(0, 16));
}

/** A JSON array rather than an object: every link of a message carries one, and SMS links count characters. */
type Payload = [
  shop: string,
  person: string,
  message: string,
  flow: string,
  step: string,
  channel: Channel,
  kind: MessageLinkKind,
  /** A click's URL hash, a confirmation's address, null for the other links. */
  bound: string | null,
  iat: number,
];

/** What a link of this kind binds: a click its URL (hashed), a confirmation its address; the others nothing. */
function isBound(kind: string, bound: unknown): boolean {
  if (kind === "click") return typeof bound === "string" && URL_HASH_PATTERN.test(bound);
  if (kind === "confirm") return typeof bound === "string" && bound.length > 0 && bound.length <= MAX_ADDRESS_LENGTH;
  return bound === null;
}

function isPayload(parts: unknown): parts is Payload {
  if (!Array.isArray(parts) || parts.length !== 9) return false;
  const [channel, kind, bound, iat]: unknown[] = parts.slice(5);
  return (
    parts.slice(0, 5).every((part) => typeof part === "string") &&
    typeof channel === "string" &&
    CHANNELS.includes(channel) &&
    typeof kind === "string" &&
    KINDS.includes(kind) &&
    isBound(kind, bound) &&
    typeof iat === "number" &&
    Number.isSafeInteger(iat) &&
    iat >= 0
  );
}

function claimsOf(payload: Uint8Array): MessageClaims | null {
  let parts: unknown;
  try {
    parts = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return null;
  }
  if (!isPayload(parts)) return null;
  const [shop, person, message, flow, step, channel, kind, bound, iat] = parts;
  const claims: MessageClaims = { shop, person, message, flow, step, channel, kind, iat };
  if (kind === "click" && bound !== null) claims.url = bound;
  if (kind === "confirm" && bound !== null) claims.address = bound;
  return claims;
}

/**
 * Signs one link of a message, issued at `now`. `bound` is what the link is bound to: a click
 * link's URL (the one it may redirect to), a confirmation link's address; the others have none.
 */
export async function signMessageToken(
  secret: string,
  claims: Omit<MessageClaims, "iat" | "url" | "address">,
  now: number,
  bound?: string,
): Promise<string> {
  const binds = claims.kind === "click" || claims.kind === "confirm";
  if (binds !== (bound !== undefined)) throw new Error("a click or confirm token needs its URL or address, and only those have one");
  const payload: Payload = [
    claims.shop,
    claims.person,
    claims.message,
    claims.flow,
    claims.step,
    claims.channel,
    claims.kind,
    bound === undefined ? null : claims.kind === "click" ? await urlHash(bound) : bound,
    now,
  ];
  const bytes = encoder.encode(JSON.stringify(payload));
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", await keyFor(secret), signedBytes(bytes)));
  return `${toBase64Url(bytes)}.${toBase64Url(signature)}`;
}

/** The claims of a genuine, unexpired token; null for a forged, altered, malformed or expired one. */
export async function verifyMessageToken(secret: string, token: string, now: number): Promise<MessageClaims | null> {
  const [payloadText, signatureText, extra] = token.split(".");
  if (payloadText === undefined || signatureText === undefined || extra !== undefined) return null;
  const payload = fromBase64Url(payloadText);
  const signature = fromBase64Url(signatureText);
  if (!payload || !signature) return null;
  if (!(await crypto.subtle.verify("HMAC", await keyFor(secret), signature, signedBytes(payload)))) return null;
  const claims = claimsOf(payload);
  return claims && now < claims.iat + MESSAGE_TOKEN_TTL_MS ? claims : null;
}

/** Whether a click token was signed for exactly this URL (no open redirect). */
export async function urlMatches(claims: MessageClaims, url: string): Promise<boolean> {
  return claims.kind === "click" && claims.url !== undefined && claims.url === (await urlHash(url));
}
