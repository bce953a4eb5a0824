import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { agentTestRuns, agentTestScenarios } from "../schema.ts";
import type { Run } from "./scope.ts";

export type TestScenarioRow = typeof agentTestScenarios.$inferSelect;
type NewTestScenarioRow = Omit<typeof agentTestScenarios.$inferInsert, "workspaceId">;
export type TestRunRow = typeof agentTestRuns.$inferSelect;
type NewTestRunRow = Omit<typeof agentTestRuns.$inferInsert, "workspaceId">;
type ScenarioPatch = Partial<Pick<NewTestScenarioRow, "name" | "turns" | "expectations">>;

/** An agent's test scenarios and the runs of its suite (against the draft or a published version). */
export function agentTestsRepository(run: Run, workspaceId: string) {
  const myScenarios = eq(agentTestScenarios.workspaceId, workspaceId);
  const myRuns = eq(agentTestRuns.workspaceId, workspaceId);
  const scenarioOf = (agentId: string, id: string) => and(myScenarios, eq(agentTestScenarios.agentId, agentId), eq(agentTestScenarios.id, id));
  return {
    listScenarios: (agentId: string): Promise<TestScenarioRow[]> =>
      run((tx) =>
        tx
          .select()
          .from(agentTestScenarios)
          .where(and(myScenarios, eq(agentTestScenarios.agentId, agentId)))
          .orderBy(asc(agentTestScenarios.createdAt), asc(agentTestScenarios.id)),
      ),
    async getScenario(agentId: string, id: string): Promise<TestScenarioRow | undefined> {
      const [row] = await run((tx) => tx.select().from(agentTestScenarios).where(scenarioOf(agentId, id)));
      return row;
    },
    async insertScenarios(values: NewTestScenarioRow[]): Promise<TestScenarioRow[]> {
      if (values.length === 0) return [];
      return run((tx) =>
        tx
          .insert(agentTestScenarios)
          .values(values.map((v) => ({ ...v, workspaceId })))
          .returning(),
      );
    },
    async updateScenario(agentId: string, id: string, patch: ScenarioPatch): Promise<TestScenarioRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(agentTestScenarios)
          .set({ ...patch, updatedAt: new Date() })
          .where(scenarioOf(agentId, id))
          .returning(),
      );
      return row;
    },
    async deleteScenario(agentId: string, id: string): Promise<boolean> {
      const rows = await run((tx) => tx.delete(agentTestScenarios).where(scenarioOf(agentId, id)).returning({ id: agentTestScenarios.id }));
      return rows.length > 0;
    },

    async insertRun(values: NewTestRunRow): Promise<TestRunRow> {
      const [row] = await run((tx) =>
        tx
          .insert(agentTestRuns)
          .values({ ...values, workspaceId })
          .returning(),
      );
      return row!;
    },
    /** Newest first. */
    listRuns: (agentId: string, limit: number): Promise<TestRunRow[]> =>
      run((tx) =>
        tx
          .select()
          .from(agentTestRuns)
          .where(and(myRuns, eq(agentTestRuns.agentId, agentId)))
          .orderBy(desc(agentTestRuns.startedAt), desc(agentTestRuns.id))
          .limit(limit),
      ),
    async getRun(agentId: string, id: string): Promise<TestRunRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(agentTestRuns)
          .where(and(myRuns, eq(agentTestRuns.agentId, agentId), eq(agentTestRuns.id, id))),
      );
      return row;
    },
    /** The latest run against a published version (`null`: the draft). */
    async latestRun(agentId: string, version: number | null): Promise<TestRunRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(agentTestRuns)
          .where(and(myRuns, eq(agentTestRuns.agentId, agentId), version === null ? isNull(agentTestRuns.version) : eq(agentTestRuns.version, version)))
          .orderBy(desc(agentTestRuns.startedAt), desc(agentTestRuns.id))
          .limit(1),
      );
      return row;
    },
  };
}
