import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { emailVerifications, users } from "../schema.ts";

export type EmailVerificationRow = typeof emailVerifications.$inferSelect;

/**
 * A user's address and mail settings (per user, never tenant data: system connection, like
 * `accountRepository`): email verification links and notification preferences.
 */
export function userEmailRepository(db: Executor) {
  return {
    async insertVerification(values: typeof emailVerifications.$inferInsert) {
      await db.insert(emailVerifications).values(values);
    },
    /** Unused links of the user stop working (a newer one was sent, or the address was verified). */
    async cancelVerifications(userId: string) {
      await db
        .update(emailVerifications)
        .set({ usedAt: sql`now()` })
        .where(and(eq(emailVerifications.userId, userId), isNull(emailVerifications.usedAt)));
    },
    /** Spends a verification link (one statement: two requests cannot both succeed); its row when it was unused and unexpired. */
    async useVerification(tokenHash: string): Promise<EmailVerificationRow | undefined> {
      const [row] = await db
        .update(emailVerifications)
        .set({ usedAt: sql`now()` })
        .where(and(eq(emailVerifications.tokenHash, tokenHash), isNull(emailVerifications.usedAt), gt(emailVerifications.expiresAt, sql`now()`)))
        .returning();
      return row;
    },
    /** Marks the address verified when it is still the user's address; answers whether it did. */
    async markVerified(userId: string, email: string): Promise<boolean> {
      const rows = await db
        .update(users)
        .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())` })
        .where(and(eq(users.id, userId), eq(users.email, email)))
        .returning({ id: users.id });
      return rows.length > 0;
    },
    async notificationPrefs(userId: string): Promise<unknown> {
      const [row] = await db.select({ prefs: users.notificationPrefs }).from(users).where(eq(users.id, userId));
      return row?.prefs;
    },
    /** Merges `patch` into the stored preferences (other keys kept). */
    async updateNotificationPrefs(userId: string, patch: Record<string, boolean>): Promise<unknown> {
      const [row] = await db
        .update(users)
        .set({ notificationPrefs: sql`${users.notificationPrefs} || ${JSON.stringify(patch)}::jsonb` })
        .where(eq(users.id, userId))
        .returning({ prefs: users.notificationPrefs });
      return row?.prefs;
    },
  };
}
export type UserEmailRepository = ReturnType<typeof userEmailRepository>;
