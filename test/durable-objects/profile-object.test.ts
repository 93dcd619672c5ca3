import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ProfileObject } from "../../durable-objects/profile-object";
import type { IngestRequest } from "../../durable-objects/profile-rpc";
import { MAX_RAW_EVENTS } from "../../durable-objects/profile-storage";
import type { ApiProfile } from "../../core/profile-view";
import type { TrackedEvent } from "../../core/types";

const DAY = 24 * 60 * 60 * 1000;

function stub(name: string): DurableObjectStub<ProfileObject> {
  return env.PROFILES.get(env.PROFILES.idFromName(name));
}

function pageView(id: string, ts: number): { event: TrackedEvent; identifiers: [] } {
  return { event: { id, type: "page_view", ts }, identifiers: [] };
}

/** A server batch of page views, received at `now`. */
function serverBatch(events: ReturnType<typeof pageView>[], now: number): IngestRequest {
  return {
    shopId: "s",
    consentMode: "implied",
    source: "server",
    events,
    batchConsent: null,
    batchIdentifiers: [],
    viaHome: true,
    segmentRules: {},
    receivedAt: now,
  };
}

describe("ProfileObject storage", () => {
  it("summarizes raw events beyond the retention window and keeps the profile's counters", async () => {
    const person = stub(`retention-${Date.now()}`);
    const now = Date.now();
    await person.ingest(
      serverBatch([pageView("old-1", now - 80 * DAY), pageView("old-2", now - 80 * DAY), pageView("new-1", now - DAY)], now),
    );
    const result = await runInDurableObject(person, (instance: ProfileObject) => instance.compact(now + 11 * DAY));
    expect(result.summarized).toBe(2);
    expect(result.forgottenIds).toBe(3);
    await runInDurableObject(person, (_instance, state) => {
      const raw = state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n;
      const summary = state.storage.sql.exec<{ type: string; count: number }>("SELECT type, count FROM event_summary").toArray();
      expect(raw).toBe(1);
      expect(summary).toEqual([{ type: "page_view", count: 2 }]);
    });
    expect(((await person.profile("implied")) as ApiProfile | null)?.counters.events).toBe(3);
  });

  it("keeps raw events for exactly 90 days", async () => {
    const person = stub(`ninety-${Date.now()}`);
    const now = Date.now();
    await person.ingest(serverBatch([pageView("kept", now - 90 * DAY), pageView("folded", now - 90 * DAY - 1)], now));
    const result = await runInDurableObject(person, (instance: ProfileObject) => instance.compact(now));
    expect(result.summarized).toBe(1);
    const left = await runInDurableObject(person, (_instance, state) =>
      state.storage.sql
        .exec<{ event_id: string }>("SELECT event_id FROM events")
        .toArray()
        .map((row) => row.event_id),
    );
    expect(left).toEqual(["kept"]);
  });

  it("holds the raw-event cap on every write, folding down to 90% of it so the next writes do not fold again", async () => {
    const person = stub(`write-cap-${Date.now()}`);
    const now = Date.now();
    const request = (id: string) => serverBatch([pageView(id, now)], now);
    await runInDurableObject(person, (_instance, state) => {
      state.storage.transactionSync(() => {
        for (let i = 0; i < MAX_RAW_EVENTS; i++)
          state.storage.sql.exec(
            "INSERT INTO events (event_id, type, ts, received_at, body) VALUES (?, 'page_view', ?, ?, '{}')",
            `bulk-${i}`,
            now - 1000 + i,
            now,
          );
      });
    });
    const held = () =>
      runInDurableObject(person, (_instance, state) => ({
        raw: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n,
        summarized: state.storage.sql.exec<{ n: number }>("SELECT SUM(count) AS n FROM event_summary").one().n,
      }));
    expect(await person.ingest(request("over"))).toMatchObject({ ok: true, stored: 1 });
    const keep = Math.floor(MAX_RAW_EVENTS * 0.9);
    expect(await held()).toEqual({ raw: keep, summarized: MAX_RAW_EVENTS + 1 - keep });
    expect(await person.ingest(request("next"))).toMatchObject({ ok: true, stored: 1 });
    expect(await held()).toEqual({ raw: keep + 1, summarized: MAX_RAW_EVENTS + 1 - keep });
  });

  it("folds the oldest raw events into the summary beyond the row cap, however recent", async () => {
    const person = stub(`cap-${Date.now()}`);
    const now = Date.now();
    await person.ingest(serverBatch([pageView("first", now)], now));
    const result = await runInDurableObject(person, (instance: ProfileObject, state) => {
      state.storage.transactionSync(() => {
        for (let i = 0; i < MAX_RAW_EVENTS + 4; i++) {
          state.storage.sql.exec(
            "INSERT INTO events (event_id, type, ts, received_at, body) VALUES (?, 'page_view', ?, ?, '{}')",
            `bulk-${i}`,
            now - 1000 + i,
            now,
          );
        }
      });
      return instance.compact(now);
    });
    expect(result.summarized).toBe(5);
    await runInDurableObject(person, (_instance, state) => {
      expect(state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM events").one().n).toBe(MAX_RAW_EVENTS);
    });
  });

  it("still de-duplicates an event id within the de-duplication window after compaction", async () => {
    const person = stub(`dedup-${Date.now()}`);
    const now = Date.now();
    const request = serverBatch([pageView("once", now)], now);
    await person.ingest(request);
    await runInDurableObject(person, (instance: ProfileObject) => instance.compact(now + 7 * DAY));
    const retry = await person.ingest({ ...request, receivedAt: now + 7 * DAY });
    expect(retry).toMatchObject({ ok: true, stored: 0, duplicates: 1 });
  });

  it("schedules its compaction with an alarm once it holds data", async () => {
    const person = stub(`alarm-${Date.now()}`);
    const now = Date.now();
    await person.ingest(serverBatch([pageView("a", now)], now));
    expect(await runDurableObjectAlarm(person)).toBe(true);
  });
});

describe("the state written in parts", () => {
  type Internals = { store: { loadState(): unknown }; state: unknown };
  const internals = (instance: ProfileObject) => instance as unknown as Internals;

  function logWrites(state: DurableObjectState): void {
    state.storage.sql.exec("CREATE TABLE IF NOT EXISTS write_log (key TEXT)");
    state.storage.sql.exec(
      "CREATE TRIGGER IF NOT EXISTS log_state_writes AFTER INSERT ON state BEGIN INSERT INTO write_log (key) VALUES (NEW.key); END",
    );
  }
  const writtenKeys = (state: DurableObjectState) =>
    state.storage.sql
      .exec<{ key: string }>("SELECT key FROM write_log")
      .toArray()
      .map((row) => row.key);

  it("rewrites only the parts a batch changed, and reads back the same state", async () => {
    const person = stub(`parts-${Date.now()}`);
    const now = Date.now();
    const view: { event: TrackedEvent; identifiers: [] } = {
      event: { id: "v1", type: "view_item", ts: now, items: [{ item_id: "mug", item_category: "kitchen" }] },
      identifiers: [],
    };
    const order: { event: TrackedEvent; identifiers: [] } = {
      event: { id: "o1", type: "purchase", ts: now, transaction_id: "T1", value: 20 },
      identifiers: [],
    };
    await person.ingest(serverBatch([view, order] as never, now));
    await runInDurableObject(person, (_instance, state) => logWrites(state));
    await person.ingest(serverBatch([pageView("p1", now + 1000)], now + 1000));
    await runInDurableObject(person, (instance, state) => {
      expect(writtenKeys(state)).toEqual(["profile"]);
      expect(internals(instance).store.loadState()).toEqual(internals(instance).state);
      state.storage.sql.exec("DELETE FROM write_log");
    });
    await person.ingest(serverBatch([{ ...view, event: { ...view.event, id: "v2", ts: now + 2000 } }] as never, now + 2000));
    await runInDurableObject(person, (instance, state) => {
      expect(writtenKeys(state)).toEqual(["profile.views", "profile"]);
      expect(internals(instance).store.loadState()).toEqual(internals(instance).state);
    });
    expect(((await person.profile("implied")) as ApiProfile).views.items).toEqual({ mug: 2 });
  });

  it("reads a state an earlier version stored whole, and moves its parts out on the next write", async () => {
    const person = stub(`legacy-${Date.now()}`);
    const now = Date.now();
    await person.ingest(serverBatch([pageView("first", now)], now));
    await runInDurableObject(person, (instance, state) => {
      const whole = { ...(internals(instance).state as Record<string, unknown>), views: { items: { old: 3 }, category: {}, recent: [] } };
      state.storage.sql.exec("DELETE FROM state WHERE key LIKE 'profile.%'");
      state.storage.sql.exec("INSERT OR REPLACE INTO state (key, value) VALUES ('profile', ?)", JSON.stringify(whole));
      const loaded = internals(instance).store.loadState() as { views: { items: Record<string, number> } };
      internals(instance).state = loaded;
      expect(loaded.views.items).toEqual({ old: 3 });
    });
    await person.ingest(serverBatch([pageView("second", now + 1000)], now + 1000));
    await runInDurableObject(person, (instance, state) => {
      const keys = state.storage.sql
        .exec<{ key: string }>("SELECT key FROM state WHERE key LIKE 'profile%' ORDER BY key")
        .toArray()
        .map((row) => row.key);
      expect(keys).toContain("profile.views");
      expect((internals(instance).store.loadState() as { views: { items: Record<string, number> } }).views.items).toEqual({ old: 3 });
    });
  });
});
