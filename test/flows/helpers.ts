import { env } from "cloudflare:test";
import { expect } from "vitest";
import type { ApiMessage } from "../../core/flows/history";
import { dispatchDue, type DispatchRun } from "../../workers/dispatcher";
import { api, createShop, getProfile, serverEvents, type TestShop } from "../helpers";
import { newBox, received } from "./receiver";

export const HOUR = 60 * 60 * 1000;
export const MINUTE = 60 * 1000;
export const WEBHOOK_SECRET = "whsec_test_secret";

/** The webhook contract's body, as a receiver gets it. */
export interface WebhookBody {
  id: string;
  shop_id: string;
  flow_id: string;
  step_id: string;
  channel: "email" | "sms";
  to: string;
  profile_id: string;
  content: { subject?: string; body: string; items?: { item_id: string; url?: string }[]; code?: string };
  links: { open: string; click: string; unsubscribe: string };
  created_at: string;
}

export interface FlowShop extends TestShop {
  box: string;
}

/** A shop whose webhook points at a fresh receiver box, with these built-in flows switched on. */
export async function shopWithFlows(flowIds: string[], settings: Record<string, unknown> = {}): Promise<FlowShop> {
  const shop = await createShop();
  const box = newBox();
  const update = await api(shop, "PUT", "/v1/settings", {
    timezone: "Europe/Berlin",
    quiet_hours: null,
    channels: { webhook: { url: box.url, secret: WEBHOOK_SECRET } },
    ...settings,
  });
  expect(update.status).toBe(200);
  for (const id of flowIds) expect((await api(shop, "PUT", `/v1/flows/${id}`, { enabled: true })).status).toBe(200);
  return { ...shop, box: box.name };
}

/** A known, subscribed customer (server events are trusted) with an item in the cart at `at`. */
export async function customerWithCart(shop: TestShop, email: string, at: number, extra: Record<string, unknown>[] = []): Promise<void> {
  const ts = new Date(at).toISOString();
  const response = await serverEvents(shop, {
    events: [
      { type: "identify", email, traits: { email, first_name: "Ann" }, ts },
      { type: "subscribe", email, channel: "email", ts },
      ...extra.map((event) => ({ email, ts, ...event })),
      {
        type: "add_to_cart",
        email,
        ts,
        value: 24,
        currency: "EUR",
        items: [{ item_id: "mug-1", item_name: "Blue mug", price: 24, quantity: 1, url: "https://shop.example/mugs/blue" }],
      },
    ],
  });
  expect(response.status).toBe(200);
}

export function dispatchAt(now: number, owner?: string): Promise<DispatchRun> {
  return dispatchDue(env, now, owner === undefined ? {} : { owner });
}

/** What the shop's webhook received, parsed. */
export async function webhookMessages(shop: FlowShop): Promise<WebhookBody[]> {
  return (await received(shop.box)).map((request) => JSON.parse(request.body) as WebhookBody);
}

export async function messagesOf(shop: TestShop, key: string): Promise<ApiMessage[]> {
  const { status, body } = await getProfile(shop, key);
  expect(status).toBe(200);
  return body.messages ?? [];
}

export async function messageOf(shop: TestShop, key: string, flowId: string, stepId: string): Promise<ApiMessage | undefined> {
  return (await messagesOf(shop, key)).find((message) => message.flow_id === flowId && message.step_id === stepId);
}
