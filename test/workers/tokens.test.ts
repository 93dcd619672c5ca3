import { describe, expect, it } from "vitest";
import { signDecision } from "../../core/decision-token";
import { flushNbaOutcomes } from "../../workers/nba-outcomes";
import { api, collect, createShop, getProfile, visitorId, type TestShop } from "../helpers";
import { centralDatabase, centralDb } from "../central-db";

interface Decision {
  campaign_id: string;
  variant_id: string;
  token: string;
}

async function collectWith(
  shop: TestShop,
  anon: string,
  events: unknown[],
  placements: string[],
): Promise<{ decisions: Decision[]; events: { stored: number; duplicates: number } }> {
  const response = await collect(shop, { anonymous_id: anon, events, placements });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as { decisions: Decision[]; events: { stored: number; duplicates: number } };
}

const nudge = (type: string, decision: Decision) => ({
  type,
  campaign_id: decision.campaign_id,
  variant_id: decision.variant_id,
  token: decision.token,
});

describe("decision tokens count once", () => {
  it("counts one impression for a token replayed 15 times, so a lifetime cap of 2 is not used up by one decision", async () => {
    const shop = await createShop();
    const created = await api(shop, "POST", "/v1/campaigns", {
      name: "twice",
      placement: "top_banner",
      caps: { per_day: null, lifetime: 2, stop_after_click: false, stop_after_conversion: false },
      variants: [{ id: "a", weight: 100, content: { title: "Hello" } }],
    });
    expect(created.status).toBe(201);
    const anon = visitorId();
    const first = (await collectWith(shop, anon, [], ["top_banner"])).decisions[0] as Decision;
    for (let i = 0; i < 15; i++) {
      const answer = await collectWith(shop, anon, [nudge("nudge_impression", first)], []);
      expect(answer.events).toEqual(expect.objectContaining(i === 0 ? { stored: 1, duplicates: 0 } : { stored: 0, duplicates: 1 }));
    }
    const { body } = await getProfile(shop, `anonymous_id:${anon}`);
    expect(body.counters.events).toBe(1);
    const second = (await collectWith(shop, anon, [], ["top_banner"])).decisions[0] as Decision;
    expect(second.token).not.toBe(first.token);
    expect((await collectWith(shop, anon, [nudge("nudge_impression", second)], ["top_banner"])).decisions).toEqual([]);
  });

  it("teaches the bandit one trial and one success per decision, however often its clicks are replayed", async () => {
    const shop = await createShop();
    const created = await api(shop, "POST", "/v1/campaigns", {
      name: "subscribe",
      placement: "nba",
      action: "subscribe",
      variants: [{ id: "a", weight: 100, content: { title: "Join us" } }],
    });
    expect(created.status).toBe(201);
    const anon = visitorId();
    const shown = (await collectWith(shop, anon, [], ["nba"])).decisions[0] as Decision;
    const replays = [nudge("nudge_impression", shown), ...Array.from({ length: 60 }, () => nudge("nudge_click", shown))];
    for (let start = 0; start < replays.length; start += 20) await collectWith(shop, anon, replays.slice(start, start + 20), []);
    await flushNbaOutcomes(centralDatabase());
    const rows = await centralDb()
      .prepare("SELECT trials, successes FROM nba_stats WHERE shop_id = ?")
      .bind(shop.shop_id)
      .all<{ trials: number; successes: number }>();
    expect(rows.results).toEqual([{ trials: 1, successes: 1 }]);
  });

  it("counts nothing for a token issued more than 7 days ago, and answers 2xx", async () => {
    const shop = await createShop();
    const anon = visitorId();
    const first = await collect(shop, { anonymous_id: anon, events: [{ type: "page_view" }] });
    const person = ((await first.json()) as { profile_id: string }).profile_id;
    const old = await signDecision(
      "test_decision_secret",
      { shop: shop.shop_id, person, campaign: "cmp_x", variant: "a", placement: "top_banner" },
      Date.now() - 8 * 24 * 60 * 60 * 1000,
    );
    const answer = await collectWith(shop, anon, [{ type: "nudge_impression", campaign_id: "cmp_x", variant_id: "a", token: old }], []);
    expect(answer.events).toMatchObject({ stored: 0, duplicates: 1 });
  });
});
