import { describe, expect, it } from "vitest";
import type { BillingSubscriptionRow } from "@orbis/db";
import { billingPeriodOf, calendarMonthOf, createPlans, DEFAULT_CATALOGUE, standingOf, UNLIMITED_PLAN } from "../src/index.ts";

const at = (iso: string) => new Date(iso);
const period = (start: string, end: string) => ({ start: at(start), end: at(end) });

describe("calendarMonthOf", () => {
  it.each([
    ["2026-03-15T12:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"],
    ["2026-12-31T23:59:59Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"],
    ["2026-02-01T00:00:00Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"],
  ])("%s is in [%s, %s)", (now, start, end) => {
    expect(calendarMonthOf(at(now))).toEqual(period(start, end));
  });
});

describe("billingPeriodOf", () => {
  const cases: [name: string, stored: { start: string | null; end: string | null }, now: string, start: string, end: string][] = [
    ["no stored period: the calendar month", { start: null, end: null }, "2026-03-15T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"],
    [
      "half a stored period: the calendar month",
      { start: "2026-03-10T00:00:00Z", end: null },
      "2026-03-15T00:00:00Z",
      "2026-03-01T00:00:00Z",
      "2026-04-01T00:00:00Z",
    ],
    [
      "the stored period holds now",
      { start: "2026-03-10T08:00:00Z", end: "2026-04-10T08:00:00Z" },
      "2026-03-15T00:00:00Z",
      "2026-03-10T08:00:00Z",
      "2026-04-10T08:00:00Z",
    ],
    [
      "its start is in it, its end is not",
      { start: "2026-03-10T08:00:00Z", end: "2026-04-10T08:00:00Z" },
      "2026-04-10T08:00:00Z",
      "2026-04-10T08:00:00Z",
      "2026-05-10T08:00:00Z",
    ],
    [
      "stale by one period (renewal webhook not seen yet): rolls forward a month",
      { start: "2026-03-10T08:00:00Z", end: "2026-04-10T08:00:00Z" },
      "2026-04-20T00:00:00Z",
      "2026-04-10T08:00:00Z",
      "2026-05-10T08:00:00Z",
    ],
    [
      "stale by several periods",
      { start: "2026-01-10T08:00:00Z", end: "2026-02-10T08:00:00Z" },
      "2026-06-09T00:00:00Z",
      "2026-05-10T08:00:00Z",
      "2026-06-10T08:00:00Z",
    ],
    [
      "anchored on the 31st: Feb 28, then Mar 31, with no gap",
      { start: "2026-01-31T00:00:00Z", end: "2026-02-28T00:00:00Z" },
      "2026-03-29T00:00:00Z",
      "2026-02-28T00:00:00Z",
      "2026-03-31T00:00:00Z",
    ],
    [
      "anchored on the 31st, the period after",
      { start: "2026-01-31T00:00:00Z", end: "2026-02-28T00:00:00Z" },
      "2026-04-02T00:00:00Z",
      "2026-03-31T00:00:00Z",
      "2026-04-30T00:00:00Z",
    ],
    [
      "a stored period not started yet (a renewal invoiced early): the month before it, on the subscription's anchor",
      { start: "2027-01-05T21:40:00Z", end: "2027-02-05T21:40:00Z" },
      "2026-12-20T00:00:00Z",
      "2026-12-05T21:40:00Z",
      "2027-01-05T21:40:00Z",
    ],
  ];
  it.each(cases)("%s", (_name, stored, now, start, end) => {
    const p = billingPeriodOf({ start: stored.start ? at(stored.start) : null, end: stored.end ? at(stored.end) : null }, at(now));
    expect(p).toEqual(period(start, end));
    expect(p.start <= at(now) && at(now) < p.end).toBe(true);
  });
});

describe("standingOf", () => {
  const stripe = createPlans("stripe", DEFAULT_CATALOGUE);
  const now = at("2026-03-15T12:00:00Z");
  const graceDays = 7;
  const row = (o: Partial<BillingSubscriptionRow>): BillingSubscriptionRow => ({
    workspaceId: "ws_1",
    planId: "starter",
    status: "active",
    stripeCustomerId: "cus_1",
    stripeSubscriptionId: "sub_1",
    currentPeriodStart: at("2026-03-10T08:00:00Z"),
    currentPeriodEnd: at("2026-04-10T08:00:00Z"),
    cancelAtPeriodEnd: false,
    pastDueSince: null,
    paymentFailedAt: null,
    stripeEventAt: null,
    createdAt: at("2026-03-10T08:00:00Z"),
    updatedAt: at("2026-03-10T08:00:00Z"),
    ...o,
  });
  const month = period("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
  const subscriptionPeriod = period("2026-03-10T08:00:00Z", "2026-04-10T08:00:00Z");

  const cases: [
    name: string,
    r: BillingSubscriptionRow | undefined,
    plan: string,
    status: string,
    p: { start: Date; end: Date },
    graceEndsAt: string | null,
  ][] = [
    ["no subscription: the default plan, calendar month", undefined, "free", "none", month, null],
    ["active: its plan and its period", row({}), "starter", "active", subscriptionPeriod, null],
    ["trialing: its plan", row({ status: "trialing", planId: "growth" }), "growth", "trialing", subscriptionPeriod, null],
    [
      "past_due within the grace: keeps its plan",
      row({ status: "past_due", pastDueSince: at("2026-03-10T12:00:00Z") }),
      "starter",
      "past_due",
      subscriptionPeriod,
      "2026-03-17T12:00:00.000Z",
    ],
    [
      "past_due past the grace: the default plan, calendar month",
      row({ status: "past_due", pastDueSince: at("2026-03-08T11:00:00Z") }),
      "free",
      "past_due",
      month,
      "2026-03-15T11:00:00.000Z",
    ],
    ["canceled: the default plan", row({ status: "canceled" }), "free", "canceled", month, null],
    ["unpaid: the default plan", row({ status: "unpaid" }), "free", "unpaid", month, null],
    ["incomplete (checkout not paid): the default plan", row({ status: "incomplete" }), "free", "incomplete", month, null],
    ["a plan the catalogue no longer has: the default plan, calendar month", row({ planId: "legacy" }), "free", "active", month, null],
    [
      "a stale stored period rolls forward",
      row({ currentPeriodStart: at("2026-01-10T08:00:00Z"), currentPeriodEnd: at("2026-02-10T08:00:00Z") }),
      "starter",
      "active",
      subscriptionPeriod,
      null,
    ],
  ];
  it.each(cases)("%s", (_name, r, plan, status, p, graceEndsAt) => {
    const s = standingOf(stripe, r, now, graceDays);
    expect(s.plan.id).toBe(plan);
    expect(s.status).toBe(status);
    expect(s.period).toEqual(p);
    expect(s.graceEndsAt?.toISOString() ?? null).toBe(graceEndsAt);
    expect(s.row).toBe(r);
  });

  it("billing off: the unlimited plan whatever the row says", () => {
    const off = createPlans("off");
    expect(standingOf(off, undefined, now, graceDays).plan).toBe(UNLIMITED_PLAN);
    expect(standingOf(off, row({ status: "canceled", planId: "free" }), now, graceDays).plan).toBe(UNLIMITED_PLAN);
  });

  it("the grace ends exactly graceDays after past_due began", () => {
    const r = row({ status: "past_due", pastDueSince: at("2026-03-08T12:00:00Z") });
    expect(standingOf(stripe, r, at("2026-03-15T11:59:59Z"), graceDays).plan.id).toBe("starter");
    expect(standingOf(stripe, r, at("2026-03-15T12:00:00Z"), graceDays).plan.id).toBe("free");
    expect(standingOf(stripe, r, now, 0).plan.id).toBe("free");
  });
});
