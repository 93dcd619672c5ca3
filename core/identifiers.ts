import type { Identifier, IdentifierKind } from "./types";

export const IDENTIFIER_KINDS: readonly IdentifierKind[] = ["anonymous_id", "customer_id", "email", "phone"];
/** Strongest first: the identifier that names a person when an event carries several. */
export const IDENTIFIER_STRENGTH: readonly IdentifierKind[] = ["customer_id", "email", "phone", "anonymous_id"];
export const MAX_IDENTIFIER_LENGTH = 256;

const ANONYMOUS_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const RESERVED_ANONYMOUS_IDS = new Set(["null", "undefined"]);

export function isValidAnonymousId(value: string): boolean {
  return ANONYMOUS_ID.test(value) && !RESERVED_ANONYMOUS_IDS.has(value.toLowerCase());
}

export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function isValidEmail(normalized: string): boolean {
  return normalized.length <= MAX_IDENTIFIER_LENGTH && EMAIL.test(normalized);
}

/**
 * E.164: a leading `+` (or international `00`), then 7–15 digits not starting with 0.
 * Spaces, dots, dashes and parentheses are formatting and dropped. Returns null when invalid.
 */
export function normalizePhone(value: string): string | null {
  let compact = value.trim().replace(/[\s().-]/g, "");
  if (compact.startsWith("00")) compact = `+${compact.slice(2)}`;
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : null;
}

export function normalizeCustomerId(value: string | number): string {
  return String(value).trim();
}

/** Normalizes an identifier of any kind; null when it is not valid for its kind. */
export function normalizeIdentifier(kind: IdentifierKind, raw: string): Identifier | null {
  switch (kind) {
    case "anonymous_id":
      return isValidAnonymousId(raw) ? { kind, value: raw } : null;
    case "email": {
      const email = normalizeEmail(raw);
      return isValidEmail(email) ? { kind, value: email } : null;
    }
    case "phone": {
      const phone = normalizePhone(raw);
      return phone ? { kind, value: phone } : null;
    }
    case "customer_id": {
      const id = normalizeCustomerId(raw);
      return id.length > 0 && id.length <= MAX_IDENTIFIER_LENGTH ? { kind, value: id } : null;
    }
  }
}

export type ProfileKeyResult = { ok: true; identifier: Identifier } | { ok: false; reason: "unknown_kind" | "invalid_value" };

/** Parses a profile key of the API path, `email:ann@example.com`, `customer_id:42`, … */
export function parseProfileKey(key: string): ProfileKeyResult {
  const colon = key.indexOf(":");
  if (colon <= 0) return { ok: false, reason: "unknown_kind" };
  const kind = key.slice(0, colon);
  if (!(IDENTIFIER_KINDS as readonly string[]).includes(kind)) return { ok: false, reason: "unknown_kind" };
  const identifier = normalizeIdentifier(kind as IdentifierKind, key.slice(colon + 1));
  return identifier ? { ok: true, identifier } : { ok: false, reason: "invalid_value" };
}

/** Picks the identifier that names the person: the strongest one present. */
export function strongestIdentifier(identifiers: readonly Identifier[]): Identifier | null {
  for (const kind of IDENTIFIER_STRENGTH) {
    const found = identifiers.find((identifier) => identifier.kind === kind);
    if (found) return found;
  }
  return null;
}
