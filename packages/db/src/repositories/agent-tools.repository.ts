import { and, asc, eq } from "drizzle-orm";
import { agentTools } from "../schema.ts";
import { conflictOr } from "./pg-errors.ts";
import type { Run } from "./scope.ts";

export type AgentToolRow = typeof agentTools.$inferSelect;
export type NewAgentToolRow = Omit<typeof agentTools.$inferInsert, "workspaceId">;

const DUPLICATE = "this agent already has a tool with that name";

export function agentToolsRepository(run: Run, workspaceId: string) {
  const mine = eq(agentTools.workspaceId, workspaceId);
  return {
    list: (agentId: string): Promise<AgentToolRow[]> =>
      run((tx) =>
        tx
          .select()
          .from(agentTools)
          .where(and(mine, eq(agentTools.agentId, agentId)))
          .orderBy(asc(agentTools.createdAt), asc(agentTools.id)),
      ),
    async get(agentId: string, id: string): Promise<AgentToolRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(agentTools)
          .where(and(mine, eq(agentTools.agentId, agentId), eq(agentTools.id, id))),
      );
      return row;
    },
    async insert(values: NewAgentToolRow): Promise<AgentToolRow> {
      try {
        const [row] = await run((tx) =>
          tx
            .insert(agentTools)
            .values({ ...values, workspaceId })
            .returning(),
        );
        return row!;
      } catch (err) {
        return conflictOr(err, { unique: DUPLICATE });
      }
    },
    async update(agentId: string, id: string, values: Partial<Omit<NewAgentToolRow, "id" | "agentId" | "createdAt">>): Promise<AgentToolRow | undefined> {
      try {
        const [row] = await run((tx) =>
          tx
            .update(agentTools)
            .set({ ...values, updatedAt: new Date() })
            .where(and(mine, eq(agentTools.agentId, agentId), eq(agentTools.id, id)))
            .returning(),
        );
        return row;
      } catch (err) {
        return conflictOr(err, { unique: DUPLICATE });
      }
    },
    async delete(agentId: string, id: string): Promise<boolean> {
      const rows = await run((tx) =>
        tx
          .delete(agentTools)
          .where(and(mine, eq(agentTools.agentId, agentId), eq(agentTools.id, id)))
          .returning({ id: agentTools.id }),
      );
      return rows.length > 0;
    },
  };
}
