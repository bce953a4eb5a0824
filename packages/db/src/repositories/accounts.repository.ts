import { and, arrayContains, desc, eq, gt, isNotNull, isNull, lt, ne, or, sql } from "drizzle-orm";
import { createId } from "@orbis/contracts";
import type { Executor } from "../client.ts";
import { passwordResets, users, userSessions, userTwoFactor, workspaces } from "../schema.ts";
import { auditRepository, type AuditEntry } from "./audit.repository.ts";

export type UserSessionRow = typeof userSessions.$inferSelect;
export type TwoFactorRow = typeof userTwoFactor.$inferSelect;

/**
 * What belongs to a user rather than to a workspace: their dashboard sessions (across workspaces)
 * and their authenticator. System queries, like `systemRepository`; run them in one
 * `db.system.transaction` with `audit` to record a change in the same transaction.
 */
export function accountRepository(db: Executor) {
  const live = () => and(isNull(userSessions.revokedAt), gt(userSessions.expiresAt, sql`now()`));
  return {
    async insertSession(values: typeof userSessions.$inferInsert) {
      await db.insert(userSessions).values(values);
    },
    /** Forgets the user's sessions that ended (expired or revoked) before `before`. */
    async pruneSessions(userId: string, before: Date) {
      await db.delete(userSessions).where(and(eq(userSessions.userId, userId), or(lt(userSessions.expiresAt, before), lt(userSessions.revokedAt, before))));
    },
    /**
     * The session while it is live, marking it seen now: one statement answers "does this token
     * still work" and keeps `last_seen_at`.
     */
    async touchLiveSession(id: string): Promise<Pick<UserSessionRow, "userId" | "workspaceId"> | undefined> {
      const [row] = await db
        .update(userSessions)
        .set({ lastSeenAt: sql`now()` })
        .where(and(eq(userSessions.id, id), live()))
        .returning({ userId: userSessions.userId, workspaceId: userSessions.workspaceId });
      return row;
    },
    /** The user's live sessions, newest first, with the name of the workspace each is signed in to. */
    listLiveSessions(userId: string) {
      return db
        .select({
          id: userSessions.id,
          workspaceId: userSessions.workspaceId,
          workspaceName: workspaces.name,
          userAgent: userSessions.userAgent,
          ip: userSessions.ip,
          createdAt: userSessions.createdAt,
          lastSeenAt: userSessions.lastSeenAt,
          expiresAt: userSessions.expiresAt,
        })
        .from(userSessions)
        .innerJoin(workspaces, eq(workspaces.id, userSessions.workspaceId))
        .where(and(eq(userSessions.userId, userId), live()))
        .orderBy(desc(userSessions.createdAt), desc(userSessions.id));
    },
    /** Revokes one live session of the user; answers what it revoked (nothing for another user's id). */
    revokeSession(userId: string, id: string) {
      return db
        .update(userSessions)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(userSessions.id, id), eq(userSessions.userId, userId), live()))
        .returning({ id: userSessions.id, expiresAt: userSessions.expiresAt });
    },
    /** Revokes every live session of the user, in every workspace. */
    revokeAllSessions(userId: string) {
      return db
        .update(userSessions)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(userSessions.userId, userId), live()))
        .returning({ id: userSessions.id, expiresAt: userSessions.expiresAt });
    },

    /** Revokes every live session of the user but one (the session that changed the password). */
    revokeOtherSessions(userId: string, keepId: string) {
      return db
        .update(userSessions)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(userSessions.userId, userId), ne(userSessions.id, keepId), live()))
        .returning({ id: userSessions.id, expiresAt: userSessions.expiresAt });
    },

    async twoFactorOf(userId: string): Promise<TwoFactorRow | undefined> {
      const [row] = await db.select().from(userTwoFactor).where(eq(userTwoFactor.userId, userId));
      return row;
    },
    /** Starts (or restarts) an enrolment with a new secret; answers false when two-factor is already on. */
    async startTwoFactor(userId: string, secret: string): Promise<boolean> {
      const rows = await db
        .insert(userTwoFactor)
        .values({ userId, secret })
        .onConflictDoUpdate({
          target: userTwoFactor.userId,
          set: { secret, recoveryCodeHashes: [], lastUsedStep: null, updatedAt: sql`now()` },
          setWhere: isNull(userTwoFactor.enabledAt),
        })
        .returning({ userId: userTwoFactor.userId });
      return rows.length > 0;
    },
    /** Turns a pending enrolment on with its first code's step and the recovery codes' hashes. */
    async enableTwoFactor(userId: string, step: number, recoveryCodeHashes: string[]): Promise<boolean> {
      const rows = await db
        .update(userTwoFactor)
        .set({ enabledAt: sql`now()`, lastUsedStep: step, recoveryCodeHashes, updatedAt: sql`now()` })
        .where(and(eq(userTwoFactor.userId, userId), isNull(userTwoFactor.enabledAt)))
        .returning({ userId: userTwoFactor.userId });
      return rows.length > 0;
    },
    /** Records a code's time step as used; false when that step (or a later one) was used already. */
    async useTotpStep(userId: string, step: number): Promise<boolean> {
      const rows = await db
        .update(userTwoFactor)
        .set({ lastUsedStep: step, updatedAt: sql`now()` })
        .where(
          and(
            eq(userTwoFactor.userId, userId),
            isNotNull(userTwoFactor.enabledAt),
            or(isNull(userTwoFactor.lastUsedStep), lt(userTwoFactor.lastUsedStep, step)),
          ),
        )
        .returning({ userId: userTwoFactor.userId });
      return rows.length > 0;
    },
    /** Spends a recovery code: removes its hash; false when it is not (or no longer) one of the user's. */
    async useRecoveryCode(userId: string, hash: string): Promise<boolean> {
      const rows = await db
        .update(userTwoFactor)
        .set({ recoveryCodeHashes: sql`array_remove(${userTwoFactor.recoveryCodeHashes}, ${hash})`, updatedAt: sql`now()` })
        .where(and(eq(userTwoFactor.userId, userId), isNotNull(userTwoFactor.enabledAt), arrayContains(userTwoFactor.recoveryCodeHashes, [hash])))
        .returning({ userId: userTwoFactor.userId });
      return rows.length > 0;
    },
    async removeTwoFactor(userId: string) {
      await db.delete(userTwoFactor).where(eq(userTwoFactor.userId, userId));
    },

    async insertPasswordReset(values: typeof passwordResets.$inferInsert) {
      await db.insert(passwordResets).values(values);
    },
    /**
     * Spends a reset link: marks it used and answers its row when it was unused and unexpired;
     * one statement, so two requests with the same link cannot both succeed.
     */
    async usePasswordReset(tokenHash: string): Promise<typeof passwordResets.$inferSelect | undefined> {
      const [row] = await db
        .update(passwordResets)
        .set({ usedAt: sql`now()` })
        .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, sql`now()`)))
        .returning();
      return row;
    },
    /** Unused links of the user stop working (a newer link, or the password changed). */
    async cancelPasswordResets(userId: string) {
      await db
        .update(passwordResets)
        .set({ usedAt: sql`now()` })
        .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
    },
    async setPasswordHash(userId: string, passwordHash: string) {
      await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
    },

    /** An audit row of the workspace, written on this connection (inside the caller's transaction). */
    audit(workspaceId: string, entry: AuditEntry) {
      return auditRepository(
        (fn) => fn(db),
        workspaceId,
        () => createId("audit"),
      ).record(entry);
    },
  };
}
export type AccountRepository = ReturnType<typeof accountRepository>;
