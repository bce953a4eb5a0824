import { agentConfigSchema, createId, notFound, type AgentConfig } from "@orbis/contracts";
import type { AgentRow, AgentVersionRow, TenantScope } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { found } from "../../lib/found.ts";
import { toAgentConfig, toAgentDto, toAgentVersionDto } from "./agents.mappers.ts";
import { diffAgentConfigs, sameAgentConfig } from "./config-diff.ts";
import type { AssertReadyToPublish } from "./publish-readiness.ts";

/** A config with the schema's defaults filled in, so stored rows and snapshots compare field by field; as stored if it no longer parses. */
function normalized(config: unknown): AgentConfig {
  const parsed = agentConfigSchema.safeParse(config);
  return parsed.success ? parsed.data : (config as AgentConfig);
}
const versionConfigOf = (v: AgentVersionRow): AgentConfig => normalized(v.config);
const draftOf = (row: AgentRow): AgentConfig => normalized(toAgentConfig(row));

async function getVersionOrThrow(tenant: TenantScope, agentId: string, version: number): Promise<AgentVersionRow> {
  return found(await tenant.agents.getVersion(agentId, version), "Agent version");
}

/**
 * Published versions: what callers hear. Publishing snapshots the draft as the next version (or, when
 * the draft equals the latest version, answers that version and creates none); rollback publishes an
 * earlier version's config again and restores it into the draft. Both refuse a config that cannot
 * run (`assertReady`, 422) and write their audit row in the same transaction.
 */
export function createAgentVersionsService(assertReady: AssertReadyToPublish) {
  /** Makes `config` the agent's published config, inside `t`: the latest version when equal, else a new one. */
  async function publishConfig(t: TenantScope, actor: Actor, agentId: string, config: AgentConfig, publishedVersion: number | null) {
    await assertReady(t, agentId, config);
    const latest = publishedVersion === null ? undefined : await t.agents.getVersion(agentId, publishedVersion);
    if (latest && sameAgentConfig(versionConfigOf(latest), config)) return { version: latest, unchanged: true };
    const version = await t.agents.insertVersion({
      id: createId("agentVersion"),
      agentId,
      version: await t.agents.nextVersion(agentId),
      config,
      publishedBy: actor.actorUserId ?? actor.actorKeyId,
    });
    return { version, unchanged: false };
  }

  return {
    /** Snapshots the draft as the next version and marks the agent published; the same version again when nothing changed. */
    async publish(tenant: TenantScope, actor: Actor, agentId: string) {
      return tenant.transaction(async (t) => {
        const row = found(await t.agents.get(agentId), "Agent");
        const { version, unchanged } = await publishConfig(t, actor, agentId, draftOf(row), row.publishedVersion);
        const agent = unchanged ? row : (await t.agents.update(agentId, { status: "published", publishedVersion: version.version }))!;
        if (!unchanged) {
          await t.audit.record({
            ...auditedBy(actor),
            action: "agent.published",
            targetType: "agent",
            targetId: agentId,
            metadata: { version: version.version },
          });
          await t.events.record("agent.published", { agentId, versionId: version.id, version: version.version });
        }
        return { ...toAgentDto(agent), version: toAgentVersionDto(version), unchanged };
      });
    },

    /**
     * Publishes version `from`'s config as a new version (unless it already is the latest) and restores
     * it into the draft, so the next edit starts from what callers hear.
     */
    async rollback(tenant: TenantScope, actor: Actor, agentId: string, from: number) {
      return tenant.transaction(async (t) => {
        const row = found(await t.agents.get(agentId), "Agent");
        const config = versionConfigOf(await getVersionOrThrow(t, agentId, from));
        const { version, unchanged } = await publishConfig(t, actor, agentId, config, row.publishedVersion);
        const agent = await t.agents.update(agentId, { ...config, status: "published", publishedVersion: version.version });
        if (!agent) throw notFound("Agent");
        await t.audit.record({
          ...auditedBy(actor),
          action: "agent.rolled_back",
          targetType: "agent",
          targetId: agentId,
          metadata: { from, version: version.version, newVersion: !unchanged },
        });
        if (!unchanged) await t.events.record("agent.published", { agentId, versionId: version.id, version: version.version });
        return { ...toAgentDto(agent), version: toAgentVersionDto(version), unchanged };
      });
    },

    async versions(tenant: TenantScope, agentId: string) {
      found(await tenant.agents.get(agentId), "Agent");
      return (await tenant.agents.listVersions(agentId)).map(toAgentVersionDto);
    },

    async version(tenant: TenantScope, agentId: string, version: number) {
      found(await tenant.agents.get(agentId), "Agent");
      return toAgentVersionDto(await getVersionOrThrow(tenant, agentId, version));
    },

    /** What publishing the draft would change against `version`: `before` is the version, `after` the draft. */
    async diff(tenant: TenantScope, agentId: string, version: number) {
      const row = found(await tenant.agents.get(agentId), "Agent");
      const v = await getVersionOrThrow(tenant, agentId, version);
      return { version, changes: diffAgentConfigs(versionConfigOf(v), draftOf(row)) };
    },
  };
}
