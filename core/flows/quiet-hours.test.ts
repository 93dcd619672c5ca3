import { describe, expect, it } from "vitest";
import { quietHoursEnd } from "./quiet-hours";

const NIGHT = { start: "21:00", end: "08:00" };
const at = (iso: string) => Date.parse(iso);
const endOf = (iso: string, quiet: { start: string; end: string } | null = NIGHT, zone = "Europe/Berlin") => {
  const end = quietHoursEnd(at(iso), zone, quiet);
  return end === null ? null : new Date(end).toISOString();
};

describe("quiet hours", () => {
  it("delay an SMS due at 23:00 in Berlin on an ordinary winter night to 08:00 local (07:00Z)", () => {
    expect(endOf("2026-01-14T22:00:00Z")).toBe("2026-01-15T07:00:00.000Z");
  });

  it("delay it to 08:00 local (06:00Z) on an ordinary summer night", () => {
    expect(endOf("2026-07-14T21:00:00Z")).toBe("2026-07-15T06:00:00.000Z");
  });

  it("end at 08:00 summer time (06:00Z) on the night the clocks go forward, 2026-03-28/29", () => {
    // 23:00 CET on the 28th is 22:00Z; by 08:00 the clocks show CEST.
    expect(endOf("2026-03-28T22:00:00Z")).toBe("2026-03-29T06:00:00.000Z");
    // 03:30 CEST, just after the change: the same end.
    expect(endOf("2026-03-29T01:30:00Z")).toBe("2026-03-29T06:00:00.000Z");
  });

  it("end at 08:00 winter time (07:00Z) on the night the clocks go back, 2026-10-24/25", () => {
    // 23:00 CEST on the 24th is 21:00Z; by 08:00 the clocks show CET.
    expect(endOf("2026-10-24T21:00:00Z")).toBe("2026-10-25T07:00:00.000Z");
    // 02:30 in the repeated hour (the second time, CET): the same end.
    expect(endOf("2026-10-25T01:30:00Z")).toBe("2026-10-25T07:00:00.000Z");
  });

  it("end the same morning in the early-morning part of the window", () => {
    expect(endOf("2026-01-15T05:00:00Z")).toBe("2026-01-15T07:00:00.000Z");
  });

  it("are over at their end and not yet begun just before their start", () => {
    expect(endOf("2026-01-15T07:00:00Z")).toBeNull();
    expect(endOf("2026-01-15T19:59:00Z")).toBeNull();
    expect(endOf("2026-01-15T20:00:00Z")).toBe("2026-01-16T07:00:00.000Z");
  });

  it("work for a window within one day", () => {
    const lunch = { start: "12:00", end: "14:00" };
    expect(endOf("2026-01-15T12:30:00Z", lunch)).toBe("2026-01-15T13:00:00.000Z");
    expect(endOf("2026-01-15T10:59:00Z", lunch)).toBeNull();
    expect(endOf("2026-01-15T13:00:00Z", lunch)).toBeNull();
  });

  it("do not apply when the shop has none", () => {
    expect(endOf("2026-01-14T22:00:00Z", null)).toBeNull();
  });

  it("follow the shop's time zone", () => {
    // 23:00 in New York (EST) is 04:00Z; 08:00 EST is 13:00Z.
    expect(endOf("2026-01-15T04:00:00Z", NIGHT, "America/New_York")).toBe("2026-01-15T13:00:00.000Z");
  });
});
