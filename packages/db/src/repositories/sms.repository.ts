import { and, asc, desc, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { agents, phoneNumbers, smsMessages, smsOptOuts, workspaces } from "../schema.ts";
import type { PhoneNumberRow } from "./telephony.repository.ts";
import type { Run } from "./scope.ts";

export type SmsMessageRow = typeof smsMessages.$inferSelect;
export type NewSmsMessageRow = Omit<typeof smsMessages.$inferInsert, "status" | "attempts" | "claimedUntil" | "providerMessageId" | "error" | "sentAt">;

/** What the worker needs to write a workspace's text messages for an event (the relay's transaction). */
export interface SmsContext {
  workspace: { name: string; timezone: string; smsEnabled: boolean };
  numbers: PhoneNumberRow[];
  /** The booking's agent: its business config (templates, name) and language. */
  agent?: { business: unknown; language: string };
}

/**
 * Text messages to callers, tenant side: the workspace's log, the outcome of a send, and the callers
 * who answered STOP.
 */
export function smsRepository(run: Run, workspaceId: string) {
  const mine = eq(smsMessages.workspaceId, workspaceId);
  const one = (id: string) => and(mine, eq(smsMessages.id, id));
  const set = async (id: string, values: Partial<typeof smsMessages.$inferInsert>): Promise<SmsMessageRow | undefined> => {
    const [row] = await run((tx) => tx.update(smsMessages).set(values).where(one(id)).returning());
    return row;
  };
  return {
    /** Newest first; `before` pages on (created_at, id) of the last row seen. */
    list: (o: { limit?: number; before?: { createdAt: Date; id: string }; appointmentId?: string } = {}): Promise<SmsMessageRow[]> =>
      run((tx) =>
        tx
          .select()
          .from(smsMessages)
          .where(
            and(
              mine,
              o.appointmentId ? eq(smsMessages.appointmentId, o.appointmentId) : undefined,
              o.before
                ? or(lt(smsMessages.createdAt, o.before.createdAt), and(eq(smsMessages.createdAt, o.before.createdAt), lt(smsMessages.id, o.before.id)))
                : undefined,
            ),
          )
          .orderBy(desc(smsMessages.createdAt), desc(smsMessages.id))
          .limit(o.limit ?? 50),
      ),
    async get(id: string): Promise<SmsMessageRow | undefined> {
      const [row] = await run((tx) => tx.select().from(smsMessages).where(one(id)));
      return row;
    },
    markSent: (id: string, providerMessageId: string, sentAt: Date) => set(id, { status: "sent", providerMessageId, sentAt, claimedUntil: null, error: null }),
    /** Failed for good (invalid number, retries spent). */
    markFailed: (id: string, error: string) => set(id, { status: "failed", error: error.slice(0, 500), claimedUntil: null }),
    /** Not sent, on purpose (opted out, cancelled, sms switched off): `reason` says why. */
    markSkipped: (id: string, reason: string) => set(id, { status: "skipped", error: reason.slice(0, 500), claimedUntil: null }),
    /** A failure worth another try: stays queued, the claim released for the retry. */
    release: (id: string, error: string) => set(id, { error: error.slice(0, 500), claimedUntil: null }),
    async optOut(phone: string): Promise<void> {
      await run((tx) => tx.insert(smsOptOuts).values({ workspaceId, phone }).onConflictDoNothing());
    },
    /** True when the number had opted out. */
    async optIn(phone: string): Promise<boolean> {
      const rows = await run((tx) =>
        tx
          .delete(smsOptOuts)
          .where(and(eq(smsOptOuts.workspaceId, workspaceId), eq(smsOptOuts.phone, phone)))
          .returning({ phone: smsOptOuts.phone }),
      );
      return rows.length > 0;
    },
    async isOptedOut(phone: string): Promise<boolean> {
      const rows = await run((tx) =>
        tx
          .select({ phone: smsOptOuts.phone })
          .from(smsOptOuts)
          .where(and(eq(smsOptOuts.workspaceId, workspaceId), eq(smsOptOuts.phone, phone))),
      );
      return rows.length > 0;
    },
  };
}

/**
 * Text messages, worker side (system connection or the relay's transaction, all workspaces): the
 * fan-out's reads and inserts, the claim that lets one job send a message once, and the sweep.
 */
export function smsSystemRepository(db: Executor) {
  return {
    async context(workspaceId: string, agentId: string | null): Promise<SmsContext | undefined> {
      const [ws] = await db
        .select({ name: workspaces.name, timezone: workspaces.timezone, smsEnabled: workspaces.smsEnabled })
        .from(workspaces)
        .where(eq(workspaces.id, workspaceId));
      if (!ws) return undefined;
      const numbers = await db
        .select()
        .from(phoneNumbers)
        .where(eq(phoneNumbers.workspaceId, workspaceId))
        .orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.id));
      const [agent] = agentId
        ? await db
            .select({ business: agents.business, language: agents.language })
            .from(agents)
            .where(and(eq(agents.workspaceId, workspaceId), eq(agents.id, agentId)))
        : [];
      return { workspace: ws, numbers, ...(agent ? { agent } : {}) };
    },
    /** Whether the workspace has written to this number before (the first message carries the STOP notice). */
    async hasMessagedNumber(workspaceId: string, toNumber: string): Promise<boolean> {
      const rows = await db
        .select({ id: smsMessages.id })
        .from(smsMessages)
        .where(and(eq(smsMessages.workspaceId, workspaceId), eq(smsMessages.toNumber, toNumber)))
        .limit(1);
      return rows.length > 0;
    },
    /** Inserts the rows whose idempotency key is new; returns those inserted. */
    async insert(rows: NewSmsMessageRow[]): Promise<SmsMessageRow[]> {
      if (rows.length === 0) return [];
      return db.insert(smsMessages).values(rows).onConflictDoNothing({ target: smsMessages.idempotencyKey }).returning();
    },
    /**
     * Takes a queued message that is due by `dueBy` for `leaseMs` (attempts + 1), unless another run
     * holds it or it is done. The claim is what makes a job that runs twice send once.
     */
    async claim(id: string, now: Date, leaseMs: number, dueBy: Date = now): Promise<SmsMessageRow | undefined> {
      const [row] = await db
        .update(smsMessages)
        .set({ claimedUntil: new Date(now.getTime() + leaseMs), attempts: sql`${smsMessages.attempts} + 1` })
        .where(
          and(
            eq(smsMessages.id, id),
            eq(smsMessages.status, "queued"),
            lte(smsMessages.sendAt, dueBy),
            or(isNull(smsMessages.claimedUntil), lt(smsMessages.claimedUntil, now)),
          ),
        )
        .returning();
      return row;
    },
    /** Queued messages whose time has passed by `graceMs` and that nobody holds: their job was lost. */
    async overdue(now: Date, graceMs: number, limit = 200): Promise<Pick<SmsMessageRow, "id" | "workspaceId">[]> {
      return db
        .select({ id: smsMessages.id, workspaceId: smsMessages.workspaceId })
        .from(smsMessages)
        .where(
          and(
            eq(smsMessages.status, "queued"),
            lte(smsMessages.sendAt, new Date(now.getTime() - graceMs)),
            or(isNull(smsMessages.claimedUntil), lt(smsMessages.claimedUntil, now)),
          ),
        )
        .orderBy(asc(smsMessages.sendAt))
        .limit(limit);
    },
  };
}
export type SmsSystemRepository = ReturnType<typeof smsSystemRepository>;
