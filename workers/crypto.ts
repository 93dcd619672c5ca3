import { bytesToHex } from "../core/hmac";
const encoder = new TextEncoder();

export async function sha256Hex(value: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value))));
}

/** A random url-safe token of `bytes` bytes of entropy, with a prefix (`sk_`, `pk_`, `shop_`). */
export function randomToken(prefix: string, bytes = 24): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  const base64 = btoa(String.fromCharCode(...raw));
  return prefix + base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Compares two secrets in constant time (per length). */
export function secretsEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.byteLength !== right.byteLength) return false;
  return crypto.subtle.timingSafeEqual(left, right);
}

/** The Worker secret that signs decision and message tokens (domain-separated); a deployment without it fails loudly. */
export function tokenSecret(env: Pick<Env, "DECISION_TOKEN_SECRET">): string {
  const secret = env.DECISION_TOKEN_SECRET;
  if (!secret) throw new Error("DECISION_TOKEN_SECRET is not set (wrangler secret put DECISION_TOKEN_SECRET)");
  return secret;
}
