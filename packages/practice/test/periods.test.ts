import { describe, expect, it } from "vitest";
import { periodBounds } from "../src/index.ts";

const iso = (b: { start: Date; end: Date }) => ({ start: b.start.toISOString(), end: b.end.toISOString() });

describe("periodBounds", () => {
  it.each([
    // Wednesday 2026-03-11 12:00 UTC in New York: the week of Monday 9 March (EDT since 8 March).
    ["week", "2026-03-11T12:00:00Z", "America/New_York", "2026-03-09T04:00:00.000Z", "2026-03-16T04:00:00.000Z"],
    // The week the clocks go forward: Monday 2 March 00:00 EST to Monday 9 March 00:00 EDT, 167 hours.
    ["week", "2026-03-08T15:00:00Z", "America/New_York", "2026-03-02T05:00:00.000Z", "2026-03-09T04:00:00.000Z"],
    // Sunday late evening in New York is already Monday in UTC: still the New York week.
    ["week", "2026-03-16T03:30:00Z", "America/New_York", "2026-03-09T04:00:00.000Z", "2026-03-16T04:00:00.000Z"],
    // Europe's change on 29 March: March is 31 days less one hour.
    ["month", "2026-03-29T12:00:00Z", "Europe/Berlin", "2026-02-28T23:00:00.000Z", "2026-03-31T22:00:00.000Z"],
    // 31 Oct 23:30 UTC is already November in Tokyo.
    ["month", "2026-10-31T23:30:00Z", "Asia/Tokyo", "2026-10-31T15:00:00.000Z", "2026-11-30T15:00:00.000Z"],
    ["quarter", "2026-05-15T00:00:00Z", "UTC", "2026-04-01T00:00:00.000Z", "2026-07-01T00:00:00.000Z"],
    // The last quarter in Sydney spans the start of summer time (4 October): +10 at the start, +11 at the end.
    ["quarter", "2026-11-20T00:00:00Z", "Australia/Sydney", "2026-09-30T14:00:00.000Z", "2026-12-31T13:00:00.000Z"],
  ] as const)("%s containing %s in %s", (period, now, zone, start, end) => {
    expect(iso(periodBounds(period, new Date(now), zone))).toEqual({ start, end });
  });

  it("rejects an unknown time zone", () => {
    expect(() => periodBounds("week", new Date(), "Mars/Olympus")).toThrow(RangeError);
  });
});
