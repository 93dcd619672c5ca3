import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signDecision } from "../../core/decision-token";
import { MESSAGE_TOKEN_TTL_MS, type MessageClaims, type MessageLinkKind, signMessageToken } from "../../core/message-token";
import { BASE, createShop } from "../helpers";

/** The secret the test Worker signs with (vitest.config.ts). */
const SECRET = "test_decision_secret";
const PRODUCT = "https://shop.example/p/mug";

/** A message that was never sent, to a person object that exists in name only. */
async function claimsFor(kind: MessageLinkKind, shopId?: string): Promise<Omit<MessageClaims, "iat" | "url">> {
  const shop = shopId ?? (await createShop()).shop_id;
  const person = env.PROFILES.idFromName(`${shop}:message-links:${crypto.randomUUID()}`).toString();
  return { shop, person, message: `msg_${crypto.randomUUID()}`, flow: "cart_abandonment", step: "reminder", channel: "email", kind };
}

const sign = async (kind: MessageLinkKind, options: { now?: number; url?: string; secret?: string } = {}) =>
  signMessageToken(
    options.secret ?? SECRET,
    await claimsFor(kind),
    options.now ?? Date.now(),
    kind === "click" ? (options.url ?? PRODUCT) : undefined,
  );

const get = (path: string) => SELF.fetch(`${BASE}${path}`, { redirect: "manual" });
const post = (path: string) =>
  SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });
const click = (token: string, url = PRODUCT) => get(`/m/c/${token}?u=${encodeURIComponent(url)}`);

/** Every link route, for a token of its kind. */
const linkRequests: [MessageLinkKind, (token: string) => Promise<Response>][] = [
  ["open", (token) => get(`/m/o/${token}`)],
  ["click", (token) => click(token)],
  ["unsubscribe", (token) => get(`/m/u/${token}`)],
  ["unsubscribe", (token) => post(`/m/u/${token}`)],
];

async function expectNotFound(response: Response, code = "link_not_found"): Promise<void> {
  expect(response.status, await response.clone().text()).toBe(404);
  expect(response.headers.get("location")).toBeNull();
  expect(await response.json()).toEqual({ error: { code, message: expect.any(String) } });
}

/** The token with one character of its payload changed and its signature kept. */
/** One character of the token changed: the claims no longer match their MAC. */
function tampered(token: string): string {
  return token.slice(0, 10) + (token[10] === "A" ? "B" : "A") + token.slice(11);
}

describe("message links refuse tokens that are not genuine", () => {
  it("answers 404 to a forged token on every link", async () => {
    for (const [kind, request] of linkRequests) {
      await expectNotFound(await request(await sign(kind, { secret: "not the server's secret" })));
      await expectNotFound(await request("not-a-token"));
    }
  });

  it("answers 404 to a tampered token on every link", async () => {
    for (const [kind, request] of linkRequests) await expectNotFound(await request(tampered(await sign(kind))));
  });

  it("answers 404 to a token past its 180 days on every link", async () => {
    for (const [kind, request] of linkRequests) {
      await expectNotFound(await request(await sign(kind, { now: Date.now() - MESSAGE_TOKEN_TTL_MS - 1000 })));
    }
  });

  it("answers 404 to a decision token signed with the same secret", async () => {
    const decision = await signDecision(SECRET, { shop: "shop_1", person: "p1", campaign: "c", variant: "a", placement: "nba" });
    for (const [, request] of linkRequests) await expectNotFound(await request(decision));
  });

  it("accepts a token only on the link of its own kind", async () => {
    await expectNotFound(await get(`/m/o/${await sign("unsubscribe")}`));
    await expectNotFound(await post(`/m/u/${await sign("open")}`));
    await expectNotFound(await click(await sign("open")));
  });

  it("answers 404 to a token of a shop that does not exist", async () => {
    const token = await signMessageToken(SECRET, await claimsFor("unsubscribe", "shop_gone"), Date.now());
    await expectNotFound(await get(`/m/u/${token}`));
    await expectNotFound(await post(`/m/u/${token}`));
  });
});

describe("click links redirect only to the URL they were signed for", () => {
  it("does not redirect to another URL, and does not reach the person for it", async () => {
    const token = await sign("click");
    for (const other of ["https://evil.example/", `${PRODUCT}?x=1`, "", "/p/mug"]) await expectNotFound(await click(token, other));
    await expectNotFound(await get(`/m/c/${token}`));
    // The signed URL gets past the check to the person, who never got this message.
    await expectNotFound(await click(token, PRODUCT), "message_not_found");
  });

  it("never redirects to a URL that is not a web page, even one it was signed for", async () => {
    await expectNotFound(await click(await sign("click", { url: "javascript:alert(1)" }), "javascript:alert(1)"));
  });
});

describe("links of a message that was not sent", () => {
  it("answer 404 and record nothing", async () => {
    await expectNotFound(await get(`/m/o/${await sign("open")}`), "message_not_found");
  });
});

describe("the unsubscribe page", () => {
  it("only asks on GET, with a button that POSTs back, under a policy that runs nothing", async () => {
    const response = await get(`/m/u/${await sign("unsubscribe")}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    expect(html).toContain('<form method="post">');
    expect(html).toContain("marketing emails");
    expect(html).not.toContain("<script");
  });
});
