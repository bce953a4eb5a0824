import { subscriptionView, type Billing } from "@orbis/billing";
import type { PlansResponse, SubscriptionDto } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";

/** Plans and the workspace's subscription, usage and allowance (`GET /v1/billing/plans|subscription`). */
export function createBillingService(deps: { billing: Billing }) {
  return {
    /** The plans on offer (hidden legacy plans left out); billing off: the one unlimited plan. */
    plans: (): PlansResponse => ({ billing: deps.billing.plans.mode, plans: deps.billing.plans.all.filter((p) => p.public) }),

    /** The plan the workspace is held to now, its period, its use so far and where that stands against the plan. */
    subscription: (tenant: TenantScope): Promise<SubscriptionDto> => subscriptionView(tenant, deps.billing),
  };
}
export type BillingService = ReturnType<typeof createBillingService>;
