import { describe, expect, it } from "vitest";
import { signDecision, verifyDecision, type TokenClaims } from "./decision-token";

const claims: TokenClaims = { shop: "shop_1", person: "p1", campaign: "cmp_1", variant: "a", placement: "top_banner" };

describe("decision tokens", () => {
  it("verifies a token it signed and returns its claims", async () => {
    const token = await signDecision("secret", claims);
    expect(await verifyDecision("secret", token)).toEqual(claims);
  });

  it("refuses a token signed with another key", async () => {
    expect(await verifyDecision("secret", await signDecision("other", claims))).toBeNull();
  });

  it("refuses a token whose claims were changed", async () => {
    const token = await signDecision("secret", claims);
    const [, signature] = token.split(".");
    const forged = await signDecision("other", { ...claims, variant: "b" });
    const [forgedPayload] = forged.split(".");
    expect(await verifyDecision("secret", `${forgedPayload}.${signature}`)).toBeNull();
  });

  it.each(["", "abc", "a.b.c", "!!!.???", "eyJ9.AAAA", "x.y", "abcde.fghij"])("refuses the malformed token %j", async (token) => {
    expect(await verifyDecision("secret", token)).toBeNull();
  });
});
