import { loadStanding, type Billing } from "@orbis/billing";
import { AppError, PLAN_FEATURES, type PlanFeature } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";

export type FeatureFlags = Record<PlanFeature, boolean>;

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
 * The workspace's feature flags: the features of the plan it is held to (billing off: every feature,
 * self-hosted workspaces have no plan), then the platform operator's per-workspace overrides
 * (`feature_flags` rows), which win either way.
 */
export function createFeaturesService(deps: { billing: Billing }) {
  async function flags(tenant: TenantScope): Promise<FeatureFlags> {
    const [planFeatures, overrides] = await Promise.all([
      deps.billing.plans.mode === "off"
        ? Promise.resolve<readonly PlanFeature[]>(PLAN_FEATURES)
        : loadStanding(tenant, deps.billing).then((s) => s.plan.features),
      tenant.practice.featureFlags(),
    ]);
    const result = Object.fromEntries(PLAN_FEATURES.map((f) => [f, planFeatures.includes(f)])) as FeatureFlags;
    for (const row of overrides) if ((PLAN_FEATURES as readonly string[]).includes(row.flag)) result[row.flag as PlanFeature] = row.enabled;
    return result;
  }

  return {
    flags,
    /** Throws `plan_limit` (402) when the feature is off for the workspace. */
    async assertEnabled(tenant: TenantScope, feature: PlanFeature): Promise<void> {
      if (!(await flags(tenant))[feature]) throw new AppError("plan_limit", NOT_INCLUDED[feature], { feature });
    },
    /** The operator's override for one workspace (`enabled: null` removes it: the plan decides again). */
    async override(tenant: TenantScope, feature: PlanFeature, enabled: boolean | null): Promise<FeatureFlags> {
      await tenant.practice.setFeatureFlag(feature, enabled);
      return flags(tenant);
    },
  };
}
export type FeaturesService = ReturnType<typeof createFeaturesService>;
