import { describe, expect, it } from "vitest";
import type { CommissionRule } from "@orbis/contracts";
import { addMonthsUtc, cents, commissionFor, type CommissionTrigger } from "../src/commissions.ts";

const NOW = new Date("2027-03-10T12:00:00Z");
const FIRST_PAID = new Date("2027-01-15T09:00:00Z");
const percent: CommissionRule = { type: "percent", percent: 20, months: 12 };
const fixed: CommissionRule = { type: "fixed", activationUsd: 25, conversionUsd: 50 };

const activation: CommissionTrigger = { type: "activation", callId: "call_1" };
const invoice = (o: { amount?: number; paidAt?: string; firstPaidAt?: Date | null; id?: string } = {}): CommissionTrigger => ({
  type: "invoice_paid",
  invoiceId: o.id ?? "in_1",
  amountPaidUsd: o.amount ?? 299,
  paidAt: new Date(o.paidAt ?? "2027-03-10T12:00:00Z"),
  firstPaidAt: o.firstPaidAt === undefined ? FIRST_PAID : o.firstPaidAt,
});

describe("commissionFor: what a trigger earns under a rule", () => {
  it.each<[string, CommissionRule, CommissionTrigger, { kind: string; sourceId: string; amountUsd: number } | null]>([
    [
      "percent: the first paid invoice earns its share",
      percent,
      invoice({ firstPaidAt: null, id: "in_first" }),
      { kind: "invoice", sourceId: "in_first", amountUsd: 59.8 },
    ],
    [
      "percent: a later invoice within the months earns too",
      percent,
      invoice({ paidAt: "2027-12-15T09:00:00Z" }),
      { kind: "invoice", sourceId: "in_1", amountUsd: 59.8 },
    ],
    ["percent: the invoice exactly `months` after the first earns nothing", percent, invoice({ paidAt: "2028-01-15T09:00:00Z" }), null],
    ["percent: an invoice after the months earns nothing", percent, invoice({ paidAt: "2028-02-15T09:00:00Z" }), null],
    [
      "percent: rounded to the cent",
      { type: "percent", percent: 30, months: 1 },
      invoice({ amount: 8.925, firstPaidAt: null }),
      { kind: "invoice", sourceId: "in_1", amountUsd: 2.68 },
    ],
    ["percent: a free invoice earns nothing", percent, invoice({ amount: 0 }), null],
    ["percent: activation earns nothing", percent, activation, null],
    ["fixed: activation earns activationUsd", fixed, activation, { kind: "activation", sourceId: "call_1", amountUsd: 25 }],
    [
      "fixed: the first paid invoice earns conversionUsd",
      fixed,
      invoice({ firstPaidAt: null, id: "in_first" }),
      { kind: "conversion", sourceId: "in_first", amountUsd: 50 },
    ],
    ["fixed: a later invoice earns nothing", fixed, invoice(), null],
    ["fixed: a zero activation amount earns nothing", { type: "fixed", activationUsd: 0, conversionUsd: 50 }, activation, null],
  ])("%s", (_name, rule, trigger, expected) => {
    const draft = commissionFor({ rule, holdDays: 30, flags: [], now: NOW }, trigger);
    if (expected === null) expect(draft).toBeNull();
    else expect(draft).toMatchObject({ ...expected, status: "pending", reasons: [] });
  });

  it("a pending commission holds for holdDays from now", () => {
    const draft = commissionFor({ rule: fixed, holdDays: 30, flags: [], now: NOW }, activation);
    expect(draft?.holdUntil.toISOString()).toBe("2027-04-09T12:00:00.000Z");
    expect(commissionFor({ rule: fixed, holdDays: 0, flags: [], now: NOW }, activation)?.holdUntil.getTime()).toBe(NOW.getTime());
  });

  it("a flagged referral's commission is held with the flags as reasons", () => {
    const draft = commissionFor({ rule: percent, holdDays: 30, flags: ["self_referral", "burst_ip", "self_referral"], now: NOW }, invoice());
    expect(draft).toMatchObject({ status: "held", reasons: ["self_referral", "burst_ip"], amountUsd: 59.8 });
  });
});

describe("helpers", () => {
  it.each([
    [59.8, 59.8],
    [2.675, 2.68],
    [1.005, 1.01],
    [0.004, 0],
    [-2.675, -2.68],
  ])("cents(%d) = %d", (usd, expected) => expect(cents(usd)).toBe(expected));

  it.each([
    ["2027-01-31T10:00:00Z", 1, "2027-02-28T10:00:00.000Z"],
    ["2028-01-31T10:00:00Z", 1, "2028-02-29T10:00:00.000Z"],
    ["2027-01-15T09:00:00Z", 12, "2028-01-15T09:00:00.000Z"],
    ["2027-11-30T00:00:00Z", 3, "2028-02-29T00:00:00.000Z"],
  ])("addMonthsUtc(%s, %d) = %s", (at, months, expected) => expect(addMonthsUtc(new Date(at), months).toISOString()).toBe(expected));
});
