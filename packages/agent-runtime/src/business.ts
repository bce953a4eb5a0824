import { businessConfigSchema, type BusinessConfig } from "@orbis/contracts";
import { businessFromTemplate, getBusinessTemplate } from "@orbis/brain";
import type { AgentRow, TenantScope } from "@orbis/db";

export interface EffectiveBusiness {
  /** false: the agent has no (valid) business config and runs on the generic template. */
  configured: boolean;
  business: BusinessConfig;
}

/** Where a workspace still on UTC (never set) is assumed to be. */
const DEFAULT_TIMEZONE = "America/New_York";

/**
 * What an agent without its own config knows: the workspace's name and time zone with the generic
 * template's suggestions (hours, services, FAQs) — no phone, address, staff or escalation number.
 */
export function fallbackBusiness(workspace: { name: string; timezone: string }): BusinessConfig {
  return businessFromTemplate(getBusinessTemplate("generic"), {
    name: workspace.name,
    timezone: workspace.timezone && workspace.timezone !== "UTC" ? workspace.timezone : DEFAULT_TIMEZONE,
  });
}

/** agents.business parsed; the fallback when it is empty or no longer valid. */
export function effectiveBusiness(stored: unknown, workspace: { name: string; timezone: string }): EffectiveBusiness {
  const parsed = businessConfigSchema.safeParse(stored);
  return parsed.success ? { configured: true, business: parsed.data } : { configured: false, business: fallbackBusiness(workspace) };
}

/** The agent's business, reading the workspace only when the agent has none of its own. */
export async function businessOfAgent(tenant: TenantScope, agent: AgentRow): Promise<EffectiveBusiness> {
  const parsed = businessConfigSchema.safeParse(agent.business);
  if (parsed.success) return { configured: true, business: parsed.data };
  const ws = await tenant.workspace.get();
  return { configured: false, business: fallbackBusiness(ws ?? { name: "our office", timezone: "UTC" }) };
}
