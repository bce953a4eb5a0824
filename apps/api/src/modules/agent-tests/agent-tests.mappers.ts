import {
  scenarioResultSchema,
  testExpectationSchema,
  type ScenarioResult,
  type TestRunDto,
  type TestRunSummaryDto,
  type TestScenarioDto,
} from "@orbis/contracts";
import type { TestRunRow, TestScenarioRow } from "@orbis/db";
import { z } from "zod";

const expectationsSchema = z.array(testExpectationSchema);
const turnsSchema = z.array(z.string());
const resultsSchema = z.array(scenarioResultSchema);

/** A scenario row as the API shows it: the JSON columns were validated on the way in. */
export const toScenarioDto = (row: TestScenarioRow): TestScenarioDto => ({
  id: row.id,
  agentId: row.agentId,
  name: row.name,
  turns: turnsSchema.parse(row.turns),
  expectations: expectationsSchema.parse(row.expectations),
  source: row.source,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const toRunSummaryDto = (row: TestRunRow): TestRunSummaryDto => ({
  id: row.id,
  agentId: row.agentId,
  version: row.version,
  configHash: row.configHash,
  status: row.status,
  passed: row.passed,
  failed: row.failed,
  trigger: row.trigger,
  createdBy: row.createdBy,
  startedAt: row.startedAt.toISOString(),
  finishedAt: row.finishedAt.toISOString(),
});

/** The per-scenario results of a run; a stored result that no longer parses is left out. */
export const resultsOf = (row: TestRunRow): ScenarioResult[] => {
  const parsed = resultsSchema.safeParse(row.results);
  return parsed.success ? parsed.data : [];
};

export const toRunDto = (row: TestRunRow): TestRunDto => ({ ...toRunSummaryDto(row), results: resultsOf(row) });
