import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { callEvents, calls, phoneNumbers, workspaceCredentials } from "../schema.ts";
import type { Run } from "./scope.ts";

export type PhoneNumberRow = typeof phoneNumbers.$inferSelect;
export type CredentialRow = typeof workspaceCredentials.$inferSelect;
export type CallEventRow = typeof callEvents.$inferSelect;
/** The latest carrier webhook recorded for a call on a number (`lastEvents`). */
export interface NumberLastEvent {
  phoneNumberId: string;
  callId: string;
  at: Date;
  kind: string;
  status: string | null;
}

export function phoneNumbersRepository(run: Run, workspaceId: string) {
  const mine = eq(phoneNumbers.workspaceId, workspaceId);
  return {
    list: (): Promise<PhoneNumberRow[]> => run((tx) => tx.select().from(phoneNumbers).where(mine).orderBy(desc(phoneNumbers.createdAt), desc(phoneNumbers.id))),
    /**
     * Per number, the latest carrier event (`call_events`) of its calls (`calls.metadata.phoneNumberId`,
     * set when a carrier call is created) started since `since`. Numbers without one are absent. The
     * calls are found through the workspace's start-time index, so `since` bounds the scan.
     */
    lastEvents: (since: Date): Promise<NumberLastEvent[]> =>
      run((tx) =>
        tx
          .select({
            phoneNumberId: phoneNumbers.id,
            callId: sql<string>`e.call_id`,
            at: sql<Date>`e.occurred_at`,
            kind: sql<string>`e.kind`,
            status: sql<string | null>`e.status`,
          })
          .from(phoneNumbers)
          .innerJoin(
            sql`lateral (select ce.call_id, ce.occurred_at, ce.kind, ce.status from call_events ce
              join calls c on c.id = ce.call_id and c.workspace_id = ce.workspace_id
              where ce.workspace_id = "phone_numbers"."workspace_id" and c.started_at >= ${since}
                and c.metadata->>'phoneNumberId' = "phone_numbers"."id"
              order by ce.occurred_at desc, ce.id desc limit 1) as e`,
            sql`true`,
          )
          .where(mine),
      ).then((rows) => rows.map((r) => ({ ...r, at: new Date(r.at) }))),
    async get(id: string): Promise<PhoneNumberRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(phoneNumbers)
          .where(and(mine, eq(phoneNumbers.id, id))),
      );
      return row;
    },
    async insert(values: Omit<typeof phoneNumbers.$inferInsert, "workspaceId">): Promise<PhoneNumberRow> {
      const [row] = await run((tx) =>
        tx
          .insert(phoneNumbers)
          .values({ ...values, workspaceId })
          .returning(),
      );
      return row!;
    },
    async update(id: string, values: Partial<Omit<typeof phoneNumbers.$inferInsert, "workspaceId" | "id">>): Promise<PhoneNumberRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(phoneNumbers)
          .set({ ...values, updatedAt: new Date() })
          .where(and(mine, eq(phoneNumbers.id, id)))
          .returning(),
      );
      return row;
    },
    async remove(id: string): Promise<boolean> {
      const rows = await run((tx) =>
        tx
          .delete(phoneNumbers)
          .where(and(mine, eq(phoneNumbers.id, id)))
          .returning({ id: phoneNumbers.id }),
      );
      return rows.length > 0;
    },
  };
}

export function credentialsRepository(run: Run, workspaceId: string) {
  const mine = eq(workspaceCredentials.workspaceId, workspaceId);
  return {
    async get(provider: string): Promise<CredentialRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(workspaceCredentials)
          .where(and(mine, eq(workspaceCredentials.provider, provider))),
      );
      return row;
    },
    async put(provider: string, ciphertext: string, hints: Record<string, string>): Promise<CredentialRow> {
      const now = new Date();
      const [row] = await run((tx) =>
        tx
          .insert(workspaceCredentials)
          .values({ workspaceId, provider, ciphertext, hints })
          .onConflictDoUpdate({ target: [workspaceCredentials.workspaceId, workspaceCredentials.provider], set: { ciphertext, hints, updatedAt: now } })
          .returning(),
      );
      return row!;
    },
    /** Which providers have a key stored (values stay encrypted). */
    async providers(): Promise<string[]> {
      const rows = await run((tx) => tx.select({ p: workspaceCredentials.provider }).from(workspaceCredentials).where(mine));
      return rows.map((r) => r.p);
    },
    async remove(provider: string): Promise<boolean> {
      const rows = await run((tx) =>
        tx
          .delete(workspaceCredentials)
          .where(and(mine, eq(workspaceCredentials.provider, provider)))
          .returning({ p: workspaceCredentials.provider }),
      );
      return rows.length > 0;
    },
  };
}

export function callEventsRepository(run: Run, workspaceId: string) {
  return {
    /** Records a carrier event once; a retried delivery (same provider event id) answers false. */
    async record(values: Omit<typeof callEvents.$inferInsert, "workspaceId">): Promise<boolean> {
      const rows = await run((tx) =>
        tx
          .insert(callEvents)
          .values({ ...values, workspaceId })
          .onConflictDoNothing()
          .returning({ id: callEvents.id }),
      );
      return rows.length > 0;
    },
    list: (callId: string): Promise<CallEventRow[]> =>
      run((tx) =>
        tx
          .select()
          .from(callEvents)
          .where(and(eq(callEvents.workspaceId, workspaceId), eq(callEvents.callId, callId)))
          .orderBy(asc(callEvents.occurredAt), asc(callEvents.createdAt)),
      ),
    /** The workspace's call for a carrier call id (Twilio CallSid, Telnyx call_control_id). */
    async findCall(channel: "twilio" | "telnyx", providerCallId: string) {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(calls)
          .where(and(eq(calls.workspaceId, workspaceId), eq(calls.channel, channel), eq(calls.providerCallId, providerCallId)))
          .orderBy(desc(calls.startedAt))
          .limit(1),
      );
      return row;
    },
  };
}

/** An inbound call names only the dialled number: the one cross-tenant lookup, answering its workspace. */
export async function findPhoneNumberByE164(db: Executor, number: string): Promise<PhoneNumberRow | undefined> {
  const [row] = await db.select().from(phoneNumbers).where(eq(phoneNumbers.number, number));
  return row;
}
