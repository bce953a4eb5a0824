import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { campaignContacts, campaigns, doNotCall, smsOptOuts } from "../schema.ts";
import type { Run } from "./scope.ts";

export type CampaignRow = typeof campaigns.$inferSelect;
export type NewCampaignRow = Omit<typeof campaigns.$inferInsert, "workspaceId">;
export type CampaignPatch = Partial<Omit<NewCampaignRow, "id" | "createdAt" | "type">>;
export type CampaignContactRow = typeof campaignContacts.$inferSelect;
export type NewCampaignContactRow = Omit<typeof campaignContacts.$inferInsert, "workspaceId">;
export type CampaignContactPatch = Partial<
  Pick<CampaignContactRow, "status" | "outcome" | "attempts" | "nextAttemptAt" | "lastAttemptAt" | "lastCallId" | "consent">
>;
export type DoNotCallRow = typeof doNotCall.$inferSelect;
type Keyset = { createdAt: Date; id: string };

/** A workspace's outbound campaigns and their contacts (docs/campaigns.md). */
export function campaignsRepository(run: Run, workspaceId: string) {
  const mine = (id: string) => and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.id, id));
  const contactsOf = (campaignId: string) => and(eq(campaignContacts.workspaceId, workspaceId), eq(campaignContacts.campaignId, campaignId));
  return {
    async insert(row: NewCampaignRow): Promise<CampaignRow> {
      const [inserted] = await run((tx) =>
        tx
          .insert(campaigns)
          .values({ ...row, workspaceId })
          .returning(),
      );
      return inserted!;
    },
    async get(id: string): Promise<CampaignRow | undefined> {
      const [row] = await run((tx) => tx.select().from(campaigns).where(mine(id)));
      return row;
    },
    /** The campaign locked for this transaction (the scheduler's pass over it); undefined when another pass holds it. */
    async lockForPass(id: string): Promise<CampaignRow | undefined> {
      const [row] = await run((tx) => tx.select().from(campaigns).where(mine(id)).for("update", { skipLocked: true }));
      return row;
    },
    /** Newest first. */
    list(q: { limit: number; status?: CampaignRow["status"]; after?: Keyset }): Promise<CampaignRow[]> {
      const page = q.after
        ? or(lt(campaigns.createdAt, q.after.createdAt), and(eq(campaigns.createdAt, q.after.createdAt), lt(campaigns.id, q.after.id)))
        : undefined;
      return run((tx) =>
        tx
          .select()
          .from(campaigns)
          .where(and(eq(campaigns.workspaceId, workspaceId), q.status ? eq(campaigns.status, q.status) : undefined, page))
          .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
          .limit(q.limit),
      );
    },
    /** `onlyFrom`: the change applies only while the campaign is in one of these statuses (a state transition). */
    async update(id: string, patch: CampaignPatch, onlyFrom?: CampaignRow["status"][]): Promise<CampaignRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(campaigns)
          .set({ ...patch, updatedAt: new Date() })
          .where(and(mine(id), onlyFrom ? inArray(campaigns.status, onlyFrom) : undefined))
          .returning(),
      );
      return row;
    },
    async delete(id: string): Promise<boolean> {
      const rows = await run((tx) => tx.delete(campaigns).where(mine(id)).returning({ id: campaigns.id }));
      return rows.length > 0;
    },

    /** Inserts contacts; a phone already in the campaign is left as it is. Returns how many were added. */
    async insertContacts(rows: NewCampaignContactRow[]): Promise<number> {
      let added = 0;
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500).map((r) => ({ ...r, workspaceId }));
        const inserted = await run((tx) => tx.insert(campaignContacts).values(chunk).onConflictDoNothing().returning({ id: campaignContacts.id }));
        added += inserted.length;
      }
      return added;
    },
    async phonesIn(campaignId: string, phones: string[]): Promise<Set<string>> {
      if (phones.length === 0) return new Set();
      const rows = await run((tx) =>
        tx
          .select({ phone: campaignContacts.phone })
          .from(campaignContacts)
          .where(and(contactsOf(campaignId), inArray(campaignContacts.phone, phones))),
      );
      return new Set(rows.map((r) => r.phone));
    },
    async getContact(campaignId: string, id: string): Promise<CampaignContactRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(campaignContacts)
          .where(and(contactsOf(campaignId), eq(campaignContacts.id, id))),
      );
      return row;
    },
    /** Oldest first (the order they were added). */
    listContacts(
      campaignId: string,
      q: { limit: number; status?: CampaignContactRow["status"]; outcome?: NonNullable<CampaignContactRow["outcome"]>; after?: Keyset },
    ): Promise<CampaignContactRow[]> {
      const page = q.after
        ? or(gt(campaignContacts.createdAt, q.after.createdAt), and(eq(campaignContacts.createdAt, q.after.createdAt), gt(campaignContacts.id, q.after.id)))
        : undefined;
      return run((tx) =>
        tx
          .select()
          .from(campaignContacts)
          .where(
            and(
              contactsOf(campaignId),
              q.status ? eq(campaignContacts.status, q.status) : undefined,
              q.outcome ? eq(campaignContacts.outcome, q.outcome) : undefined,
              page,
            ),
          )
          .orderBy(asc(campaignContacts.createdAt), asc(campaignContacts.id))
          .limit(q.limit),
      );
    },
    /** Contacts by status and by outcome. */
    async counts(campaignId: string): Promise<{ status: CampaignContactRow["status"]; outcome: CampaignContactRow["outcome"]; n: number }[]> {
      const rows = await run((tx) =>
        tx
          .select({ status: campaignContacts.status, outcome: campaignContacts.outcome, n: sql<number>`count(*)::int` })
          .from(campaignContacts)
          .where(contactsOf(campaignId))
          .groupBy(campaignContacts.status, campaignContacts.outcome),
      );
      return rows.map((r) => ({ ...r, n: Number(r.n) }));
    },
    /** Zones of the contacts that are waiting (the scheduler decides per zone whether its window is open). */
    async pendingZones(campaignId: string): Promise<string[]> {
      const rows = await run((tx) =>
        tx
          .selectDistinct({ tz: campaignContacts.timezone })
          .from(campaignContacts)
          .where(and(contactsOf(campaignId), eq(campaignContacts.status, "pending"))),
      );
      return rows.map((r) => r.tz);
    },
    /** Pending contacts in `zones` whose next attempt is due: retries first by due time, then in the order they were added. */
    dueContacts(campaignId: string, q: { now: Date; zones: string[]; limit: number }): Promise<CampaignContactRow[]> {
      if (q.zones.length === 0) return Promise.resolve([]);
      return run((tx) =>
        tx
          .select()
          .from(campaignContacts)
          .where(
            and(
              contactsOf(campaignId),
              eq(campaignContacts.status, "pending"),
              inArray(campaignContacts.timezone, q.zones),
              or(isNull(campaignContacts.nextAttemptAt), lte(campaignContacts.nextAttemptAt, q.now)),
            ),
          )
          .orderBy(sql`${campaignContacts.nextAttemptAt} asc nulls first`, asc(campaignContacts.createdAt), asc(campaignContacts.id))
          .limit(q.limit),
      );
    },
    async countByStatus(campaignId: string, statuses: CampaignContactRow["status"][]): Promise<number> {
      const [row] = await run((tx) =>
        tx
          .select({ n: sql<number>`count(*)::int` })
          .from(campaignContacts)
          .where(and(contactsOf(campaignId), inArray(campaignContacts.status, statuses))),
      );
      return Number(row?.n ?? 0);
    },
    /** Contacts claimed by a pass that never placed their call (its worker died): back to pending. */
    async releaseStale(campaignId: string, claimedBefore: Date): Promise<number> {
      const rows = await run((tx) =>
        tx
          .update(campaignContacts)
          .set({ status: "pending", updatedAt: new Date() })
          .where(
            and(
              contactsOf(campaignId),
              eq(campaignContacts.status, "calling"),
              isNull(campaignContacts.lastCallId),
              lt(campaignContacts.lastAttemptAt, claimedBefore),
            ),
          )
          .returning({ id: campaignContacts.id }),
      );
      return rows.length;
    },
    async updateContacts(ids: string[], patch: CampaignContactPatch): Promise<void> {
      if (ids.length === 0) return;
      await run((tx) =>
        tx
          .update(campaignContacts)
          .set({ ...patch, updatedAt: new Date() })
          .where(and(eq(campaignContacts.workspaceId, workspaceId), inArray(campaignContacts.id, ids))),
      );
    },
    /** `onlyStatus`: applies only while the contact has this status (an outcome lands once). */
    async updateContact(id: string, patch: CampaignContactPatch, onlyStatus?: CampaignContactRow["status"]): Promise<CampaignContactRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(campaignContacts)
          .set({ ...patch, updatedAt: new Date() })
          .where(
            and(eq(campaignContacts.workspaceId, workspaceId), eq(campaignContacts.id, id), onlyStatus ? eq(campaignContacts.status, onlyStatus) : undefined),
          )
          .returning(),
      );
      return row;
    },
    /** Claims contacts for calling: status `calling`, one more attempt. */
    async claimContacts(ids: string[], now: Date): Promise<CampaignContactRow[]> {
      if (ids.length === 0) return [];
      return run((tx) =>
        tx
          .update(campaignContacts)
          .set({ status: "calling", attempts: sql`${campaignContacts.attempts} + 1`, lastAttemptAt: now, lastCallId: null, updatedAt: new Date() })
          .where(and(eq(campaignContacts.workspaceId, workspaceId), inArray(campaignContacts.id, ids), eq(campaignContacts.status, "pending")))
          .returning(),
      );
    },
  };
}

/** The workspace's do-not-call list (and, for the check, the numbers that texted STOP). */
export function doNotCallRepository(run: Run, workspaceId: string) {
  const ws = eq(doNotCall.workspaceId, workspaceId);
  return {
    /** Adds the number (a number already listed keeps its first row). Returns the row that holds it. */
    async add(row: { id: string; phone: string; reason: string; source: DoNotCallRow["source"] }): Promise<{ row: DoNotCallRow; created: boolean }> {
      const [inserted] = await run((tx) =>
        tx
          .insert(doNotCall)
          .values({ ...row, workspaceId })
          .onConflictDoNothing()
          .returning(),
      );
      if (inserted) return { row: inserted, created: true };
      const [existing] = await run((tx) =>
        tx
          .select()
          .from(doNotCall)
          .where(and(ws, eq(doNotCall.phone, row.phone))),
      );
      return { row: existing!, created: false };
    },
    async addMany(rows: { id: string; phone: string; reason: string; source: DoNotCallRow["source"] }[]): Promise<number> {
      let added = 0;
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500).map((r) => ({ ...r, workspaceId }));
        added += (await run((tx) => tx.insert(doNotCall).values(chunk).onConflictDoNothing().returning({ id: doNotCall.id }))).length;
      }
      return added;
    },
    async get(id: string): Promise<DoNotCallRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .select()
          .from(doNotCall)
          .where(and(ws, eq(doNotCall.id, id))),
      );
      return row;
    },
    async remove(id: string): Promise<DoNotCallRow | undefined> {
      const [row] = await run((tx) =>
        tx
          .delete(doNotCall)
          .where(and(ws, eq(doNotCall.id, id)))
          .returning(),
      );
      return row;
    },
    /** Newest first. */
    list(q: { limit: number; phone?: string; after?: Keyset }): Promise<DoNotCallRow[]> {
      const page = q.after
        ? or(lt(doNotCall.createdAt, q.after.createdAt), and(eq(doNotCall.createdAt, q.after.createdAt), lt(doNotCall.id, q.after.id)))
        : undefined;
      return run((tx) =>
        tx
          .select()
          .from(doNotCall)
          .where(and(ws, q.phone ? eq(doNotCall.phone, q.phone) : undefined, page))
          .orderBy(desc(doNotCall.createdAt), desc(doNotCall.id))
          .limit(q.limit),
      );
    },
    /** Of `phones`: those on the list (`dnc`) and those that texted STOP (`sms`). */
    async blocked(phones: string[]): Promise<{ dnc: Set<string>; sms: Set<string> }> {
      if (phones.length === 0) return { dnc: new Set(), sms: new Set() };
      const [listed, stopped] = await Promise.all([
        run((tx) =>
          tx
            .select({ phone: doNotCall.phone })
            .from(doNotCall)
            .where(and(ws, inArray(doNotCall.phone, phones))),
        ),
        run((tx) =>
          tx
            .select({ phone: smsOptOuts.phone })
            .from(smsOptOuts)
            .where(and(eq(smsOptOuts.workspaceId, workspaceId), inArray(smsOptOuts.phone, phones))),
        ),
      ]);
      return { dnc: new Set(listed.map((r) => r.phone)), sms: new Set(stopped.map((r) => r.phone)) };
    },
  };
}

/** The scheduler's view across workspaces: which campaigns are running. */
export function campaignSystemRepository(db: Executor) {
  return {
    running(): Promise<{ id: string; workspaceId: string }[]> {
      return db
        .select({ id: campaigns.id, workspaceId: campaigns.workspaceId })
        .from(campaigns)
        .where(eq(campaigns.status, "running"))
        .orderBy(asc(campaigns.updatedAt));
    },
  };
}
