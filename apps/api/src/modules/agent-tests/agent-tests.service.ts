import {
  AppError,
  agentConfigSchema,
  createId,
  type AgentConfig,
  type BusinessTemplateId,
  type TestRunDto,
  type TestRunSummaryDto,
  type TestScenarioBody,
  type TestScenarioDto,
  type UpdateTestScenarioBody,
} from "@orbis/contracts";
import { TEMPLATE_SUITES } from "@orbis/brain";
import { agentConfigOf, type TenantScope } from "@orbis/db";
import type { WallClock } from "@orbis/ports";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { found } from "../../lib/found.ts";
import { getAgentOrThrow } from "../agents/agents.service.ts";
import { toRunDto, toRunSummaryDto, toScenarioDto } from "./agent-tests.mappers.ts";
import { createPublishGate } from "./publish-gate.ts";
import { runSuite } from "./suite-runner.ts";

/** The draft's config, or published `version`'s (404 when the agent or the version does not exist). */
async function configToRun(tenant: TenantScope, agentId: string, version: number | undefined): Promise<AgentConfig> {
  const agent = await getAgentOrThrow(tenant, agentId);
  if (version === undefined) return agentConfigOf(agent);
  const snapshot = found(await tenant.agents.getVersion(agentId, version), "Agent version");
  const parsed = agentConfigSchema.safeParse(snapshot.config);
  if (!parsed.success) throw new AppError("conflict", `Version ${version} no longer matches the agent schema and cannot be run`);
  return parsed.data;
}

export interface AgentTestsServiceOptions {
  /** The real time: a simulation runs on the next Monday at 09:00 after it (simulate.ts). */
  clock: WallClock;
}

/**
 * An agent's test suite: scenarios (what a caller says, what the call must leave) and runs of them as
 * simulated calls against the draft or a published version, stored with their transcripts. The
 * publish gate (`publishGate`) is what agents' publish and rollback consult.
 */
export function createAgentTestsService(options: AgentTestsServiceOptions) {
  const { clock } = options;
  const audit = (t: TenantScope, actor: Actor, action: string, scenarioId: string, metadata: Record<string, unknown>) =>
    t.audit.record({ ...auditedBy(actor), action, targetType: "agent_test_scenario", targetId: scenarioId, metadata });

  return {
    publishGate: createPublishGate(clock),

    async listScenarios(tenant: TenantScope, agentId: string): Promise<TestScenarioDto[]> {
      await getAgentOrThrow(tenant, agentId);
      return (await tenant.agentTests.listScenarios(agentId)).map(toScenarioDto);
    },

    async createScenario(tenant: TenantScope, actor: Actor, agentId: string, body: TestScenarioBody): Promise<TestScenarioDto> {
      return tenant.transaction(async (t) => {
        await getAgentOrThrow(t, agentId);
        const [row] = await t.agentTests.insertScenarios([{ id: createId("testScenario"), agentId, ...body, source: "user" }]);
        await audit(t, actor, "agent_test.created", row!.id, { agentId, name: body.name });
        return toScenarioDto(row!);
      });
    },

    async updateScenario(tenant: TenantScope, actor: Actor, agentId: string, scenarioId: string, patch: UpdateTestScenarioBody): Promise<TestScenarioDto> {
      return tenant.transaction(async (t) => {
        await getAgentOrThrow(t, agentId);
        const row = found(await t.agentTests.updateScenario(agentId, scenarioId, patch), "Test scenario");
        await audit(t, actor, "agent_test.updated", scenarioId, { agentId, fields: Object.keys(patch) });
        return toScenarioDto(row);
      });
    },

    async deleteScenario(tenant: TenantScope, actor: Actor, agentId: string, scenarioId: string): Promise<void> {
      await tenant.transaction(async (t) => {
        await getAgentOrThrow(t, agentId);
        const row = found(await t.agentTests.getScenario(agentId, scenarioId), "Test scenario");
        await t.agentTests.deleteScenario(agentId, scenarioId);
        await audit(t, actor, "agent_test.deleted", scenarioId, { agentId, name: row.name });
      });
    },

    /** The scenarios a template ships with, copied into a new agent (source "template"). */
    async copyTemplateSuite(tenant: TenantScope, agentId: string, templateId: BusinessTemplateId): Promise<number> {
      const suite = TEMPLATE_SUITES[templateId] ?? [];
      // A millisecond apart, so they list in the template's order.
      const at = clock.now().getTime();
      const rows = await tenant.agentTests.insertScenarios(
        suite.map((s, i) => ({
          id: createId("testScenario"),
          agentId,
          name: s.name,
          turns: [...s.turns],
          expectations: [...s.expectations],
          source: "template" as const,
          createdAt: new Date(at + i),
          updatedAt: new Date(at + i),
        })),
      );
      return rows.length;
    },

    /** Runs the suite against the draft, or published `version` (404 when it does not exist), and stores the run. */
    async startRun(tenant: TenantScope, actor: Actor, agentId: string, version?: number): Promise<TestRunDto> {
      const config = await configToRun(tenant, agentId, version);
      const createdBy = actor.actorUserId ?? actor.actorKeyId;
      const run = await runSuite(tenant, clock, { agentId, config, version: version ?? null, trigger: "manual", createdBy });
      if (!run) throw new AppError("conflict", "This agent has no test scenarios: add one before running its tests");
      return toRunDto(run);
    },

    async listRuns(tenant: TenantScope, agentId: string, limit: number): Promise<TestRunSummaryDto[]> {
      await getAgentOrThrow(tenant, agentId);
      return (await tenant.agentTests.listRuns(agentId, limit)).map(toRunSummaryDto);
    },

    async getRun(tenant: TenantScope, agentId: string, runId: string): Promise<TestRunDto> {
      await getAgentOrThrow(tenant, agentId);
      return toRunDto(found(await tenant.agentTests.getRun(agentId, runId), "Test run"));
    },
  };
}
export type AgentTestsService = ReturnType<typeof createAgentTestsService>;
