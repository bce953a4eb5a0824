import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Executor } from "../client.ts";
import {
  featureFlags,
  practiceActivities,
  practiceGoals,
  practicePersonas,
  practicePrices,
  practiceScenarios,
  practiceSettings,
  practiceSessions,
  practiceTurns,
  whatIfScenarios,
} from "../schema.ts";
import type { Run } from "./scope.ts";

export type PracticePersonaRow = typeof practicePersonas.$inferSelect;
export type PracticeScenarioRow = typeof practiceScenarios.$inferSelect;
export type PracticeSessionRow = typeof practiceSessions.$inferSelect;
export type NewPracticeSessionRow = Omit<typeof practiceSessions.$inferInsert, "workspaceId" | "createdAt">;
export type PracticeSessionPatch = Partial<Omit<typeof practiceSessions.$inferInsert, "id" | "workspaceId" | "userId" | "createdAt">>;
export type PracticeTurnRow = typeof practiceTurns.$inferSelect;
export type NewPracticeTurnRow = Omit<typeof practiceTurns.$inferInsert, "workspaceId" | "userId" | "createdAt">;
export type PracticeGoalRow = typeof practiceGoals.$inferSelect;
export type NewPracticeGoalRow = Omit<typeof practiceGoals.$inferInsert, "workspaceId" | "createdAt">;
export type PracticeActivityRow = typeof practiceActivities.$inferSelect;
export type NewPracticeActivityRow = Omit<typeof practiceActivities.$inferInsert, "workspaceId" | "createdAt">;
export type WhatIfRow = typeof whatIfScenarios.$inferSelect;
export type FeatureFlagRow = typeof featureFlags.$inferSelect;
export type PracticePriceRow = typeof practicePrices.$inferSelect;
/** A workspace's practice settings (the defaults when it has no row). */
export interface PracticeSettings {
  recordSessions: boolean;
  transcriptRetentionDays: number;
}
const DEFAULT_PRACTICE_SETTINGS: PracticeSettings = { recordSessions: true, transcriptRetentionDays: 365 };

/**
 * Who is reading or writing a rep's practice data. The row policies on sessions, turns, activities,
 * goals and what-if scenarios let a member see their own rows and owners and admins see everyone's;
 * every method below runs its statements in a (sub)transaction with the viewer set, so a query that
 * forgot its filter still returns only what the viewer may see.
 */
export interface PracticeViewer {
  userId: string;
  role: "owner" | "admin" | "staff" | "viewer";
}

export const isManager = (viewer: PracticeViewer) => viewer.role === "owner" || viewer.role === "admin";

/** A persona or a scenario row: the two tables have the same columns. */
type DefinitionRow = PracticePersonaRow;

/**
 * The workspace's own personas or scenarios (a definition with who made it and when), as
 * `list<Kind>`, `get<Kind>`, `insert<Kind>`, `update<Kind>`, `delete<Kind>`.
 */
function definitionsIn<K extends "Persona" | "Scenario">(run: Run, workspaceId: string, kind: K, source: typeof practicePersonas | typeof practiceScenarios) {
  // Same columns in both tables: one set of queries serves either.
  const table = source as typeof practicePersonas;
  const mine = eq(table.workspaceId, workspaceId);
  const methods = {
    list: (): Promise<DefinitionRow[]> => run((tx) => tx.select().from(table).where(mine).orderBy(asc(table.createdAt))),
    get: async (id: string): Promise<DefinitionRow | undefined> =>
      (
        await run((tx) =>
          tx
            .select()
            .from(table)
            .where(and(mine, eq(table.id, id))),
        )
      )[0],
    insert: async (row: { id: string; definition: unknown; createdBy: string | null }): Promise<DefinitionRow> =>
      (
        await run((tx) =>
          tx
            .insert(table)
            .values({ ...row, workspaceId })
            .returning(),
        )
      )[0]!,
    update: async (id: string, definition: unknown): Promise<DefinitionRow | undefined> =>
      (
        await run((tx) =>
          tx
            .update(table)
            .set({ definition, updatedAt: new Date() })
            .where(and(mine, eq(table.id, id)))
            .returning(),
        )
      )[0],
    remove: async (id: string): Promise<boolean> =>
      (
        await run((tx) =>
          tx
            .delete(table)
            .where(and(mine, eq(table.id, id)))
            .returning({ id: table.id }),
        )
      ).length > 0,
  };
  return {
    [`list${kind}s`]: methods.list,
    [`get${kind}`]: methods.get,
    [`insert${kind}`]: methods.insert,
    [`update${kind}`]: methods.update,
    [`delete${kind}`]: methods.remove,
  } as { [M in `list${K}s`]: typeof methods.list } & { [M in `get${K}`]: typeof methods.get } & { [M in `insert${K}`]: typeof methods.insert } & {
    [M in `update${K}`]: typeof methods.update;
  } & { [M in `delete${K}`]: typeof methods.remove };
}

/**
 * Sales practice, tenant side: the workspace's own personas and scenarios (any member reads them), and
 * the reps' sessions, turns, goals, activities and what-if scenarios (row policy: the rep, or a manager).
 */
export function practiceRepository(run: Run, workspaceId: string) {
  const ws = (t: { workspaceId: PgColumn }) => eq(t.workspaceId, workspaceId);
  /** Statements as `viewer`: the settings last until the (sub)transaction ends. */
  const as = <T>(viewer: PracticeViewer, fn: (tx: Executor) => Promise<T>) =>
    run((outer) =>
      outer.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.user_id', ${viewer.userId}, true), set_config('app.member_role', ${viewer.role}, true)`);
        return fn(tx);
      }),
    );
  /** Only the viewer's own rows unless a manager asks (the API's check; the row policy enforces the same). */
  const visible = (column: PgColumn, viewer: PracticeViewer, userId?: string) =>
    userId ? eq(column, userId) : isManager(viewer) ? undefined : eq(column, viewer.userId);

  /** Every rep's rows, as a manager sees them (usage totals, retention). */
  const MANAGER: PracticeViewer = { userId: "", role: "admin" };
  const definitions = <K extends "Persona" | "Scenario">(kind: K, table: typeof practicePersonas | typeof practiceScenarios) =>
    definitionsIn(run, workspaceId, kind, table);

  return {
    // Personas and scenarios of the workspace.
    ...definitions("Persona", practicePersonas),
    ...definitions("Scenario", practiceScenarios),

    // Sessions and their turns.
    insertSession: async (viewer: PracticeViewer, row: NewPracticeSessionRow): Promise<PracticeSessionRow> =>
      as(
        viewer,
        async (tx) =>
          (
            await tx
              .insert(practiceSessions)
              .values({ ...row, workspaceId })
              .returning()
          )[0]!,
      ),
    getSession: async (viewer: PracticeViewer, id: string): Promise<PracticeSessionRow | undefined> =>
      as(
        viewer,
        async (tx) =>
          (
            await tx
              .select()
              .from(practiceSessions)
              .where(and(ws(practiceSessions), eq(practiceSessions.id, id)))
          )[0],
      ),
    /** Newest first; `userId` narrows to one rep (a non-manager sees only their own either way). */
    listSessions: (viewer: PracticeViewer, opts: { userId?: string; before?: { startedAt: Date; id: string }; since?: Date; limit: number }) =>
      as(viewer, (tx) =>
        tx
          .select()
          .from(practiceSessions)
          .where(
            and(
              ws(practiceSessions),
              visible(practiceSessions.userId, viewer, opts.userId),
              opts.since ? gte(practiceSessions.startedAt, opts.since) : undefined,
              opts.before
                ? or(
                    lt(practiceSessions.startedAt, opts.before.startedAt),
                    and(eq(practiceSessions.startedAt, opts.before.startedAt), lt(practiceSessions.id, opts.before.id)),
                  )
                : undefined,
            ),
          )
          .orderBy(desc(practiceSessions.startedAt), desc(practiceSessions.id))
          .limit(opts.limit),
      ),
    updateSession: async (viewer: PracticeViewer, id: string, patch: PracticeSessionPatch): Promise<PracticeSessionRow | undefined> =>
      as(
        viewer,
        async (tx) =>
          (
            await tx
              .update(practiceSessions)
              .set(patch)
              .where(and(ws(practiceSessions), eq(practiceSessions.id, id)))
              .returning()
          )[0],
      ),
    /**
     * By phone: the hashes of the workspace's dial-in codes still usable at `now` (live session, code not
     * used, not expired). The viewer must be a manager to see every rep's (the API counts them as one).
     */
    livePhoneCodes: (viewer: PracticeViewer, now: Date): Promise<string[]> =>
      as(viewer, async (tx) =>
        (
          await tx
            .select({ hash: practiceSessions.phoneCodeHash })
            .from(practiceSessions)
            .where(
              and(
                ws(practiceSessions),
                eq(practiceSessions.status, "live"),
                isNotNull(practiceSessions.phoneCodeHash),
                gt(practiceSessions.phoneCodeExpiresAt, now),
              ),
            )
        ).map((r) => r.hash!),
      ),
    /**
     * By phone: uses a dial-in code once. The live session on `phoneNumberId` whose unexpired code hash
     * is `codeHash` has its code cleared (atomically: two calls with one code open one session) and is
     * returned; undefined when none matches. The viewer must be a manager (the caller is not known yet).
     */
    consumePhoneCode: (viewer: PracticeViewer, o: { phoneNumberId: string; codeHash: string; now: Date }): Promise<PracticeSessionRow | undefined> =>
      as(
        viewer,
        async (tx) =>
          (
            await tx
              .update(practiceSessions)
              .set({ phoneCodeHash: null })
              .where(
                and(
                  ws(practiceSessions),
                  eq(practiceSessions.status, "live"),
                  eq(practiceSessions.phoneNumberId, o.phoneNumberId),
                  eq(practiceSessions.phoneCodeHash, o.codeHash),
                  gt(practiceSessions.phoneCodeExpiresAt, o.now),
                ),
              )
              .returning()
          )[0],
      ),
    /** A turn of the viewer's own session (the gateway writes as the rep). */
    insertTurn: (viewer: PracticeViewer, row: NewPracticeTurnRow) =>
      as(viewer, async (tx) => {
        await tx.insert(practiceTurns).values({ ...row, workspaceId, userId: viewer.userId });
      }),
    turns: (viewer: PracticeViewer, sessionId: string) =>
      as(viewer, (tx) =>
        tx
          .select()
          .from(practiceTurns)
          .where(and(ws(practiceTurns), eq(practiceTurns.sessionId, sessionId)))
          .orderBy(asc(practiceTurns.seq)),
      ),

    /**
     * Per rep: sessions started since `since` (all when absent), completed ones, their average score
     * and the latest start. Aggregated in SQL so the dashboards never page through every session.
     */
    sessionSummary: (viewer: PracticeViewer, opts: { userId?: string; since?: Date; until?: Date }) =>
      as(viewer, (tx) =>
        tx
          .select({
            userId: practiceSessions.userId,
            sessions: sql<number>`count(*)::int`,
            completed: sql<number>`(count(*) filter (where ${practiceSessions.status} = 'completed'))::int`,
            averageScore: sql<number | null>`(avg(${practiceSessions.overallScore}) filter (where ${practiceSessions.status} = 'completed'))::float8`,
            lastStartedAt: sql<Date | null>`max(${practiceSessions.startedAt})`.mapWith(practiceSessions.startedAt),
          })
          .from(practiceSessions)
          .where(
            and(
              ws(practiceSessions),
              visible(practiceSessions.userId, viewer, opts.userId),
              opts.since ? gte(practiceSessions.startedAt, opts.since) : undefined,
              opts.until ? lt(practiceSessions.startedAt, opts.until) : undefined,
            ),
          )
          .groupBy(practiceSessions.userId),
      ),
    /**
     * The workspace's practice usage per bucket: sessions started in [boundaries[i-1], boundaries[i])
     * are bucket i (1-based), with their seconds and cost (a live session counts, with no seconds yet).
     * Every rep's sessions, as the usage pages' totals: counted in SQL, no session leaves the database.
     */
    usageByBucket: (boundaries: Date[]): Promise<{ bucket: number; sessions: number; seconds: number; costUsd: number; chargeUsd: number }[]> =>
      as(MANAGER, (tx) => {
        const thresholds = sql.param(boundaries.map((b) => b.toISOString()));
        return tx
          .select({
            bucket: sql<number>`width_bucket(${practiceSessions.startedAt}, ${thresholds}::timestamptz[])::int`,
            sessions: sql<number>`count(*)::int`,
            seconds: sql<number>`coalesce(sum(${practiceSessions.durationSec}), 0)::float8`,
            costUsd: sql<number>`coalesce(sum(${practiceSessions.costUsd}), 0)::float8`,
            chargeUsd: sql<number>`coalesce(sum(${practiceSessions.chargeUsd}), 0)::float8`,
          })
          .from(practiceSessions)
          .where(and(ws(practiceSessions), gte(practiceSessions.startedAt, boundaries[0]!), lt(practiceSessions.startedAt, boundaries[boundaries.length - 1]!)))
          .groupBy(sql`1`);
      }),
    /** The latest `perRep` scores of completed sessions, per rep, newest first. */
    recentScores: (viewer: PracticeViewer, opts: { userId?: string; perRep: number }) =>
      as(viewer, async (tx) => {
        const ranked = tx
          .select({
            userId: practiceSessions.userId,
            startedAt: practiceSessions.startedAt,
            score: sql<number>`${practiceSessions.overallScore}`.as("score"),
            rank: sql<number>`row_number() over (partition by ${practiceSessions.userId} order by ${practiceSessions.startedAt} desc, ${practiceSessions.id} desc)`.as(
              "rank",
            ),
          })
          .from(practiceSessions)
          .where(
            and(
              ws(practiceSessions),
              visible(practiceSessions.userId, viewer, opts.userId),
              eq(practiceSessions.status, "completed"),
              sql`${practiceSessions.overallScore} is not null`,
            ),
          )
          .as("ranked");
        return tx
          .select({ userId: ranked.userId, startedAt: ranked.startedAt, score: ranked.score })
          .from(ranked)
          .where(sql`${ranked.rank} <= ${opts.perRep}`)
          .orderBy(asc(ranked.userId), desc(ranked.startedAt));
      }),
    /**
     * Activity totals by kind in `[from, to)`: one rep's (`userId`), or everyone's the viewer may see
     * (`userId: null`; a team goal's progress is computed as a manager).
     */
    activityTotals: (viewer: PracticeViewer, opts: { userId: string | null; from: Date; to: Date }) =>
      as(viewer, (tx) =>
        tx
          .select({
            kind: practiceActivities.kind,
            count: sql<number>`count(*)::int`,
            amountUsd: sql<number>`coalesce(sum(${practiceActivities.amountUsd}), 0)::float8`,
          })
          .from(practiceActivities)
          .where(
            and(
              ws(practiceActivities),
              opts.userId ? eq(practiceActivities.userId, opts.userId) : isManager(viewer) ? undefined : eq(practiceActivities.userId, viewer.userId),
              gte(practiceActivities.occurredAt, opts.from),
              lt(practiceActivities.occurredAt, opts.to),
            ),
          )
          .groupBy(practiceActivities.kind),
      ),

    // Goals, activities, what-if scenarios.
    insertGoal: (viewer: PracticeViewer, row: NewPracticeGoalRow) =>
      as(
        viewer,
        async (tx) =>
          (
            await tx
              .insert(practiceGoals)
              .values({ ...row, workspaceId })
              .returning()
          )[0]!,
      ),
    /** The viewer's goals and the team's; a manager asking for `userId` gets that rep's and the team's. */
    listGoals: (viewer: PracticeViewer, userId?: string) =>
      as(viewer, (tx) =>
        tx
          .select()
          .from(practiceGoals)
          .where(and(ws(practiceGoals), or(isNull(practiceGoals.userId), eq(practiceGoals.userId, userId ?? viewer.userId))))
          .orderBy(asc(practiceGoals.createdAt)),
      ),
    getGoal: async (viewer: PracticeViewer, id: string): Promise<PracticeGoalRow | undefined> =>
      as(
        viewer,
        async (tx) =>
          (
            await tx
              .select()
              .from(practiceGoals)
              .where(and(ws(practiceGoals), eq(practiceGoals.id, id)))
          )[0],
      ),
    deleteGoal: (viewer: PracticeViewer, id: string) =>
      as(
        viewer,
        async (tx) =>
          (
            await tx
              .delete(practiceGoals)
              .where(and(ws(practiceGoals), eq(practiceGoals.id, id)))
              .returning({ id: practiceGoals.id })
          ).length > 0,
      ),

    /** An activity; one per practice session at most (a repeated write of the same session's is ignored). */
    insertActivity: (viewer: PracticeViewer, row: NewPracticeActivityRow) =>
      as(
        viewer,
        async (tx) =>
          (
            await tx
              .insert(practiceActivities)
              .values({ ...row, workspaceId })
              .onConflictDoNothing()
              .returning()
          )[0],
      ),
    listActivities: (viewer: PracticeViewer, opts: { userIds?: string[]; since?: Date; before?: { occurredAt: Date; id: string }; limit: number }) =>
      as(viewer, (tx) =>
        tx
          .select()
          .from(practiceActivities)
          .where(
            and(
              ws(practiceActivities),
              opts.userIds ? inArray(practiceActivities.userId, opts.userIds) : isManager(viewer) ? undefined : eq(practiceActivities.userId, viewer.userId),
              opts.since ? gte(practiceActivities.occurredAt, opts.since) : undefined,
              opts.before
                ? or(
                    lt(practiceActivities.occurredAt, opts.before.occurredAt),
                    and(eq(practiceActivities.occurredAt, opts.before.occurredAt), lt(practiceActivities.id, opts.before.id)),
                  )
                : undefined,
            ),
          )
          .orderBy(desc(practiceActivities.occurredAt), desc(practiceActivities.id))
          .limit(opts.limit),
      ),

    insertWhatIf: (viewer: PracticeViewer, row: { id: string; inputs: unknown }) =>
      as(
        viewer,
        async (tx) =>
          (
            await tx
              .insert(whatIfScenarios)
              .values({ ...row, workspaceId, userId: viewer.userId })
              .returning()
          )[0]!,
      ),
    listWhatIf: (viewer: PracticeViewer) =>
      as(viewer, (tx) =>
        tx
          .select()
          .from(whatIfScenarios)
          .where(and(ws(whatIfScenarios), eq(whatIfScenarios.userId, viewer.userId)))
          .orderBy(desc(whatIfScenarios.createdAt)),
      ),
    deleteWhatIf: (viewer: PracticeViewer, id: string) =>
      as(
        viewer,
        async (tx) =>
          (
            await tx
              .delete(whatIfScenarios)
              .where(and(ws(whatIfScenarios), eq(whatIfScenarios.id, id), eq(whatIfScenarios.userId, viewer.userId)))
              .returning({ id: whatIfScenarios.id })
          ).length > 0,
      ),

    // Settings, prices, retention.
    settings: async (): Promise<PracticeSettings> => {
      const [row] = await run((tx) => tx.select().from(practiceSettings).where(ws(practiceSettings)));
      return row ? { recordSessions: row.recordSessions, transcriptRetentionDays: row.transcriptRetentionDays } : { ...DEFAULT_PRACTICE_SETTINGS };
    },
    updateSettings: async (patch: Partial<PracticeSettings>): Promise<PracticeSettings> => {
      const [row] = await run((tx) =>
        tx
          .insert(practiceSettings)
          .values({ ...DEFAULT_PRACTICE_SETTINGS, ...patch, workspaceId })
          .onConflictDoUpdate({ target: practiceSettings.workspaceId, set: { ...patch, updatedAt: new Date() } })
          .returning(),
      );
      return { recordSessions: row!.recordSessions, transcriptRetentionDays: row!.transcriptRetentionDays };
    },
    /** The price history, latest effective first. */
    prices: (): Promise<PracticePriceRow[]> =>
      run((tx) => tx.select().from(practicePrices).where(ws(practicePrices)).orderBy(desc(practicePrices.effectiveFrom), desc(practicePrices.createdAt))),
    insertPrice: async (row: { id: string; pricePerMinuteUsd: number; effectiveFrom: Date; createdBy: string | null }): Promise<PracticePriceRow> =>
      (
        await run((tx) =>
          tx
            .insert(practicePrices)
            .values({ ...row, workspaceId })
            .returning(),
        )
      )[0]!,
    /** The price in force at `at`: the latest row effective by then (undefined: none). */
    priceAt: async (at: Date): Promise<PracticePriceRow | undefined> =>
      (
        await run((tx) =>
          tx
            .select()
            .from(practicePrices)
            .where(and(ws(practicePrices), lte(practicePrices.effectiveFrom, at)))
            .orderBy(desc(practicePrices.effectiveFrom), desc(practicePrices.createdAt))
            .limit(1),
        )
      )[0],
    /** Recording locations of every rep's sessions started before `cutoff` (retention deletes the files first). */
    expiredRecordingPaths: (cutoff: Date): Promise<string[]> =>
      as(MANAGER, async (tx) =>
        (
          await tx
            .select({ path: practiceSessions.recordingPath })
            .from(practiceSessions)
            .where(and(ws(practiceSessions), lt(practiceSessions.startedAt, cutoff), isNotNull(practiceSessions.recordingPath)))
        ).map((r) => r.path!),
      ),
    /**
     * Retention: every rep's sessions started before `cutoff` lose their transcript — the turns, the
     * quotes in the score (the numbers and explanations stay) and the recording's location — and are
     * marked purged at `now`. Idempotent. Returns what went (the caller deletes the recording files).
     */
    purgeTranscriptsBefore: (cutoff: Date, now: Date): Promise<{ sessions: number; turns: number; recordingPaths: string[] }> =>
      as(MANAGER, async (tx) => {
        const old = and(ws(practiceSessions), lt(practiceSessions.startedAt, cutoff), isNull(practiceSessions.transcriptPurgedAt));
        const touched = await tx.select({ id: practiceSessions.id, path: practiceSessions.recordingPath }).from(practiceSessions).where(old).for("update");
        if (touched.length === 0) return { sessions: 0, turns: 0, recordingPaths: [] };
        const ids = touched.map((t) => t.id);
        const turns = await tx
          .delete(practiceTurns)
          .where(and(ws(practiceTurns), inArray(practiceTurns.sessionId, ids)))
          .returning({ id: practiceTurns.id });
        await tx
          .update(practiceSessions)
          .set({
            recordingPath: null,
            transcriptPurgedAt: now,
            // The rep's words quoted in the score go with the transcript: item quotes, and the example of "keep doing it".
            score: sql`case when ${practiceSessions.score} is null or jsonb_typeof(${practiceSessions.score} -> 'items') <> 'array' then ${practiceSessions.score}
              else jsonb_set(
                jsonb_set(${practiceSessions.score}, '{items}', (select coalesce(jsonb_agg(i || '{"quotes":[]}'::jsonb), '[]'::jsonb) from jsonb_array_elements(${practiceSessions.score} -> 'items') i)),
                '{coaching}',
                (select coalesce(jsonb_agg(to_jsonb(regexp_replace(c, ', as in ".*"$', ''))), '[]'::jsonb) from jsonb_array_elements_text(coalesce(${practiceSessions.score} -> 'coaching', '[]'::jsonb)) c)
              ) end`,
          })
          .where(and(ws(practiceSessions), inArray(practiceSessions.id, ids)));
        return { sessions: touched.length, turns: turns.length, recordingPaths: touched.flatMap((t) => (t.path ? [t.path] : [])) };
      }),

    // Feature overrides (the operator's, over the plan's features).
    featureFlags: (): Promise<FeatureFlagRow[]> => run((tx) => tx.select().from(featureFlags).where(ws(featureFlags))),
    /** Sets an override, or removes it (`enabled: null`: the plan decides again). */
    setFeatureFlag: (flag: string, enabled: boolean | null) =>
      run(async (tx) => {
        if (enabled === null) await tx.delete(featureFlags).where(and(ws(featureFlags), eq(featureFlags.flag, flag)));
        else
          await tx
            .insert(featureFlags)
            .values({ workspaceId, flag, enabled })
            .onConflictDoUpdate({ target: [featureFlags.workspaceId, featureFlags.flag], set: { enabled, updatedAt: new Date() } });
      }),
  };
}
