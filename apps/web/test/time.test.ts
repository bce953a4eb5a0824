import { describe, expect, it } from "vitest";
import { addDays, dayOf, formatDay, formatTime, instantAt, startOfWeek, zoneLabel } from "../src/lib/time.ts";

describe("workspace time zone helpers", () => {
  it("shows a noon New York booking at noon, whatever zone the browser is in", () => {
    const noonNy = "2026-06-10T16:00:00.000Z"; // 12:00 EDT
    expect(formatTime(noonNy, "America/New_York")).toBe("12:00 PM");
    expect(formatTime(noonNy, "Europe/Berlin")).toBe("6:00 PM");
  });

  it("finds the instant of a wall-clock time in the zone, across daylight-saving changes", () => {
    expect(instantAt("2026-01-15", "America/New_York", "09:00").toISOString()).toBe("2026-01-15T14:00:00.000Z");
    expect(instantAt("2026-07-15", "America/New_York", "09:00").toISOString()).toBe("2026-07-15T13:00:00.000Z");
    // The day DST starts in New York (2026-03-08): midnight is still EST, noon is EDT.
    expect(instantAt("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(instantAt("2026-03-08", "America/New_York", "12:00").toISOString()).toBe("2026-03-08T16:00:00.000Z");
    expect(instantAt("2026-03-08", "Asia/Kolkata", "00:00").toISOString()).toBe("2026-03-07T18:30:00.000Z");
  });

  it("assigns instants to the zone's civil day", () => {
    // 02:00 UTC on the 10th is still the 9th in New York.
    expect(dayOf(new Date("2026-06-10T02:00:00Z"), "America/New_York")).toBe("2026-06-09");
    expect(dayOf(new Date("2026-06-10T02:00:00Z"), "Asia/Tokyo")).toBe("2026-06-10");
  });

  it("does civil-day arithmetic and labels days without shifting them", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(startOfWeek("2026-12-06")).toBe("2026-11-30"); // Sunday → the Monday before
    expect(startOfWeek("2026-11-30")).toBe("2026-11-30");
    expect(formatDay("2026-12-04", { weekday: "long", month: "long", day: "numeric" })).toBe("Friday, December 4");
  });

  it("labels the zone with its abbreviation", () => {
    expect(zoneLabel("America/New_York", new Date("2026-01-15T12:00:00Z"))).toBe("America/New York (EST)");
    expect(zoneLabel("UTC")).toBe("UTC");
  });
});
