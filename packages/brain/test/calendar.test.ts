import { describe, expect, it } from "vitest";
import { AppError } from "@orbis/contracts";
import { InMemoryCalendar, bookAppointment, rescheduleAppointment } from "../src/index.ts";
import { fixedWallClock as fixedClock } from "@orbis/ports";
import { testBusiness } from "./fixtures.ts";

const clock = fixedClock("2026-03-01T00:00:00-05:00");
const business = testBusiness();
const input = (start: string, serviceId = "hour") => ({ serviceId, start, customerName: "Pat", customerPhone: "+12125550100" });

describe("booking against the in-memory calendar", () => {
  it("concurrent attempts on one slot: exactly one succeeds", async () => {
    const calendar = new InMemoryCalendar(clock);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => bookAppointment({ business, calendar, clock }, input("2026-03-09T10:00:00-04:00"))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(19);
    expect(rejected.every((r) => r.reason instanceof AppError && r.reason.code === "conflict")).toBe(true);
    expect(await calendar.listAppointments({ status: "booked" })).toHaveLength(1);
  });

  it("concurrent attempts with two staff: both staff get booked, the third caller is refused", async () => {
    const calendar = new InMemoryCalendar(clock);
    const results = await Promise.allSettled(
      Array.from({ length: 3 }, () => bookAppointment({ business, calendar, clock }, input("2026-03-09T10:00:00-04:00", "staffed"))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    const booked = await calendar.listAppointments({ status: "booked" });
    expect(booked.map((a) => a.staffId).sort()).toEqual(["ann", "bob"]);
  });

  it("overlapping but not identical concurrent requests: one wins", async () => {
    const calendar = new InMemoryCalendar(clock);
    const results = await Promise.allSettled([
      bookAppointment({ business, calendar, clock }, input("2026-03-09T10:00:00-04:00")),
      bookAppointment({ business, calendar, clock }, input("2026-03-09T10:30:00-04:00", "half")),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("stores busyEnd with the buffer and refuses rule-breaking times with validation_failed", async () => {
    const calendar = new InMemoryCalendar(clock);
    const a = await bookAppointment({ business, calendar, clock }, input("2026-03-09T10:00:00-04:00", "buffered"));
    expect(a.busyEnd).toBe("2026-03-09T11:15:00-04:00");
    await expect(bookAppointment({ business, calendar, clock }, input("2026-03-07T10:00:00-05:00"))).rejects.toMatchObject({ code: "validation_failed" });
    await expect(bookAppointment({ business, calendar, clock }, input("2026-03-09T11:00:00-04:00", "half"))).rejects.toMatchObject({ code: "conflict" });
  });

  it("reschedule moves an appointment onto an overlapping time of its own, cancel frees the slot", async () => {
    const calendar = new InMemoryCalendar(clock);
    const a = await bookAppointment({ business, calendar, clock }, input("2026-03-09T10:00:00-04:00"));
    const moved = await rescheduleAppointment({ business, calendar, clock }, { appointmentId: a.id, start: "2026-03-09T10:30:00-04:00" });
    expect(moved.start).toBe("2026-03-09T10:30:00-04:00");
    await expect(bookAppointment({ business, calendar, clock }, input("2026-03-09T10:00:00-04:00"))).rejects.toMatchObject({ code: "conflict" });
    await calendar.cancelAppointment(a.id, "changed plans");
    const again = await bookAppointment({ business, calendar, clock }, input("2026-03-09T10:00:00-04:00"));
    expect(again.status).toBe("booked");
    expect((await calendar.getAppointment(a.id))?.notes).toContain("changed plans");
  });

  it("finds appointments by phone regardless of formatting", async () => {
    const calendar = new InMemoryCalendar(clock);
    await bookAppointment({ business, calendar, clock }, input("2026-03-09T10:00:00-04:00"));
    expect(await calendar.listAppointments({ customerPhone: "(212) 555-0100" })).toHaveLength(1);
    expect(await calendar.listAppointments({ customerPhone: "212 555 0199" })).toHaveLength(0);
  });
});
