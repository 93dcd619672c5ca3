import { describe, expect, it } from "vitest";
import { signDecision, tokenExpired, verifyDecision, type DecisionClaims } from "./decision-token";

const decision: DecisionClaims = { shop: "shop_1", person: "p1", campaign: "cmp_1", variant: "a", placement: "top_banner" };
const NOW = Date.parse("2026-11-27T12:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

const base64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const decodeBase64Url = (text: string) => atob(text.replace(/-/g, "+").replace(/_/g, "/"));

/** A token over any payload, correctly signed: what a bug in the signer (or an old format) would produce. */
async function signRaw(secret: string, parts: unknown): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const payload = new TextEncoder().encode(JSON.stringify(parts));
  return `${base64Url(payload)}.${base64Url(new Uint8Array(await crypto.subtle.sign("HMAC", key, payload)))}`;
}

/** The token with its payload changed and its signature kept. */
function tamper(token: string, change: (parts: unknown[]) => void): string {
  const [payload, signature] = token.split(".");
  const parts = JSON.parse(decodeBase64Url(payload ?? "")) as unknown[];
  change(parts);
  return `${base64Url(new TextEncoder().encode(JSON.stringify(parts)))}.${signature}`;
}

describe("decision tokens", () => {
  it("verifies a token it signed and returns its claims, its decision id and its issue time", async () => {
    const token = await signDecision("secret", decision, NOW);
    expect(await verifyDecision("secret", token)).toEqual({ ...decision, id: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/), iat: NOW });
  });

  it("issues a token at the current time when no time is given", async () => {
    const before = Date.now();
    const claims = await verifyDecision("secret", await signDecision("secret", decision));
    expect(claims?.iat).toBeGreaterThanOrEqual(before);
    expect(claims?.iat).toBeLessThanOrEqual(Date.now());
  });

  it("gives every token of the same decision at the same time its own decision id", async () => {
    const tokens = await Promise.all(Array.from({ length: 500 }, () => signDecision("secret", decision, NOW)));
    const ids = await Promise.all(tokens.map(async (token) => (await verifyDecision("secret", token))?.id));
    expect(new Set(tokens).size).toBe(500);
    expect(new Set(ids).size).toBe(500);
    expect(ids.every((id) => typeof id === "string")).toBe(true);
  });

  it("stays compact: a decision for a 64-character person id fits in 300 characters", async () => {
    const token = await signDecision(
      "secret",
      { ...decision, shop: "shop_0123456789abcdef", person: "f".repeat(64), campaign: "cmp_0123456789abcdef" },
      NOW,
    );
    expect(token.length).toBeLessThanOrEqual(300);
  });

  it("refuses a token signed with another key", async () => {
    expect(await verifyDecision("secret", await signDecision("other", decision, NOW))).toBeNull();
  });

  it.each([
    ["its variant", 3, "b"],
    ["its decision id", 5, "AAAAAAAAAAAAAAAA"],
    ["its issue time", 6, NOW + DAY],
  ])("refuses a token whose claims were changed: %s", async (_name, index, value) => {
    const token = await signDecision("secret", decision, NOW);
    const forged = tamper(token, (parts) => {
      parts[index] = value;
    });
    expect(forged).not.toBe(token);
    expect(await verifyDecision("secret", forged)).toBeNull();
  });

  it.each<[string, unknown]>([
    ["the old format without decision id and issue time", ["shop_1", "p1", "cmp_1", "a", "top_banner"]],
    ["a decision id that is too short", ["shop_1", "p1", "cmp_1", "a", "top_banner", "abc", NOW]],
    ["a decision id with characters outside base64url", ["shop_1", "p1", "cmp_1", "a", "top_banner", "AAAAAAAAAAAAAAA+", NOW]],
    ["an issue time that is a string", ["shop_1", "p1", "cmp_1", "a", "top_banner", "AAAAAAAAAAAAAAAA", String(NOW)]],
    ["an issue time with a fraction", ["shop_1", "p1", "cmp_1", "a", "top_banner", "AAAAAAAAAAAAAAAA", NOW + 0.5]],
    ["a negative issue time", ["shop_1", "p1", "cmp_1", "a", "top_banner", "AAAAAAAAAAAAAAAA", -1]],
    ["a claim that is not a string", ["shop_1", 7, "cmp_1", "a", "top_banner", "AAAAAAAAAAAAAAAA", NOW]],
    ["an extra claim", ["shop_1", "p1", "cmp_1", "a", "top_banner", "AAAAAAAAAAAAAAAA", NOW, "x"]],
    ["an object instead of a list", { shop: "shop_1" }],
  ])("refuses a genuinely signed token with %s", async (_name, parts) => {
    expect(await verifyDecision("secret", await signRaw("secret", parts))).toBeNull();
  });

  it("accepts a genuinely signed token of the current format, which the malformed cases differ from", async () => {
    const parts = ["shop_1", "p1", "cmp_1", "a", "top_banner", "AAAAAAAAAAAAAAAA", NOW];
    expect(await verifyDecision("secret", await signRaw("secret", parts))).toEqual({ ...decision, id: "AAAAAAAAAAAAAAAA", iat: NOW });
  });

  it.each(["", "abc", "a.b.c", "!!!.???", "eyJ9.AAAA", "x.y", "abcde.fghij"])("refuses the malformed token %j", async (token) => {
    expect(await verifyDecision("secret", token)).toBeNull();
  });
});

describe("token expiry", () => {
  it("keeps a token valid until just before 7 days after its issue", () => {
    expect(tokenExpired({ iat: NOW }, NOW)).toBe(false);
    expect(tokenExpired({ iat: NOW }, NOW + 7 * DAY - 1)).toBe(false);
  });

  it("expires a token exactly 7 days after its issue, and later", () => {
    expect(tokenExpired({ iat: NOW }, NOW + 7 * DAY)).toBe(true);
    expect(tokenExpired({ iat: NOW }, NOW + 30 * DAY)).toBe(true);
  });

  it("expires the claims verifyDecision returns", async () => {
    const claims = await verifyDecision("secret", await signDecision("secret", decision, NOW));
    expect(claims && tokenExpired(claims, NOW + 7 * DAY)).toBe(true);
  });
});
