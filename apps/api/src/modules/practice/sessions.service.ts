import type { TokenService } from "@orbis/auth";
import { AppError, createId, notFound } from "@orbis/contracts";
import { isManager, tenantScope, type Database, type PracticeSessionRow, type TenantScope } from "@orbis/db";
import type { RecordingStore } from "@orbis/recordings";
import { finishPracticeSession, MAX_LIVE_PHONE_CODES, PHONE_CODE_TTL_SEC, phoneCodeHasher, uniquePhoneCode } from "@orbis/practice";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import type { RecordingLinks } from "../calls/recording-links.ts";
import type { PracticeLibraryService } from "./library.service.ts";
import { practiceLineOf } from "./phone-line.service.ts";
import { assertMember, memberNames, repOf, type PracticeCaller } from "./practice-access.ts";
import { toSessionDetailDto, toSessionDto, type SessionContext } from "./practice.mappers.ts";

/** As the widget's and "Try this agent"'s tokens: the browser opens the stream right away. */
const VOICE_TOKEN_TTL_SEC = 300;

export interface PracticeSessionsDeps {
  tokens: TokenService;
  library: PracticeLibraryService;
  now: () => Date;
  /** JWT_SECRET: dial-in codes are stored as an HMAC under a key derived from it (the gateway checks them with the same). */
  codeSecret: string;
  /** Recordings as calls have them: the store the gateway wrote to, the api's signed links, their lifetime. */
  db: Database;
  recordings: RecordingStore;
  links: RecordingLinks;
  urlTtlSec: number;
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

  const hashCode = phoneCodeHasher(deps.codeSecret);

  /** Names of reps, and for sessions by phone the lines' numbers, to show with sessions. */
  async function contextOf(tenant: TenantScope, rows: readonly PracticeSessionRow[]): Promise<SessionContext> {
    const byPhone = rows.some((r) => r.phoneCodeExpiresAt !== null);
    const [names, numbers] = await Promise.all([memberNames(tenant), byPhone ? tenant.phoneNumbers.list() : []]);
    return { names, lines: new Map(numbers.map((n) => [n.id, n.number])), now: deps.now() };
  }

  async function detail(tenant: TenantScope, caller: PracticeCaller, row: PracticeSessionRow) {
    const [turns, ctx] = await Promise.all([tenant.practice.turns(caller.viewer, row.id), contextOf(tenant, [row])]);
    return toSessionDetailDto(row, turns, ctx);
  }

  /**
   * By phone: the practice line and a one-use code for it. The code is kept only as its hash; a
   * workspace has at most MAX_LIVE_PHONE_CODES usable at once (counted across reps, as the line sees them).
   */
  async function dialIn(tenant: TenantScope, caller: PracticeCaller, now: Date) {
    const line = await practiceLineOf(tenant);
    if (!line) throw new AppError("conflict", "This workspace has no practice line: an owner or admin chooses one of its phone numbers first");
    const live = await tenant.practice.livePhoneCodes({ userId: caller.viewer.userId, role: "admin" }, now);
    if (live.length >= MAX_LIVE_PHONE_CODES)
      throw new AppError("rate_limited", `${MAX_LIVE_PHONE_CODES} practice calls are already waiting for a rep to dial in: try again in a few minutes`);
    const { code, hash } = uniquePhoneCode((c) => hashCode(tenant.workspaceId, c), new Set(live));
    return { line, code, hash, expiresAt: new Date(now.getTime() + PHONE_CODE_TTL_SEC * 1000) };
  }

  return {
    async start(tenant: TenantScope, caller: PracticeCaller, input: { personaId: string; scenarioId: string; channel?: "web" | "phone" }) {
      assertMember(caller);
      const [persona, scenario] = await Promise.all([deps.library.persona(tenant, input.personaId), deps.library.scenario(tenant, input.scenarioId)]);
      const id = createId("practiceSession");
      const now = deps.now();
      const phone = input.channel === "phone" ? await dialIn(tenant, caller, now) : undefined;
      // Whether it is recorded and what a minute of it costs are decided now, once: changing either later
      // does not change this session.
      const [settings, price] = await Promise.all([tenant.practice.settings(), tenant.practice.priceAt(now)]);
      const row = await tenant.practice.insertSession(caller.viewer, {
        id,
        userId: caller.viewer.userId,
        personaId: persona.id,
        scenarioId: scenario.id,
        persona,
        scenario,
        status: "live",
        channel: phone ? phone.line.provider : "web",
        startedAt: now,
        recordAudio: settings.recordSessions,
        pricePerMinuteUsd: price?.pricePerMinuteUsd ?? null,
        ...(phone ? { phoneNumberId: phone.line.id, phoneCodeHash: phone.hash, phoneCodeExpiresAt: phone.expiresAt } : {}),
      });
      const session = toSessionDto(row, await contextOf(tenant, [row]));
      if (phone) {
        const expiresAt = phone.expiresAt.toISOString();
        return { session, expiresAt, phone: { number: phone.line.number, code: phone.code, expiresAt } };
      }
      const { token, expiresAt } = await deps.tokens.issueVoiceToken(
        { workspaceId: tenant.workspaceId, agentId: id, userId: caller.viewer.userId, practiceSessionId: id },
        VOICE_TOKEN_TTL_SEC,
      );
      return { session, token, expiresAt: expiresAt.toISOString() };
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
      const ctx = await contextOf(tenant, page.rows);
      return { data: page.rows.map((r) => toSessionDto(r, ctx)), nextCursor: page.nextCursor };
    },

    get: async (tenant: TenantScope, caller: PracticeCaller, id: string) => detail(tenant, caller, await visibleSession(tenant, caller, id)),

    /**
     * A short-lived URL of the session's recording, for the rep and owners and admins only (another rep:
     * 404, as the session): the object store's presigned GET when it has one, else a signed link to
     * this api (`origin` + `/v1/practice/recordings/download?token=…`). 404 when it has no recording.
     */
    async recordingUrl(tenant: TenantScope, caller: PracticeCaller, id: string, origin: string): Promise<{ url: string; expiresAt: string }> {
      const session = await visibleSession(tenant, caller, id);
      const location = found(session.recordingPath, "Recording");
      const direct = await deps.recordings.directUrl?.(location, deps.urlTtlSec);
      if (direct) return { url: direct, expiresAt: new Date(deps.now().getTime() + deps.urlTtlSec * 1000).toISOString() };
      const { token, expiresAt } = deps.links.sign({ workspaceId: tenant.workspaceId, callId: session.id }, deps.urlTtlSec);
      return { url: `${origin}/v1/practice/recordings/download?token=${token}`, expiresAt: expiresAt.toISOString() };
    },

    /** The recording a signed link names (a practice session's): its WAV body. Forged or gone: 404; expired: 403. */
    async signedRecording(token: string) {
      const claims = deps.links.verify(token);
      if (claims === "expired") throw new AppError("forbidden", "This recording link has expired; open the recording again");
      // The links are the calls' (one key): a call's link names a call, never a practice session.
      if (!claims || !claims.callId.startsWith("prs_")) throw notFound("Recording");
      const session = await tenantScope(deps.db, claims.workspaceId).practice.getSession({ userId: "", role: "admin" }, claims.callId);
      const recording = session?.recordingPath ? await deps.recordings.read(session.recordingPath) : undefined;
      return { ...found(recording, "Recording"), sessionId: claims.callId };
    },

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
