import { standingOf, THRESHOLDS, type Billing } from "@orbis/billing";
import type { TenantScope } from "@orbis/db";

/** The thresholds (80, 100) `used` calls reach of `included`, lowest first. */
const thresholdsReached = (included: number, used: number): (typeof THRESHOLDS)[number][] =>
  included > 0 ? THRESHOLDS.filter((t) => used * 100 >= t * included) : [];

/**
 * After a real call is metered: every threshold of the call allowance the period has reached and that
 * was not recorded yet is recorded (once per period and threshold, even with several workers), and the
 * highest of them becomes one `usage.threshold_reached` event — a workspace that jumps past 80 % straight
 * to 100 % is told once that its calls are spent. Nothing on an unlimited plan (billing off, Custom).
 * Answers the threshold announced, if any.
 */
export async function checkAllowance(t: TenantScope, billing: Pick<Billing, "plans" | "graceDays">, now: Date): Promise<number | undefined> {
  if (billing.plans.mode === "off") return undefined;
  const standing = standingOf(billing.plans, await t.billing.subscription(), now, billing.graceDays);
  const included = standing.plan.includedCalls;
  if (included === null) return undefined;
  const { calls } = await t.billing.periodUsage(standing.period.start);
  let announce: (typeof THRESHOLDS)[number] | undefined;
  for (const threshold of thresholdsReached(included, calls)) {
    if (await t.billing.recordAlert(standing.period.start, threshold)) announce = threshold;
  }
  if (announce === undefined) return undefined;
  await t.events.record("usage.threshold_reached", {
    periodStart: standing.period.start.toISOString(),
    threshold: announce,
    callsUsed: calls,
    callsIncluded: included,
    planId: standing.plan.id,
  });
  return announce;
}
