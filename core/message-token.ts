/**
 * Tracking tokens of sent messages: the open pixel, click redirects and unsubscribe links carry
 * an HMAC-SHA256 (Web Crypto) over who the message went to and what it was, so that nobody can
 * record an open, a click or an unsubscribe for a message that was not sent, nor redirect a
 * click anywhere but to a URL the message contained. A confirmation link (double opt-in) names the
 * address it confirms, so that it confirms that address only. What is signed starts with a prefix of its
 * own, so that a decision token (signed with the same secret) never verifies as a message token.
 *
 * Compact and binary, because an SMS carries two of them (a click and the unsubscribe link) and every
 * 153 characters is another paid segment: token = base64url(payload || first 16 bytes of the MAC), where
 * the payload is
 *   version (1 byte) · kind << 4 | channel (1) · flags (1) · issue time in unix seconds (4, big-endian) ·
 *   person (32 raw bytes when 64 lowercase hex, a Durable Object id; else a string) · shop · flow · step ·
 *   message (`run_` + 20 hex as 10 raw bytes when flagged, then a string; its "." + step suffix left out
 *   when flagged) · a click's URL hash (16 bytes) or a confirmation's address (a string), nothing else.
 * A string is its UTF-8 length (1 byte below 128, else 2 bytes of 7 bits each, low first) and its bytes.
 */
import { bytesToHex, fromBase64Url, hexToBytes, hmacSha256, toBase64Url } from "./hmac";
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
  /** Issue time, epoch milliseconds, rounded down to the second (tokens carry seconds). */
  iat: number;
}

/** Links keep working for half a year: people open old mail, and an unsubscribe link must not die soon. */
export const MESSAGE_TOKEN_TTL_MS = 180 * DAY_MS;

const DOMAIN = "nudge-message-v2.";
const VERSION = 2;
/** Codes are positions: append, never reorder. */
const KINDS = ["open", "click", "unsubscribe", "confirm"] as const satisfies readonly MessageLinkKind[];
const CHANNELS = ["email", "sms"] as const satisfies readonly Channel[];

const PERSON_IS_HEX = 0b001;
const MESSAGE_HAS_RUN_PREFIX = 0b010;
const MESSAGE_ENDS_WITH_STEP = 0b100;
const KNOWN_FLAGS = PERSON_IS_HEX | MESSAGE_HAS_RUN_PREFIX | MESSAGE_ENDS_WITH_STEP;

/** A Durable Object id's string form. */
const HEX_PERSON = /^[0-9a-f]{64}$/;
/** A flow run's message id starts with its run id (durable-objects/messaging.ts). */
const RUN_PREFIX = /^run_([0-9a-f]{20})/;
/** 128 bits: forging one takes 2^128 guesses, far beyond anyone's reach through an HTTP endpoint. */
const MAC_BYTES = 16;
const URL_HASH_BYTES = 16;
/** Two bytes of length: more than any field needs (tokens longer than 1000 characters are refused anyway). */
const MAX_STRING_BYTES = 0x3fff;
/** Longer than any address an event may carry (core/identifiers.ts). */
const MAX_ADDRESS_LENGTH = 320;

const encoder = new TextEncoder();
/** Refuses bytes that are not UTF-8, and keeps a leading U+FEFF (a field may start with one) instead of dropping it. */
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** Only the canonical spelling: otherwise a last character differing in unused bits would decode to the same token. */
function canonicalBase64Url(text: string): Uint8Array | null {
  const bytes = fromBase64Url(text);
  return bytes && toBase64Url(bytes) === text ? bytes : null;
}

async function urlHash(url: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(url))).slice(0, URL_HASH_BYTES);
}

/** The MAC: HMAC-SHA256 over the domain prefix and the payload, truncated. */
async function macOf(secret: string, payload: Uint8Array): Promise<Uint8Array> {
  const signed = new Uint8Array(DOMAIN.length + payload.length);
  signed.set(encoder.encode(DOMAIN));
  signed.set(payload, DOMAIN.length);
  return (await hmacSha256(secret, signed)).slice(0, MAC_BYTES);
}

/** Compares every byte whatever the first difference, so that timing tells a forger nothing. */
function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

class PayloadWriter {
  private readonly bytes: number[] = [];

  byte(value: number): void {
    this.bytes.push(value);
  }

  raw(bytes: Uint8Array): void {
    this.bytes.push(...bytes);
  }

  uint32(value: number): void {
    this.bytes.push(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
  }

  string(text: string): void {
    const bytes = encoder.encode(text);
    if (bytes.length > MAX_STRING_BYTES) throw new Error(`a message token field is longer than ${MAX_STRING_BYTES} bytes`);
    if (bytes.length < 0x80) this.byte(bytes.length);
    else this.raw(Uint8Array.of(0x80 | (bytes.length & 0x7f), bytes.length >>> 7));
    this.raw(bytes);
  }

  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Thrown by the reader only, and caught by `claimsOf`: verification never throws. */
class MalformedPayload extends Error {}

class PayloadReader {
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  byte(): number {
    const value = this.bytes[this.at];
    if (value === undefined) throw new MalformedPayload();
    this.at += 1;
    return value;
  }

  raw(length: number): Uint8Array {
    if (this.at + length > this.bytes.length) throw new MalformedPayload();
    this.at += length;
    return this.bytes.slice(this.at - length, this.at);
  }

  uint32(): number {
    return this.raw(4).reduce((value, byte) => value * 256 + byte, 0);
  }

  string(): string {
    const first = this.byte();
    let length = first;
    if (first >= 0x80) {
      const second = this.byte();
      // The writer's one spelling of each length: no zero high part, no third byte.
      if (second === 0 || second >= 0x80) throw new MalformedPayload();
      length = (first & 0x7f) | (second << 7);
    }
    try {
      return strictDecoder.decode(this.raw(length));
    } catch {
      throw new MalformedPayload();
    }
  }

  atEnd(): boolean {
    return this.at === this.bytes.length;
  }
}

/** The payload: see the layout at the top. `bound` is a click's URL hash or a confirmation's address. */
function payloadOf(
  claims: Omit<MessageClaims, "iat" | "url" | "address">,
  iatSeconds: number,
  bound: Uint8Array | string | undefined,
): Uint8Array {
  const kind = KINDS.indexOf(claims.kind);
  const channel = CHANNELS.indexOf(claims.channel);
  if (kind < 0 || channel < 0) throw new Error(`unknown link kind or channel: ${claims.kind}, ${claims.channel}`);
  const personIsHex = HEX_PERSON.test(claims.person);
  const run = RUN_PREFIX.exec(claims.message);
  const afterRun = run ? claims.message.slice(run[0].length) : claims.message;
  const endsWithStep = afterRun.endsWith(`.${claims.step}`);
  const writer = new PayloadWriter();
  writer.byte(VERSION);
  writer.byte((kind << 4) | channel);
  writer.byte((personIsHex ? PERSON_IS_HEX : 0) | (run ? MESSAGE_HAS_RUN_PREFIX : 0) | (endsWithStep ? MESSAGE_ENDS_WITH_STEP : 0));
  writer.uint32(iatSeconds);
  if (personIsHex) writer.raw(hexToBytes(claims.person));
  else writer.string(claims.person);
  writer.string(claims.shop);
  writer.string(claims.flow);
  writer.string(claims.step);
  if (run?.[1]) writer.raw(hexToBytes(run[1]));
  writer.string(endsWithStep ? afterRun.slice(0, -(claims.step.length + 1)) : afterRun);
  if (bound instanceof Uint8Array) writer.raw(bound);
  else if (bound !== undefined) writer.string(bound);
  return writer.done();
}

function readClaims(payload: Uint8Array): MessageClaims | null {
  const reader = new PayloadReader(payload);
  if (reader.byte() !== VERSION) return null;
  const codes = reader.byte();
  const kind = KINDS[codes >> 4];
  const channel = CHANNELS[codes & 0x0f];
  const flags = reader.byte();
  if (!kind || !channel || (flags & ~KNOWN_FLAGS) !== 0) return null;
  const iat = reader.uint32() * 1000;
  const person = flags & PERSON_IS_HEX ? bytesToHex(reader.raw(32)) : reader.string();
  const shop = reader.string();
  const flow = reader.string();
  const step = reader.string();
  const runPrefix = flags & MESSAGE_HAS_RUN_PREFIX ? `run_${bytesToHex(reader.raw(10))}` : "";
  const message = runPrefix + reader.string() + (flags & MESSAGE_ENDS_WITH_STEP ? `.${step}` : "");
  const claims: MessageClaims = { shop, person, message, flow, step, channel, kind, iat };
  if (kind === "click") claims.url = toBase64Url(reader.raw(URL_HASH_BYTES));
  if (kind === "confirm") {
    const address = reader.string();
    if (address.length === 0 || address.length > MAX_ADDRESS_LENGTH) return null;
    claims.address = address;
  }
  return reader.atEnd() ? claims : null;
}

function claimsOf(payload: Uint8Array): MessageClaims | null {
  try {
    return readClaims(payload);
  } catch (error) {
    if (error instanceof MalformedPayload) return null;
    throw error;
  }
}

/**
 * Signs one link of a message, issued at `now` (kept to the second). `bound` is what the link is bound
 * to: a click link's URL (the one it may redirect to), a confirmation link's address; the others have none.
 */
export async function signMessageToken(
  secret: string,
  claims: Omit<MessageClaims, "iat" | "url" | "address">,
  now: number,
  bound?: string,
): Promise<string> {
  const binds = claims.kind === "click" || claims.kind === "confirm";
  if (binds !== (bound !== undefined)) throw new Error("a click or confirm token needs its URL or address, and only those have one");
  const iatSeconds = Math.floor(now / 1000);
  if (!(iatSeconds >= 0 && iatSeconds <= 0xffffffff)) throw new RangeError(`a message token cannot be issued at ${now}`);
  const payload = payloadOf(claims, iatSeconds, bound !== undefined && claims.kind === "click" ? await urlHash(bound) : bound);
  const token = new Uint8Array(payload.length + MAC_BYTES);
  token.set(payload);
  token.set(await macOf(secret, payload), payload.length);
  return toBase64Url(token);
}

/** The claims of a genuine, unexpired token; null for a forged, altered, malformed or expired one. */
export async function verifyMessageToken(secret: string, token: string, now: number): Promise<MessageClaims | null> {
  const bytes = canonicalBase64Url(token);
  if (!bytes || bytes.length <= MAC_BYTES) return null;
  const payload = bytes.slice(0, -MAC_BYTES);
  if (!equalInConstantTime(bytes.slice(-MAC_BYTES), await macOf(secret, payload))) return null;
  const claims = claimsOf(payload);
  return claims && now < claims.iat + MESSAGE_TOKEN_TTL_MS ? claims : null;
}

/** Whether a click token was signed for exactly this URL (no open redirect). */
export async function urlMatches(claims: MessageClaims, url: string): Promise<boolean> {
  return claims.kind === "click" && claims.url !== undefined && claims.url === toBase64Url(await urlHash(url));
}
