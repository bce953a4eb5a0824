import type { Plan, SubscriptionDto, SubscriptionStatus } from "@orbis/contracts";
import type { BillingSubscriptionRow, TenantScope } from "@orbis/db";
import { allowanceOf } from "./allowance.ts";
import { billingPeriodOf, type BillingPeriod } from "./period.ts";
import type { Plans } from "./plans.ts";

const DAY_MS = 24 * 3600_000;

/** The plan a workspace is held to right now, and why. */
export interface PlanStanding {
  plan: Plan;
  status: SubscriptionStatus;
  period: BillingPeriod;
  row: BillingSubscriptionRow | undefined;
  /** past_due: the plan holds until then; after it the default plan applies. */
  graceEndsAt: Date | null;
}

/**
 * Which plan applies (pure): billing off → the unlimited plan; a trialing or active subscription → its
 * plan; past_due → its plan until the grace period ends; canceled, unpaid, lapsed or none → the
 * catalogue's default plan. A plan id the catalogue no longer has falls back to the default too.
 */
export function standingOf(plans: Plans, row: BillingSubscriptionRow | undefined, now: Date, graceDays: number): PlanStanding {
  const status: SubscriptionStatus = row?.status ?? "none";
  const period = billingPeriodOf({ start: row?.currentPeriodStart ?? null, end: row?.currentPeriodEnd ?? null }, now);
  if (plans.mode === "off") return { plan: plans.default, status, period, row, graceEndsAt: null };
  const graceEndsAt = status === "past_due" && row?.pastDueSince ? new Date(row.pastDueSince.getTime() + graceDays * DAY_MS) : null;
  const paying = status === "active" || status === "trialing" || (status === "past_due" && graceEndsAt !== null && now < graceEndsAt);
  const paidPlan = paying && row ? plans.get(row.planId) : undefined;
  // A workspace on the default plan counts calendar months (also when its paid plan left the catalogue); a paying one its subscription's periods.
  return { plan: paidPlan ?? plans.default, status, period: paidPlan ? period : billingPeriodOf({ start: null, end: null }, now), row, graceEndsAt };
}

export interface BillingDeps {
  plans: Plans;
  graceDays: number;
  now?: () => Date;
}

/** The workspace's standing (one read of its subscription row). */
export async function loadStanding(tenant: TenantScope, deps: BillingDeps): Promise<PlanStanding> {
  return standingOf(deps.plans, await tenant.billing.subscription(), (deps.now ?? (() => new Date()))(), deps.graceDays);
}

/** The subscription view of `GET /v1/billing/subscription`: plan, status, period, usage and allowance. */
export async function subscriptionView(tenant: TenantScope, deps: BillingDeps): Promise<SubscriptionDto> {
  const standing = await loadStanding(tenant, deps);
  const [usage, counts] = await Promise.all([tenant.billing.periodUsage(standing.period.start), tenant.billing.resourceCounts()]);
  const row = standing.row;
  return {
    billing: deps.plans.mode,
    plan: standing.plan,
    status: standing.status,
    currentPeriodStart: standing.period.start.toISOString(),
    currentPeriodEnd: standing.period.end.toISOString(),
    cancelAtPeriodEnd: row?.cancelAtPeriodEnd ?? false,
    graceEndsAt: standing.graceEndsAt?.toISOString() ?? null,
    paymentFailed: row?.paymentFailedAt != null,
    hasBillingAccount: Boolean(row?.stripeCustomerId),
    usage: { calls: usage.calls, minutes: Math.round((usage.seconds / 60) * 100) / 100, agents: counts.agents, phoneNumbers: counts.phoneNumbers },
    allowance: allowanceOf(standing.plan, usage),
  };
}
