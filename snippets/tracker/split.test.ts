import { describe, expect, it } from "vitest";
import { MAX_BYTES, split } from "./split";

const wrap = (events: unknown[]) =>
  JSON.stringify({ site: "pk_test", anonymous_id: "a".repeat(32), sent_at: new Date().toISOString(), events });
const bytes = (s: string) => new TextEncoder().encode(s).length;
const event = (i: number, size: number) => ({ type: "view_item", id: `e${i}`, pad: "é".repeat(size) });

describe("split", () => {
  it("keeps a small batch whole", () => {
    const events = [event(1, 10), event(2, 10)];
    expect(split(events, wrap)).toEqual([events]);
  });

  it("gives one empty group for no events (a collect that only asks for decisions)", () => {
    expect(split([], wrap)).toEqual([[]]);
  });

  it("splits a batch over 64 KB into batches within it, in order, counting bytes (not characters)", () => {
    // 2-byte characters: 100 events of ~2 KB each are ~200 KB of JSON.
    const events = Array.from({ length: 100 }, (_, i) => event(i, 1000));
    const groups = split(events, wrap);
    expect(groups.length).toBeGreaterThanOrEqual(4);
    expect(groups.length).toBeLessThanOrEqual(8);
    expect(groups.flat()).toEqual(events);
    for (const group of groups) expect(bytes(wrap(group))).toBeLessThanOrEqual(MAX_BYTES);
  });

  it("puts at most 100 events in a batch", () => {
    const events = Array.from({ length: 250 }, (_, i) => event(i, 0));
    const groups = split(events, wrap);
    expect(groups.flat()).toEqual(events);
    for (const group of groups) expect(group.length).toBeLessThanOrEqual(100);
    expect(split(events.slice(0, 100), wrap)).toEqual([events.slice(0, 100)]);
  });

  it("drops an event too large for a batch of its own, keeps the others", () => {
    const events = [event(1, 10), event(2, 40_000), event(3, 10)];
    expect(split(events, wrap).flat()).toEqual([events[0], events[2]]);
    expect(split([events[1]], wrap)).toEqual([]);
  });

  it("takes a smaller limit", () => {
    const events = Array.from({ length: 10 }, (_, i) => event(i, 100));
    const groups = split(events, wrap, 1024);
    for (const group of groups) expect(bytes(wrap(group))).toBeLessThanOrEqual(1024);
    expect(groups.flat()).toEqual(events);
  });
});
