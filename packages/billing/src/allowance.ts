import type { Allowance, AllowanceLevel, Plan } from "@orbis/contracts";

/** The banner thresholds: a warning at 80 % of the allowance, exhausted at 100 %. */
export const THRESHOLDS = [80, 100] as const;

/** Used / included as a percentage, unrounded: the level is decided on it (799 of 999 calls is not yet 80 %). */
const exactPercentOf = (used: number, included: number | null): number | null =>
  included === null ? null : included === 0 ? (used > 0 ? 100 : 0) : (used * 100) / included;

/** The percentage shown, to one decimal. */
const shown = (percent: number | null): number | null => (percent === null ? null : Math.round(percent * 10) / 10);

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Where a workspace stands against its plan this period (pure): calls and minutes used against what the
 * plan includes, the level for the banner, overage so far and its estimated price, and whether new calls
 * are refused — only when the plan has no overage and an allowance is spent.
 */
export function allowanceOf(plan: Plan, usage: { calls: number; seconds: number }): Allowance {
  const minutes = round2(usage.seconds / 60);
  const callsPercent = exactPercentOf(usage.calls, plan.includedCalls);
  const minutesPercent = exactPercentOf(minutes, plan.includedMinutes);
  const top = Math.max(callsPercent ?? 0, minutesPercent ?? 0);
  const level: AllowanceLevel = top >= 100 ? "exhausted" : top >= 80 ? "warning" : "ok";
  const overageCalls = plan.includedCalls === null ? 0 : Math.max(0, usage.calls - plan.includedCalls);
  const overageMinutes = plan.includedMinutes === null ? 0 : round2(Math.max(0, minutes - plan.includedMinutes));
  const spent = (plan.includedCalls !== null && usage.calls >= plan.includedCalls) || (plan.includedMinutes !== null && minutes >= plan.includedMinutes);
  return {
    calls: { used: usage.calls, included: plan.includedCalls, percent: shown(callsPercent) },
    minutes: { used: minutes, included: plan.includedMinutes, percent: shown(minutesPercent) },
    level,
    overageCalls,
    overageMinutes,
    estimatedOverageUsd: plan.overage ? round2(overageCalls * plan.overage.perCallUsd + overageMinutes * plan.overage.perMinuteUsd) : 0,
    callsBlocked: plan.overage === null && spent,
  };
}

/** The thresholds (80, 100) the call allowance crossed going from `before` to `after` calls. */
export function thresholdsCrossed(included: number | null, before: number, after: number): (typeof THRESHOLDS)[number][] {
  if (included === null || included <= 0) return [];
  return THRESHOLDS.filter((t) => (before * 100) / included < t && (after * 100) / included >= t);
}
