import { agentConfigSchema, createId, type AgentConfig, type ScenarioResult, type TestExpectation } from "@orbis/contracts";
import { effectiveBusiness } from "@orbis/agent-runtime";
import type { TenantScope, TestRunRow, TestScenarioRow } from "@orbis/db";
import type { WallClock } from "@orbis/ports";
import { digestOf } from "./digest.ts";
import { simulateScenario } from "./simulate.ts";

export interface SuiteRunRequest {
  agentId: string;
  /** The config run: the draft's, or a published version's. */
  config: AgentConfig;
  /** null: the draft. */
  version: number | null;
  trigger: "manual" | "publish";
  createdBy: string | null;
}

/** What a result is valid for: the scenario's lines and expectations (its name may change freely). */
export const scenarioHashOf = (s: Pick<TestScenarioRow, "turns" | "expectations">): string => digestOf({ turns: s.turns, expectations: s.expectations });

/** The digest of a config with the schema's defaults filled in, so a draft and the version it became hash alike. */
function configHashOf(config: unknown): string {
  const parsed = agentConfigSchema.safeParse(config);
  return digestOf(parsed.success ? parsed.data : config);
}

/**
 * Runs every scenario of the agent against `config` (simulated calls, nothing real is booked or
 * sent) and stores the run with its transcripts. An agent without scenarios gets no run (undefined).
 */
export async function runSuite(
  tenant: TenantScope,
  clock: WallClock,
  request: SuiteRunRequest,
  scenarios?: TestScenarioRow[],
): Promise<TestRunRow | undefined> {
  const all = scenarios ?? (await tenant.agentTests.listScenarios(request.agentId));
  if (all.length === 0) return undefined;
  const workspace = await tenant.workspace.get();
  const { business } = effectiveBusiness(request.config.business, workspace ?? { name: request.config.name, timezone: "UTC" });
  const target = {
    workspaceId: tenant.workspaceId,
    agentId: request.agentId,
    business,
    ...(request.config.greeting ? { greeting: request.config.greeting } : {}),
  };
  const startedAt = clock.now();
  const results: ScenarioResult[] = [];
  for (const scenario of all) {
    const turns = scenario.turns as string[];
    const expectations = scenario.expectations as TestExpectation[];
    const outcome = await simulateScenario(target, { turns, expectations }, startedAt);
    results.push({ scenarioId: scenario.id, name: scenario.name, scenarioHash: scenarioHashOf(scenario), ...outcome });
  }
  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed;
  return tenant.agentTests.insertRun({
    id: createId("testRun"),
    agentId: request.agentId,
    version: request.version,
    configHash: configHashOf(request.config),
    status: results.some((r) => r.error !== null) ? "error" : failed > 0 ? "failed" : "passed",
    passed,
    failed,
    results,
    trigger: request.trigger,
    createdBy: request.createdBy,
    startedAt,
    finishedAt: new Date(Math.max(clock.now().getTime(), startedAt.getTime())),
  });
}
