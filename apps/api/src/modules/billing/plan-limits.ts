import { loadStanding, type Billing } from "@orbis/billing";
import { AppError } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";

/** The things a plan limits by count (`Plan.agents`, `Plan.phoneNumbers`). */
type LimitedResource = "agents" | "phoneNumbers";

const NOUNS: Record<LimitedResource, [one: string, many: string]> = {
  agents: ["agent", "agents"],
  phoneNumbers: ["phone number", "phone numbers"],
};

/** "Your Starter plan includes 3 agents. Upgrade your plan to add more." — what the dashboard shows as is. */
function limitMessage(planName: string, resource: LimitedResource, limit: number): string {
  const [one, many] = NOUNS[resource];
  if (limit === 0) return `Your ${planName} plan does not include ${many}. Upgrade your plan to add one.`;
  return `Your ${planName} plan includes ${limit} ${limit === 1 ? one : many}. Upgrade your plan to add more.`;
}

/**
 * The plan's count limits, checked where agents and phone numbers are created. Call `assertCanAdd` on
 * the transaction's scope, before the insert, so the count and the new row commit together. With
 * billing off it reads nothing: self-hosted workspaces have no plan limits.
 */
export function createPlanLimits(billing: Billing) {
  return {
    /** Throws `plan_limit` (402) when the workspace's plan has no room for one more `resource`. */
    async assertCanAdd(t: TenantScope, resource: LimitedResource): Promise<void> {
      if (billing.plans.mode === "off") return;
      const { plan } = await loadStanding(t, billing);
      const limit = plan[resource];
      if (limit === null) return;
      // Held until the creating transaction ends: a concurrent create waits, then counts this one.
      await t.billing.lockForLimits();
      const used = (await t.billing.resourceCounts())[resource];
      if (used < limit) return;
      throw new AppError("plan_limit", limitMessage(plan.name, resource, limit), { limit, used, planId: plan.id, resource });
    },
  };
}
export type PlanLimits = ReturnType<typeof createPlanLimits>;
