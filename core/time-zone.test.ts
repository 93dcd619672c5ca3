import { describe, expect, it } from "vitest";
import { dayWindow, instantOfLocal, localDay, parseScheduleTime, zoneOffset } from "./time-zone";

describe("time zones", () => {
  it.each([
    ["2026-11-30T23:30:00Z", "Europe/Berlin", "2026-12-01"],
    ["2026-11-30T23:30:00Z", "UTC", "2026-11-30"],
    ["2026-12-01T04:00:00Z", "America/New_York", "2026-11-30"],
    ["2026-12-01T15:00:00Z", "Pacific/Auckland", "2026-12-02"],
  ])("%s falls on the local day of %s: %s", (instant, zone, day) => {
    expect(localDay(Date.parse(instant), zone)).toBe(day);
  });

  it("knows the offset in winter and in summer", () => {
    expect(zoneOffset(Date.parse("2026-01-15T12:00:00Z"), "Europe/Berlin")).toBe(60 * 60 * 1000);
    expect(zoneOffset(Date.parse("2026-07-15T12:00:00Z"), "Europe/Berlin")).toBe(2 * 60 * 60 * 1000);
  });

  it.each([
    ["2026-12-01T00:00:00", "Europe/Berlin", "2026-11-30T23:00:00.000Z"],
    ["2026-07-01T00:00:00", "Europe/Berlin", "2026-06-30T22:00:00.000Z"],
    ["2026-12-01T00:00:00", "America/New_York", "2026-12-01T05:00:00.000Z"],
    ["2026-03-29T02:30:00", "Europe/Berlin", "2026-03-29T01:30:00.000Z"], // skipped: maps forward to 03:30 CEST
    ["2026-10-25T02:30:00", "Europe/Berlin", "2026-10-25T00:30:00.000Z"], // repeated: the first one (CEST)
  ])("local %s in %s is %s", (local, zone, iso) => {
    expect(new Date(instantOfLocal(local, zone)).toISOString()).toBe(iso);
  });

  it("reads a time with an offset as an instant and one without in the zone", () => {
    expect(parseScheduleTime("2026-12-01T00:00:00Z", "Europe/Berlin")).toBe(Date.parse("2026-12-01T00:00:00Z"));
    expect(parseScheduleTime("2026-12-01T00:00:00+01:00", "UTC")).toBe(Date.parse("2026-11-30T23:00:00Z"));
    expect(parseScheduleTime("2026-12-01T00:00:00", "Europe/Berlin")).toBe(Date.parse("2026-11-30T23:00:00Z"));
  });
});

describe("a local day's window", () => {
  it.each([
    ["Europe/Berlin", "2026-11-29T12:00:00Z"],
    ["Europe/Berlin", "2026-03-29T12:00:00Z"],
    ["Europe/Berlin", "2026-10-25T12:00:00Z"],
    ["America/Sao_Paulo", "2026-06-01T03:00:00Z"],
    ["Pacific/Kiritimati", "2026-11-29T23:30:00Z"],
    ["UTC", "2026-11-29T00:00:00Z"],
  ])("in %s around %s spans exactly the instants whose local day it is", (zone, instant) => {
    const window = dayWindow(Date.parse(instant), zone);
    expect(localDay(window.start, zone)).toBe(window.day);
    expect(localDay(window.start - 1, zone)).not.toBe(window.day);
    expect(localDay(window.end - 1, zone)).toBe(window.day);
    expect(localDay(window.end, zone)).not.toBe(window.day);
  });

  it("is 23 and 25 hours long on Berlin's DST days", () => {
    const hours = (instant: string) => {
      const window = dayWindow(Date.parse(instant), "Europe/Berlin");
      return (window.end - window.start) / 3_600_000;
    };
    expect(hours("2026-03-29T12:00:00Z")).toBe(23);
    expect(hours("2026-10-25T12:00:00Z")).toBe(25);
  });
});

describe("localDay over many instants", () => {
  const isoDay = (zone: string) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" });

  it.each(["Europe/Berlin", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata", "America/St_Johns", "UTC"])(
    "in %s agrees with Intl hour by hour across DST changes, with recent days remembered in between",
    (zone) => {
      const format = isoDay(zone);
      const hour = 3_600_000;
      // Two stretches far apart, visited alternately: remembered days answer some, fresh ones the rest.
      const spring = Date.parse("2026-03-25T00:00:00Z");
      const autumn = Date.parse("2026-10-01T00:00:00Z");
      for (let i = 0; i < 24 * 40; i += 1) {
        for (const instant of [spring + i * hour + 59 * 60_000, autumn + i * hour, autumn + i * hour - 1]) {
          expect(localDay(instant, zone)).toBe(format.format(new Date(instant)));
        }
      }
    },
  );
});
