import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { getProfile } from "../helpers";
import { customerWithCart, dispatchAt, HOUR, messageOf, MINUTE, shopWithFlows, webhookMessages } from "./helpers";

/** Tracking links point at PUBLIC_URL (http://nudge.test in the tests): fetch them through the Worker. */
function follow(url: string, init: RequestInit = {}): Promise<Response> {
  const { pathname, search } = new URL(url);
  return SELF.fetch(`https://nudge.test${pathname}${search}`, { redirect: "manual", ...init });
}

const withPhone = [
  { type: "identify", traits: { phone: "+4915112345678" } },
  { type: "subscribe", channel: "sms" },
];

describe("message tracking", () => {
  it("skips the SMS when the reminder email was opened, and sends it when it was not", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const t0 = Date.now();
    await customerWithCart(shop, "opened@example.com", t0, withPhone);
    await customerWithCart(shop, "unopened@example.com", t0, [
      { type: "identify", traits: { phone: "+4915112345679" } },
      { type: "subscribe", channel: "sms" },
    ]);
    await dispatchAt(t0 + 4 * HOUR + MINUTE);
    const reminder = (await webhookMessages(shop)).find((m) => m.to === "opened@example.com");
    if (!reminder) throw new Error("no reminder");
    const pixel = await follow(reminder.links.open);
    expect(pixel.status).toBe(200);
    expect(pixel.headers.get("content-type")).toBe("image/gif");
    expect((await messageOf(shop, "email:opened@example.com", "cart_abandonment", "reminder"))?.opened_at).not.toBeNull();
    await dispatchAt(t0 + 24 * HOUR + MINUTE);
    const sms = (await webhookMessages(shop)).filter((m) => m.channel === "sms");
    expect(sms.map((m) => m.to)).toEqual(["+4915112345679"]);
    expect(await messageOf(shop, "email:opened@example.com", "cart_abandonment", "sms_nudge")).toMatchObject({
      status: "skipped",
      reason: "opened",
    });
  });

  it("redirects a click to a URL of the message and refuses any other URL", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const t0 = Date.now();
    await customerWithCart(shop, "click@example.com", t0);
    await dispatchAt(t0 + 4 * HOUR + MINUTE);
    const [message] = await webhookMessages(shop);
    const tracked = message?.content.items?.[0]?.url;
    if (!tracked) throw new Error("no tracked item link");
    const click = await follow(tracked);
    expect(click.status).toBe(302);
    expect(click.headers.get("location")).toBe("https://shop.example/mugs/blue");
    expect((await messageOf(shop, "email:click@example.com", "cart_abandonment", "reminder"))?.clicked_at).not.toBeNull();
    const forged = new URL(tracked);
    forged.searchParams.set("u", "https://evil.example/");
    const refused = await follow(forged.toString());
    expect(refused.status).toBe(404);
    expect(refused.headers.get("location")).toBeNull();
  });

  it("stops later sends after a one-click unsubscribe (RFC 8058 POST), while the GET page alone changes nothing", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const t0 = Date.now();
    await customerWithCart(shop, "bye@example.com", t0);
    await dispatchAt(t0 + 4 * HOUR + MINUTE);
    const [message] = await webhookMessages(shop);
    if (!message) throw new Error("no reminder");
    const page = await follow(message.links.unsubscribe);
    expect(page.status).toBe(200);
    expect((await getProfile(shop, "email:bye@example.com")).body.subscribed.email).toBe(true);
    const unsubscribe = await follow(message.links.unsubscribe, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(unsubscribe.status).toBe(200);
    expect((await getProfile(shop, "email:bye@example.com")).body.subscribed.email).toBe(false);
    await dispatchAt(t0 + 48 * HOUR + MINUTE);
    expect((await webhookMessages(shop)).map((m) => m.step_id)).toEqual(["reminder"]);
    expect(await messageOf(shop, "email:bye@example.com", "cart_abandonment", "offer")).toMatchObject({
      status: "skipped",
      reason: "unsubscribed",
    });
  });
});

describe("quiet hours", () => {
  it("postpones an SMS due at 23:00 Europe/Berlin to 08:00, and sends it then", async () => {
    const shop = await shopWithFlows(["cart_abandonment"], { quiet_hours: { start: "21:00", end: "08:00" } });
    // The next 23:00 in Berlin, and a cart backdated so that the 24-hour SMS falls due then.
    const now = Date.now();
    const elevenPm = nextBerlin(now, 23);
    const cartAt = elevenPm - 24 * HOUR;
    await customerWithCart(shop, "night@example.com", cartAt, [
      { type: "identify", traits: { phone: "+4915112345600" } },
      { type: "subscribe", channel: "sms" },
    ]);
    await dispatchAt(elevenPm + MINUTE);
    expect((await webhookMessages(shop)).filter((m) => m.channel === "sms")).toEqual([]);
    const postponed = await messageOf(shop, "email:night@example.com", "cart_abandonment", "sms_nudge");
    const eightAm = nextBerlin(elevenPm, 8);
    expect(postponed).toMatchObject({ status: "pending" });
    expect(Date.parse(postponed?.not_before ?? "")).toBe(eightAm);
    await dispatchAt(eightAm - MINUTE);
    expect((await webhookMessages(shop)).filter((m) => m.channel === "sms")).toEqual([]);
    await dispatchAt(eightAm + MINUTE);
    expect((await webhookMessages(shop)).filter((m) => m.channel === "sms")).toHaveLength(1);
  });
});

/** The next instant after `after` when the wall clock in Berlin shows `hour`:00. */
function nextBerlin(after: number, hour: number): number {
  const format = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Berlin", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  let t = Math.ceil(after / MINUTE) * MINUTE;
  while (format.format(t) !== `${String(hour).padStart(2, "0")}:00`) t += MINUTE;
  return t;
}
