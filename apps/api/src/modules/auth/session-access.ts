import type { Cache } from "@orbis/cache";
import type { Role } from "@orbis/contracts";
import { accountRepository, systemRepository, type Database } from "@orbis/db";

/** What a session may do in its workspace right now. */
export type SessionAccess = { state: "member"; role: Role } | { state: "blocked" } | { state: "not_member" } | { state: "revoked" };

const ACCESS_TTL_SEC = 30;
const accessKey = (workspaceId: string, userId: string) => `session:access:${workspaceId}:${userId}`;
/** `live` (for 30 s) or `revoked` (until the token expires): the cached answer of the session's row. */
const stateKey = (jti: string) => `session:state:${jti}`;
const secondsUntil = (at: Date) => Math.max(1, Math.ceil((at.getTime() - Date.now()) / 1000));

/**
 * Checks every session request against its session row (`user_sessions`: not revoked, not expired)
 * and its user's current membership, without a database query on the hot path: both answers live in
 * the shared cache (one round trip). The database is the record: a cache that forgot (a restart
 * without Redis, an expired entry) is refilled from it, so a revoked session stays revoked. A miss
 * on the session answer reads the row and marks it seen (`last_seen_at`) in one statement.
 *
 * Changes made through the platform (logout, sign-out-everywhere, role change, block, removal, a
 * user blocked by an operator) rewrite the entries after they commit, so they apply to the next
 * request in every process. Entries expire after 30 s, which bounds what an edit made outside the
 * platform (raw SQL) or two racing edits of the same member can leave stale.
 */
export function createSessionAccess(db: Database, cache: Cache) {
  const system = systemRepository(db.system);
  const accounts = accountRepository(db.system);

  async function fromDatabase(workspaceId: string, userId: string): Promise<SessionAccess> {
    const row = await system.resolveSession(userId, workspaceId);
    if (!row) return { state: "not_member" };
    if (row.userStatus === "blocked" || row.membershipStatus === "blocked") return { state: "blocked" };
    return { state: "member", role: row.role };
  }

  function parse(raw: string | null | undefined): SessionAccess | undefined {
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as SessionAccess;
    } catch {
      return undefined;
    }
  }

  /** Re-reads one membership and publishes it; call after the change committed. */
  async function refresh(workspaceId: string, userId: string) {
    await cache.set(accessKey(workspaceId, userId), JSON.stringify(await fromDatabase(workspaceId, userId)), ACCESS_TTL_SEC);
  }

  async function sessionIsLive(session: { workspaceId: string; userId: string; jti: string; expiresAt: Date }) {
    const row = await accounts.touchLiveSession(session.jti);
    const live = !!row && row.userId === session.userId && row.workspaceId === session.workspaceId;
    // Only into an empty slot: a revocation that committed after this read has already written its own answer.
    if (live) await cache.setIfAbsent(stateKey(session.jti), "live", ACCESS_TTL_SEC);
    else await cache.set(stateKey(session.jti), "revoked", secondsUntil(session.expiresAt));
    return live;
  }

  return {
    async check(session: { workspaceId: string; userId: string; jti: string; expiresAt: Date }): Promise<SessionAccess> {
      const [state, cached] = await cache.getMany([stateKey(session.jti), accessKey(session.workspaceId, session.userId)]);
      if (state === "revoked") return { state: "revoked" };
      if (state !== "live" && !(await sessionIsLive(session))) return { state: "revoked" };
      const known = parse(cached);
      if (known) return known;
      const access = await fromDatabase(session.workspaceId, session.userId);
      // Only into an empty slot: a change that committed after this read has already written its own answer.
      await cache.setIfAbsent(accessKey(session.workspaceId, session.userId), JSON.stringify(access), ACCESS_TTL_SEC);
      return access;
    },

    /** Sessions whose rows were just revoked (committed): every process refuses them from the next request. */
    async sessionsRevoked(sessions: readonly { id: string; expiresAt: Date }[]) {
      await Promise.all(sessions.map((s) => cache.set(stateKey(s.id), "revoked", secondsUntil(s.expiresAt))));
    },

    memberChanged: refresh,

    /** An operator blocks or unblocks a user everywhere: every workspace they belong to sees it at once. */
    async setUserStatus(userId: string, status: "active" | "blocked") {
      await system.setUserStatus(userId, status);
      const memberships = await system.membershipsOf(userId);
      await Promise.all(memberships.map((m) => refresh(m.workspaceId, userId)));
    },
  };
}
export type SessionAccessService = ReturnType<typeof createSessionAccess>;
