import { effectiveFeatures, type Billing, type FeatureFlags } from "@orbis/billing";
import { AppError, type PlanFeature } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";

/** What the dashboard says when a gated route is called without the feature (`plan_limit`, 402). */
const NOT_INCLUDED: Record<PlanFeature, string> = {
  cloud_voices: "Cloud voices are not included in this workspace's plan",
  phone_numbers: "Phone numbers are not included in this workspace's plan",
  sales_practice: "Sales practice is not included in this workspace's plan",
  custom_tools: "Custom tools are not included in this workspace's plan",
  webhooks: "Webhooks are not included in this workspace's plan",
  priority_support: "Priority support is not included in this workspace's plan",
};

/**
 * The workspace's feature flags (`effectiveFeatures` of @orbis/billing, the one the gateway reads too):
 * the features of the plan it is held to (billing off: every feature), then the platform operator's
 * per-workspace overrides (`feature_flags` rows), which win either way.
 */
export function createFeaturesService(deps: { billing: Billing }) {
  const flags = (tenant: TenantScope): Promise<FeatureFlags> => effectiveFeatures(tenant, deps.billing);

  return {
    flags,
    /**
     * Throws `plan_limit` (402) when the feature is off for the workspace: the feature's message (or
     * `refusal.message`, which names what was refused) and `details` (default `{ feature }`).
     */
    async assertEnabled(tenant: TenantScope, feature: PlanFeature, refusal?: { message: string; details: unknown }): Promise<void> {
      if ((await flags(tenant))[feature]) return;
      throw new AppError("plan_limit", refusal?.message ?? NOT_INCLUDED[feature], refusal ? refusal.details : { feature });
    },
    /** The operator's override for one workspace (`enabled: null` removes it: the plan decides again). */
    async override(tenant: TenantScope, feature: PlanFeature, enabled: boolean | null): Promise<FeatureFlags> {
      await tenant.practice.setFeatureFlag(feature, enabled);
      return flags(tenant);
    },
  };
}
export type FeaturesService = ReturnType<typeof createFeaturesService>;

/** What creating services need of it: the check alone (absent: nothing is gated, as in services built alone in tests). */
export type FeatureGate = Pick<FeaturesService, "assertEnabled">;
