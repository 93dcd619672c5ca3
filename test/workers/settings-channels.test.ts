import { describe, expect, it } from "vitest";
import { deliverableChannels } from "../../workers/db/flows";
import { api, createShop, type TestShop } from "../helpers";
import { centralDb } from "../central-db";

interface ErrorBody {
  error: { code: string; field?: string };
}

type Channels = Record<"webhook" | "email" | "sms", Record<string, unknown> | null>;

const EMAIL = { provider: "resend", api_key: "re_live_abcdef", from: "Mug Shop <hello@mugs.example>", reply_to: "care@mugs.example" };
const SMS = {
  provider: "twilio",
  account_sid: `AC${"0123456789abcdef".repeat(2)}`,
  auth_token: "twilio_token_4321",
  from: "+4915112345678",
};

async function channels(shop: TestShop): Promise<Channels> {
  return ((await (await api(shop, "GET", "/v1/settings")).json()) as { channels: Channels }).channels;
}

async function storedChannels(shopId: string): Promise<Channels> {
  const row = await centralDb().prepare("SELECT settings FROM shops WHERE id = ?").bind(shopId).first<{ settings: string }>();
  return (JSON.parse(row?.settings ?? "{}") as { channels: Channels }).channels;
}

async function refusal(shop: TestShop, change: unknown): Promise<ErrorBody["error"]> {
  const response = await api(shop, "PUT", "/v1/settings", { channels: change });
  expect(response.status).toBe(400);
  return ((await response.json()) as ErrorBody).error;
}

describe("channel settings", () => {
  it("store Resend email and Twilio SMS with their secrets masked, and keep them through GET → PUT", async () => {
    const shop = await createShop();
    expect((await api(shop, "PUT", "/v1/settings", { channels: { email: EMAIL, sms: SMS } })).status).toBe(200);
    const shown = await channels(shop);
    expect(shown.email).toEqual({ ...EMAIL, api_key: "••••ef" });
    expect(shown.sms).toEqual({ ...SMS, auth_token: "••••21" });

    expect((await api(shop, "PUT", "/v1/settings", { channels: shown })).status).toBe(200);
    expect(await storedChannels(shop.shop_id)).toMatchObject({ email: EMAIL, sms: SMS });
  });

  it("take a Messaging Service SID as the SMS sender and provider base URLs for tests and proxies", async () => {
    const shop = await createShop();
    const sms = { ...SMS, from: `MG${"a".repeat(32)}`, base_url: "https://twilio-proxy.example" };
    const email = { ...EMAIL, from: "hello@mugs.example", base_url: "https://resend-proxy.example/" };
    expect((await api(shop, "PUT", "/v1/settings", { channels: { email, sms } })).status).toBe(200);
    expect(await storedChannels(shop.shop_id)).toMatchObject({ email, sms });
  });

  it("refuse provider settings that could not send, naming the field, and store nothing", async () => {
    const shop = await createShop();
    const cases: [unknown, string][] = [
      [{ email: { ...EMAIL, provider: "postmark" } }, "channels.email.provider"],
      [{ email: { ...EMAIL, from: "Mug Shop" } }, "channels.email.from"],
      [{ email: { ...EMAIL, reply_to: "care at mugs" } }, "channels.email.reply_to"],
      [{ email: { ...EMAIL, port: 587 } }, "channels.email.port"],
      [{ email: { ...EMAIL, base_url: "ftp://resend.example" } }, "channels.email.base_url"],
      [{ email: { provider: "resend", from: EMAIL.from } }, "channels.email.api_key"],
      [{ sms: { ...SMS, account_sid: "AC123" } }, "channels.sms.account_sid"],
      [{ sms: { ...SMS, from: "015112345678" } }, "channels.sms.from"],
      [{ sms: { ...SMS, provider: "vonage" } }, "channels.sms.provider"],
    ];
    for (const [change, field] of cases) expect((await refusal(shop, change)).field, field).toBe(field);
    expect(await storedChannels(shop.shop_id)).toEqual({ webhook: null, email: null, sms: null });
  });

  it("refuse provider base URLs on loopback or private addresses, like webhook URLs", async () => {
    const shop = await createShop();
    const cases: [unknown, string][] = [
      [{ email: { ...EMAIL, base_url: "http://127.0.0.1:8787" } }, "channels.email.base_url"],
      [{ sms: { ...SMS, base_url: "http://[::ffff:10.0.0.1]/" } }, "channels.sms.base_url"],
      [{ sms: { ...SMS, base_url: "http://twilio.internal" } }, "channels.sms.base_url"],
    ];
    for (const [change, field] of cases) expect(await refusal(shop, change), field).toMatchObject({ code: "private_webhook", field });
    expect(await storedChannels(shop.shop_id)).toEqual({ webhook: null, email: null, sms: null });
  });

  it("tell which channels a shop can deliver on: the webhook carries both, a provider its own", () => {
    const webhook = { url: "https://hooks.example/n", secret: "whsec_1" };
    const email = { provider: "resend" as const, api_key: "re_1", from: "a@mugs.example" };
    const sms = { provider: "twilio" as const, account_sid: SMS.account_sid, auth_token: "t", from: SMS.from };
    expect(deliverableChannels({ channels: { webhook: null, email: null, sms: null } })).toEqual({ email: false, sms: false });
    expect(deliverableChannels({ channels: { webhook, email: null, sms: null } })).toEqual({ email: true, sms: true });
    expect(deliverableChannels({ channels: { webhook: null, email, sms: null } })).toEqual({ email: true, sms: false });
    expect(deliverableChannels({ channels: { webhook: null, email: null, sms } })).toEqual({ email: false, sms: true });
  });
});
