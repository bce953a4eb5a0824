import { and, asc, count, eq, gte, isNotNull, lte, sql, sum } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { agents, billingAlerts, billingSubscriptions, calls, phoneNumbers, stripeEvents, usageDaily, usageMeterReports, usageRecords } from "../schema.ts";
import type { Run } from "./scope.ts";

export type BillingSubscriptionRow = typeof billingSubscriptions.$inferSelect;
export type BillingSubscriptionPatch = Partial<Omit<typeof billingSubscriptions.$inferInsert, "workspaceId" | "createdAt">>;
export type UsageRecordRow = typeof usageRecords.$inferSelect;
export type NewUsageRecordRow = Omit<typeof usageRecords.$inferInsert, "workspaceId" | "createdAt">;
export type UsageDailyRow = typeof usageDaily.$inferSelect;

/** Use of one billing period: calls started (live ones included), and minutes of ended calls, test calls excluded. */
export interface PeriodUsage {
  calls: number;
  seconds: number;
}

/**
 * Billing, tenant side: the workspace's subscription, the Stripe events already applied to it, the
 * usage ledger and its daily rollup, allowance alerts and overage reported to Stripe.
 */
export function billingRepository(run: Run, workspaceId: string) {
  const mine = eq(billingSubscriptions.workspaceId, workspaceId);
  return {
    async subscription(): Promise<BillingSubscriptionRow | undefined> {
      const [row] = await run((tx) => tx.select().from(billingSubscriptions).where(mine));
      return row;
    },

    /** Creates or changes the workspace's subscription row. */
    async saveSubscription(values: BillingSubscriptionPatch & { planId: string }): Promise<BillingSubscriptionRow> {
      const [row] = await run((tx) =>
        tx
          .insert(billingSubscriptions)
          .values({ ...values, workspaceId })
          .onConflictDoUpdate({ target: billingSubscriptions.workspaceId, set: { ...values, updatedAt: new Date() } })
          .returning(),
      );
      return row!;
    },

    /** True the first time a Stripe event id is seen: apply it then; false for a replay (change nothing). */
    async claimStripeEvent(id: string, type: string): Promise<boolean> {
      const rows = await run((tx) => tx.insert(stripeEvents).values({ id, workspaceId, type }).onConflictDoNothing().returning({ id: stripeEvents.id }));
      return rows.length === 1;
    },

    /**
     * Use since `from`: calls started (a live call counts from its start, so limits hold while it runs),
     * minutes of ended calls from the ledger. Dashboard test calls are left out of both.
     */
    async periodUsage(from: Date): Promise<PeriodUsage> {
      const [started] = await run((tx) =>
        tx
          .select({ n: count() })
          .from(calls)
          .where(and(eq(calls.workspaceId, workspaceId), gte(calls.startedAt, from), sql`not (${calls.metadata} ? 'test')`)),
      );
      const [ended] = await run((tx) =>
        tx
          .select({ seconds: sum(usageRecords.durationSec).mapWith(Number) })
          .from(usageRecords)
          .where(and(eq(usageRecords.workspaceId, workspaceId), gte(usageRecords.startedAt, from), eq(usageRecords.test, false))),
      );
      return { calls: started?.n ?? 0, seconds: ended?.seconds ?? 0 };
    },

    /**
     * Serialises the workspace's limit checks until the transaction ends: two creates at once would
     * otherwise both count the same rows, see room, and both insert.
     */
    async lockForLimits(): Promise<void> {
      await run((tx) => tx.execute(sql`select pg_advisory_xact_lock(hashtext(${"limits:" + workspaceId}))`));
    },

    /** Agents and phone numbers the workspace has: the plan's other limits. */
    async resourceCounts(): Promise<{ agents: number; phoneNumbers: number }> {
      const [a] = await run((tx) => tx.select({ n: count() }).from(agents).where(eq(agents.workspaceId, workspaceId)));
      const [p] = await run((tx) => tx.select({ n: count() }).from(phoneNumbers).where(eq(phoneNumbers.workspaceId, workspaceId)));
      return { agents: a?.n ?? 0, phoneNumbers: p?.n ?? 0 };
    },

    /** The call's ledger row; false when the call was already metered (a relay retry). */
    async recordUsage(row: NewUsageRecordRow): Promise<boolean> {
      const rows = await run((tx) =>
        tx
          .insert(usageRecords)
          .values({ ...row, workspaceId })
          .onConflictDoNothing({ target: usageRecords.callId })
          .returning({ id: usageRecords.id }),
      );
      return rows.length === 1;
    },

    /** The daily rollup between two civil days (both included), oldest first. */
    daily: (fromDay: string, toDay: string): Promise<UsageDailyRow[]> =>
      run((tx) =>
        tx
          .select()
          .from(usageDaily)
          .where(and(eq(usageDaily.workspaceId, workspaceId), gte(usageDaily.day, fromDay), lte(usageDaily.day, toDay)))
          .orderBy(asc(usageDaily.day), asc(usageDaily.channel)),
      ),

    /** True the first time a threshold is reached in a period (then email); false after. */
    async recordAlert(periodStart: Date, threshold: number): Promise<boolean> {
      const rows = await run((tx) =>
        tx.insert(billingAlerts).values({ workspaceId, periodStart, threshold }).onConflictDoNothing().returning({ t: billingAlerts.threshold }),
      );
      return rows.length === 1;
    },

    /** Overage calls already reported to Stripe for the period. */
    async reportedOverage(periodStart: Date): Promise<number> {
      const [row] = await run((tx) =>
        tx
          .select({ n: usageMeterReports.reportedCalls })
          .from(usageMeterReports)
          .where(and(eq(usageMeterReports.workspaceId, workspaceId), eq(usageMeterReports.periodStart, periodStart))),
      );
      return row?.n ?? 0;
    },
    async setReportedOverage(periodStart: Date, reportedCalls: number): Promise<void> {
      await run((tx) =>
        tx
          .insert(usageMeterReports)
          .values({ workspaceId, periodStart, reportedCalls })
          .onConflictDoUpdate({ target: [usageMeterReports.workspaceId, usageMeterReports.periodStart], set: { reportedCalls, updatedAt: new Date() } }),
      );
    },
  };
}
export type BillingRepository = ReturnType<typeof billingRepository>;

/** Billing work across workspaces (system handle): Stripe ids → workspace, the rollup, the meter report's list. */
export function billingSystemRepository(db: Executor) {
  return {
    async workspaceOfCustomer(stripeCustomerId: string): Promise<string | undefined> {
      const [row] = await db
        .select({ id: billingSubscriptions.workspaceId })
        .from(billingSubscriptions)
        .where(eq(billingSubscriptions.stripeCustomerId, stripeCustomerId));
      return row?.id;
    },

    /**
     * Rebuilds the daily rollup of every (workspace, day) that got ledger rows since `since`, from all
     * of that day's rows: idempotent, so a rerun or an overlap changes nothing. Returns the rows written.
     */
    async rollup(since: Date): Promise<number> {
      const result = await db.execute(sql`
        with touched as (
          select distinct workspace_id, day from ${usageRecords} where created_at >= ${since}
        )
        insert into ${usageDaily} (workspace_id, day, channel, calls, billable_calls, seconds, carrier_minutes, carrier_cost_usd,
          stt_cost_usd, llm_cost_usd, tts_cost_usd, realtime_cost_usd, infra_cost_usd, total_cost_usd, updated_at)
        select r.workspace_id, r.day, r.channel, count(*)::int, (count(*) filter (where not r.test))::int, coalesce(sum(r.duration_sec), 0)::int,
          coalesce(sum(r.carrier_minutes), 0), coalesce(sum(r.carrier_cost_usd), 0), coalesce(sum(r.stt_cost_usd), 0), coalesce(sum(r.llm_cost_usd), 0),
          coalesce(sum(r.tts_cost_usd), 0), coalesce(sum(r.realtime_cost_usd), 0), coalesce(sum(r.infra_cost_usd), 0), coalesce(sum(r.total_cost_usd), 0), now()
        from ${usageRecords} r join touched t on t.workspace_id = r.workspace_id and t.day = r.day
        group by r.workspace_id, r.day, r.channel
        on conflict (workspace_id, day, channel) do update set
          calls = excluded.calls, billable_calls = excluded.billable_calls, seconds = excluded.seconds, carrier_minutes = excluded.carrier_minutes,
          carrier_cost_usd = excluded.carrier_cost_usd, stt_cost_usd = excluded.stt_cost_usd, llm_cost_usd = excluded.llm_cost_usd,
          tts_cost_usd = excluded.tts_cost_usd, realtime_cost_usd = excluded.realtime_cost_usd, infra_cost_usd = excluded.infra_cost_usd,
          total_cost_usd = excluded.total_cost_usd, updated_at = now()
        returning 1`);
      return rowCount(result);
    },

    /** Workspaces with a Stripe subscription that may owe overage (trialing, active or past_due). */
    stripeSubscribers: (): Promise<BillingSubscriptionRow[]> =>
      db
        .select()
        .from(billingSubscriptions)
        .where(and(isNotNull(billingSubscriptions.stripeSubscriptionId), sql`${billingSubscriptions.status} in ('trialing', 'active', 'past_due')`)),
  };
}
export type BillingSystemRepository = ReturnType<typeof billingSystemRepository>;

/** Rows a statement returned, from node-postgres (`rows`) or PGlite (`rows` too) results. */
function rowCount(result: unknown): number {
  const r = result as { rows?: unknown[]; rowCount?: number | null };
  return r.rows?.length ?? r.rowCount ?? 0;
}
