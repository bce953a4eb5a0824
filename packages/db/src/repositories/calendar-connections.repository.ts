import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { calendarConnections, calendarEventLinks } from "../schema.ts";
import type { Run } from "./scope.ts";

export type { CalendarChoice } from "../schema.ts";
export type CalendarConnectionRow = typeof calendarConnections.$inferSelect;
export type NewCalendarConnectionRow = Omit<typeof calendarConnections.$inferInsert, "workspaceId">;
export type CalendarConnectionPatch = Partial<
  Pick<
    CalendarConnectionRow,
    "tokens" | "accessExpiresAt" | "calendars" | "bookingCalendarId" | "staffId" | "status" | "lastError" | "lastSyncedAt" | "accountEmail"
  >
>;
export type CalendarEventLinkRow = typeof calendarEventLinks.$inferSelect;
export type CalendarEventLinkPatch = Partial<Pick<CalendarEventLinkRow, "status" | "calendarId" | "externalEventId" | "lastError" | "claimedUntil">>;

/** The workspace's calendar connections and the events our appointments have in them (docs/calendars.md). */
export function calendarConnectionsRepository(run: Run, workspaceId: string) {
  const mine = (id: string) => and(eq(calendarConnections.workspaceId, workspaceId), eq(calendarConnections.id, id));
  return {
    async list(): Promise<CalendarConnectionRow[]> {
      return run((tx) =>
        tx
          .select()
          .from(calendarConnections)
          .where(eq(calendarConnections.workspaceId, workspaceId))
          .orderBy(asc(calendarConnections.createdAt), asc(calendarConnections.id)),
      );
    },
    async get(id: string): Promise<CalendarConnectionRow | undefined> {
      const [row] = await run((tx) => tx.select().from(calendarConnections).where(mine(id)));
      return row;
    },
    async insert(row: NewCalendarConnectionRow): Promise<CalendarConnectionRow> {
      const [inserted] = await run((tx) =>
        tx
          .insert(calendarConnections)
          .values({ ...row, workspaceId })
          .returning(),
      );
      return inserted!;
    },
    async update(id: string, patch: CalendarConnectionPatch): Promise<CalendarConnectionRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(calendarConnections)
          .set({ ...patch, updatedAt: new Date() })
          .where(mine(id))
          .returning(),
      );
      return row;
    },
    async delete(id: string): Promise<boolean> {
      const rows = await run((tx) => tx.delete(calendarConnections).where(mine(id)).returning({ id: calendarConnections.id }));
      return rows.length > 0;
    },
    /** The links of one appointment (one per connection it was written to). */
    async linksOf(appointmentId: string): Promise<CalendarEventLinkRow[]> {
      return run((tx) =>
        tx
          .select()
          .from(calendarEventLinks)
          .where(and(eq(calendarEventLinks.workspaceId, workspaceId), eq(calendarEventLinks.appointmentId, appointmentId))),
      );
    },
    async updateLink(id: string, patch: CalendarEventLinkPatch): Promise<void> {
      await run((tx) =>
        tx
          .update(calendarEventLinks)
          .set({ ...patch, updatedAt: new Date() })
          .where(and(eq(calendarEventLinks.workspaceId, workspaceId), eq(calendarEventLinks.id, id))),
      );
    },
  };
}

/** Calendar sync outside a workspace's scope: the relay's fan-out, the job's claim, the sweep. */
export function calendarSyncSystemRepository(db: Executor) {
  return {
    async connectionsOf(workspaceId: string): Promise<CalendarConnectionRow[]> {
      return db.select().from(calendarConnections).where(eq(calendarConnections.workspaceId, workspaceId));
    },
    async linksOf(workspaceId: string, appointmentId: string): Promise<CalendarEventLinkRow[]> {
      return db
        .select()
        .from(calendarEventLinks)
        .where(and(eq(calendarEventLinks.workspaceId, workspaceId), eq(calendarEventLinks.appointmentId, appointmentId)));
    },
    /** New links for (appointment, connection) pairs, existing ones set back to pending; returns all of them. */
    async markPending(rows: { id: string; workspaceId: string; appointmentId: string; connectionId: string }[]): Promise<CalendarEventLinkRow[]> {
      if (rows.length === 0) return [];
      return db
        .insert(calendarEventLinks)
        .values(rows.map((r) => ({ ...r, status: "pending" as const })))
        .onConflictDoUpdate({
          target: [calendarEventLinks.appointmentId, calendarEventLinks.connectionId],
          set: { status: "pending", attempts: 0, lastError: null, updatedAt: new Date() },
        })
        .returning();
    },
    /** Takes a pending link for `leaseMs` (attempts + 1) unless another run holds it: a job that runs twice acts once. */
    async claim(id: string, now: Date, leaseMs: number): Promise<CalendarEventLinkRow | undefined> {
      const [row] = await db
        .update(calendarEventLinks)
        .set({ claimedUntil: new Date(now.getTime() + leaseMs), attempts: sql`${calendarEventLinks.attempts} + 1` })
        .where(
          and(
            eq(calendarEventLinks.id, id),
            eq(calendarEventLinks.status, "pending"),
            or(isNull(calendarEventLinks.claimedUntil), lt(calendarEventLinks.claimedUntil, now)),
          ),
        )
        .returning();
      return row;
    },
    /** Pending links untouched for `graceMs` and held by no one: their job was lost. */
    async stranded(now: Date, graceMs: number, limit = 200): Promise<Pick<CalendarEventLinkRow, "id">[]> {
      return db
        .select({ id: calendarEventLinks.id })
        .from(calendarEventLinks)
        .where(
          and(
            inArray(calendarEventLinks.status, ["pending"]),
            lte(calendarEventLinks.updatedAt, new Date(now.getTime() - graceMs)),
            or(isNull(calendarEventLinks.claimedUntil), lt(calendarEventLinks.claimedUntil, now)),
          ),
        )
        .limit(limit);
    },
  };
}
