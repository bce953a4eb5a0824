import { and, count, desc, eq, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { appointments, calls, emails, memberships, messages, users, workspaces } from "../schema.ts";
import type { Run } from "./scope.ts";

export type EmailRow = typeof emails.$inferSelect;
export type NewEmailRow = typeof emails.$inferInsert;

/** The dev outbox, tenant side: the workspace's emails, newest first (RLS keeps other workspaces' out). */
export function emailsRepository(run: Run, workspaceId: string) {
  return {
    list: (limit = 100): Promise<EmailRow[]> =>
      run((tx) => tx.select().from(emails).where(eq(emails.workspaceId, workspaceId)).orderBy(desc(emails.createdAt), desc(emails.id)).limit(limit)),
    get: async (id: string): Promise<EmailRow | undefined> => {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(emails)
          .where(and(eq(emails.workspaceId, workspaceId), eq(emails.id, id))),
      );
      return row;
    },
  };
}

/**
 * Emails, system side (the email service and the worker, across workspaces, and a user's own mail
 * that belongs to no workspace). `insert` is idempotent on the idempotency key; `claim` takes a row
 * for one sender at a time (`claimed_until` is a lease, so a sender that died gives it back).
 */
export function emailStore(db: Executor) {
  return {
    /** Inserts the email unless one with its idempotency key exists; answers the id of the row that holds the key. */
    async insert(values: NewEmailRow): Promise<{ id: string; created: boolean }> {
      const [row] = await db.insert(emails).values(values).onConflictDoNothing({ target: emails.idempotencyKey }).returning({ id: emails.id });
      if (row) return { id: row.id, created: true };
      const [existing] = await db.select({ id: emails.id }).from(emails).where(eq(emails.idempotencyKey, values.idempotencyKey));
      return { id: existing!.id, created: false };
    },
    async get(id: string): Promise<EmailRow | undefined> {
      const [row] = await db.select().from(emails).where(eq(emails.id, id));
      return row;
    },
    /** Takes a queued row for `leaseSec` (nobody else holds it, it was not sent); undefined otherwise. Counts the attempt. */
    async claim(id: string, leaseSec: number): Promise<EmailRow | undefined> {
      const [row] = await db
        .update(emails)
        .set({ claimedUntil: sql`now() + make_interval(secs => ${leaseSec})`, attempts: sql`${emails.attempts} + 1` })
        .where(and(eq(emails.id, id), eq(emails.status, "queued"), or(isNull(emails.claimedUntil), lt(emails.claimedUntil, sql`now()`))))
        .returning();
      return row;
    },
    async markSent(id: string, status: "sent" | "outbox", messageId: string) {
      await db
        .update(emails)
        .set({ status, messageId, sentAt: sql`now()`, claimedUntil: null, error: null })
        .where(eq(emails.id, id));
    },
    /** A failed attempt: the row goes back to the queue for the next retry, or to `failed` after the last. */
    async markFailed(id: string, error: string, final: boolean) {
      await db
        .update(emails)
        .set({ error: error.slice(0, 1000), claimedUntil: null, ...(final ? { status: "failed" as const } : {}) })
        .where(and(eq(emails.id, id), eq(emails.status, "queued")));
    },
    /** A user's own mail (no workspace), newest first: the dev outbox shows it to them. */
    listOfUser(userId: string, limit = 50): Promise<EmailRow[]> {
      return db
        .select()
        .from(emails)
        .where(and(eq(emails.userId, userId), isNull(emails.workspaceId)))
        .orderBy(desc(emails.createdAt), desc(emails.id))
        .limit(limit);
    },
    /** Queued rows never attempted and older than `olderThanSec`: their job was lost between commit and enqueue. */
    async unattempted(olderThanSec: number, limit = 500): Promise<string[]> {
      const rows = await db
        .select({ id: emails.id })
        .from(emails)
        .where(and(eq(emails.status, "queued"), eq(emails.attempts, 0), lt(emails.createdAt, sql`now() - make_interval(secs => ${olderThanSec})`)))
        .orderBy(emails.createdAt)
        .limit(limit);
      return rows.map((r) => r.id);
    },
  };
}
export type EmailStore = ReturnType<typeof emailStore>;

/** Who may receive a workspace's mail: its active members (active users), with their preferences. */
export interface EmailRecipientRow {
  userId: string;
  email: string;
  name: string;
  role: "owner" | "admin" | "staff" | "viewer";
  notificationPrefs: unknown;
}

/** What the worker reads to address and word a workspace's emails (system connection). */
export function emailAudience(db: Executor) {
  return {
    async workspace(workspaceId: string): Promise<{ id: string; name: string; timezone: string } | undefined> {
      const [row] = await db
        .select({ id: workspaces.id, name: workspaces.name, timezone: workspaces.timezone })
        .from(workspaces)
        .where(eq(workspaces.id, workspaceId));
      return row;
    },
    recipients(workspaceId: string, roles?: EmailRecipientRow["role"][]): Promise<EmailRecipientRow[]> {
      return db
        .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, notificationPrefs: users.notificationPrefs })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(
          and(
            eq(memberships.workspaceId, workspaceId),
            eq(memberships.status, "active"),
            eq(users.status, "active"),
            roles ? inArray(memberships.role, roles) : undefined,
          ),
        )
        .orderBy(memberships.createdAt);
    },
    /** Per workspace with any activity in [from, to): calls started, appointments booked, messages taken. */
    async activity(from: Date, to: Date): Promise<{ workspaceId: string; calls: number; bookings: number; messages: number }[]> {
      const [c, a, m] = await Promise.all([
        db
          .select({ workspaceId: calls.workspaceId, n: count() })
          .from(calls)
          .where(and(gte(calls.startedAt, from), lt(calls.startedAt, to)))
          .groupBy(calls.workspaceId),
        db
          .select({ workspaceId: appointments.workspaceId, n: count() })
          .from(appointments)
          .where(and(gte(appointments.createdAt, from), lt(appointments.createdAt, to)))
          .groupBy(appointments.workspaceId),
        db
          .select({ workspaceId: messages.workspaceId, n: count() })
          .from(messages)
          .where(and(gte(messages.createdAt, from), lt(messages.createdAt, to)))
          .groupBy(messages.workspaceId),
      ]);
      const by = new Map<string, { workspaceId: string; calls: number; bookings: number; messages: number }>();
      const at = (id: string) => by.get(id) ?? by.set(id, { workspaceId: id, calls: 0, bookings: 0, messages: 0 }).get(id)!;
      for (const r of c) at(r.workspaceId).calls = Number(r.n);
      for (const r of a) at(r.workspaceId).bookings = Number(r.n);
      for (const r of m) at(r.workspaceId).messages = Number(r.n);
      return [...by.values()];
    },
  };
}
