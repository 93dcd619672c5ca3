import { describe, expect, it } from "vitest";
import { addDays, parseDay, reportRange } from "./days";

const NOW = Date.parse("2026-12-01T04:00:00Z");

function refusal(result: ReturnType<typeof reportRange>) {
  return result.ok ? null : { code: result.error.code, field: result.error.field };
}

describe("report days", () => {
  it("accepts only real calendar dates written as YYYY-MM-DD", () => {
    expect(parseDay("2028-02-29")).toBe(Date.UTC(2028, 1, 29));
    for (const bad of [
      "2026-02-29",
      "2026-13-01",
      "2026-04-31",
      "2026-1-01",
      "20261201",
      "2026-12-01T00:00",
      " 2026-12-01",
      "0050-01-01",
    ]) {
      expect(parseDay(bad), bad).toBeNull();
    }
  });

  it("steps across month, year and DST boundaries by whole days", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-03-29", 1)).toBe("2026-03-30");
  });

  it("defaults to the last 30 days ending today in the shop's time zone", () => {
    const newYork = reportRange({}, NOW, "America/New_York");
    expect(newYork.ok && { from: newYork.value.from, to: newYork.value.to, days: newYork.value.days.length }).toEqual({
      from: "2026-11-01",
      to: "2026-11-30",
      days: 30,
    });
    const berlin = reportRange({}, NOW, "Europe/Berlin");
    expect(berlin.ok && [berlin.value.from, berlin.value.to]).toEqual(["2026-11-02", "2026-12-01"]);
  });

  it("counts 30 days back from a given end when no start is given, and treats empty values as absent", () => {
    const result = reportRange({ from: "", to: "2026-03-10" }, NOW, "UTC");
    expect(result.ok && [result.value.from, result.value.to]).toEqual(["2026-02-09", "2026-03-10"]);
  });

  it("lists every day of the range in order, both ends included", () => {
    const result = reportRange({ from: "2026-02-27", to: "2026-03-02" }, NOW, "UTC");
    expect(result.ok && result.value.days).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
  });

  it("answers a single day when from equals to", () => {
    const result = reportRange({ from: "2026-06-01", to: "2026-06-01" }, NOW, "UTC");
    expect(result.ok && result.value.days).toEqual(["2026-06-01"]);
  });

  it("names the field that is not a date", () => {
    expect(refusal(reportRange({ from: "yesterday" }, NOW, "UTC"))).toEqual({ code: "invalid_range", field: "from" });
    expect(refusal(reportRange({ to: "2026-02-30" }, NOW, "UTC"))).toEqual({ code: "invalid_range", field: "to" });
  });

  it("refuses a start after the end", () => {
    expect(refusal(reportRange({ from: "2026-06-02", to: "2026-06-01" }, NOW, "UTC"))).toEqual({ code: "invalid_range", field: "from" });
  });

  it("allows up to 366 days and refuses longer ranges", () => {
    const leapYear = reportRange({ from: "2028-01-01", to: "2028-12-31" }, NOW, "UTC");
    expect(leapYear.ok && leapYear.value.days.length).toBe(366);
    expect(refusal(reportRange({ from: "2026-01-01", to: "2027-01-02" }, NOW, "UTC"))).toEqual({ code: "invalid_range", field: "from" });
  });
});
