import { OFFLINE_SPEECH_IDS, PLAN_FEATURES, type AgentConfig, type PlanFeature } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import { loadStanding, type BillingDeps } from "./state.ts";

/** What a workspace may use: every plan feature, on or off. */
export type FeatureFlags = Record<PlanFeature, boolean>;

/**
 * The workspace's feature flags, one implementation for the api (`GET /v1/features`, the 402 gates) and
 * the gateway (cloud voices at call start): the features of the plan it is held to (billing off: every
 * feature, a self-hosted workspace has no plan), then the platform operator's per-workspace overrides
 * (`feature_flags` rows), which win either way. Two reads: the subscription (billing on only) and the overrides.
 */
export async function effectiveFeatures(tenant: TenantScope, billing: BillingDeps): Promise<FeatureFlags> {
  const [planFeatures, overrides] = await Promise.all([
    billing.plans.mode === "off" ? Promise.resolve<readonly PlanFeature[]>(PLAN_FEATURES) : loadStanding(tenant, billing).then((s) => s.plan.features),
    tenant.practice.featureFlags(),
  ]);
  const flags = Object.fromEntries(PLAN_FEATURES.map((f) => [f, planFeatures.includes(f)])) as FeatureFlags;
  for (const row of overrides) if ((PLAN_FEATURES as readonly string[]).includes(row.flag)) flags[row.flag as PlanFeature] = row.enabled;
  return flags;
}

const OFFLINE: ReadonlySet<string> = new Set(OFFLINE_SPEECH_IDS);

type SpeechProviders = Pick<AgentConfig["providers"], "stt" | "tts" | "realtime">;

/** The agent's speech settings that name a cloud voice: each field (`stt`, `tts`, `realtime`) with the ids it names. Empty: offline only. */
export function cloudVoiceFields(p: Partial<SpeechProviders>): { field: "stt" | "tts" | "realtime"; providers: string[] }[] {
  const out: { field: "stt" | "tts" | "realtime"; providers: string[] }[] = [];
  for (const field of ["stt", "tts"] as const) {
    const cloud = (p[field] ?? []).filter((id) => !OFFLINE.has(id));
    if (cloud.length) out.push({ field, providers: cloud });
  }
  if (p.realtime) out.push({ field: "realtime", providers: [p.realtime] });
  return out;
}
