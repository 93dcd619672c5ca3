import { describe, expect, it } from "vitest";
import { MAX_BACKFILL_MS, parseIsoMillis, resolveTimestamp } from "./timestamps";
import { DAY_MS } from "./time";

const RECEIVED_AT = Date.parse("2025-06-01T12:00:00.000Z");

describe("resolveTimestamp", () => {
  const vectors: [string, number | null, number | null, number][] = [
    ["no ts is the receipt time", null, null, RECEIVED_AT],
    ["no ts with a sent_at is the receipt time", null, RECEIVED_AT - 10_000, RECEIVED_AT],
    ["a ts without sent_at is kept as is", RECEIVED_AT - 5_000, null, RECEIVED_AT - 5_000],
    ["a browser clock 1 hour slow is corrected", RECEIVED_AT - 3_600_000 - 2_000, RECEIVED_AT - 3_600_000, RECEIVED_AT - 2_000],
    ["a browser clock 1 day fast is corrected", RECEIVED_AT + DAY_MS - 7_000, RECEIVED_AT + DAY_MS, RECEIVED_AT - 7_000],
    ["a ts after sent_at is clamped to the receipt time", RECEIVED_AT + 1_000, RECEIVED_AT, RECEIVED_AT],
    ["a ts in the future without sent_at is clamped", RECEIVED_AT + DAY_MS, null, RECEIVED_AT],
    ["exactly 90 days back is kept", RECEIVED_AT - 90 * DAY_MS, null, RECEIVED_AT - 90 * DAY_MS],
  ];
  it.each(vectors)("%s", (_label, ts, sentAt, expected) => {
    expect(resolveTimestamp(ts, sentAt, RECEIVED_AT)).toEqual({ ok: true, ts: expected });
  });

  it("an event more than 90 days back is refused", () => {
    const result = resolveTimestamp(RECEIVED_AT - MAX_BACKFILL_MS - 1, null, RECEIVED_AT);
    expect(result.ok).toBe(false);
  });

  it("the 90-day window is measured after clock correction", () => {
    // The browser's clock is 100 days slow but the event is only a minute old: it is kept.
    const sentAt = RECEIVED_AT - 100 * DAY_MS;
    expect(resolveTimestamp(sentAt - 60_000, sentAt, RECEIVED_AT)).toEqual({ ok: true, ts: RECEIVED_AT - 60_000 });
    // The browser's clock is right but the event is 91 days before sending: refused.
    expect(resolveTimestamp(RECEIVED_AT - 91 * DAY_MS, RECEIVED_AT, RECEIVED_AT).ok).toBe(false);
  });
});

describe("parseIsoMillis", () => {
  it("parses ISO 8601 with an offset to epoch milliseconds", () => {
    expect(parseIsoMillis("2025-06-01T14:00:00+02:00")).toBe(RECEIVED_AT);
    expect(parseIsoMillis("2025-06-01T12:00:00.000Z")).toBe(RECEIVED_AT);
  });

  it("an absent or unparsable value is null", () => {
    expect(parseIsoMillis(undefined)).toBeNull();
    expect(parseIsoMillis("not a date")).toBeNull();
  });
});
