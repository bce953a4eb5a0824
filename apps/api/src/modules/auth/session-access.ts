import type { Cache } from "@orbis/cache";
import type { Role } from "@orbis/contracts";
import { systemRepository, type Database } from "@orbis/db";

/** What a session may do in its workspace right now. */
export type SessionAccess = { state: "member"; role: Role } | { state: "blocked" } | { state: "not_member" } | { state: "revoked" };

const ACCESS_TTL_SEC = 30;
const accessKey = (workspaceId: string, userId: string) => `session:access:${workspaceId}:${userId}`;
const revokedKey = (jti: string) => `session:revoked:${jti}`;

/**
 * Checks every session request against its user's current membership without a database query on
 * the hot path: the answer lives in the shared cache (one round trip, together with the logout
 * check). Changes made through the platform (role change, block, removal, a user blocked by an
 * operator) rewrite the entry after they commit, so they apply to the next request in every
 * process. Entries expire after 30 s, which bounds what an edit made outside the platform (raw SQL)
 * or two racing edits of the same member can leave stale.
 */
export function createSessionAccess(db: Database, cache: Cache) {
  const system = systemRepository(db.system);

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

  return {
    async check(session: { workspaceId: string; userId: string; jti: string }): Promise<SessionAccess> {
      const [revoked, cached] = await cache.getMany([revokedKey(session.jti), accessKey(session.workspaceId, session.userId)]);
      if (revoked) return { state: "revoked" };
      const known = parse(cached);
      if (known) return known;
      const access = await fromDatabase(session.workspaceId, session.userId);
      // Only into an empty slot: a change that committed after this read has already written its own answer.
      await cache.setIfAbsent(accessKey(session.workspaceId, session.userId), JSON.stringify(access), ACCESS_TTL_SEC);
      return access;
    },

    async revoke(jti: string, expiresAt: Date) {
      const ttl = Math.max(1, Math.ceil((expiresAt.getTime() - Date.now()) / 1000));
      await cache.set(revokedKey(jti), "1", ttl);
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
