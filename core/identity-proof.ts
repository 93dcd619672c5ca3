import { bytesToHex, hexToBytes, hmacKey, hmacSha256 } from "./hmac";
import type { Identifier, IdentifierKind } from "./types";

/**
 * Identity verification: the shop's backend vouches for its logged-in customer with a
 * `user_hash`, the lowercase hex HMAC-SHA256 of one identifier keyed with the shop's identity
 * secret. Web Crypto only, so the same code runs in the Worker and in Node.
 */
const encoder = new TextEncoder();

/** Which identifier a user_hash signs: the strongest one the event names (never a device id). */
const PROOF_KINDS: readonly IdentifierKind[] = ["customer_id", "email", "phone"];

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** The user_hash of an identifier's value: lowercase hex HMAC-SHA256 keyed with the secret's UTF-8 bytes. */
export async function userHash(secret: string, value: string): Promise<string> {
  return bytesToHex(await hmacSha256(secret, value));
}

/**
 * The identifier a user_hash must sign: customer_id, else email, else phone. Identifiers arrive
 * normalized (email trimmed and lower-cased, phone in E.164), so the value is signed as it is.
 */
export function proofSubject(identifiers: readonly Identifier[]): Identifier | null {
  for (const kind of PROOF_KINDS) {
    const found = identifiers.find((identifier) => identifier.kind === kind);
    if (found) return found;
  }
  return null;
}

/**
 * Whether `hash` is the user_hash of `value`. Web Crypto's verify compares in constant time; hex
 * of either case is accepted (some platforms print upper case). An empty secret proves nothing,
 * since anyone could sign with it.
 */
export async function verifyUserHash(secret: string, value: string, hash: string): Promise<boolean> {
  if (secret.length === 0 || !HEX_SHA256.test(hash)) return false;
  return crypto.subtle.verify("HMAC", await hmacKey(secret), hexToBytes(hash), encoder.encode(value));
}
