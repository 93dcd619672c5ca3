import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shopFlows } from "../../workers/db/flows";
import { findShop } from "../../workers/db/shops";
import { deliverableChannels } from "../../workers/db/flows";
import { LEASE_MS } from "../../workers/dispatcher";
import { profilesOf, stubFor } from "../../workers/routing";
import { getProfile } from "../helpers";
import { customerWithCart, dispatchAt, HOUR, messageOf, MINUTE, shopWithFlows, webhookMessages, type FlowShop } from "./helpers";
import { script } from "./receiver";
import { centralDatabase } from "../central-db";

async function shopWithDueCarts(people: number): Promise<{ shop: FlowShop; due: number }> {
  const shop = await shopWithFlows(["cart_abandonment"]);
  const t0 = Date.now();
  await Promise.all(Array.from({ length: people }, (_, i) => customerWithCart(shop, `p${i}@example.com`, t0)));
  return { shop, due: t0 + 4 * HOUR + MINUTE };
}

function expectOncePerPerson(messages: { id: string; to: string }[], people: number): void {
  expect(messages).toHaveLength(people);
  expect(new Set(messages.map((m) => m.id)).size).toBe(people);
  expect(new Set(messages.map((m) => m.to)).size).toBe(people);
}

describe("exactly once", () => {
  it("delivers each message once when the cron fires twice at the same moment (repeated)", async () => {
    for (let round = 0; round < 3; round++) {
      const { shop, due } = await shopWithDueCarts(8);
      await Promise.all([dispatchAt(due, `a${round}`), dispatchAt(due, `b${round}`)]);
      expectOncePerPerson(await webhookMessages(shop), 8);
    }
  });

  it("delivers each message once when a second run overlaps the first after its leases expired", async () => {
    const { shop, due } = await shopWithDueCarts(4);
    // A slow receiver keeps the first run's deliveries in flight while the second starts.
    await script(
      shop.box,
      Array.from({ length: 4 }, () => ({ status: 200, delay_ms: 400 })),
    );
    await Promise.all([
      dispatchAt(due, "slow"),
      new Promise((resolve) => setTimeout(resolve, 100)).then(() => dispatchAt(due + LEASE_MS + MINUTE, "late")),
    ]);
    expectOncePerPerson(await webhookMessages(shop), 4);
  });

  it("does not send again after a run that died between the person's dispatch and releasing its lease", async () => {
    const { shop, due } = await shopWithDueCarts(1);
    const db = centralDatabase();
    const stored = await findShop(db, shop.shop_id);
    if (!stored) throw new Error("shop missing");
    const { body } = await getProfile(shop, "email:p0@example.com");
    // The run's object call went through (it delivered and recorded); the run then died holding its lease.
    const result = await stubFor(profilesOf(env, stored), body.profile_id).dispatch({
      shopId: stored.id,
      shopName: stored.settings.name,
      now: due,
      definitions: (await shopFlows(db, stored.id)).flows,
      settings: {
        timezone: stored.settings.timezone,
        quiet_hours: stored.settings.quiet_hours,
        smart_sending_hours: stored.settings.smart_sending_hours,
        channels: deliverableChannels(stored.settings),
      },
      channels: stored.settings.channels,
      consentMode: stored.settings.consent_mode,
      segmentRules: stored.settings.segments,
      publicUrl: env.PUBLIC_URL,
      allowPrivate: true,
      resolverUrl: env.DNS_RESOLVER_URL,
    });
    expect(result).toMatchObject({ status: "done", sent: 1 });
    await dispatchAt(due + LEASE_MS + MINUTE);
    await dispatchAt(due + 2 * LEASE_MS + MINUTE);
    expect(await webhookMessages(shop)).toHaveLength(1);
    expect(await messageOf(shop, "email:p0@example.com", "cart_abandonment", "reminder")).toMatchObject({ status: "sent" });
  });
});
