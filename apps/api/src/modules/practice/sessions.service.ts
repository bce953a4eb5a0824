import type { TokenService } from "@orbis/auth";
import { AppError, createId } from "@orbis/contracts";
import { isManager, type PracticeSessionRow, type TenantScope } from "@orbis/db";
import { finishPracticeSession } from "@orbis/practice";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import type { PracticeLibraryService } from "./library.service.ts";
import { assertMember, memberNames, repOf, type PracticeCaller } from "./practice-access.ts";
import { toSessionDetailDto, toSessionDto } from "./practice.mappers.ts";

/** As the widget's and "Try this agent"'s tokens: the browser opens the stream right away. */
const VOICE_TOKEN_TTL_SEC = 300;

export interface PracticeSessionsDeps {
  tokens: TokenService;
  library: PracticeLibraryService;
  now: () => Date;
}

/**
 * Practice sessions: started here (a live row with the persona and scenario as they are now, and the
 * voice token the browser streams with), finished by the gateway when the stream ends or here from the
 * dashboard. Only the rep and the workspace's owners and admins see one: the row policy enforces it,
 * and a session the caller may not see answers 404 like a missing one.
 */
export function createPracticeSessionsService(deps: PracticeSessionsDeps) {
  /** The session if the caller may see it (the API's check on top of the row policy). */
  async function visibleSession(tenant: TenantScope, caller: PracticeCaller, id: string): Promise<PracticeSessionRow> {
    const row = found(await tenant.practice.getSession(caller.viewer, id), "Practice session");
    if (!isManager(caller.viewer) && row.userId !== caller.viewer.userId) throw new AppError("not_found", "Practice session not found");
    return row;
  }

  async function detail(tenant: TenantScope, caller: PracticeCaller, row: PracticeSessionRow) {
    const [turns, names] = await Promise.all([tenant.practice.turns(caller.viewer, row.id), memberNames(tenant)]);
    return toSessionDetailDto(row, turns, names);
  }

  return {
    async start(tenant: TenantScope, caller: PracticeCaller, input: { personaId: string; scenarioId: string }) {
      assertMember(caller);
      const [persona, scenario] = await Promise.all([deps.library.persona(tenant, input.personaId), deps.library.scenario(tenant, input.scenarioId)]);
      const id = createId("practiceSession");
      const row = await tenant.practice.insertSession(caller.viewer, {
        id,
        userId: caller.viewer.userId,
        personaId: persona.id,
        scenarioId: scenario.id,
        persona,
        scenario,
        status: "live",
        channel: "web",
        startedAt: deps.now(),
      });
      const { token, expiresAt } = await deps.tokens.issueVoiceToken(
        { workspaceId: tenant.workspaceId, agentId: id, userId: caller.viewer.userId, practiceSessionId: id },
        VOICE_TOKEN_TTL_SEC,
      );
      return { session: toSessionDto(row, await memberNames(tenant)), token, expiresAt: expiresAt.toISOString() };
    },

    /** Newest first; one rep's with `userId` (owners and admins), else the caller's (a manager: everyone's). */
    async list(tenant: TenantScope, caller: PracticeCaller, q: { userId?: string | undefined; cursor?: string | undefined; limit: number }) {
      const before = q.cursor ? decodeCursor(q.cursor) : undefined;
      const userId = q.userId ? await repOf(tenant, caller, q.userId) : undefined;
      const rows = await tenant.practice.listSessions(caller.viewer, {
        limit: q.limit + 1,
        ...(userId ? { userId } : {}),
        ...(before ? { before: { startedAt: before.date, id: before.id } } : {}),
      });
      const page = pageOf(rows, q.limit, (r) => ({ at: r.startedAt, id: r.id }));
      const names = await memberNames(tenant);
      return { data: page.rows.map((r) => toSessionDto(r, names)), nextCursor: page.nextCursor };
    },

    get: async (tenant: TenantScope, caller: PracticeCaller, id: string) => detail(tenant, caller, await visibleSession(tenant, caller, id)),

    /**
     * Ends a live session from the dashboard (the rep's End button, or a manager closing one whose
     * stream never opened): scored like one the gateway ends. A session already over is returned as is.
     */
    async end(tenant: TenantScope, caller: PracticeCaller, id: string) {
      const session = await visibleSession(tenant, caller, id);
      // As the session's rep (with the caller's role): the activity it logs is the rep's.
      const viewer = { userId: session.userId, role: caller.viewer.role };
      const ended = await finishPracticeSession(tenant, viewer, id, { endReason: "rep_ended", endedAt: deps.now() });
      return detail(tenant, caller, found(ended, "Practice session"));
    },
  };
}
export type PracticeSessionsService = ReturnType<typeof createPracticeSessionsService>;
