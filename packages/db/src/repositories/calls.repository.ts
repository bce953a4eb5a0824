import { type AnyColumn, and, asc, count, desc, eq, gte, isNull, lt, or, sql } from "drizzle-orm";
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
/** One agent's calls in a range: outcomes, latency percentiles per stage, cost (`agentAnalytics`). */
export interface AgentAnalyticsRow {
  agentId: string | null;
  name: string | null;
  calls: number;
  booked: number;
  cancelled: number;
  messageTaken: number;
  transferred: number;
  failed: number;
  answered: number;
  noConversation: number;
  costUsd: number;
  latency: Record<"endpoint" | "asr" | "llm" | "tts" | "e2e", { p50: number | null; p95: number | null }> & { turns: number };
}
/** Calls and seconds of one day (index into the boundaries) and channel; cost of one day and provider. */
export interface DailyUsageRows {
  calls: { bucket: number; channel: CallRow["channel"]; calls: number; seconds: number }[];
  costs: { bucket: number; provider: string; costUsd: number }[];
}
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
    /**
     * Per agent, calls started in [from, to): each call's outcome as the dashboard derives it (successful
     * tool calls first — booked/rescheduled, cancelled, message taken, transferred — then failed, answered
     * when it had turns), its cost, and per stage the p50/p95 of its turns' timings.
     */
    async agentAnalytics(from: Date, to: Date): Promise<AgentAnalyticsRow[]> {
      const inRange = and(mine, gte(calls.startedAt, from), lt(calls.startedAt, to));
      const did = (...names: string[]) =>
        sql.join(
          names.map((name) => sql`bool_or(t.tool_calls @> ${JSON.stringify([{ name, ok: true }])}::jsonb)`),
          sql` or `,
        );
      return run(async (tx) => {
        const perCall = tx
          .select({
            agentId: calls.agentId,
            costUsd: sql<number>`${calls.costUsd}`.as("cost_usd"),
            outcome: sql<string>`case
              when f.booked then 'booked' when f.cancelled then 'cancelled' when f.message then 'messageTaken'
              when f.transferred then 'transferred' when ${calls.status} = 'failed' then 'failed'
              when f.turns > 0 then 'answered' else 'noConversation' end`.as("outcome"),
          })
          .from(calls)
          .leftJoin(
            sql`lateral (select ${did("book_appointment", "reschedule_appointment")} as booked, ${did("cancel_appointment")} as cancelled,
              ${did("take_message")} as message, ${did("transfer_call")} as transferred, count(*) as turns
              from call_turns t where t.call_id = "calls"."id" and t.workspace_id = "calls"."workspace_id") as f`,
            sql`true`,
          )
          .where(inRange)
          .as("per_call");
        const n = (outcome: string) => sql<number>`(count(*) filter (where ${perCall.outcome} = ${outcome}))::int`;
        const outcomes = await tx
          .select({
            agentId: perCall.agentId,
            name: agents.name,
            calls: sql<number>`count(*)::int`,
            booked: n("booked"),
            cancelled: n("cancelled"),
            messageTaken: n("messageTaken"),
            transferred: n("transferred"),
            failed: n("failed"),
            answered: n("answered"),
            noConversation: n("noConversation"),
            costUsd: sql<number>`coalesce(sum(${perCall.costUsd}), 0)::float8`,
          })
          .from(perCall)
          .leftJoin(agents, and(eq(agents.id, perCall.agentId), eq(agents.workspaceId, workspaceId)))
          .groupBy(perCall.agentId, agents.name)
          .orderBy(desc(sql`count(*)`), asc(agents.name));
        const pct = (column: AnyColumn, p: number) => sql<number | null>`percentile_cont(${sql.raw(String(p))}) within group (order by ${column})::float8`;
        const latency = await tx
          .select({
            agentId: calls.agentId,
            endpointP50: pct(callTurns.endpointMs, 0.5),
            endpointP95: pct(callTurns.endpointMs, 0.95),
            asrP50: pct(callTurns.asrMs, 0.5),
            asrP95: pct(callTurns.asrMs, 0.95),
            llmP50: pct(callTurns.llmMs, 0.5),
            llmP95: pct(callTurns.llmMs, 0.95),
            ttsP50: pct(callTurns.ttsMs, 0.5),
            ttsP95: pct(callTurns.ttsMs, 0.95),
            e2eP50: pct(callTurns.e2eMs, 0.5),
            e2eP95: pct(callTurns.e2eMs, 0.95),
            // Timed turns only (a typed turn has no speech timings), as the overview counts them.
            turns: sql<number>`count(${callTurns.e2eMs})::int`,
          })
          .from(callTurns)
          .innerJoin(calls, and(eq(calls.id, callTurns.callId), eq(calls.workspaceId, callTurns.workspaceId)))
          .where(and(eq(callTurns.workspaceId, workspaceId), inRange))
          .groupBy(calls.agentId);
        const byAgent = new Map(latency.map((l) => [l.agentId, l]));
        return outcomes.map(({ agentId, name, ...o }) => {
          const l = byAgent.get(agentId);
          const stage = (p50: number | null | undefined, p95: number | null | undefined) => ({ p50: p50 ?? null, p95: p95 ?? null });
          return {
            agentId,
            name,
            ...o,
            latency: {
              endpoint: stage(l?.endpointP50, l?.endpointP95),
              asr: stage(l?.asrP50, l?.asrP95),
              llm: stage(l?.llmP50, l?.llmP95),
              tts: stage(l?.ttsP50, l?.ttsP95),
              e2e: stage(l?.e2eP50, l?.e2eP95),
              turns: l?.turns ?? 0,
            },
          };
        });
      });
    },
    /**
     * Calls started in [boundaries[0], boundaries[n]), bucketed by `boundaries` (ascending instants: the
     * starts of each day in the caller's zone, then the end) — bucket i (1-based) is [boundaries[i-1],
     * boundaries[i]). The zone is the caller's arithmetic: the database needs no time zone data.
     */
    async dailyUsage(boundaries: Date[]): Promise<DailyUsageRows> {
      const first = boundaries[0]!;
      const last = boundaries[boundaries.length - 1]!;
      const inRange = and(mine, gte(calls.startedAt, first), lt(calls.startedAt, last));
      const thresholds = sql.param(boundaries.map((b) => b.toISOString()));
      const bucket = sql<number>`width_bucket(${calls.startedAt}, ${thresholds}::timestamptz[])`;
      return run(async (tx) => {
        const perChannel = await tx
          .select({
            bucket: sql<number>`${bucket}::int`,
            channel: calls.channel,
            calls: sql<number>`count(*)::int`,
            seconds: sql<number>`coalesce(sum(${calls.durationSec}), 0)::float8`,
          })
          .from(calls)
          .where(inRange)
          // By position: the bucket's array is a bound parameter, so a repeated expression would not match.
          .groupBy(sql`1`, sql`2`);
        const costs = await tx
          .select({
            bucket: sql<number>`${bucket}::int`,
            provider: sql<string>`u.key`,
            costUsd: sql<number>`coalesce(sum((u.value->>'costUsd')::float8), 0)::float8`,
          })
          .from(calls)
          .innerJoin(sql`lateral jsonb_each("calls"."usage") as u(key, value)`, sql`true`)
          .where(inRange)
          .groupBy(sql`1`, sql`2`);
        return { calls: perChannel, costs };
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
