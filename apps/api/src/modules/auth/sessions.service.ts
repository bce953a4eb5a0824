import type { TokenService } from "@orbis/auth";
import type { UserSessionDto } from "@orbis/contracts";
import { accountRepository, type Database } from "@orbis/db";
import type { Client } from "../../lib/client.ts";
import { found } from "../../lib/found.ts";
import type { SessionAccessService } from "./session-access.ts";

/** Rows of sessions that ended (expired or revoked) are kept this long, then dropped at the user's next sign-in. */
const ENDED_KEPT_MS = 30 * 24 * 3600 * 1000;

/**
 * Dashboard sessions as rows (`user_sessions`): issued with their token, listed, revoked one by one
 * or all at once. A revocation commits in the database first, then tells the cache, so it holds
 * across restarts with or without Redis.
 */
export function createSessionsService(db: Database, tokens: TokenService, access: SessionAccessService) {
  const accounts = accountRepository(db.system);

  return {
    async issue(userId: string, workspaceId: string, client: Client) {
      const session = await tokens.issueSession(userId, workspaceId);
      await accounts.insertSession({ id: session.jti, userId, workspaceId, userAgent: client.userAgent, ip: client.ip, expiresAt: session.expiresAt });
      await accounts.pruneSessions(userId, new Date(Date.now() - ENDED_KEPT_MS));
      return session;
    },

    async list(userId: string, currentId: string): Promise<UserSessionDto[]> {
      return (await accounts.listLiveSessions(userId)).map((s) => ({
        id: s.id,
        workspaceId: s.workspaceId,
        workspaceName: s.workspaceName,
        userAgent: s.userAgent,
        ip: s.ip,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        current: s.id === currentId,
      }));
    },

    /** Ends one of the user's sessions (404 for an id that is not a live session of theirs). */
    async revoke(userId: string, sessionId: string) {
      const revoked = await accounts.revokeSession(userId, sessionId);
      found(revoked[0], "Session");
      await access.sessionsRevoked(revoked);
    },

    /** Sign-out-everywhere: every live session of the user, in every workspace, audited in the same transaction. */
    async revokeAll(actor: { userId: string; workspaceId: string; ip: string }) {
      const revoked = await db.system.transaction(async (tx) => {
        const a = accountRepository(tx);
        const rows = await a.revokeAllSessions(actor.userId);
        await a.audit(actor.workspaceId, {
          action: "auth.sessions_revoked",
          actorUserId: actor.userId,
          targetType: "user",
          targetId: actor.userId,
          ip: actor.ip,
          metadata: { sessions: rows.length },
        });
        return rows;
      });
      await access.sessionsRevoked(revoked);
      return revoked.length;
    },
  };
}
export type SessionsService = ReturnType<typeof createSessionsService>;
