import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { addressCheck, fetchChecked } from "../../workers/channels/address-guard";
import { deliver } from "../../workers/channels/deliver";
import type { DeliveryOptions, OutgoingMessage } from "../../workers/channels/types";
import type { ShopSettings } from "../../workers/schemas/settings";
import { newBox, received, script, setDns } from "./receiver";

const NOW = Date.UTC(2026, 4, 4, 12, 0, 0);
const SECRET = "whsec_test_ünïcode";
const SID = `AC${"0123456789abcdef".repeat(2)}`;

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    id: "msg_run1_reminder",
    shop_id: "shop_1",
    flow_id: "cart_abandonment",
    step_id: "email_reminder",
    channel: "email",
    to: "ada@example.com",
    profile_id: "prf_1",
    content: { subject: "You left something", body: "Your mug is waiting", code: "SAVE10" },
    links: { open: "http://nudge.test/m/o/tok", click: "http://nudge.test/m/c/tok", unsubscribe: "http://nudge.test/m/u/tok" },
    created_at: new Date(NOW).toISOString(),
    email: { html: "<p>Your mug is waiting</p>", text: "Your mug is waiting" },
    sms: { text: "Your mug is waiting" },
    ...overrides,
  };
}

function options(overrides: Partial<DeliveryOptions> = {}): DeliveryOptions {
  return { allowPrivate: true, resolverUrl: `${env.TEST_RECEIVER_URL}/dns-query`, timeoutMs: 2_000, now: NOW, ...overrides };
}

function webhookOnly(url: string): ShopSettings["channels"] {
  return { webhook: { url, secret: SECRET }, email: null, sms: null };
}

async function hmacHex(secret: string, text: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(text));
  return [...new Uint8Array(mac)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("the webhook channel", () => {
  it("posts the contract's body with an idempotency key and a signature the receiver can verify", async () => {
    const box = newBox();
    const attempt = await deliver(message(), webhookOnly(`${box.url}/hook`), options());
    expect(attempt).toEqual({ outcome: "delivered", transport: "webhook" });

    const [request] = await received(box.name);
    expect(request?.method).toBe("POST");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["idempotency-key"]).toBe("msg_run1_reminder");
    const body = JSON.parse(request?.body ?? "{}") as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      ["channel", "content", "created_at", "flow_id", "id", "links", "profile_id", "shop_id", "step_id", "to"].sort(),
    );
    expect(body).toMatchObject({ id: "msg_run1_reminder", channel: "email", to: "ada@example.com", content: { code: "SAVE10" } });

    const t = Math.floor(NOW / 1000);
    expect(request?.headers["nudge-signature"]).toBe(`t=${t},v1=${await hmacHex(SECRET, `${t}.${request?.body}`)}`);
  });

  it("carries SMS too when no SMS provider is configured", async () => {
    const box = newBox();
    const attempt = await deliver(message({ channel: "sms", to: "+4915112345678" }), webhookOnly(`${box.url}/hook`), options());
    expect(attempt).toEqual({ outcome: "delivered", transport: "webhook" });
    expect(JSON.parse((await received(box.name))[0]?.body ?? "{}")).toMatchObject({ channel: "sms", to: "+4915112345678" });
  });

  it("asks to retry after a 429 with the receiver's Retry-After", async () => {
    const box = newBox();
    await script(box.name, [{ status: 429, headers: { "retry-after": "120" } }]);
    const attempt = await deliver(message(), webhookOnly(`${box.url}/hook`), options());
    expect(attempt).toEqual({ outcome: "retry", transport: "webhook", reason: "http_429", retryAfter: "120" });
  });

  it("asks to retry after a 5xx", async () => {
    const box = newBox();
    await script(box.name, [{ status: 503 }]);
    const attempt = await deliver(message(), webhookOnly(`${box.url}/hook`), options());
    expect(attempt).toEqual({ outcome: "retry", transport: "webhook", reason: "http_503", retryAfter: null });
  });

  it("asks to retry when the receiver answers too slowly", async () => {
    const box = newBox();
    await script(box.name, [{ status: 200, delay_ms: 1_500 }]);
    const attempt = await deliver(message(), webhookOnly(`${box.url}/hook`), options({ timeoutMs: 300 }));
    expect(attempt).toEqual({ outcome: "retry", transport: "webhook", reason: "timeout", retryAfter: null });
  });

  it("asks to retry when nothing listens", async () => {
    const attempt = await deliver(message(), webhookOnly("http://127.0.0.1:1/hook"), options());
    expect(attempt).toEqual({ outcome: "retry", transport: "webhook", reason: "network", retryAfter: null });
  });

  it("fails for good on another 4xx", async () => {
    const box = newBox();
    await script(box.name, [{ status: 400 }]);
    const attempt = await deliver(message(), webhookOnly(`${box.url}/hook`), options());
    expect(attempt).toEqual({ outcome: "failed", transport: "webhook", reason: "http_400" });
  });

  it("fails as no_channel when the shop configured nothing", async () => {
    const attempt = await deliver(message(), { webhook: null, email: null, sms: null }, options());
    expect(attempt).toEqual({ outcome: "failed", transport: "none", reason: "no_channel" });
  });
});

describe("the providers", () => {
  it("sends email to Resend with its key, the message id as idempotency key and one-click unsubscribe headers", async () => {
    const box = newBox();
    const channels: ShopSettings["channels"] = {
      webhook: { url: `${box.url}/hook`, secret: SECRET },
      email: { provider: "resend", api_key: "re_test", from: "Mugs <shop@mugs.example>", reply_to: "help@mugs.example", base_url: box.url },
      sms: null,
    };
    expect(await deliver(message(), channels, options())).toEqual({ outcome: "delivered", transport: "resend" });

    const requests = await received(box.name);
    expect(requests.map((request) => request.path)).toEqual([`/r/${box.name}/emails`]);
    const [request] = requests;
    expect(request?.headers.authorization).toBe("Bearer re_test");
    expect(request?.headers["idempotency-key"]).toBe("msg_run1_reminder");
    expect(JSON.parse(request?.body ?? "{}")).toEqual({
      from: "Mugs <shop@mugs.example>",
      to: ["ada@example.com"],
      subject: "You left something",
      html: "<p>Your mug is waiting</p>",
      text: "Your mug is waiting",
      reply_to: "help@mugs.example",
      headers: { "List-Unsubscribe": "<http://nudge.test/m/u/tok>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
  });

  it("sends SMS to Twilio form-encoded with HTTP Basic auth", async () => {
    const box = newBox();
    const channels: ShopSettings["channels"] = {
      webhook: null,
      email: null,
      sms: { provider: "twilio", account_sid: SID, auth_token: "tw_token", from: "+4930123456", base_url: `${box.url}/` },
    };
    const sms = message({ channel: "sms", to: "+4915112345678", sms: { text: "Still thinking? 10% off: SAVE10" } });
    expect(await deliver(sms, channels, options())).toEqual({ outcome: "delivered", transport: "twilio" });

    const [request] = await received(box.name);
    expect(request?.path).toBe(`/r/${box.name}/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(request?.headers.authorization).toBe(`Basic ${btoa(`${SID}:tw_token`)}`);
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      To: "+4915112345678",
      From: "+4930123456",
      Body: "Still thinking? 10% off: SAVE10",
    });
  });

  it("names a Twilio Messaging Service instead of a sender number when from is an MG sid", async () => {
    const box = newBox();
    const service = `MG${"0123456789abcdef".repeat(2)}`;
    const channels: ShopSettings["channels"] = {
      webhook: null,
      email: null,
      sms: { provider: "twilio", account_sid: SID, auth_token: "tw_token", from: service, base_url: box.url },
    };
    await deliver(message({ channel: "sms", to: "+4915112345678" }), channels, options());
    const form = new URLSearchParams((await received(box.name))[0]?.body);
    expect(form.get("MessagingServiceSid")).toBe(service);
    expect(form.has("From")).toBe(false);
  });

  it("does not retry an SMS whose answer timed out, since Twilio has no idempotency key", async () => {
    const box = newBox();
    await script(box.name, [{ status: 201, delay_ms: 1_500 }]);
    const channels: ShopSettings["channels"] = {
      webhook: null,
      email: null,
      sms: { provider: "twilio", account_sid: SID, auth_token: "tw_token", from: "+4930123456", base_url: box.url },
    };
    const attempt = await deliver(message({ channel: "sms", to: "+4915112345678" }), channels, options({ timeoutMs: 300 }));
    expect(attempt).toEqual({ outcome: "failed", transport: "twilio", reason: "timeout_unknown_outcome" });
  });
});

describe("send-time address checks", () => {
  const guarded = options({ allowPrivate: false });

  it("refuses a private address literal without sending anything", async () => {
    const box = newBox();
    expect(await deliver(message(), webhookOnly(`${box.url}/hook`), guarded)).toEqual({
      outcome: "failed",
      transport: "webhook",
      reason: "private_address",
    });
    expect(await received(box.name)).toEqual([]);
  });

  it("refuses a name that resolves to a private address", async () => {
    await setDns({ "hooks.evil.example": ["93.184.216.34", "10.0.0.1"] });
    const attempt = await deliver(message(), webhookOnly("http://hooks.evil.example/hook"), guarded);
    expect(attempt).toEqual({ outcome: "failed", transport: "webhook", reason: "private_address" });
  });

  it("refuses a name whose IPv6 address is private", async () => {
    await setDns({ "v6.evil.example": ["fd00::1"] });
    const attempt = await deliver(message(), webhookOnly("http://v6.evil.example/hook"), guarded);
    expect(attempt).toEqual({ outcome: "failed", transport: "webhook", reason: "private_address" });
  });

  it("refuses a name that does not resolve (fails closed)", async () => {
    const attempt = await deliver(message(), webhookOnly("http://nowhere.unknown.example/hook"), guarded);
    expect(attempt).toEqual({ outcome: "failed", transport: "webhook", reason: "unresolvable" });
  });

  it("retries when the resolver itself cannot answer", async () => {
    const unreachable = options({ allowPrivate: false, resolverUrl: "http://127.0.0.1:1/dns-query" });
    const attempt = await deliver(message(), webhookOnly("http://hooks.shop.example/hook"), unreachable);
    expect(attempt).toEqual({ outcome: "retry", transport: "webhook", reason: "dns_unavailable", retryAfter: null });
  });

  it("allows a name that resolves to public addresses only", async () => {
    await setDns({ "hooks.good.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"] });
    const check = addressCheck({ allowPrivate: false, resolverUrl: `${env.TEST_RECEIVER_URL}/dns-query`, timeoutMs: 2_000 });
    expect(await check(new URL("https://hooks.good.example/hook"))).toBe("allowed");
  });
});

describe("redirects", () => {
  /** The real check, except that the receiver's loopback address passes (it stands for a public host). */
  const realCheck = addressCheck({ allowPrivate: false, resolverUrl: `${env.TEST_RECEIVER_URL}/dns-query`, timeoutMs: 2_000 });
  const receiverCountsAsPublic = async (url: URL) => (url.hostname === "127.0.0.1" ? "allowed" : realCheck(url));
  const post = { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer x" }, body: '{"a":1}' };

  it("refuses a redirect to a private address after the first hop", async () => {
    const box = newBox();
    await script(box.name, [{ status: 302, headers: { location: "http://10.0.0.1/steal" } }]);
    expect(await fetchChecked(`${box.url}/start`, post, receiverCountsAsPublic)).toEqual({ ok: false, reason: "private_address" });
    expect(await received(box.name)).toHaveLength(1);
  });

  it("follows a 307 with the same method and body", async () => {
    const box = newBox();
    await script(box.name, [{ status: 307, headers: { location: `${box.url}/moved` } }]);
    const result = await fetchChecked(`${box.url}/start`, post, receiverCountsAsPublic);
    expect(result.ok && result.response.status).toBe(200);
    const [, moved] = await received(box.name);
    expect(moved).toMatchObject({ method: "POST", path: `/r/${box.name}/moved`, body: '{"a":1}' });
  });

  it("continues a 303 as a GET without body", async () => {
    const box = newBox();
    await script(box.name, [{ status: 303, headers: { location: `/r/${box.name}/see-other` } }]);
    await fetchChecked(`${box.url}/start`, post, receiverCountsAsPublic);
    const [, next] = await received(box.name);
    expect(next).toMatchObject({ method: "GET", path: `/r/${box.name}/see-other`, body: "" });
  });

  it("gives up after three redirects", async () => {
    const box = newBox();
    const hop = { status: 308, headers: { location: `${box.url}/again` } };
    await script(box.name, [hop, hop, hop, hop]);
    expect(await fetchChecked(`${box.url}/start`, post, receiverCountsAsPublic)).toEqual({ ok: false, reason: "too_many_redirects" });
    expect(await received(box.name)).toHaveLength(4);
  });
});
