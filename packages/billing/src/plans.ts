import { readFileSync } from "node:fs";
import { planCatalogueSchema, type Plan, type PlanCatalogue } from "@orbis/contracts";

/** The Stripe meter event every overage call is reported as (docs/billing.md: create a meter with this event name). */
export const OVERAGE_METER_EVENT = "orbis_overage_calls";

/**
 * The built-in catalogue (the seeds' prices). Stripe prices are lookup keys, so an operator creates
 * prices with these keys in Stripe and needs no plans file.
 */
export const DEFAULT_CATALOGUE: PlanCatalogue = planCatalogueSchema.parse({
  defaultPlanId: "free",
  plans: [
    {
      id: "free",
      name: "Free",
      description: "Build and try an agent: a few real calls a month on the offline voices.",
      monthlyPriceUsd: 0,
      includedCalls: 25,
      includedMinutes: 100,
      overage: null,
      concurrentCalls: 1,
      agents: 1,
      phoneNumbers: 0,
      features: [],
    },
    {
      id: "starter",
      name: "Starter",
      description: "One location answering every call: up to 250 calls a month.",
      monthlyPriceUsd: 299,
      includedCalls: 250,
      includedMinutes: 1500,
      overage: { perCallUsd: 1.5, perMinuteUsd: 0 },
      concurrentCalls: 3,
      agents: 3,
      phoneNumbers: 1,
      features: ["cloud_voices", "phone_numbers", "webhooks"],
      stripePrice: "orbis_starter_monthly",
      stripeOveragePrice: "orbis_overage_call",
    },
    {
      id: "growth",
      name: "Growth",
      description: "Busy practices and teams: up to 999 calls a month, sales practice included.",
      monthlyPriceUsd: 899,
      includedCalls: 999,
      includedMinutes: 6000,
      overage: { perCallUsd: 1, perMinuteUsd: 0 },
      concurrentCalls: 10,
      agents: 10,
      phoneNumbers: 5,
      features: ["cloud_voices", "phone_numbers", "webhooks", "custom_tools", "sales_practice"],
      stripePrice: "orbis_growth_monthly",
      stripeOveragePrice: "orbis_overage_call",
    },
    {
      id: "custom",
      name: "Custom",
      description: "Volume, many locations, your own terms: priced with you.",
      monthlyPriceUsd: null,
      includedCalls: null,
      includedMinutes: null,
      overage: null,
      concurrentCalls: null,
      agents: null,
      phoneNumbers: null,
      features: ["cloud_voices", "phone_numbers", "webhooks", "custom_tools", "sales_practice", "priority_support"],
    },
  ],
});

/** Billing off (self-hosted): every workspace is on this one plan, with no limit but the gateway's own. */
export const UNLIMITED_PLAN: Plan = {
  id: "unlimited",
  name: "Self-hosted",
  description: "Billing is off: no plan limits.",
  monthlyPriceUsd: null,
  includedCalls: null,
  includedMinutes: null,
  overage: null,
  concurrentCalls: null,
  agents: null,
  phoneNumbers: null,
  features: ["cloud_voices", "phone_numbers", "webhooks", "custom_tools", "sales_practice", "priority_support"],
  stripePrice: null,
  stripeOveragePrice: null,
  public: true,
};

/** The operator's catalogue from `BILLING_PLANS_FILE` (JSON), or the built-in one. Throws one readable line. */
export function loadPlanCatalogue(file?: string): PlanCatalogue {
  if (!file) return DEFAULT_CATALOGUE;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`BILLING_PLANS_FILE ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = planCatalogueSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`BILLING_PLANS_FILE ${file}: ${issue.path.join(".") || "(root)"} ${issue.message}`);
  }
  return parsed.data;
}

/** The plans a workspace can be on, by billing mode. */
export interface Plans {
  readonly mode: "off" | "stripe";
  /** Every plan of the catalogue (the unlimited one when billing is off). */
  readonly all: readonly Plan[];
  readonly default: Plan;
  get(id: string): Plan | undefined;
}

export function createPlans(mode: "off" | "stripe", catalogue: PlanCatalogue = DEFAULT_CATALOGUE): Plans {
  if (mode === "off") return { mode, all: [UNLIMITED_PLAN], default: UNLIMITED_PLAN, get: (id) => (id === UNLIMITED_PLAN.id ? UNLIMITED_PLAN : undefined) };
  const byId = new Map(catalogue.plans.map((p) => [p.id, p]));
  return { mode, all: catalogue.plans, default: byId.get(catalogue.defaultPlanId)!, get: (id) => byId.get(id) };
}
