import { and, asc, count, desc, eq, gte, isNull, lt, or, sql } from "drizzle-orm";
import { agents } from "../schema.ts";
import { calls, callTurns } from "../schema.ts";
import type { Run } from "./scope.ts";

export type CallRow = typeof calls.$inferSelect;
/** Summed provider usage of a workspace's calls, per provider id (keys of `calls.usage`). */
export interface ProviderUsageSum {
  provider: string;
  sttSeconds: number;
  llmTokensIn: number;
  llmTokensOut: number;
  ttsCharacters: number;
  realtimeSeconds: number;
  costUsd: number;
}
export type CallTurnRow = typeof callTurns.$inferSelect;
export interface CallFilter {
  agentId?: string;
  channel?: CallRow["channel"];
  status?: CallRow["status"];
  from?: Date;
  to?: Date;
}

export function callsRepository(run: Run, workspaceId: string) {
  const mine = eq(calls.workspaceId, workspaceId);
  return {
    async insert(values: Omit<typeof calls.$inferInsert, "workspaceId">): Promise<CallRow> {
      const [row] = await run((tx) =>
        tx
          .insert(calls)
          .values({ ...values, workspaceId })
          .returning(),
      );
      return row!;
    },
    async get(id: string): Promise<CallRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(calls)
          .where(and(mine, eq(calls.id, id))),
      );
      return row;
    },
    list: (limit: number): Promise<CallRow[]> => run((tx) => tx.select().from(calls).where(mine).orderBy(desc(calls.startedAt)).limit(limit)),
    /** Newest first; `before` is the last row of the previous page. */
    search(filter: CallFilter, limit: number, before?: { startedAt: Date; id: string }): Promise<(CallRow & { turnCount: number })[]> {
      // Correlated subqueries name the outer table explicitly: drizzle leaves single-table columns unqualified.
      const turnCount = sql<number>`(select count(*) from call_turns t where t.call_id = "calls"."id" and t.workspace_id = "calls"."workspace_id")::int`;
      return run((tx) =>
        tx
          .select({ call: calls, turnCount })
          .from(calls)
          .where(
            and(
              mine,
              filter.agentId ? eq(calls.agentId, filter.agentId) : undefined,
              filter.channel ? eq(calls.channel, filter.channel) : undefined,
              filter.status ? eq(calls.status, filter.status) : undefined,
              filter.from ? gte(calls.startedAt, filter.from) : undefined,
              filter.to ? lt(calls.startedAt, filter.to) : undefined,
              before ? or(lt(calls.startedAt, before.startedAt), and(eq(calls.startedAt, before.startedAt), lt(calls.id, before.id))) : undefined,
            ),
          )
          .orderBy(desc(calls.startedAt), desc(calls.id))
          .limit(limit),
      ).then((rows) => rows.map((r) => ({ ...r.call, turnCount: r.turnCount })));
    },
    /** Dashboard figures over the workspace's calls and turns. */
    async overview(now: Date) {
      const day = new Date(now.getTime() - 24 * 3600_000);
      const week = new Date(now.getTime() - 7 * 24 * 3600_000);
      const month = new Date(now.getTime() - 30 * 24 * 3600_000);
      return run(async (tx) => {
        const [counts] = await tx
          .select({
            today: sql<number>`count(*) filter (where ${calls.startedAt} >= ${day})::int`,
            week: sql<number>`count(*) filter (where ${calls.startedAt} >= ${week})::int`,
            month: count(),
            avgDuration: sql<number | null>`avg(${calls.durationSec})::float`,
            booked: sql<number>`count(*) filter (where exists (select 1 from call_turns t where t.call_id = "calls"."id" and t.tool_calls @> '[{"name":"book_appointment","ok":true}]'::jsonb))::int`,
          })
          .from(calls)
          .where(and(mine, gte(calls.startedAt, month)));
        const [latency] = await tx
          .select({
            p50: sql<number | null>`percentile_cont(0.5) within group (order by ${callTurns.e2eMs})::float`,
            p95: sql<number | null>`percentile_cont(0.95) within group (order by ${callTurns.e2eMs})::float`,
            turns: count(callTurns.e2eMs),
          })
          .from(callTurns)
          .where(and(eq(callTurns.workspaceId, workspaceId), gte(callTurns.startedAt, month)));
        const top = await tx
          .select({ agentId: agents.id, name: agents.name, calls: count() })
          .from(calls)
          .innerJoin(agents, eq(agents.id, calls.agentId))
          .where(and(mine, gte(calls.startedAt, month)))
          .groupBy(agents.id, agents.name)
          .orderBy(desc(count()))
          .limit(5);
        return { counts: counts!, latency: latency!, top };
      });
    },
    /** Calls started in [from, to): count, total cost, and usage summed per provider from `calls.usage`. */
    async usageSummary(from: Date, to: Date): Promise<{ calls: number; costUsd: number; byProvider: ProviderUsageSum[] }> {
      const inRange = and(mine, gte(calls.startedAt, from), lt(calls.startedAt, to));
      return run(async (tx) => {
        const [totals] = await tx
          .select({ calls: count(), costUsd: sql<number>`coalesce(sum(${calls.costUsd}), 0)::float8` })
          .from(calls)
          .where(inRange);
        const field = (name: string) => sql<number>`coalesce(sum((u.value->>${name})::float8), 0)::float8`;
        const rows = await tx
          .select({
            provider: sql<string>`u.key`,
            sttSeconds: field("sttSeconds"),
            llmTokensIn: field("llmTokensIn"),
            llmTokensOut: field("llmTokensOut"),
            ttsCharacters: field("ttsCharacters"),
            realtimeSeconds: field("realtimeSeconds"),
            costUsd: field("costUsd"),
          })
          .from(calls)
          .innerJoin(sql`lateral jsonb_each("calls"."usage") as u(key, value)`, sql`true`)
          .where(inRange)
          .groupBy(sql`u.key`)
          .orderBy(sql`u.key`);
        return { calls: totals!.calls, costUsd: totals!.costUsd, byProvider: rows };
      });
    },
    async update(id: string, values: Partial<Omit<typeof calls.$inferInsert, "workspaceId" | "id">>) {
      await run((tx) =>
        tx
          .update(calls)
          .set(values)
          .where(and(mine, eq(calls.id, id))),
      );
    },
    /** Marks these live calls of the workspace as still owned by a running gateway (one statement for all). */
    async heartbeat(ids: string[], at: Date): Promise<void> {
      if (ids.length === 0) return;
      // The ids go as one array parameter: a thousand calls are one bound value, not a thousand.
      await run((tx) =>
        tx
          .update(calls)
          .set({ heartbeatAt: at })
          .where(and(mine, sql`${calls.id} = any(${sql.param(ids)}::text[])`, isNull(calls.endedAt))),
      );
    },
    async insertTurn(values: Omit<typeof callTurns.$inferInsert, "workspaceId">): Promise<CallTurnRow> {
      const [row] = await run((tx) =>
        tx
          .insert(callTurns)
          .values({ ...values, workspaceId })
          .returning(),
      );
      return row!;
    },
    turns: (callId: string): Promise<CallTurnRow[]> =>
      run((tx) =>
        tx
          .select()
          .from(callTurns)
          .where(and(eq(callTurns.workspaceId, workspaceId), eq(callTurns.callId, callId)))
          .orderBy(asc(callTurns.seq)),
      ),
  };
}
