import { whatIfInputSchema, whatIfProjectionSchema } from "@orbis/contracts";
import { describe, expect, it } from "vitest";
import { projectWhatIf } from "../src/index.ts";

const input = whatIfInputSchema.parse({ callsPerDay: 40, connectRate: 0.2, meetingRate: 0.25, closeRate: 0.3, dealSizeUsd: 5000 });

describe("projectWhatIf", () => {
  it("projects the monthly funnel", () => {
    const p = projectWhatIf(input);
    expect(whatIfProjectionSchema.parse(p)).toEqual(p);
    // 40 × 21 = 840 calls → 168 connects → 42 meetings → 12.6 deals → $63,000.
    expect(p.perMonth).toEqual({ calls: 840, connects: 168, meetings: 42, deals: 12.6, revenueUsd: 63_000 });
  });

  it("values each lever at 10 % better, biggest gain first, ties in input order", () => {
    const p = projectWhatIf(input);
    expect(p.levers.map((l) => l.input)).toEqual(["callsPerDay", "connectRate", "meetingRate", "closeRate", "dealSizeUsd"]);
    for (const l of p.levers) expect(l).toEqual({ input: l.input, revenueUsd: 69_300, gainUsd: 6_300 });
  });

  it("caps a rate at 100 %, so a lever near the top is worth less", () => {
    const p = projectWhatIf({ ...input, closeRate: 0.95 });
    // Revenue 840 × 0.2 × 0.25 × 0.95 × 5000 = 199,500; close rate can only reach 1 (+5 %).
    expect(p.perMonth.revenueUsd).toBe(199_500);
    expect(p.levers.at(-1)).toEqual({ input: "closeRate", revenueUsd: 210_000, gainUsd: 10_500 });
    expect(p.levers[0]?.gainUsd).toBe(19_950);
  });

  it("uses the working days given, and is zero with no calls", () => {
    expect(projectWhatIf({ ...input, workingDaysPerMonth: 20 }).perMonth.calls).toBe(800);
    const none = projectWhatIf({ ...input, callsPerDay: 0 });
    expect(none.perMonth.revenueUsd).toBe(0);
    expect(none.levers.every((l) => l.gainUsd === 0)).toBe(true);
  });
});
