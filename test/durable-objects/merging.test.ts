import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { IncomingEvent } from "../../core/profile";
import type { ApiProfile } from "../../core/profile-view";
import type { ProfileObject } from "../../durable-objects/profile-object";
import type { IngestRequest } from "../../durable-objects/profile-rpc";

function person(name: string): DurableObjectStub<ProfileObject> {
  return env.PROFILES.get(env.PROFILES.idFromName(name));
}

const pageViews = (prefix: string, count: number, ts = Date.now()): IncomingEvent[] =>
  Array.from({ length: count }, (_, i) => ({ event: { id: `${prefix}-${i}`, type: "page_view", ts }, identifiers: [] }));

function batch(events: IncomingEvent[]): IngestRequest {
  return {
    shopId: "shop",
    consentMode: "implied",
    source: "server",
    events,
    batchConsent: null,
    batchIdentifiers: [],
    receivedAt: Date.now(),
    viaHome: true,
    segmentRules: {},
  };
}

const cause = { identifier: { kind: "email" as const, value: "pair@example.com" }, event_id: null };

async function counters(stub: DurableObjectStub<ProfileObject>) {
  return ((await stub.profile("implied")) as ApiProfile).counters;
}

async function auditOf(stub: DurableObjectStub<ProfileObject>) {
  return runInDurableObject(stub, (_instance, state) =>
    state.storage.sql
      .exec<{ entry: string }>("SELECT entry FROM audit")
      .toArray()
      .map((row) => JSON.parse(row.entry) as { type: string }),
  );
}

describe("merging two people", () => {
  it("absorbs a person once when ten merges of the same pair run at once", async () => {
    const tag = `${Date.now()}-${Math.random()}`;
    const [survivor, absorbed] = [person(`s-${tag}`), person(`a-${tag}`)];
    await survivor.ingest(batch(pageViews("s", 3)));
    await absorbed.ingest(batch(pageViews("a", 5)));
    const absorbedId = env.PROFILES.idFromName(`a-${tag}`).toString();
    const results = await Promise.all(Array.from({ length: 10 }, () => survivor.absorb({ absorbedId, shopId: "shop", cause })));
    expect(results.filter((result) => result.status === "merged")).toHaveLength(results.length);
    expect(await counters(survivor)).toMatchObject({ events: 8, page_views: 8 });
    expect((await auditOf(survivor)).filter((entry) => entry.type === "merge")).toHaveLength(1);
    const rows = await runInDurableObject(
      survivor,
      (_instance, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n,
    );
    expect(rows).toBe(8);
  });

  it("counts an event once when its id reached both people before they merged", async () => {
    const tag = `${Date.now()}-${Math.random()}`;
    const [survivor, absorbed] = [person(`s-${tag}`), person(`a-${tag}`)];
    const retried: IncomingEvent = {
      event: { id: "retried", type: "view_item", ts: Date.now(), items: [{ item_id: "mug", item_category: "kitchen" }] },
      identifiers: [],
    };
    await survivor.ingest(batch([retried, ...pageViews("s", 2)]));
    await absorbed.ingest(batch([retried, ...pageViews("a", 2)]));
    const absorbedId = env.PROFILES.idFromName(`a-${tag}`).toString();
    expect(await survivor.absorb({ absorbedId, shopId: "shop", cause })).toMatchObject({ status: "merged" });
    const profile = (await survivor.profile("implied")) as ApiProfile;
    expect(profile.counters).toMatchObject({ events: 5, page_views: 4 });
    expect(profile.views.items).toEqual({ mug: 1 });
    expect(profile.views.category).toEqual({ kitchen: 1 });
  });

  it("hands a large person over in pages below the RPC limit", async () => {
    const tag = `${Date.now()}-${Math.random()}`;
    const [survivor, absorbed] = [person(`s-${tag}`), person(`a-${tag}`)];
    const padding = "x".repeat(30_000);
    // 1,500 events of 30 KB: 45 MB, more than one RPC message may carry.
    for (let round = 0; round < 15; round++) {
      const events = Array.from({ length: 100 }, (_, i) => ({
        event: { id: `big-${round}-${i}`, type: "note", ts: Date.now(), properties: { padding } },
        identifiers: [],
      }));
      expect(await absorbed.ingest(batch(events))).toMatchObject({ ok: true, stored: 100 });
    }
    const absorbedId = env.PROFILES.idFromName(`a-${tag}`).toString();
    expect(await survivor.absorb({ absorbedId, shopId: "shop", cause })).toMatchObject({ status: "merged" });
    expect((await counters(survivor)).events).toBe(1500);
    // 45 MB through storage and RPC: seconds on a busy machine, beyond the default 5 s timeout.
  }, 60_000);
});
