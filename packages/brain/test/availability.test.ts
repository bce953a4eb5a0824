import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { computeAvailability, validateSlot } from "../src/index.ts";
import type { ExistingBooking } from "../src/index.ts";
import { testBusiness } from "./fixtures.ts";

const business = testBusiness();
const NY = "America/New_York";
const NOW = "2026-03-01T00:00:00-05:00";
const day = (d: string) => ({
  from: DateTime.fromISO(d, { zone: NY }).toISO() as string,
  to: DateTime.fromISO(d, { zone: NY }).plus({ days: 1 }).toISO() as string,
});
const local = (iso: string) => DateTime.fromISO(iso, { setZone: true }).toFormat("HH:mm");
const appt = (start: string, end: string, staffId: string | null = null, extra: Partial<ExistingBooking> = {}): ExistingBooking => ({
  start,
  end,
  staffId,
  ...extra,
});

describe("computeAvailability", () => {
  const cases: Array<{
    name: string;
    date: string;
    serviceId: string;
    staffId?: string;
    step?: number;
    existing?: ExistingBooking[];
    now?: string;
    want: string[];
    wantStaff?: Array<string | null>;
  }> = [
    {
      name: "plain day, 60 min on a 60 min grid",
      date: "2026-03-09",
      serviceId: "hour",
      want: ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"],
    },
    {
      name: "30 min grid",
      date: "2026-03-09",
      serviceId: "hour",
      step: 30,
      want: ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"],
    },
    { name: "two intervals (lunch break)", date: "2026-03-10", serviceId: "hour", want: ["09:00", "10:00", "11:00", "13:00", "14:00", "15:00", "16:00"] },
    { name: "closed weekday", date: "2026-03-07", serviceId: "hour", want: [] },
    { name: "holiday closes the day", date: "2026-03-13", serviceId: "hour", want: [] },
    { name: "holiday with partial hours", date: "2026-03-12", serviceId: "hour", want: ["09:00", "10:00", "11:00"] },
    {
      name: "existing appointment blocks its hour",
      date: "2026-03-09",
      serviceId: "hour",
      existing: [appt("2026-03-09T10:00:00-04:00", "2026-03-09T11:00:00-04:00")],
      want: ["09:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"],
    },
    {
      name: "cancelled appointment blocks nothing",
      date: "2026-03-09",
      serviceId: "hour",
      existing: [appt("2026-03-09T10:00:00-04:00", "2026-03-09T11:00:00-04:00", null, { status: "cancelled" })],
      want: ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"],
    },
    {
      name: "buffers: existing busy until 11:15 and the new one needs 15 min after",
      date: "2026-03-09",
      serviceId: "buffered",
      step: 30,
      existing: [appt("2026-03-09T10:00:00-04:00", "2026-03-09T11:00:00-04:00", null, { busyEnd: "2026-03-09T11:15:00-04:00" })],
      want: ["11:30", "12:00", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"],
    },
    {
      name: "overlap with a partial appointment (10:30-11:00)",
      date: "2026-03-09",
      serviceId: "half",
      step: 30,
      existing: [appt("2026-03-09T10:30:00-04:00", "2026-03-09T11:00:00-04:00")],
      want: ["09:00", "09:30", "10:00", "11:00", "11:30", "12:00", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30"],
    },
    {
      name: "staff: one busy, the other takes the slot",
      date: "2026-03-09",
      serviceId: "staffed",
      existing: [appt("2026-03-09T09:00:00-04:00", "2026-03-09T17:00:00-04:00", "ann")],
      want: ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"],
      wantStaff: ["bob", "bob", "bob", "bob", "bob", "bob", "bob", "bob"],
    },
    {
      name: "staff: a requested staff member's bookings count",
      date: "2026-03-09",
      serviceId: "staffed",
      staffId: "ann",
      existing: [appt("2026-03-09T09:00:00-04:00", "2026-03-09T15:00:00-04:00", "ann")],
      want: ["15:00", "16:00"],
    },
    { name: "staff: asking for someone who does not do the service", date: "2026-03-09", serviceId: "ann-only", staffId: "bob", want: [] },
    {
      name: "another staff member's booking does not block",
      date: "2026-03-09",
      serviceId: "ann-only",
      existing: [appt("2026-03-09T09:00:00-04:00", "2026-03-09T17:00:00-04:00", "bob")],
      want: ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"],
    },
    {
      name: "now cuts the morning (grid kept)",
      date: "2026-03-09",
      serviceId: "hour",
      now: "2026-03-09T11:20:00-04:00",
      want: ["12:00", "13:00", "14:00", "15:00", "16:00"],
    },
    {
      name: "DST spring forward: 00:00-04:00 is 3 real hours",
      date: "2026-03-08",
      serviceId: "half",
      step: 30,
      want: ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30"],
    },
    {
      name: "DST fall back: 00:00-04:00 is 5 real hours, 1 AM happens twice",
      date: "2026-11-01",
      serviceId: "half",
      step: 30,
      want: ["00:00", "00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30", "03:00", "03:30"],
    },
    { name: "first weekday after spring forward keeps 9-5 local", date: "2026-03-09", serviceId: "hour", step: 240, want: ["09:00", "13:00"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const slots = computeAvailability({
        business,
        serviceId: c.serviceId,
        ...(c.staffId ? { staffId: c.staffId } : {}),
        ...day(c.date),
        existing: c.existing ?? [],
        now: c.now ?? NOW,
        ...(c.step ? { slotStepMin: c.step } : {}),
      });
      expect(slots.map((s) => local(s.start))).toEqual(c.want);
      if (c.wantStaff) expect(slots.map((s) => s.staffId)).toEqual(c.wantStaff);
    });
  }

  it("DST: slots last their real duration across the change", () => {
    const slots = computeAvailability({ business, serviceId: "hour", ...day("2026-11-01"), existing: [], now: NOW, slotStepMin: 30 });
    const secondOneThirty = slots.filter((s) => local(s.start) === "01:30")[1];
    expect(secondOneThirty?.start).toBe("2026-11-01T01:30:00-05:00");
    expect(secondOneThirty?.end).toBe("2026-11-01T02:30:00-05:00");
    const first = slots.find((s) => local(s.start) === "01:30");
    expect(first?.start).toBe("2026-11-01T01:30:00-04:00");
    expect(first?.end).toBe("2026-11-01T01:30:00-05:00");
    const spring = computeAvailability({ business, serviceId: "hour", ...day("2026-03-08"), existing: [], now: NOW, slotStepMin: 30 });
    expect(spring.find((s) => local(s.start) === "01:30")?.end).toBe("2026-03-08T03:30:00-04:00");
  });

  it("keeps offsets of the business zone and honours limit and perStaff", () => {
    const slots = computeAvailability({ business, serviceId: "staffed", ...day("2026-03-09"), existing: [], now: NOW, perStaff: true, limit: 4 });
    expect(slots).toEqual([
      { start: "2026-03-09T09:00:00-04:00", end: "2026-03-09T10:00:00-04:00", staffId: "ann" },
      { start: "2026-03-09T09:00:00-04:00", end: "2026-03-09T10:00:00-04:00", staffId: "bob" },
      { start: "2026-03-09T10:00:00-04:00", end: "2026-03-09T11:00:00-04:00", staffId: "ann" },
      { start: "2026-03-09T10:00:00-04:00", end: "2026-03-09T11:00:00-04:00", staffId: "bob" },
    ]);
  });

  it("respects minimum notice and maximum days ahead", () => {
    const b = testBusiness({ booking: { slotStepMin: 60, minNoticeMin: 120, maxDaysAhead: 1 } });
    const slots = computeAvailability({
      business: b,
      serviceId: "hour",
      from: "2026-03-09T00:00:00-04:00",
      to: "2026-03-12T00:00:00-05:00",
      existing: [],
      now: "2026-03-09T09:30:00-04:00",
    });
    expect(slots.map((s) => s.start)).toEqual([
      "2026-03-09T12:00:00-04:00",
      "2026-03-09T13:00:00-04:00",
      "2026-03-09T14:00:00-04:00",
      "2026-03-09T15:00:00-04:00",
      "2026-03-09T16:00:00-04:00",
      "2026-03-10T09:00:00-04:00",
    ]);
  });
});

describe("validateSlot", () => {
  const existing = [
    appt("2026-03-09T10:00:00-04:00", "2026-03-09T11:00:00-04:00", null, { busyEnd: "2026-03-09T11:15:00-04:00", id: "apt_a" }),
    appt("2026-03-09T10:00:00-04:00", "2026-03-09T11:00:00-04:00", "ann"),
  ];
  const cases: Array<{ name: string; serviceId: string; start: string; staffId?: string; ignore?: string; want: string }> = [
    { name: "free, inside hours", serviceId: "hour", start: "2026-03-09T12:00:00-04:00", want: "ok" },
    { name: "off-grid start is fine", serviceId: "half", start: "2026-03-09T12:10:00-04:00", want: "ok" },
    { name: "before opening", serviceId: "hour", start: "2026-03-09T08:30:00-04:00", want: "outside_hours" },
    { name: "runs past closing", serviceId: "hour", start: "2026-03-09T16:30:00-04:00", want: "outside_hours" },
    { name: "spans the lunch break", serviceId: "hour", start: "2026-03-10T11:30:00-04:00", want: "outside_hours" },
    { name: "closed day", serviceId: "hour", start: "2026-03-07T10:00:00-05:00", want: "closed" },
    { name: "holiday", serviceId: "hour", start: "2026-03-13T10:00:00-04:00", want: "holiday" },
    { name: "overlaps an appointment", serviceId: "hour", start: "2026-03-09T10:30:00-04:00", want: "conflict" },
    { name: "inside the other's buffer", serviceId: "half", start: "2026-03-09T11:00:00-04:00", want: "conflict" },
    { name: "own buffer runs into the next", serviceId: "buffered", start: "2026-03-09T08:50:00-04:00", want: "outside_hours" },
    { name: "new buffer overlaps next appointment", serviceId: "buffered", start: "2026-03-09T09:00:00-04:00", want: "conflict" },
    { name: "moving an appointment onto itself", serviceId: "hour", start: "2026-03-09T10:30:00-04:00", ignore: "apt_a", want: "ok" },
    { name: "staff busy", serviceId: "staffed", staffId: "ann", start: "2026-03-09T10:00:00-04:00", want: "conflict" },
    { name: "staff free picks the other one", serviceId: "staffed", start: "2026-03-09T10:00:00-04:00", want: "ok:bob" },
    { name: "staff cannot do service", serviceId: "ann-only", staffId: "bob", start: "2026-03-09T12:00:00-04:00", want: "staff_cannot_do_service" },
    { name: "unknown staff", serviceId: "staffed", staffId: "zed", start: "2026-03-09T12:00:00-04:00", want: "unknown_staff" },
    { name: "unknown service", serviceId: "nope", start: "2026-03-09T12:00:00-04:00", want: "unknown_service" },
    { name: "in the past", serviceId: "hour", start: "2026-02-27T10:00:00-05:00", want: "in_past" },
    { name: "DST spring-forward day, after the gap", serviceId: "half", start: "2026-03-08T03:00:00-04:00", want: "ok" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const v = validateSlot({
        business,
        serviceId: c.serviceId,
        ...(c.staffId ? { staffId: c.staffId } : {}),
        start: c.start,
        existing,
        now: NOW,
        ...(c.ignore ? { ignoreAppointmentId: c.ignore } : {}),
      });
      const got = v.ok ? (v.slot.staffId ? `ok:${v.slot.staffId}` : "ok") : v.reason;
      expect(got.startsWith("ok:") && c.want === "ok" ? "ok" : got).toBe(c.want);
    });
  }

  it("too soon under minimum notice", () => {
    const b = testBusiness({ booking: { slotStepMin: 60, minNoticeMin: 120, maxDaysAhead: 30 } });
    const v = validateSlot({ business: b, serviceId: "hour", start: "2026-03-09T10:00:00-04:00", existing: [], now: "2026-03-09T09:00:00-04:00" });
    expect(v).toEqual({ ok: false, reason: "too_soon" });
  });
});
