import type { BusinessConfig } from "@orbis/contracts";
import { businessOfAgent, type EffectiveBusiness } from "@orbis/agent-runtime";
import type { TenantScope } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { getAgentOrThrow } from "../agents/agents.service.ts";

export function createBusinessService() {
  return {
    async get(tenant: TenantScope, agentId: string): Promise<EffectiveBusiness> {
      return businessOfAgent(tenant, await getAgentOrThrow(tenant, agentId));
    },
    async put(tenant: TenantScope, actor: Actor, agentId: string, business: BusinessConfig): Promise<EffectiveBusiness> {
      await tenant.transaction(async (t) => {
        const row = await t.agents.update(agentId, { business });
        if (!row) await getAgentOrThrow(t, agentId);
        // What was replaced, not the details (addresses, phone numbers, staff names).
        await t.audit.record({
          ...auditedBy(actor),
          action: "business.updated",
          targetType: "agent",
          targetId: agentId,
          metadata: { name: business.name, services: business.services.length, staff: business.staff.length },
        });
      });
      return { configured: true, business };
    },
  };
}
export type BusinessService = ReturnType<typeof createBusinessService>;
