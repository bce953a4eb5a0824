import { and, eq, isNull, lt, sql } from "drizzle-orm";
import type { EventPayload, EventType } from "@orbis/contracts";
import type { Executor } from "../client.ts";
import { apiKeys, calls, invitations, memberships, users, workspaces } from "../schema.ts";
import { eventsRepository, recordEventOn } from "./events.repository.ts";

export type UserRow = typeof users.$inferSelect;

/**
 * The only cross-tenant queries: resolving who is calling (login, token, API key, invitation token)
 * and housekeeping. Everything else goes through a workspace scope.
 */
export function systemRepository(db: Executor) {
  return {
    async findUserByEmail(email: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.email, email));
      return row;
    },
    async findUserById(id: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id));
      return row;
    },
    async insertUser(values: typeof users.$inferInsert): Promise<UserRow> {
      const [row] = await db.insert(users).values(values).returning();
      return row!;
    },
    async setUserStatus(id: string, status: "active" | "blocked") {
      await db.update(users).set({ status }).where(eq(users.id, id));
    },
    async insertWorkspace(values: typeof workspaces.$inferInsert) {
      const [row] = await db.insert(workspaces).values(values).returning();
      return row!;
    },
    /** Signup only: the first owner, in the same system transaction as the workspace. */
    async insertMembership(values: typeof memberships.$inferInsert) {
      await db.insert(memberships).values(values);
    },
    /** A domain event of the workspace, on this connection (signup: in its system transaction). */
    recordEvent<T extends EventType>(workspaceId: string, type: T, payload: EventPayload<T>): Promise<string> {
      return recordEventOn(db, workspaceId, type, payload);
    },
    async findWorkspaceBySlug(slug: string) {
      const [row] = await db.select().from(workspaces).where(eq(workspaces.slug, slug));
      return row;
    },
    /** The user's memberships, oldest first: login picks the first unless told otherwise. */
    membershipsOf(userId: string) {
      return db
        .select({ workspaceId: memberships.workspaceId, role: memberships.role, status: memberships.status })
        .from(memberships)
        .where(eq(memberships.userId, userId))
        .orderBy(memberships.createdAt);
    },
    /** One query per request: the user's own status, their membership and the workspace. */
    async resolveSession(userId: string, workspaceId: string) {
      const [row] = await db
        .select({
          userStatus: users.status,
          membershipStatus: memberships.status,
          role: memberships.role,
        })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.userId, userId), eq(memberships.workspaceId, workspaceId)));
      return row;
    },
    async findActiveApiKeyByHash(keyHash: string) {
      const [row] = await db
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
      return row;
    },
    async touchApiKey(id: string) {
      await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, id));
    },
    async findInvitationByTokenHash(tokenHash: string) {
      const [row] = await db.select().from(invitations).where(eq(invitations.tokenHash, tokenHash));
      return row;
    },
    /**
     * Calls left open by a gateway that stopped heart-beating before `staleBefore`. Each ends at its last
     * sign of life — its last heartbeat or the end of its last turn, whichever is later (its start only
     * when it had neither) — and its duration runs to there.
     */
    async closeAbandonedCalls(staleBefore: Date): Promise<number> {
      // Correlated subquery: drizzle leaves single-table columns unqualified, so the outer table is named.
      const lastTurn = sql`(select max(t.ended_at) from call_turns t where t.call_id = "calls"."id")`;
      // greatest() skips nulls: a call with no heartbeat and no turn ends at its start.
      const lastSign = sql`greatest(${calls.startedAt}, ${calls.heartbeatAt}, ${lastTurn})`;
      // Each closed call's `call.ended` (and the workspace's `user.activated`, when this was its first
      // real call) is written in the same transaction as the close.
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(calls)
          .set({
            status: "failed",
            endReason: "gateway_lost",
            endedAt: lastSign,
            durationSec: sql`greatest(0, round(extract(epoch from ${lastSign} - ${calls.startedAt})))::int`,
          })
          .where(and(isNull(calls.endedAt), lt(sql`coalesce(${calls.heartbeatAt}, ${calls.startedAt})`, staleBefore), lt(lastSign, staleBefore)))
          .returning();
        for (const call of rows) {
          await recordEventOn(tx, call.workspaceId, "call.ended", {
            callId: call.id,
            agentId: call.agentId,
            channel: call.channel,
            status: call.status,
            durationSec: call.durationSec,
            endReason: call.endReason,
            outcome: (call.outcome as EventPayload<"call.ended">["outcome"]) ?? null,
            summary: call.summary,
            endedAt: (call.endedAt ?? new Date()).toISOString(),
          });
          if ((call.metadata as { test?: unknown }).test !== true && call.answeredAt) {
            await eventsRepository((fn) => fn(tx), call.workspaceId).recordOnce("user.activated", {
              workspaceId: call.workspaceId,
              callId: call.id,
              channel: call.channel,
            });
          }
        }
        return rows.length;
      });
    },
  };
}
export type SystemRepository = ReturnType<typeof systemRepository>;
