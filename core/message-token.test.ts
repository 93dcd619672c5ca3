import { describe, expect, it } from "vitest";
import { signDecision } from "./decision-token";
import { MESSAGE_TOKEN_TTL_MS, type MessageClaims, signMessageToken, urlMatches, verifyMessageToken } from "./message-token";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const open: Omit<MessageClaims, "iat" | "url"> = {
  shop: "shop_1",
  person: "p1",
  message: "msg_1",
  flow: "cart_abandonment",
  step: "reminder",
  channel: "email",
  kind: "open",
};
const click = { ...open, kind: "click" as const };
const PRODUCT = "https://shop.example/product/mug?ref=mail";

const base64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const decodeBase64Url = (text: string) => atob(text.replace(/-/g, "+").replace(/_/g, "/"));

/** The token with its payload changed and its signature kept. */
function tamper(token: string, change: (parts: unknown[]) => void): string {
  const [payload, signature] = token.split(".");
  const parts = JSON.parse(decodeBase64Url(payload ?? "")) as unknown[];
  change(parts);
  return `${base64Url(new TextEncoder().encode(JSON.stringify(parts)))}.${signature}`;
}

describe("message tokens", () => {
  it("verifies a token it signed and returns its claims and issue time", async () => {
    const token = await signMessageToken("secret", open, NOW);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(await verifyMessageToken("secret", token, NOW)).toEqual({ ...open, iat: NOW });
  });

  it("stays compact: a click link of a 64-character person fits in 400 characters", async () => {
    const claims = { ...click, shop: "shop_0123456789abcdef", person: "f".repeat(64), message: `msg_${"a".repeat(32)}` };
    const token = await signMessageToken("secret", claims, NOW, PRODUCT);
    expect(token.length).toBeLessThanOrEqual(400);
  });

  it("refuses a token signed with another key", async () => {
    expect(await verifyMessageToken("other", await signMessageToken("secret", open, NOW), NOW)).toBeNull();
  });

  it("refuses a token whose claims were altered", async () => {
    const token = await signMessageToken("secret", { ...open, kind: "unsubscribe" }, NOW);
    expect(
      await verifyMessageToken(
        "secret",
        tamper(token, (parts) => (parts[2] = "msg_2")),
        NOW,
      ),
    ).toBeNull();
    expect(
      await verifyMessageToken(
        "secret",
        tamper(token, (parts) => (parts[0] = "shop_2")),
        NOW,
      ),
    ).toBeNull();
  });

  it("refuses malformed tokens", async () => {
    const token = await signMessageToken("secret", open, NOW);
    for (const bad of ["", ".", "abc", `${token}.x`, `${token}!`, token.replace(".", "")]) {
      expect(await verifyMessageToken("secret", bad, NOW)).toBeNull();
    }
  });

  it("expires 180 days after it was issued", async () => {
    const token = await signMessageToken("secret", open, NOW);
    expect(await verifyMessageToken("secret", token, NOW + MESSAGE_TOKEN_TTL_MS - 1)).not.toBeNull();
    expect(await verifyMessageToken("secret", token, NOW + MESSAGE_TOKEN_TTL_MS)).toBeNull();
  });

  it("never accepts a decision token signed with the same secret", async () => {
    const decision = await signDecision("secret", { shop: "shop_1", person: "p1", campaign: "c", variant: "a", placement: "nba" }, NOW);
    expect(await verifyMessageToken("secret", decision, NOW)).toBeNull();
  });

  it("signs under its own prefix, so its signature could never pass for a decision token's over the same payload", async () => {
    const token = await signMessageToken("secret", open, NOW);
    const [payload = "", signature = ""] = token.split(".");
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("secret"), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    const bare = base64Url(
      new Uint8Array(
        await crypto.subtle.sign(
          "HMAC",
          key,
          Uint8Array.from(decodeBase64Url(payload), (c) => c.charCodeAt(0)),
        ),
      ),
    );
    expect(bare).not.toBe(signature);
  });
});

describe("click tokens", () => {
  it("match the URL they were signed for and no other", async () => {
    const claims = await verifyMessageToken("secret", await signMessageToken("secret", click, NOW, PRODUCT), NOW);
    expect(claims).not.toBeNull();
    if (!claims) return;
    expect(await urlMatches(claims, PRODUCT)).toBe(true);
    expect(await urlMatches(claims, "https://evil.example/")).toBe(false);
    expect(await urlMatches(claims, `${PRODUCT}&x=1`)).toBe(false);
  });

  it("cannot be signed without a URL, and other links cannot carry one", async () => {
    await expect(signMessageToken("secret", click, NOW)).rejects.toThrow();
    await expect(signMessageToken("secret", open, NOW, PRODUCT)).rejects.toThrow();
  });

  it("an open or unsubscribe token never matches a URL", async () => {
    const claims = await verifyMessageToken("secret", await signMessageToken("secret", open, NOW), NOW);
    expect(claims && (await urlMatches(claims, PRODUCT))).toBe(false);
  });
});
