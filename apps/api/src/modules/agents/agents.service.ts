import { createId, notFound, type AgentConfig } from "@orbis/contracts";
import type { AgentRow, TenantScope } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import { toAgentConfig, toAgentDto, toAgentVersionDto } from "./agents.mappers.ts";

/** The agent, or a 404 (another workspace's agent is not found either). Other modules check agent ids with it. */
export async function getAgentOrThrow(tenant: TenantScope, id: string): Promise<AgentRow> {
  return found(await tenant.agents.get(id), "Agent");
}

export function createAgentsService() {
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

    /** Snapshots the current config as the next version and marks the agent published. */
    async publish(tenant: TenantScope, actor: Actor, id: string) {
      return tenant.transaction(async (t) => {
        const row = await getAgentOrThrow(t, id);
        const version = await t.agents.nextVersion(id);
        await t.agents.insertVersion({
          id: createId("agentVersion"),
          agentId: id,
          version,
          config: toAgentConfig(row),
          publishedBy: actor.actorUserId ?? actor.actorKeyId,
        });
        const updated = await t.agents.update(id, { status: "published", publishedVersion: version });
        return toAgentDto(updated!);
      });
    },

    async versions(tenant: TenantScope, id: string) {
      await getAgentOrThrow(tenant, id);
      return (await tenant.agents.listVersions(id)).map(toAgentVersionDto);
    },
  };
}
export type AgentsService = ReturnType<typeof createAgentsService>;
