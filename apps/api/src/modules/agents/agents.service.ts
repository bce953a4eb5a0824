import { cloudVoiceFields } from "@orbis/billing";
import { AppError, agentConfigSchema, createId, notFound, type AgentConfig, type PublishBody } from "@orbis/contracts";
import type { AgentRow, TenantScope } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import type { PlanLimits } from "../billing/plan-limits.ts";
import type { FeatureGate } from "../features/features.service.ts";
import { createAgentVersionsService } from "./agent-versions.service.ts";
import { toAgentConfig, toAgentDto } from "./agents.mappers.ts";
import { createPublishReadiness, type PublishReadinessOptions } from "./publish-readiness.ts";

/** The agent, or a 404 (another workspace's agent is not found either). Other modules check agent ids with it. */
export async function getAgentOrThrow(tenant: TenantScope, id: string): Promise<AgentRow> {
  return found(await tenant.agents.get(id), "Agent");
}

/** What the test gate found: scenarios that passed on `baselineVersion` and fail on the config to publish. */
interface PublishTestVerdict {
  baselineVersion: number | null;
  regressions: { scenarioId: string; name: string; found: string }[];
}

/** The agent's test suite as publishing consults it (agent-tests' publish gate): runs it and compares. */
interface PublishTestGate {
  check(
    tenant: TenantScope,
    candidate: { agentId: string; config: AgentConfig; version: number | null; publishedVersion: number | null; createdBy: string | null },
  ): Promise<PublishTestVerdict>;
}

interface AgentsServiceOptions {
  /** What publishing checks a config can run with (platform keys, the tool network policy). */
  readiness?: PublishReadinessOptions;
  /** Without one, publishing does not run tests. */
  tests?: PublishTestGate;
  /** The plan's agent limit; without it, no limit. */
  limits?: PlanLimits;
  /** The plan's features (`cloud_voices`); without it, every voice is allowed. */
  features?: FeatureGate;
}

/**
 * Refuses (402 `plan_limit`) speech settings that name a cloud voice when the workspace's plan has no
 * `cloud_voices`; the message and details name each field (`body.providers.tts` in a request body,
 * `providers.tts` of the draft or version being published) and the ids in it.
 */
async function assertVoicesAllowed(
  features: FeatureGate | undefined,
  tenant: TenantScope,
  providers: Partial<AgentConfig["providers"]> | undefined,
  at: string,
) {
  const fields = providers && features ? cloudVoiceFields(providers) : [];
  if (fields.length === 0) return;
  const named = fields.map((f) => `providers.${f.field} names ${f.providers.join(", ")}`).join("; ");
  await features!.assertEnabled(tenant, "cloud_voices", {
    message: `Cloud voices are not included in this workspace's plan (${named}): use the offline engines ("offline") or upgrade the plan`,
    details: fields.map((f) => ({
      path: `${at}${f.field}`,
      message: `${f.providers.join(", ")}: cloud voices are not included in this workspace's plan`,
      feature: "cloud_voices",
      providers: f.providers,
    })),
  });
}

/** "N test(s) that passed on version V now fail: <names>", every one in the details. */
function testRegressionError(verdict: PublishTestVerdict): AppError {
  const names = verdict.regressions.map((r) => r.name);
  return new AppError(
    "validation_failed",
    `${names.length} test(s) that passed on version ${verdict.baselineVersion} now fail: ${names.join(", ")}`,
    verdict.regressions.map((r) => ({ check: "agent_tests", scenarioId: r.scenarioId, name: r.name, message: r.found })),
  );
}

export function createAgentsService(options: AgentsServiceOptions = {}) {
  const versions = createAgentVersionsService(createPublishReadiness(options.readiness));

  /**
   * Runs the suite on the config about to be published: refused (422) when a scenario that passed on
   * the published version now fails, unless `override` gives a reason. Outside the publish
   * transaction, so the runs stay stored when publishing is refused.
   */
  async function testGate(tenant: TenantScope, actor: Actor, row: AgentRow, config: AgentConfig | undefined, version: number | null, body: PublishBody) {
    if (!options.tests || !config) return undefined;
    const createdBy = actor.actorUserId ?? actor.actorKeyId;
    const verdict = await options.tests.check(tenant, { agentId: row.id, config, version, publishedVersion: row.publishedVersion, createdBy });
    if (verdict.regressions.length === 0) return undefined;
    if (!body?.override) throw testRegressionError(verdict);
    return { verdict, reason: body.override.reason };
  }

  /** Publishes (`publish` below) after the gate; an override of failing tests is audited with the change. */
  async function gated<R extends { version: { version: number } }>(
    tenant: TenantScope,
    actor: Actor,
    agentId: string,
    gate: Awaited<ReturnType<typeof testGate>>,
    publish: (t: TenantScope) => Promise<R>,
  ): Promise<R> {
    if (!gate) return publish(tenant);
    return tenant.transaction(async (t) => {
      const result = await publish(t);
      await t.audit.record({
        ...auditedBy(actor),
        action: "agent.publish_override",
        targetType: "agent",
        targetId: agentId,
        metadata: {
          reason: gate.reason,
          failing: gate.verdict.regressions.map((r) => r.name),
          baselineVersion: gate.verdict.baselineVersion,
          version: result.version.version,
        },
      });
      return result;
    });
  }

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

    async create(tenant: TenantScope, actor: Actor, config: AgentConfig) {
      await assertVoicesAllowed(options.features, tenant, config.providers, "body.providers.");
      return tenant.transaction(async (t) => {
        await options.limits?.assertCanAdd(t, "agents");
        const row = await t.agents.insert({ id: createId("agent"), ...config });
        await t.audit.record({ ...auditedBy(actor), action: "agent.created", targetType: "agent", targetId: row.id, metadata: { name: row.name } });
        return toAgentDto(row);
      });
    },

    get: async (tenant: TenantScope, id: string) => toAgentDto(await getAgentOrThrow(tenant, id)),

    /** The audit row names the fields that changed, never their values (prompts and business details can be long or private). */
    async update(tenant: TenantScope, actor: Actor, id: string, patch: Partial<AgentConfig>) {
      // Only a change of the speech settings is checked: an agent saved on a richer plan stays editable otherwise.
      await assertVoicesAllowed(options.features, tenant, patch.providers, "body.providers.");
      return tenant.transaction(async (t) => {
        const row = found(await t.agents.update(id, patch), "Agent");
        await t.audit.record({
          ...auditedBy(actor),
          action: "agent.updated",
          targetType: "agent",
          targetId: id,
          metadata: { name: row.name, changed: Object.keys(patch) },
        });
        return toAgentDto(row);
      });
    },

    async remove(tenant: TenantScope, actor: Actor, id: string) {
      await tenant.transaction(async (t) => {
        const row = await t.agents.get(id);
        if (!row || !(await t.agents.delete(id))) throw notFound("Agent");
        await t.audit.record({ ...auditedBy(actor), action: "agent.deleted", targetType: "agent", targetId: id, metadata: { name: row.name } });
      });
    },

    ...versions,

    /** Snapshots the draft as the next version, after the test gate (versions.publish). */
    async publish(tenant: TenantScope, actor: Actor, agentId: string, body?: PublishBody) {
      const row = await getAgentOrThrow(tenant, agentId);
      const draft = toAgentConfig(row);
      await assertVoicesAllowed(options.features, tenant, draft.providers, "providers.");
      const gate = await testGate(tenant, actor, row, draft, null, body);
      return gated(tenant, actor, agentId, gate, (t) => versions.publish(t, actor, agentId));
    },

    /** Publishes version `from` again, after the test gate on its config (versions.rollback). */
    async rollback(tenant: TenantScope, actor: Actor, agentId: string, from: number, body?: PublishBody) {
      const row = await getAgentOrThrow(tenant, agentId);
      const snapshot = agentConfigSchema.safeParse((await tenant.agents.getVersion(agentId, from))?.config);
      if (snapshot.success) await assertVoicesAllowed(options.features, tenant, snapshot.data.providers, "providers.");
      const gate = await testGate(tenant, actor, row, snapshot.success ? snapshot.data : undefined, from, body);
      return gated(tenant, actor, agentId, gate, (t) => versions.rollback(t, actor, agentId, from));
    },
  };
}
export type AgentsService = ReturnType<typeof createAgentsService>;
