import { and, desc, eq, lt, max, or, sql } from "drizzle-orm";
import type { AgentConfig } from "@orbis/contracts";
import { statementName, type Executor } from "../client.ts";
import { agents, agentVersions } from "../schema.ts";
import type { Run } from "./scope.ts";

export type AgentRow = typeof agents.$inferSelect;
export type NewAgent = Omit<typeof agents.$inferInsert, "workspaceId">;
export type AgentVersionRow = typeof agentVersions.$inferSelect;

/** An agent row as the config the API accepted: rows are validated on the way in, so this is a mapping. */
export function agentConfigOf(row: AgentRow): AgentConfig {
  return {
    name: row.name,
    systemPrompt: row.systemPrompt,
    greeting: row.greeting,
    voice: row.voice,
    language: row.language,
    providers: row.providers as AgentConfig["providers"],
    tools: row.tools as AgentConfig["tools"],
    business: row.business as AgentConfig["business"],
    turnTaking: row.turnTaking as AgentConfig["turnTaking"],
    idleTimeoutSec: row.idleTimeoutSec,
    recordCalls: row.recordCalls,
  };
}

export interface PageCursor {
  createdAt: Date;
  id: string;
}

/**
 * The agent list is the control plane's hottest read (the dashboard, `GET /v1/agents`): its statements
 * are built once per connection and prepared there (see `statementName`), not rebuilt per request.
 */
function prepareListQueries(tx: Executor) {
  const ws = sql.placeholder("workspaceId");
  const page = (where: ReturnType<typeof and>, name: string) =>
    tx
      .select()
      .from(agents)
      .where(where)
      .orderBy(desc(agents.createdAt), desc(agents.id))
      .limit(sql.placeholder("limit"))
      .prepare(statementName(tx, name));
  const createdAt = sql.placeholder("createdAt");
  return {
    first: page(eq(agents.workspaceId, ws), "agents_list"),
    after: page(
      and(eq(agents.workspaceId, ws), or(lt(agents.createdAt, createdAt), and(eq(agents.createdAt, createdAt), lt(agents.id, sql.placeholder("id"))))),
      "agents_list_after",
    ),
  };
}
const listQueries = new WeakMap<Executor, ReturnType<typeof prepareListQueries>>();
function listQueriesOn(tx: Executor) {
  let queries = listQueries.get(tx);
  if (!queries) listQueries.set(tx, (queries = prepareListQueries(tx)));
  return queries;
}

export function agentsRepository(run: Run, workspaceId: string) {
  const mine = eq(agents.workspaceId, workspaceId);
  return {
    async list(limit: number, after?: PageCursor): Promise<AgentRow[]> {
      return run((tx) => {
        const q = listQueriesOn(tx);
        return after ? q.after.execute({ workspaceId, limit, createdAt: after.createdAt.toISOString(), id: after.id }) : q.first.execute({ workspaceId, limit });
      });
    },
    async get(id: string): Promise<AgentRow | undefined> {
      const [row] = await run((tx) => tx.select().from(agents).where(and(mine, eq(agents.id, id))));
      return row;
    },
    async insert(values: NewAgent): Promise<AgentRow> {
      const [row] = await run((tx) => tx.insert(agents).values({ ...values, workspaceId }).returning());
      return row!;
    },
    async update(id: string, values: Partial<NewAgent>): Promise<AgentRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(agents)
          .set({ ...values, updatedAt: new Date() })
          .where(and(mine, eq(agents.id, id)))
          .returning(),
      );
      return row;
    },
    async delete(id: string): Promise<boolean> {
      const rows = await run((tx) => tx.delete(agents).where(and(mine, eq(agents.id, id))).returning({ id: agents.id }));
      return rows.length > 0;
    },
    async nextVersion(agentId: string): Promise<number> {
      const [row] = await run((tx) =>
        tx
          .select({ v: max(agentVersions.version) })
          .from(agentVersions)
          .where(and(eq(agentVersions.workspaceId, workspaceId), eq(agentVersions.agentId, agentId))),
      );
      return (row?.v ?? 0) + 1;
    },
    async insertVersion(values: Omit<typeof agentVersions.$inferInsert, "workspaceId">): Promise<AgentVersionRow> {
      const [row] = await run((tx) => tx.insert(agentVersions).values({ ...values, workspaceId }).returning());
      return row!;
    },
    async listVersions(agentId: string): Promise<AgentVersionRow[]> {
      return run((tx) =>
        tx
          .select()
          .from(agentVersions)
          .where(and(eq(agentVersions.workspaceId, workspaceId), eq(agentVersions.agentId, agentId)))
          .orderBy(desc(agentVersions.version)),
      );
    },
  };
}
export type AgentsRepository = ReturnType<typeof agentsRepository>;
