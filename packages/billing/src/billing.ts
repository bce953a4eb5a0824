import type { AppConfig } from "@orbis/config";
import type { CostRates } from "./costs.ts";
import { createPlans, loadPlanCatalogue, type Plans } from "./plans.ts";
import type { BillingDeps } from "./state.ts";
import type { StripeBilling } from "./stripe.ts";

/** Billing as every role sees it: the plans, the grace period, cost rates and (BILLING=stripe) Stripe. */
export interface Billing extends BillingDeps {
  plans: Plans;
  graceDays: number;
  rates: CostRates;
  stripe?: StripeBilling;
}

/** Built once per process by the composition root from the configuration. */
export function createBilling(config: AppConfig["billing"], o: { stripe?: StripeBilling; now?: () => Date } = {}): Billing {
  const plans = createPlans(config.mode, config.mode === "stripe" ? loadPlanCatalogue(config.plansFile) : undefined);
  return {
    plans,
    graceDays: config.graceDays,
    rates: { carrier: config.carrierRates, infraPerMinute: config.infraCostPerMinute },
    ...(o.stripe ? { stripe: o.stripe } : {}),
    ...(o.now ? { now: o.now } : {}),
  };
}
