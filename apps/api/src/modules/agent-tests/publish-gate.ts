import { agentConfigSchema, type AgentConfig, type ScenarioResult } from "@orbis/contracts";
import type { TenantScope, TestRunRow, TestScenarioRow } from "@orbis/db";
import type { WallClock } from "@orbis/ports";
import { resultsOf } from "./agent-tests.mappers.ts";
import { runSuite, scenarioHashOf } from "./suite-runner.ts";

/** A scenario that passed on the published version and fails on the config about to be published. */
interface Regression {
  scenarioId: string;
  name: string;
  /** What the failing run found instead (its first failure, or the simulation's error). */
  found: string;
}

export interface PublishCandidate {
  agentId: string;
  /** The config about to be published: the draft's, or an earlier version's (rollback). */
  config: AgentConfig;
  /** null: the draft; else the version rolled back to. */
  version: number | null;
  /** The version callers hear now (null: never published). */
  publishedVersion: number | null;
  createdBy: string | null;
}

export interface PublishVerdict {
  /** The version the candidate was compared with; null when there was none (or no scenarios). */
  baselineVersion: number | null;
  regressions: Regression[];
}

const NO_REGRESSIONS: PublishVerdict = { baselineVersion: null, regressions: [] };

/** The baseline run counts only when it ran every current scenario as it is now. */
function coversScenarios(run: TestRunRow, scenarios: TestScenarioRow[]): boolean {
  const ran = new Map(resultsOf(run).map((r) => [r.scenarioId, r.scenarioHash]));
  return scenarios.every((s) => ran.get(s.id) === scenarioHashOf(s));
}

function firstFinding(result: ScenarioResult): string {
  return result.error ?? result.failures[0]?.found ?? "failed";
}

/**
 * The test gate of publishing: runs the agent's suite on the candidate (stored, trigger "publish"),
 * compares it with the latest run on the published version (run now when there is none, or it
 * predates a scenario change) and names every scenario that passed there and fails now. Runs outside
 * the publish transaction, so the runs are kept even when publishing is refused.
 */
export function createPublishGate(clock: WallClock) {
  async function baselineRun(tenant: TenantScope, candidate: PublishCandidate, version: number, scenarios: TestScenarioRow[]) {
    const latest = await tenant.agentTests.latestRun(candidate.agentId, version);
    if (latest && coversScenarios(latest, scenarios)) return latest;
    const snapshot = await tenant.agents.getVersion(candidate.agentId, version);
    const parsed = agentConfigSchema.safeParse(snapshot?.config);
    if (!parsed.success) return undefined;
    return runSuite(tenant, clock, { agentId: candidate.agentId, config: parsed.data, version, trigger: "publish", createdBy: candidate.createdBy }, scenarios);
  }

  return {
    async check(tenant: TenantScope, candidate: PublishCandidate): Promise<PublishVerdict> {
      const scenarios = await tenant.agentTests.listScenarios(candidate.agentId);
      if (scenarios.length === 0) return NO_REGRESSIONS;
      const run = await runSuite(
        tenant,
        clock,
        { agentId: candidate.agentId, config: candidate.config, version: candidate.version, trigger: "publish", createdBy: candidate.createdBy },
        scenarios,
      );
      if (!run || candidate.publishedVersion === null) return NO_REGRESSIONS;
      const baseline = await baselineRun(tenant, candidate, candidate.publishedVersion, scenarios);
      if (!baseline) return NO_REGRESSIONS;
      const passedBefore = new Set(
        resultsOf(baseline)
          .filter((r) => r.passed)
          .map((r) => r.scenarioId),
      );
      const regressions = resultsOf(run)
        .filter((r) => !r.passed && passedBefore.has(r.scenarioId))
        .map((r) => ({ scenarioId: r.scenarioId, name: r.name, found: firstFinding(r) }));
      return { baselineVersion: candidate.publishedVersion, regressions };
    },
  };
}
