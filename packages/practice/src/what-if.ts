import type { WhatIfInput, WhatIfProjection } from "@orbis/contracts";

/** The inputs a rep can improve, in the order ties are listed. */
const LEVERS = ["callsPerDay", "connectRate", "meetingRate", "closeRate", "dealSizeUsd"] as const;
const RATES: ReadonlySet<string> = new Set(["connectRate", "meetingRate", "closeRate"]);
/** "10 % better" is relative: a 20 % connect rate becomes 22 %, never more than 100 %. */
const IMPROVEMENT = 1.1;

const cents = (x: number): number => Math.round(x * 100) / 100;

function funnel(input: WhatIfInput): WhatIfProjection["perMonth"] {
  const calls = input.callsPerDay * input.workingDaysPerMonth;
  const connects = calls * input.connectRate;
  const meetings = connects * input.meetingRate;
  const deals = meetings * input.closeRate;
  return { calls: cents(calls), connects: cents(connects), meetings: cents(meetings), deals: cents(deals), revenueUsd: cents(deals * input.dealSizeUsd) };
}

/** Projected monthly funnel and revenue, and what a 10 % better lever is worth, biggest gain first. Pure. */
export function projectWhatIf(input: WhatIfInput): WhatIfProjection {
  const perMonth = funnel(input);
  const levers = LEVERS.map((lever) => {
    const improved = input[lever] * IMPROVEMENT;
    const revenueUsd = funnel({ ...input, [lever]: RATES.has(lever) ? Math.min(1, improved) : improved }).revenueUsd;
    return { input: lever, revenueUsd, gainUsd: cents(revenueUsd - perMonth.revenueUsd) };
  });
  // Array.prototype.sort is stable: equal gains keep the order of LEVERS.
  levers.sort((a, b) => b.gainUsd - a.gainUsd);
  return { perMonth, levers };
}
