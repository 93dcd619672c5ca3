import { describe, expect, it } from "vitest";
import { addNbaCounts, type NbaCounts } from "../../workers/db/nba";
import { flushNbaOutcomes, queueNbaOutcomes, type NbaOutcome } from "../../workers/nba-outcomes";
import { api, collect, createShop, visitorId } from "../helpers";
import { centralDatabase, centralDb, recordingDatabase } from "../central-db";

/** Collects what the code hands to `waitUntil`, as the runtime would keep it alive. */
function executionContext() {
  const promises: Promise<unknown>[] = [];
  return { promises, waitUntil: (promise: Promise<unknown>) => void promises.push(promise) };
}

async function statsOf(shopId: string) {
  const rows = await centralDb()
    .prepare("SELECT segment, action, trials, successes FROM nba_stats WHERE shop_id = ? ORDER BY segment, action")
    .bind(shopId)
    .all();
  return rows.results;
}

const times = (count: number, outcome: NbaOutcome): NbaOutcome[] => Array.from({ length: count }, () => outcome);
const uniqueShop = () => visitorId("shop");

describe("next-best-action outcomes", () => {
  it("writes the outcomes of many interactions in one statement, adding them up per segment and action", async () => {
    await flushNbaOutcomes(centralDatabase());
    const shopId = uniqueShop();
    const outcomes = [
      ...times(30, { segment: "awareness", action: "subscribe", kind: "trial" }),
      ...times(4, { segment: "awareness", action: "subscribe", kind: "success" }),
      ...times(6, { segment: "retention", action: "cross_sell", kind: "trial" }),
    ];
    queueNbaOutcomes(centralDatabase(), shopId, outcomes.slice(0, 20), executionContext());
    queueNbaOutcomes(centralDatabase(), shopId, outcomes.slice(20), executionContext());
    const { db, statements, trips } = recordingDatabase();
    await flushNbaOutcomes(db);
    expect(statements).toHaveLength(1);
    expect(trips.count).toBe(1);
    expect(await statsOf(shopId)).toEqual([
      { segment: "awareness", action: "subscribe", trials: 30, successes: 4 },
      { segment: "retention", action: "cross_sell", trials: 6, successes: 0 },
    ]);
  });

  it("adds a later flush's counts to the stored ones", async () => {
    const shopId = uniqueShop();
    for (const trials of [3, 5]) {
      queueNbaOutcomes(
        centralDatabase(),
        shopId,
        times(trials, { segment: "advocacy", action: "refer_friend", kind: "trial" }),
        executionContext(),
      );
      await flushNbaOutcomes(centralDatabase());
    }
    expect(await statsOf(shopId)).toEqual([{ segment: "advocacy", action: "refer_friend", trials: 8, successes: 0 }]);
  });

  it("costs no query when nothing is pending", async () => {
    await flushNbaOutcomes(centralDatabase());
    const { db, statements, trips } = recordingDatabase();
    await flushNbaOutcomes(db);
    expect(statements).toEqual([]);
    expect(trips.count).toBe(0);
  });

  it("splits rows beyond D1's 100 bound parameters into statements sent in one round trip", async () => {
    const shopId = uniqueShop();
    const counts: NbaCounts[] = Array.from({ length: 40 }, (_, i) => ({
      shopId,
      segment: `segment-${i}`,
      action: "review",
      trials: i + 1,
      successes: i,
    }));
    const { db, statements, trips } = recordingDatabase();
    await addNbaCounts(db, counts);
    expect(statements).toHaveLength(3);
    for (const statement of statements) expect(statement.split("?").length - 1).toBeLessThanOrEqual(100);
    expect(trips.count).toBe(1);
    const stored = await statsOf(shopId);
    expect(stored).toHaveLength(40);
    expect(stored.reduce((sum, row) => sum + Number(row.trials), 0)).toBe((40 * 41) / 2);
  });

  it("keeps the counts of a failed flush and writes them with the next one", async () => {
    await flushNbaOutcomes(centralDatabase());
    const shopId = uniqueShop();
    queueNbaOutcomes(
      centralDatabase(),
      shopId,
      times(7, { segment: "conversion", action: "complete_purchase", kind: "trial" }),
      executionContext(),
    );
    await expect(flushNbaOutcomes(recordingDatabase({ down: true }).db)).rejects.toThrow("the central database is down");
    expect(await statsOf(shopId)).toEqual([]);
    queueNbaOutcomes(
      centralDatabase(),
      shopId,
      times(2, { segment: "conversion", action: "complete_purchase", kind: "success" }),
      executionContext(),
    );
    await flushNbaOutcomes(centralDatabase());
    expect(await statsOf(shopId)).toEqual([{ segment: "conversion", action: "complete_purchase", trials: 7, successes: 2 }]);
  });

  it("flushes in the background at once when 1,000 outcomes wait, without the caller waiting", async () => {
    await flushNbaOutcomes(centralDatabase());
    const shopId = uniqueShop();
    const ctx = executionContext();
    queueNbaOutcomes(centralDatabase(), shopId, times(999, { segment: "retention", action: "reorder", kind: "trial" }), ctx);
    expect(ctx.promises).toHaveLength(1);
    queueNbaOutcomes(centralDatabase(), shopId, times(1, { segment: "retention", action: "reorder", kind: "success" }), ctx);
    expect(ctx.promises).toHaveLength(2);
    await ctx.promises[1];
    expect(await statsOf(shopId)).toEqual([{ segment: "retention", action: "reorder", trials: 999, successes: 1 }]);
  });

  it("learns from the impressions and clicks of a collect after the answer, once the isolate flushes", async () => {
    const shop = await createShop();
    const created = await api(shop, "POST", "/v1/campaigns", {
      name: "Join",
      placement: "nba",
      action: "subscribe",
      variants: [{ id: "a", weight: 100, content: { title: "Join" } }],
    });
    const campaignId = ((await created.json()) as { id: string }).id;
    const anon = visitorId();
    const shown = (await (await collect(shop, { anonymous_id: anon, events: [{ type: "page_view" }], placements: ["nba"] })).json()) as {
      decisions: { variant_id: string; token: string }[];
    };
    const decision = shown.decisions[0];
    const nudge = (type: string) => ({ type, campaign_id: campaignId, variant_id: decision?.variant_id, token: decision?.token });
    const reported = await collect(shop, { anonymous_id: anon, events: [nudge("nudge_impression"), nudge("nudge_click")] });
    expect(reported.status).toBe(200);
    expect(await statsOf(shop.shop_id)).toEqual([]);
    await flushNbaOutcomes(centralDatabase());
    expect(await statsOf(shop.shop_id)).toEqual([{ segment: "awareness", action: "subscribe", trials: 1, successes: 1 }]);
  });
});
