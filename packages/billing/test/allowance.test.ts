import { describe, expect, it } from "vitest";
import type { Plan } from "@orbis/contracts";
import { allowanceOf, DEFAULT_CATALOGUE, thresholdsCrossed, UNLIMITED_PLAN } from "../src/index.ts";

const plan = (id: string): Plan => DEFAULT_CATALOGUE.plans.find((p) => p.id === id)!;
const free = plan("free"); // 25 calls, 100 minutes, no overage
const starter = plan("starter"); // 250 calls, 1500 minutes, $1.50 per extra call
const growth = plan("growth"); // 999 calls

describe("allowanceOf", () => {
  const levels: [name: string, p: Plan, usage: { calls: number; seconds: number }, level: string, callsPercent: number | null, callsBlocked: boolean][] = [
    ["nothing used", free, { calls: 0, seconds: 0 }, "ok", 0, false],
    ["just under 80 %", free, { calls: 19, seconds: 0 }, "ok", 76, false],
    ["80 % of the calls", free, { calls: 20, seconds: 0 }, "warning", 80, false],
    ["one call short of the allowance", free, { calls: 24, seconds: 0 }, "warning", 96, false],
    ["the allowance spent, no overage: calls stop", free, { calls: 25, seconds: 0 }, "exhausted", 100, true],
    ["minutes spent before calls (100 minutes)", free, { calls: 3, seconds: 100 * 60 }, "exhausted", 12, true],
    ["80 % of the minutes", free, { calls: 1, seconds: 80 * 60 }, "warning", 4, false],
    ["past the allowance with overage: calls go on", starter, { calls: 260, seconds: 0 }, "exhausted", 104, false],
    ["799 of 999 is 79.98 %: shown as 80 but not yet a warning", growth, { calls: 799, seconds: 0 }, "ok", 80, false],
    ["800 of 999", growth, { calls: 800, seconds: 0 }, "warning", 80.1, false],
    ["unlimited plan: never a level", UNLIMITED_PLAN, { calls: 1_000_000, seconds: 9_000_000 }, "ok", null, false],
  ];
  it.each(levels)("%s", (_name, p, usage, level, callsPercent, callsBlocked) => {
    const a = allowanceOf(p, usage);
    expect(a.level).toBe(level);
    expect(a.calls).toEqual({ used: usage.calls, included: p.includedCalls, percent: callsPercent });
    expect(a.callsBlocked).toBe(callsBlocked);
  });

  it("prices overage calls and minutes at the plan's rates, and none within the allowance", () => {
    expect(allowanceOf(starter, { calls: 250, seconds: 0 })).toMatchObject({ overageCalls: 0, estimatedOverageUsd: 0 });
    expect(allowanceOf(starter, { calls: 263, seconds: 0 })).toMatchObject({ overageCalls: 13, estimatedOverageUsd: 19.5 });
    const perMinute: Plan = { ...starter, includedMinutes: 10, overage: { perCallUsd: 0, perMinuteUsd: 0.1 } };
    expect(allowanceOf(perMinute, { calls: 1, seconds: 12.5 * 60 })).toMatchObject({ overageMinutes: 2.5, estimatedOverageUsd: 0.25 });
    // No overage price: beyond the allowance is counted, never charged.
    expect(allowanceOf(free, { calls: 30, seconds: 0 })).toMatchObject({ overageCalls: 5, estimatedOverageUsd: 0 });
  });

  it("reports minutes to two decimals with their percentage", () => {
    expect(allowanceOf(free, { calls: 1, seconds: 61 }).minutes).toEqual({ used: 1.02, included: 100, percent: 1 });
    expect(allowanceOf(UNLIMITED_PLAN, { calls: 1, seconds: 90 }).minutes).toEqual({ used: 1.5, included: null, percent: null });
  });

  it("a plan including no calls: any call is all of it", () => {
    const none: Plan = { ...free, includedCalls: 0, includedMinutes: null };
    expect(allowanceOf(none, { calls: 0, seconds: 0 }).calls.percent).toBe(0);
    expect(allowanceOf(none, { calls: 2, seconds: 0 })).toMatchObject({ level: "exhausted", calls: { percent: 100 }, callsBlocked: true });
  });
});

describe("thresholdsCrossed", () => {
  const cases: [included: number | null, before: number, after: number, crossed: number[]][] = [
    [25, 0, 1, []],
    [25, 19, 20, [80]],
    [25, 20, 21, []],
    [25, 24, 25, [100]],
    [25, 19, 25, [80, 100]],
    [25, 25, 26, []],
    [999, 798, 799, []],
    [999, 799, 800, [80]],
    [null, 0, 1_000, []],
    [0, 0, 1, []],
  ];
  it.each(cases)("%s included, %s → %s calls: %j", (included, before, after, crossed) => {
    expect(thresholdsCrossed(included, before, after)).toEqual(crossed);
  });
});
