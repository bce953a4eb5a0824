import { createId, notFound, type AgentConfig } from "@orbis/contracts";
import type { AgentRow, TenantScope } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import { createAgentVersionsService } from "./agent-versions.service.ts";
import { toAgentDto } from "./agents.mappers.ts";
import { createPublishReadiness, type PublishReadinessOptions } from "./publish-readiness.ts";

/** The agent, or a 404 (another workspace's agent is not found either). Other modules check agent ids with it. */
export async function getAgentOrThrow(tenant: TenantScope, id: string): Promise<AgentRow> {
  return found(await tenant.agents.get(id), "Agent");
}

interface AgentsServiceOptions {
  /** What publishing checks a config can run with (platform keys, the tool network policy). */
  readiness?: PublishReadinessOptions;
}

export function createAgentsService(options: AgentsServiceOptions = {}) {
  const versions = createAgentVersionsService(createPublishReadiness(options.readiness));
  return {
    /**
     * A page as the response's JSON text: PostgreSQL renders each agent (the repository's `page`), so the
     * hottest read of the control plane builds no row objects. Its cursor keeps the microseconds of
     * `created_at`, so agents created within one millisecond are not skipped.
     */
    async list(tenant: TenantScope, limit: number, cursor?: string): Promise<string> {
      const after = cursor ? decodeCursor(cursor) : undefined;
      const items = await tenant.agents.page(limit + 1, after && { createdAt: after.at, id: after.id });
      const { rows, nextCursor } = pageOf(items, limit, (item) => ({ at: item.cursor.createdAt, id: item.cursor.id }));
      return `{"data":[${rows.map((item) => item.json).join(",")}],"nextCursor":${JSON.stringify(nextCursor)}}`;
    },

    async create(tenant: TenantScope, config: AgentConfig) {
      return toAgentDto(await tenant.agents.insert({ id: createId("agent"), ...config }));
    },

    get: async (tenant: TenantScope, id: string) => toAgentDto(await getAgentOrThrow(tenant, id)),

    update: async (tenant: TenantScope, id: string, patch: Partial<AgentConfig>) => toAgentDto(found(await tenant.agents.update(id, patch), "Agent")),

    async remove(tenant: TenantScope, actor: Actor, id: string) {
      await tenant.transaction(async (t) => {
        const row = await t.agents.get(id);
        if (!row || !(await t.agents.delete(id))) throw notFound("Agent");
        await t.audit.record({ ...auditedBy(actor), action: "agent.deleted", targetType: "agent", targetId: id, metadata: { name: row.name } });
      });
    },

    ...versions,
  };
}
export type AgentsService = ReturnType<typeof createAgentsService>;
