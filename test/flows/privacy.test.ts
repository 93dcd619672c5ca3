import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE } from "../helpers";
import { customerWithCart, dispatchAt, HOUR, MINUTE, shopWithFlows, webhookMessages } from "./helpers";

describe("flow messages and the person's rights", () => {
  it("lists the person's flow messages in the export", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const t0 = Date.now();
    await customerWithCart(shop, "export@example.com", t0);
    await dispatchAt(t0 + 4 * HOUR + MINUTE);
    const response = await SELF.fetch(`${BASE}/v1/profiles/email:export@example.com/export`, {
      headers: { authorization: `Bearer ${shop.secret_key}` },
    });
    expect(response.status).toBe(200);
    const exported = (await response.json()) as { messages: { step_id: string; status: string }[] };
    expect(exported.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ step_id: "reminder", status: "sent" }),
        expect.objectContaining({ step_id: "offer", status: "pending" }),
      ]),
    );
  });

  it("sends nothing to a person erased after the message was scheduled", async () => {
    const shop = await shopWithFlows(["cart_abandonment"]);
    const t0 = Date.now();
    await customerWithCart(shop, "erase@example.com", t0);
    expect((await api(shop, "DELETE", "/v1/profiles/email:erase@example.com")).status).toBe(200);
    const run = await dispatchAt(t0 + 4 * HOUR + MINUTE);
    expect(await webhookMessages(shop)).toEqual([]);
    expect(run.sent).toBe(0);
  });
});
