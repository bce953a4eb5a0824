import type { BusinessConfig } from "@orbis/contracts";
import { businessOfAgent, type EffectiveBusiness } from "@orbis/agent-runtime";
import type { TenantScope } from "@orbis/db";
import { getAgentOrThrow } from "../agents/agents.service.ts";

export function createBusinessService() {
  return {
    async get(tenant: TenantScope, agentId: string): Promise<EffectiveBusiness> {
      return businessOfAgent(tenant, await getAgentOrThrow(tenant, agentId));
    },
    async put(tenant: TenantScope, agentId: string, business: BusinessConfig): Promise<EffectiveBusiness> {
      const row = await tenant.agents.update(agentId, { business });
      if (!row) await getAgentOrThrow(tenant, agentId);
      return { configured: true, business };
    },
  };
}
export type BusinessService = ReturnType<typeof createBusinessService>;
