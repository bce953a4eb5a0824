import { and, desc, eq, max, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { AgentConfig, AgentDto } from "@orbis/contracts";
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
  /** The last row's created_at as ISO 8601 UTC text, to the microsecond (the column's own precision). */
  createdAt: string;
  id: string;
}

/** One agent of a list page: its API JSON (the DTO, contracts' `agentSchema`) and where the next page starts. */
export interface AgentListItem {
  json: string;
  cursor: PageCursor;
}

/**
 * The agent DTO as PostgreSQL renders it, all but the two timestamps: the keys in the DTO's order
 * (`toAgentDto` in the API), strings through `to_json`, the JSON columns as their own text. A list
 * page built in JS cost ~20 µs a row (20 rows × 4 JSON documents and 2 dates parsed, mapped, turned
 * into objects and serialised again); this costs the server ~2 µs a row. Only the listed fields leave
 * the server, and the API's tests hold the page and GET /:id equal for the same agents.
 */
const agentJsonWithoutTimestamps = (() => {
  const fields: Record<Exclude<keyof AgentDto, "createdAt" | "updatedAt">, SQL> = {
    name: sql`to_json(${agents.name})`,
    systemPrompt: sql`to_json(${agents.systemPrompt})`,
    greeting: sql`to_json(${agents.greeting})`,
    voice: sql`to_json(${agents.voice})`,
    language: sql`to_json(${agents.language})`,
    providers: sql`${agents.providers}::text`,
    tools: sql`${agents.tools}::text`,
    business: sql`${agents.business}::text`,
    turnTaking: sql`${agents.turnTaking}::text`,
    idleTimeoutSec: sql`${agents.idleTimeoutSec}::text`,
    recordCalls: sql`${agents.recordCalls}::text`,
    id: sql`to_json(${agents.id})`,
    status: sql`to_json(${agents.status})`,
    publishedVersion: sql`coalesce(${agents.publishedVersion}::text, 'null')`,
  };
  const parts = Object.entries(fields).map(([key, value], i) => sql`${sql.raw(`'${i ? "," : "{"}"${key}":'`)}, ${value}`);
  return sql<string>`concat(${sql.join(parts, sql`, `)})`;
})();

/**
 * Timestamps leave PostgreSQL as plain UTC text ("2026-03-04 05:06:07.12345", what it writes
 * cheapest: formatting them there with `to_char` or string functions cost more than the rest of the
 * row) and are cut into ISO 8601 here.
 */
const utcText = (column: AnyPgColumn) => sql<string>`(${column} at time zone 'UTC')::text`;
const UTC_TEXT = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?$/;
function isoOf(utc: string, digits: 3 | 6): string {
  if (!UTC_TEXT.test(utc)) throw new Error(`not a UTC timestamp as PostgreSQL writes one: ${utc}`);
  return `${utc.slice(0, 10)}T${utc.slice(11, 19)}.${utc.slice(20, 20 + digits).padEnd(digits, "0")}Z`;
}
/** As `Date#toISOString` writes it: milliseconds, cut (not rounded) like a Date read from the row. */
const isoMillis = (utc: string) => isoOf(utc, 3);
/** To the microsecond, the column's precision: a cursor must not merge rows of one millisecond. */
const isoMicros = (utc: string) => isoOf(utc, 6);

const listFields = {
  json: agentJsonWithoutTimestamps,
  createdAtUtc: utcText(agents.createdAt),
  updatedAtUtc: utcText(agents.updatedAt),
  id: agents.id,
};

/**
 * The agent list is the control plane's hottest read (the dashboard, `GET /v1/agents`): its statements
 * are built once per connection and prepared there (see `statementName`), not rebuilt per request.
 * Keyset paging on (created_at, id), newest first: a row comparison the (workspace_id, created_at, id)
 * index serves.
 */
function prepareListQueries(tx: Executor) {
  const page = (where: SQL | undefined, name: string) =>
    tx
      .select(listFields)
      .from(agents)
      .where(where)
      .orderBy(desc(agents.createdAt), desc(agents.id))
      .limit(sql.placeholder("limit"))
      .prepare(statementName(tx, name));
  const mine = eq(agents.workspaceId, sql.placeholder("workspaceId"));
  return {
    first: page(mine, "agents_page"),
    after: page(
      and(mine, sql`(${agents.createdAt}, ${agents.id}) < (${sql.placeholder("createdAt")}::timestamptz, ${sql.placeholder("id")})`),
      "agents_page_after",
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
    /** Newest first, as rows (for work inside the platform; the API's list page is `page`). */
    async list(limit: number): Promise<AgentRow[]> {
      return run((tx) => tx.select().from(agents).where(mine).orderBy(desc(agents.createdAt), desc(agents.id)).limit(limit));
    },
    /** Up to `limit` agents newest first, after `after` when given (keyset paging), each as its API JSON. */
    async page(limit: number, after?: PageCursor): Promise<AgentListItem[]> {
      const rows = await run((tx) => {
        const q = listQueriesOn(tx);
        return after ? q.after.execute({ workspaceId, limit, createdAt: after.createdAt, id: after.id }) : q.first.execute({ workspaceId, limit });
      });
      return rows.map((row) => ({
        json: `${row.json},"createdAt":"${isoMillis(row.createdAtUtc)}","updatedAt":"${isoMillis(row.updatedAtUtc)}"}`,
        cursor: { createdAt: isoMicros(row.createdAtUtc), id: row.id },
      }));
    },
    async get(id: string): Promise<AgentRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(agents)
          .where(and(mine, eq(agents.id, id))),
      );
      return row;
    },
    async insert(values: NewAgent): Promise<AgentRow> {
      const [row] = await run((tx) =>
        tx
          .insert(agents)
          .values({ ...values, workspaceId })
          .returning(),
      );
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
      const rows = await run((tx) =>
        tx
          .delete(agents)
          .where(and(mine, eq(agents.id, id)))
          .returning({ id: agents.id }),
      );
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
      const [row] = await run((tx) =>
        tx
          .insert(agentVersions)
          .values({ ...values, workspaceId })
          .returning(),
      );
      return row!;
    },
    /** One version of the agent; undefined for a number it never had (or another workspace's agent). */
    async getVersion(agentId: string, version: number): Promise<AgentVersionRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(agentVersions)
          .where(and(eq(agentVersions.workspaceId, workspaceId), eq(agentVersions.agentId, agentId), eq(agentVersions.version, version))),
      );
      return row;
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
