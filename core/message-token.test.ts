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
const decodeBase64Url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

/** The token with the first occurrence of `from` in its bytes (payload or MAC) replaced by `to`, of the same length. */
function tamper(token: string, from: string, to: string): string {
  const bytes = decodeBase64Url(token);
  const text = String.fromCharCode(...bytes);
  const at = text.indexOf(from);
  if (at < 0 || from.length !== to.length) throw new Error(`${from} is not in the token`);
  bytes.set(new TextEncoder().encode(to), at);
  return base64Url(bytes);
}

/** A click on an SMS of a flow run, its claims as real sends make them (durable-objects/messaging.ts). */
const realistic = {
  shop: "shop_0123456789abcdef",
  person: "8f14e45fceea167a5a36dedd4bea2543".repeat(2),
  message: "run_0123456789abcdef0123.reminder",
  flow: "cart_abandonment",
  step: "reminder",
  channel: "sms" as const,
};

describe("message tokens", () => {
  it("verifies a token it signed and returns its claims and issue time", async () => {
    const token = await signMessageToken("secret", open, NOW);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await verifyMessageToken("secret", token, NOW)).toEqual({ ...open, iat: NOW });
  });

  it("stays compact: a click link of a real flow message fits in 180 characters, and carries its claims whole", async () => {
    const token = await signMessageToken("secret", { ...realistic, kind: "click" }, NOW, PRODUCT);
    expect(token.length).toBeLessThanOrEqual(180);
    expect(await verifyMessageToken("secret", token, NOW)).toEqual({ ...realistic, kind: "click", url: expect.any(String), iat: NOW });
  });

  it("round-trips identifiers of any shape, not only the packed ones", async () => {
    for (const claims of [
      { ...open, person: "F".repeat(64), message: "run_0123456789ABCDEF0123.reminder" },
      { ...open, person: "", message: "run_0123456789abcdef0123", step: "" },
      { ...open, message: "run_0123456789abcdef0123.reminder.reminder" },
      { ...open, message: "optin_0123456789abcdef", shop: "shöp ✓".repeat(40), flow: "f".repeat(200) },
      { ...open, message: ".reminder", step: "reminder" },
      { ...open, shop: "\uFEFFshop_1" },
    ]) {
      expect(await verifyMessageToken("secret", await signMessageToken("secret", claims, NOW), NOW)).toEqual({ ...claims, iat: NOW });
    }
  });

  it("keeps its issue time to the second, and expires by that time", async () => {
    const token = await signMessageToken("secret", open, NOW + 999);
    expect((await verifyMessageToken("secret", token, NOW + 999))?.iat).toBe(NOW);
    expect(await verifyMessageToken("secret", token, NOW + MESSAGE_TOKEN_TTL_MS)).toBeNull();
  });

  it("refuses a token signed with another key", async () => {
    expect(await verifyMessageToken("other", await signMessageToken("secret", open, NOW), NOW)).toBeNull();
  });

  it("refuses a token whose claims were altered", async () => {
    const token = await signMessageToken("secret", { ...open, kind: "unsubscribe" }, NOW);
    expect(await verifyMessageToken("secret", tamper(token, "msg_1", "msg_2"), NOW)).toBeNull();
    expect(await verifyMessageToken("secret", tamper(token, "shop_1", "shop_2"), NOW)).toBeNull();
  });

  it("refuses every change of a single character of a token, and every flipped bit of its bytes", async () => {
    const token = await signMessageToken("secret", { ...realistic, kind: "click" }, NOW, PRODUCT);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const changed: string[] = [];
    for (let at = 0; at < token.length; at++) {
      for (const char of alphabet) if (char !== token[at]) changed.push(token.slice(0, at) + char + token.slice(at + 1));
    }
    const bytes = decodeBase64Url(token);
    for (let at = 0; at < bytes.length; at++) {
      for (let bit = 0; bit < 8; bit++) changed.push(base64Url(Uint8Array.from(bytes, (byte, i) => (i === at ? byte ^ (1 << bit) : byte))));
    }
    const accepted = (await Promise.all(changed.map((text) => verifyMessageToken("secret", text, NOW)))).filter(
      (claims) => claims !== null,
    );
    expect(accepted).toEqual([]);
  }, 20_000);

  it("refuses a token cut short or with a byte added", async () => {
    const token = await signMessageToken("secret", { ...realistic, kind: "click" }, NOW, PRODUCT);
    const bytes = decodeBase64Url(token);
    for (let length = 0; length < bytes.length; length++) {
      expect(await verifyMessageToken("secret", base64Url(bytes.slice(0, length)), NOW)).toBeNull();
    }
    for (let value = 0; value < 256; value++) {
      expect(await verifyMessageToken("secret", base64Url(Uint8Array.of(...bytes, value)), NOW)).toBeNull();
    }
  });

  it("refuses a correctly signed payload that is malformed, without throwing", async () => {
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("secret"), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    const signed = async (payload: Uint8Array) => {
      const prefixed = new Uint8Array([...new TextEncoder().encode("nudge-message-v2."), ...payload]);
      const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, prefixed)).slice(0, 16);
      return base64Url(new Uint8Array([...payload, ...mac]));
    };
    const genuine = decodeBase64Url(await signMessageToken("secret", open, NOW)).slice(0, -16);
    expect(await verifyMessageToken("secret", await signed(genuine), NOW)).not.toBeNull();
    const withByte = (at: number, value: number) => Uint8Array.from(genuine, (byte, i) => (i === at ? value : byte));
    for (const payload of [
      withByte(0, 1), // unknown version
      withByte(1, 0x40), // unknown kind
      withByte(1, 0x02), // unknown channel
      withByte(2, 0x08), // unknown flag
      withByte(7, 0xff), // a length past the end
      withByte(7, 0x80), // a two-byte length cut short
      genuine.slice(0, -1), // cut short
      Uint8Array.of(...genuine, 0), // trailing byte
      withByte(8, 0xff), // not UTF-8
    ]) {
      expect(await verifyMessageToken("secret", await signed(payload), NOW)).toBeNull();
    }
  });

  it("refuses malformed tokens", async () => {
    const token = await signMessageToken("secret", open, NOW);
    for (const bad of ["", ".", "abc", `${token}.x`, `${token}!`, `${token}=`, ` ${token}`, "A".repeat(token.length)]) {
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
    const bytes = decodeBase64Url(await signMessageToken("secret", open, NOW));
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("secret"), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    const bare = new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes.slice(0, -16))).slice(0, 16);
    expect(base64Url(bare)).not.toBe(base64Url(bytes.slice(-16)));
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
