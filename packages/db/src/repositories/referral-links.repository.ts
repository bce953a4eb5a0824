import { and, asc, count, desc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { createId } from "@orbis/contracts";
import type { Executor } from "../client.ts";
import { affiliates, referralAttributions, referralClicks, referralCommissions, referralLinks, referralPrograms, users, workspaces } from "../schema.ts";

export type ReferralLinkRow = typeof referralLinks.$inferSelect;
export type NewReferralClickRow = typeof referralClicks.$inferInsert;
export type NewReferralAttributionRow = Omit<typeof referralAttributions.$inferInsert, "flags"> & { flags: string[] };
export type ReferralProgramRow = typeof referralPrograms.$inferSelect;
export interface ReferralLinkWithCounts extends ReferralLinkRow {
  clicks: number;
  signups: number;
}

const newLinkId = () => createId("referralLink");

/** How many times a new code is drawn when the previous one is taken. */
const CODE_ATTEMPTS = 8;

/** Referrals (system tables, no workspace scope): links, clicks and the attribution of a signup. */
export function referralLinksRepository(db: Executor) {
  /** Clicks (not flagged) and attributed signups per link, for the given links. */
  async function countsByLink(linkIds: string[]) {
    if (linkIds.length === 0) return new Map<string, { clicks: number; signups: number }>();
    const [clicks, signups] = await Promise.all([
      db
        .select({ linkId: referralClicks.linkId, n: count() })
        .from(referralClicks)
        .where(and(inArray(referralClicks.linkId, linkIds), isNull(referralClicks.flag)))
        .groupBy(referralClicks.linkId),
      db
        .select({ linkId: referralAttributions.linkId, n: count() })
        .from(referralAttributions)
        .where(inArray(referralAttributions.linkId, linkIds))
        .groupBy(referralAttributions.linkId),
    ]);
    const counts = new Map(linkIds.map((id) => [id, { clicks: 0, signups: 0 }]));
    for (const c of clicks) counts.get(c.linkId)!.clicks = c.n;
    for (const s of signups) counts.get(s.linkId)!.signups = s.n;
    return counts;
  }

  /** A user's links in one programme, oldest first: the first without a campaign is their main link. */
  function linksOfUser(userId: string, programId: string): Promise<ReferralLinkRow[]> {
    return db
      .select()
      .from(referralLinks)
      .where(and(eq(referralLinks.userId, userId), eq(referralLinks.programId, programId)))
      .orderBy(asc(referralLinks.createdAt), asc(referralLinks.id));
  }

  return {
    /**
     * A new link with a fresh code from `makeCode`; a taken code is skipped (`on conflict do nothing`,
     * which does not abort a surrounding transaction the way a unique violation would) and another drawn.
     */
    async createLink(values: Omit<typeof referralLinks.$inferInsert, "code">, makeCode: () => string): Promise<ReferralLinkRow> {
      for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
        const [row] = await db
          .insert(referralLinks)
          .values({ ...values, code: makeCode() })
          .onConflictDoNothing({ target: referralLinks.code })
          .returning();
        if (row) return row;
      }
      throw new Error(`referral link: no free code after ${CODE_ATTEMPTS} attempts`);
    },

    /**
     * The user's main link in a programme (the oldest without a campaign), made on first use. Serialised
     * per user by a transaction-scoped advisory lock, so two first visits at once make one link.
     */
    async ensureMainLink(userId: string, programId: string, makeCode: () => string): Promise<ReferralLinkRow> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${"referral-link:" + userId}))`);
        const [existing] = await tx
          .select()
          .from(referralLinks)
          .where(and(eq(referralLinks.userId, userId), eq(referralLinks.programId, programId), isNull(referralLinks.campaign)))
          .orderBy(asc(referralLinks.createdAt), asc(referralLinks.id))
          .limit(1);
        return existing ?? referralLinksRepository(tx).createLink({ userId, programId, campaign: null, id: newLinkId() }, makeCode);
      });
    },

    /** The link a `/r/:code` click is for (one lookup on the unique index). */
    async findLinkByCode(code: string): Promise<Pick<ReferralLinkRow, "id"> | undefined> {
      const [row] = await db.select({ id: referralLinks.id }).from(referralLinks).where(eq(referralLinks.code, code));
      return row;
    },

    linksOfUser,

    /** The same, each with its clicks (not flagged) and attributed signups. */
    async linksOfUserWithCounts(userId: string, programId: string): Promise<ReferralLinkWithCounts[]> {
      const links = await linksOfUser(userId, programId);
      const counts = await countsByLink(links.map((l) => l.id));
      return links.map((l) => ({ ...l, ...counts.get(l.id)! }));
    },

    async findProgram(id: string): Promise<ReferralProgramRow | undefined> {
      const [row] = await db.select().from(referralPrograms).where(eq(referralPrograms.id, id));
      return row;
    },

    /**
     * What the click-burst rule needs, in one statement: clicks since `since` from the IP hash (on the
     * (ip_hash, occurred_at) index) and of a returning visitor on the link (on (link_id, occurred_at)),
     * each counted only up to `cap` — the rule asks "at least cap?", and a burst of thousands must not
     * make every further click count them all. A new visitor (`visitorId` null) has no clicks yet.
     */
    async recentClickCounts(q: { ipHash: string; linkId: string; visitorId: string | null; since: Date; cap: number }) {
      const since = q.since.toISOString();
      const fromVisitor =
        q.visitorId === null
          ? sql`0`
          : sql`(select count(*) from (select 1 from ${referralClicks}
               where ${referralClicks.linkId} = ${q.linkId} and ${referralClicks.occurredAt} > ${since}::timestamptz
                 and ${referralClicks.visitorId} = ${q.visitorId} limit ${q.cap}) v)::int`;
      const result = await db.execute(sql`
        select
          (select count(*) from (select 1 from ${referralClicks}
             where ${referralClicks.ipHash} = ${q.ipHash} and ${referralClicks.occurredAt} > ${since}::timestamptz limit ${q.cap}) ip)::int as "fromIp",
          ${fromVisitor} as "fromVisitorOnLink"`);
      const [row] = (result as unknown as { rows: { fromIp: number; fromVisitorOnLink: number }[] }).rows;
      return { fromIp: Number(row?.fromIp ?? 0), fromVisitorOnLink: Number(row?.fromVisitorOnLink ?? 0) };
    },

    async insertClick(values: NewReferralClickRow): Promise<void> {
      await db.insert(referralClicks).values(values);
    },

    /**
     * What attributing a signup to a click needs: the click (it must be of that link), the link's
     * programme and referrer, and the referrer's email (user or affiliate) and affiliate status.
     */
    async attributionContext(linkId: string, clickId: string) {
      const [row] = await db
        .select({
          linkId: referralLinks.id,
          programId: referralLinks.programId,
          referrerUserId: referralLinks.userId,
          referrerAffiliateId: referralLinks.affiliateId,
          userEmail: users.email,
          affiliateEmail: affiliates.email,
          affiliateStatus: affiliates.status,
          clickId: referralClicks.id,
          clickFlag: referralClicks.flag,
        })
        .from(referralLinks)
        .innerJoin(referralClicks, and(eq(referralClicks.id, clickId), eq(referralClicks.linkId, referralLinks.id)))
        .leftJoin(users, eq(users.id, referralLinks.userId))
        .leftJoin(affiliates, eq(affiliates.id, referralLinks.affiliateId))
        .where(eq(referralLinks.id, linkId));
      return row;
    },

    /** Attributed signups from an IP hash since a time: the signup-burst rule. */
    async signupsFromIpSince(ipHash: string, since: Date): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(referralAttributions)
        .where(and(eq(referralAttributions.signupIpHash, ipHash), gt(referralAttributions.signupAt, since)));
      return row?.n ?? 0;
    },

    async insertAttribution(values: NewReferralAttributionRow): Promise<void> {
      await db.insert(referralAttributions).values(values);
    },

    /** A referrer user's funnel: clicks (not flagged) on their links, and their attributed workspaces by stage. */
    async funnelOfUser(userId: string) {
      const [clicks, stages] = await Promise.all([
        db
          .select({ n: count() })
          .from(referralClicks)
          .innerJoin(referralLinks, eq(referralLinks.id, referralClicks.linkId))
          .where(and(eq(referralLinks.userId, userId), isNull(referralClicks.flag))),
        db
          .select({
            signups: count(),
            activations: count(referralAttributions.activatedAt),
            paid: count(referralAttributions.firstPaidAt),
          })
          .from(referralAttributions)
          .where(eq(referralAttributions.referrerUserId, userId)),
      ]);
      return { clicks: clicks[0]?.n ?? 0, signups: stages[0]?.signups ?? 0, activations: stages[0]?.activations ?? 0, paid: stages[0]?.paid ?? 0 };
    },

    /** What a referrer user is expected to earn: their commissions not yet paid nor voided (pending, held, approved). */
    async estimatedEarningsOfUser(userId: string): Promise<number> {
      const [row] = await db
        .select({ total: sql<number>`coalesce(sum(${referralCommissions.amountUsd}), 0)`.mapWith(Number) })
        .from(referralCommissions)
        .where(and(eq(referralCommissions.referrerUserId, userId), inArray(referralCommissions.status, ["pending", "held", "approved"])));
      return row?.total ?? 0;
    },

    /** The workspaces a user referred, newest first: names only (the referrer sees nothing else of them). */
    historyOfUser(userId: string, limit = 100) {
      return db
        .select({
          workspace: workspaces.name,
          signupAt: referralAttributions.signupAt,
          activatedAt: referralAttributions.activatedAt,
          firstPaidAt: referralAttributions.firstPaidAt,
          flags: referralAttributions.flags,
        })
        .from(referralAttributions)
        .innerJoin(workspaces, eq(workspaces.id, referralAttributions.workspaceId))
        .where(eq(referralAttributions.referrerUserId, userId))
        .orderBy(desc(referralAttributions.signupAt))
        .limit(limit);
    },
  };
}
export type ReferralLinksRepository = ReturnType<typeof referralLinksRepository>;
