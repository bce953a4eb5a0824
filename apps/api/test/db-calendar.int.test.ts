import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError, businessConfigSchema } from "@orbis/contracts";
import { fixedWallClock as fixedClock } from "@orbis/ports";
import { bookAppointment, rescheduleAppointment } from "@orbis/brain";
import { DbCalendar } from "@orbis/agent-runtime";
import { testBusiness } from "./bookings.fixtures.ts";
import { buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

// The same behaviour the brain's InMemoryCalendar tests pin down, on PGlite or PostgreSQL (TEST_DATABASE_URL).
const clock = fixedClock("2026-03-01T00:00:00-05:00");
const business = businessConfigSchema.parse(testBusiness);
const input = (start: string, serviceId = "hour") => ({ serviceId, start, customerName: "Pat", customerPhone: "+12125550100" });

let t: TestApp;
let a: Account;
let b: Account;
const calendarOf = (account: Account) => new DbCalendar(t.db, account.workspaceId, { timezone: business.timezone, clock });

beforeAll(async () => {
  t = await buildTestApp();
  a = await signup(t.app, "cal-a");
  b = await signup(t.app, "cal-b");
});
afterAll(() => t.close());

// Each test books on its own day so the tests stay independent within one workspace.
describe("DbCalendar (same contract as InMemoryCalendar)", () => {
  it("concurrent attempts on one slot: exactly one succeeds, the rest are conflicts", async () => {
    const calendar = calendarOf(a);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => bookAppointment({ business, calendar, clock }, input("2026-03-09T10:00:00-04:00"))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected).toHaveLength(19);
    expect(rejected.every((r) => r.reason instanceof AppError && r.reason.code === "conflict")).toBe(true);
    expect(await calendar.listAppointments({ status: "booked", from: "2026-03-09T00:00:00-04:00", to: "2026-03-10T00:00:00-04:00" })).toHaveLength(1);
  });

  it("concurrent raw inserts bypassing the rules: the database constraint alone keeps them apart", async () => {
    const calendar = calendarOf(a);
    // A overlaps B and C; B and C do not overlap each other; D only touches A and B at 11:00.
    const slots: Array<[string, string]> = [
      ["2026-03-20T10:00:00-04:00", "2026-03-20T11:00:00-04:00"],
      ["2026-03-20T10:30:00-04:00", "2026-03-20T11:00:00-04:00"],
      ["2026-03-20T09:30:00-04:00", "2026-03-20T10:01:00-04:00"],
      ["2026-03-20T11:00:00-04:00", "2026-03-20T12:00:00-04:00"],
    ];
    const results = await Promise.allSettled(
      slots.map(([start, busyEnd]) =>
        calendar.createAppointment({
          agentId: null,
          callId: null,
          serviceId: "hour",
          staffId: null,
          start,
          end: busyEnd,
          busyEnd,
          customerName: "X",
          customerPhone: "1",
          source: "api",
        }),
      ),
    );
    const accepted = slots.filter((_, i) => results[i]!.status === "fulfilled").map(([s, e]) => [Date.parse(s), Date.parse(e)] as const);
    // Whichever insert wins the race, no two accepted bookings overlap, and touching is not overlapping.
    for (const [i, [s1, e1]] of accepted.entries()) for (const [s2, e2] of accepted.slice(i + 1)) expect(s1 < e2 && s2 < e1).toBe(false);
    expect(results[3]!.status).toBe("fulfilled");
    expect(accepted.length === 2 || accepted.length === 3).toBe(true);
    const stored = await calendar.listAppointments({ status: "booked", from: "2026-03-20T00:00:00-04:00", to: "2026-03-21T00:00:00-04:00" });
    expect(stored).toHaveLength(accepted.length);
  });

  it("concurrent attempts with two staff: both staff get booked, the third caller is refused", async () => {
    const calendar = calendarOf(a);
    const results = await Promise.allSettled(
      Array.from({ length: 3 }, () => bookAppointment({ business, calendar, clock }, input("2026-03-10T10:00:00-04:00", "cut"))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    const booked = await calendar.listAppointments({ status: "booked", from: "2026-03-10T00:00:00-04:00", to: "2026-03-11T00:00:00-04:00" });
    expect(booked.map((x) => x.staffId).sort()).toEqual(["ann", "bob"]);
  });

  it("stores busyEnd with the buffer, reads instants back in the business offset", async () => {
    const calendar = calendarOf(a);
    const x = await bookAppointment({ business, calendar, clock }, input("2026-03-11T10:00:00-04:00", "buffered"));
    expect(x).toMatchObject({
      start: "2026-03-11T10:00:00-04:00",
      end: "2026-03-11T11:00:00-04:00",
      busyEnd: "2026-03-11T11:15:00-04:00",
      status: "booked",
      source: "agent",
    });
    expect(await calendar.getAppointment(x.id)).toEqual(x);
    await expect(bookAppointment({ business, calendar, clock }, input("2026-03-11T11:00:00-04:00"))).rejects.toMatchObject({ code: "conflict" });
    // Winter time before the DST change keeps its own offset.
    const winter = await bookAppointment({ business, calendar, clock }, input("2026-03-06T10:00:00-05:00"));
    expect(winter.start).toBe("2026-03-06T10:00:00-05:00");
  });

  it("reschedule onto an overlapping time of its own; cancel frees the slot and is idempotent", async () => {
    const calendar = calendarOf(a);
    const x = await bookAppointment({ business, calendar, clock }, input("2026-03-12T10:00:00-04:00"));
    const moved = await rescheduleAppointment({ business, calendar, clock }, { appointmentId: x.id, start: "2026-03-12T10:30:00-04:00" });
    expect(moved.start).toBe("2026-03-12T10:30:00-04:00");
    await expect(bookAppointment({ business, calendar, clock }, input("2026-03-12T10:00:00-04:00"))).rejects.toMatchObject({ code: "conflict" });
    await calendar.cancelAppointment(x.id, "changed plans");
    const again = await bookAppointment({ business, calendar, clock }, input("2026-03-12T10:00:00-04:00"));
    expect(again.status).toBe("booked");
    const cancelled = await calendar.getAppointment(x.id);
    expect(cancelled).toMatchObject({ status: "cancelled" });
    expect(cancelled?.notes).toContain("changed plans");
    expect(await calendar.cancelAppointment(x.id, "again")).toEqual(cancelled);
  });

  it("an update onto a taken slot is a conflict; unknown ids are not_found", async () => {
    const calendar = calendarOf(a);
    const x = await bookAppointment({ business, calendar, clock }, input("2026-03-13T10:00:00-04:00"));
    const y = await bookAppointment({ business, calendar, clock }, input("2026-03-13T12:00:00-04:00"));
    await expect(calendar.updateAppointment(y.id, { start: x.start, end: x.end, busyEnd: x.busyEnd })).rejects.toMatchObject({ code: "conflict" });
    await expect(calendar.updateAppointment("apt_doesnotexist0000", { notes: "x" })).rejects.toMatchObject({ code: "not_found" });
    await expect(calendar.cancelAppointment("apt_doesnotexist0000")).rejects.toMatchObject({ code: "not_found" });
    expect(await calendar.getAppointment("apt_doesnotexist0000")).toBeNull();
  });

  it("finds appointments by phone regardless of formatting", async () => {
    const calendar = calendarOf(a);
    await bookAppointment({ business, calendar, clock }, { ...input("2026-03-14T10:00:00-04:00"), customerPhone: "+1 (646) 555-0142" });
    expect(await calendar.listAppointments({ customerPhone: "646 555 0142" })).toHaveLength(1);
    expect(await calendar.listAppointments({ customerPhone: "16465550142" })).toHaveLength(1);
    expect(await calendar.listAppointments({ customerPhone: "646 555 0199" })).toHaveLength(0);
    expect(await calendar.listAppointments({ customerPhone: "0142" })).toHaveLength(0);
  });

  it("is one workspace's calendar: another workspace books the same slot and sees nothing of the first", async () => {
    const calendarA = calendarOf(a);
    const calendarB = calendarOf(b);
    const x = await bookAppointment({ business, calendar: calendarA, clock }, input("2026-03-16T10:00:00-04:00"));
    const y = await bookAppointment({ business, calendar: calendarB, clock }, input("2026-03-16T10:00:00-04:00"));
    expect(y.status).toBe("booked");
    expect(await calendarB.getAppointment(x.id)).toBeNull();
    await expect(calendarB.cancelAppointment(x.id)).rejects.toMatchObject({ code: "not_found" });
    expect((await calendarB.listAppointments({})).map((r) => r.id)).toEqual([y.id]);
    expect((await calendarA.getAppointment(x.id))?.status).toBe("booked");
  });
});
