import { AppError, createId, type GoalDto } from "@orbis/contracts";
import { isManager, type PracticeGoalRow, type PracticeViewer, type TenantScope } from "@orbis/db";
import { periodBounds } from "@orbis/practice";
import { auditedBy } from "../../lib/actor.ts";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import { memberNames, repOf, type PracticeCaller } from "./practice-access.ts";
import { toActivityDto, toGoalDto, toSessionDto } from "./practice.mappers.ts";

const DAY_MS = 86_400_000;
/** A member without a session in this long shows in the team dashboard's "not practised". */
const NOT_PRACTICED_DAYS = 14;
/** The rep dashboard's trend: the latest completed sessions. */
const TREND_POINTS = 50;
const RECENT_SESSIONS = 5;
/** The score change compares the last five sessions with the five before. */
const CHANGE_WINDOW = 5;

const round1 = (n: number) => Math.round(n * 10) / 10;
const average = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

type GoalInput = { metric: PracticeGoalRow["metric"]; target: number; period: PracticeGoalRow["period"]; userId?: string | null | undefined };
type ActivityInput = {
  kind: "call" | "meeting_booked" | "email" | "practice_session" | "deal_won" | "note";
  amountUsd?: number | undefined;
  note: string;
  occurredAt?: string | undefined;
};

/** Which activities count toward a goal's metric (average_score is read from sessions instead). */
const ACTIVITY_OF_METRIC = { calls: "call", meetings_booked: "meeting_booked", practice_sessions: "practice_session", revenue: "deal_won" } as const;

/**
 * Goals, activities and the dashboards. A goal's progress is computed for the current period (week from
 * Monday, month, quarter) in the workspace's time zone, from the activities logged in it (calls,
 * meetings, practice sessions, won deals' revenue) or its completed sessions' scores (average_score).
 */
export function createPracticeProgressService(deps: { now: () => Date }) {
  const timezoneOf = async (tenant: TenantScope) => (await tenant.workspace.get())?.timezone ?? "UTC";

  async function progressOf(tenant: TenantScope, viewer: PracticeViewer, goal: PracticeGoalRow, timezone: string): Promise<GoalDto> {
    const period = periodBounds(goal.period, deps.now(), timezone);
    // A team goal counts everyone's work: computed with a manager's view, and only its total leaves here.
    const as: PracticeViewer = goal.userId ? viewer : { userId: viewer.userId, role: "admin" };
    let progress: number;
    if (goal.metric === "average_score") {
      const rows = await tenant.practice.sessionSummary(as, { ...(goal.userId ? { userId: goal.userId } : {}), since: period.start, until: period.end });
      const completed = rows.reduce((n, r) => n + r.completed, 0);
      const total = rows.reduce((n, r) => n + (r.averageScore ?? 0) * r.completed, 0);
      progress = completed ? round1(total / completed) : 0;
    } else {
      const kind = ACTIVITY_OF_METRIC[goal.metric];
      const totals = await tenant.practice.activityTotals(as, { userId: goal.userId, from: period.start, to: period.end });
      const row = totals.find((t) => t.kind === kind);
      progress = goal.metric === "revenue" ? Math.round((row?.amountUsd ?? 0) * 100) / 100 : (row?.count ?? 0);
    }
    return toGoalDto(goal, progress, period);
  }

  async function goalsOf(tenant: TenantScope, viewer: PracticeViewer, userId: string) {
    const [rows, timezone] = await Promise.all([tenant.practice.listGoals(viewer, userId), timezoneOf(tenant)]);
    return Promise.all(rows.map((g) => progressOf(tenant, viewer, g, timezone)));
  }

  return {
    /** The rep's goals and the team's, with progress; `userId`: another rep's (owners and admins). */
    async listGoals(tenant: TenantScope, caller: PracticeCaller, userId: string | undefined) {
      const rep = await repOf(tenant, caller, userId);
      return { data: await goalsOf(tenant, caller.viewer, rep) };
    },

    /** For the caller by default; for another rep or the whole team (`userId: null`) by owners and admins. */
    async createGoal(tenant: TenantScope, caller: PracticeCaller, input: GoalInput) {
      let userId: string | null;
      if (input.userId === null) {
        if (!isManager(caller.viewer)) throw new AppError("forbidden", "Only owners and admins can set a team goal");
        userId = null;
      } else userId = await repOf(tenant, caller, input.userId);
      const id = createId("goal");
      const row = await tenant.transaction(async (t) => {
        const created = await t.practice.insertGoal(caller.viewer, {
          id,
          userId,
          metric: input.metric,
          target: input.target,
          period: input.period,
          createdBy: caller.actor.actorUserId,
        });
        await t.audit.record({
          ...auditedBy(caller.actor),
          action: "practice_goal.created",
          targetType: "practice_goal",
          targetId: id,
          metadata: { userId, metric: input.metric, target: input.target, period: input.period },
        });
        return created;
      });
      return progressOf(tenant, caller.viewer, row, await timezoneOf(tenant));
    },

    /** A rep removes their own goals; a team goal or another rep's is for owners and admins. */
    async deleteGoal(tenant: TenantScope, caller: PracticeCaller, id: string) {
      await tenant.transaction(async (t) => {
        const goal = found(await t.practice.getGoal(caller.viewer, id), "Goal");
        if (goal.userId !== caller.viewer.userId && !isManager(caller.viewer)) throw new AppError("forbidden", "Only owners and admins can remove a team goal");
        await t.practice.deleteGoal(caller.viewer, id);
        await t.audit.record({
          ...auditedBy(caller.actor),
          action: "practice_goal.deleted",
          targetType: "practice_goal",
          targetId: id,
          metadata: { userId: goal.userId, metric: goal.metric, target: goal.target, period: goal.period },
        });
      });
    },

    /** Newest first: the caller's, one rep's (`userId`), or for a manager everyone's. */
    async listActivities(tenant: TenantScope, caller: PracticeCaller, q: { userId?: string | undefined; cursor?: string | undefined; limit: number }) {
      const before = q.cursor ? decodeCursor(q.cursor) : undefined;
      const userId = q.userId ? await repOf(tenant, caller, q.userId) : undefined;
      const rows = await tenant.practice.listActivities(caller.viewer, {
        limit: q.limit + 1,
        ...(userId ? { userIds: [userId] } : {}),
        ...(before ? { before: { occurredAt: before.date, id: before.id } } : {}),
      });
      const page = pageOf(rows, q.limit, (r) => ({ at: r.occurredAt, id: r.id }));
      return { data: page.rows.map(toActivityDto), nextCursor: page.nextCursor };
    },

    /**
     * Logs an activity: the caller's own from the dashboard (`manual`), or, with `userId`, a rep's by an
     * owner or admin, or by a secret API key (`api`: a CRM reporting calls and deals).
     */
    async logActivity(tenant: TenantScope, caller: PracticeCaller, userId: string | undefined, input: ActivityInput) {
      if (!caller.member && !userId) throw new AppError("forbidden", "An API key logs activities for a rep: name them with ?userId=");
      const rep = await repOf(tenant, caller, userId);
      const row = await tenant.practice.insertActivity(caller.viewer, {
        id: createId("activity"),
        userId: rep,
        kind: input.kind,
        amountUsd: input.amountUsd ?? null,
        note: input.note,
        source: caller.member ? "manual" : "api",
        practiceSessionId: null,
        occurredAt: input.occurredAt ? new Date(input.occurredAt) : deps.now(),
      });
      return toActivityDto(found(row, "Activity"));
    },

    /** A rep's sessions, average score, score trend, goals with progress and latest sessions. */
    async repDashboard(tenant: TenantScope, caller: PracticeCaller, userId: string | undefined) {
      const rep = await repOf(tenant, caller, userId);
      const viewer = caller.viewer;
      const [summary, scores, goals, recent, names] = await Promise.all([
        tenant.practice.sessionSummary(viewer, { userId: rep }),
        tenant.practice.recentScores(viewer, { userId: rep, perRep: TREND_POINTS }),
        goalsOf(tenant, viewer, rep),
        tenant.practice.listSessions(viewer, { userId: rep, limit: RECENT_SESSIONS }),
        memberNames(tenant),
      ]);
      const mine = summary.find((s) => s.userId === rep);
      return {
        sessions: mine?.sessions ?? 0,
        averageScore: mine?.averageScore == null ? null : round1(mine.averageScore),
        trend: scores.map((s) => ({ at: new Date(s.startedAt).toISOString(), score: Number(s.score) })).reverse(),
        goals,
        recent: recent.map((r) => toSessionDto(r, { names })),
      };
    },

    /** Every active member: sessions, average score, last practised, the change of their last five scores; best first. */
    async teamDashboard(tenant: TenantScope, caller: PracticeCaller) {
      if (!isManager(caller.viewer)) throw new AppError("forbidden", "The team dashboard is for owners and admins");
      const viewer = caller.viewer;
      const [members, summary, scores] = await Promise.all([
        tenant.members.list(),
        tenant.practice.sessionSummary(viewer, {}),
        tenant.practice.recentScores(viewer, { perRep: CHANGE_WINDOW * 2 }),
      ]);
      const byRep = new Map(summary.map((s) => [s.userId, s]));
      const scoresOf = (userId: string) => scores.filter((s) => s.userId === userId).map((s) => s.score);
      const cutoff = deps.now().getTime() - NOT_PRACTICED_DAYS * DAY_MS;
      const reps = members
        .filter((m) => m.status === "active")
        .map((m) => {
          const s = byRep.get(m.userId);
          const latest = scoresOf(m.userId);
          const change =
            latest.length >= CHANGE_WINDOW * 2 ? average(latest.slice(0, CHANGE_WINDOW))! - average(latest.slice(CHANGE_WINDOW, CHANGE_WINDOW * 2))! : null;
          return {
            userId: m.userId,
            name: m.name || null,
            email: m.email,
            sessions: s?.sessions ?? 0,
            averageScore: s?.averageScore == null ? null : round1(s.averageScore),
            lastPracticedAt: s?.lastStartedAt?.toISOString() ?? null,
            scoreChange: change === null ? null : round1(change),
          };
        })
        .sort((a, b) => (b.averageScore ?? -1) - (a.averageScore ?? -1) || b.sessions - a.sessions);
      const notPracticed = reps.filter((r) => !r.lastPracticedAt || Date.parse(r.lastPracticedAt) < cutoff).map((r) => r.userId);
      return { reps, notPracticed };
    },
  };
}
export type PracticeProgressService = ReturnType<typeof createPracticeProgressService>;
