import { and, count, desc, eq, gt, inArray, isNull, sql, sum } from "drizzle-orm";
import type { Executor } from "../client.ts";
import {
  affiliates,
  affiliateTokens,
  referralAttributions,
  referralClicks,
  referralCommissions,
  referralLinks,
  referralPayouts,
  referralPrograms,
  workspaces,
} from "../schema.ts";

export type AffiliateRow = typeof affiliates.$inferSelect;
export type AffiliateTokenPurpose = (typeof affiliateTokens.$inferSelect)["purpose"];
type AffiliateReferralProgramRow = typeof referralPrograms.$inferSelect;

/** A link of an affiliate with what it brought: clicks (burst-flagged ones left out) and signups. */
export interface AffiliateLinkRow {
  id: string;
  code: string;
  campaign: string | null;
  programId: string;
  createdAt: Date;
  clicks: number;
  signups: number;
}

interface AffiliateFunnel {
  clicks: number;
  signups: number;
  activations: number;
  paid: number;
}

/** One commission of the affiliate, with the name of the referred business (all the affiliate may see of it). */
export interface AffiliateCommissionRow {
  id: string;
  kind: "activation" | "conversion" | "invoice";
  amountUsd: number;
  status: "pending" | "held" | "approved" | "paid" | "reversed" | "rejected";
  referredWorkspace: string;
  createdAt: Date;
  holdUntil: Date | null;
  reasons: unknown;
}

/** Commissions listed on the dashboard: the most recent ones (the totals and months count them all). */
const COMMISSIONS_LISTED = 200;

/** Referrals (system tables, no workspace scope): affiliates and their one-time tokens. */
export function affiliatesRepository(db: Executor) {
  const linksOf = (affiliateId: string) => db.select({ id: referralLinks.id }).from(referralLinks).where(eq(referralLinks.affiliateId, affiliateId));
  return {
    async findById(id: string): Promise<AffiliateRow | undefined> {
      const [row] = await db.select().from(affiliates).where(eq(affiliates.id, id));
      return row;
    },
    /** The affiliate's row, locked until the transaction ends: one default link even when two dashboards open at once. */
    async lock(id: string): Promise<AffiliateRow | undefined> {
      const [row] = await db.select().from(affiliates).where(eq(affiliates.id, id)).for("update");
      return row;
    },
    async findByEmail(email: string): Promise<AffiliateRow | undefined> {
      const [row] = await db.select().from(affiliates).where(eq(affiliates.email, email));
      return row;
    },
    /** Creates the affiliate unless the address is taken (a concurrent signup): its row, or undefined. */
    async insert(values: typeof affiliates.$inferInsert): Promise<AffiliateRow | undefined> {
      const [row] = await db.insert(affiliates).values(values).onConflictDoNothing({ target: affiliates.email }).returning();
      return row;
    },

    async insertToken(values: { tokenHash: string; affiliateId: string; purpose: AffiliateTokenPurpose; expiresAt: Date }): Promise<void> {
      await db.insert(affiliateTokens).values(values);
    },
    /** Unused tokens of one purpose stop working: a newer link was sent, or the address was verified. */
    async cancelTokens(affiliateId: string, purpose: AffiliateTokenPurpose, at: Date): Promise<void> {
      await db
        .update(affiliateTokens)
        .set({ usedAt: at })
        .where(and(eq(affiliateTokens.affiliateId, affiliateId), eq(affiliateTokens.purpose, purpose), isNull(affiliateTokens.usedAt)));
    },
    /** Spends a token (one statement: two requests cannot both succeed); its affiliate's id when it was unused and unexpired at `at`. */
    async useToken(tokenHash: string, purpose: AffiliateTokenPurpose, at: Date): Promise<string | undefined> {
      const [row] = await db
        .update(affiliateTokens)
        .set({ usedAt: at })
        .where(
          and(
            eq(affiliateTokens.tokenHash, tokenHash),
            eq(affiliateTokens.purpose, purpose),
            isNull(affiliateTokens.usedAt),
            gt(affiliateTokens.expiresAt, at),
          ),
        )
        .returning({ affiliateId: affiliateTokens.affiliateId });
      return row?.affiliateId;
    },
    /** The address is confirmed: an unverified application goes to review (`pending`); a reviewed one keeps its status. */
    async markVerified(id: string, at: Date): Promise<AffiliateRow | undefined> {
      const [row] = await db
        .update(affiliates)
        .set({
          emailVerifiedAt: sql`coalesce(${affiliates.emailVerifiedAt}, ${at.toISOString()}::timestamptz)`,
          status: sql`case when ${affiliates.status} = 'unverified' then 'pending' else ${affiliates.status} end`,
        })
        .where(eq(affiliates.id, id))
        .returning();
      return row;
    },

    async program(id: string): Promise<AffiliateReferralProgramRow | undefined> {
      const [row] = await db.select().from(referralPrograms).where(eq(referralPrograms.id, id));
      return row;
    },

    /** The affiliate's links, oldest first, each with its unflagged clicks and its signups. */
    async links(affiliateId: string): Promise<AffiliateLinkRow[]> {
      const clicks = db
        .select({ linkId: referralClicks.linkId, n: count().as("clicks_n") })
        .from(referralClicks)
        .where(and(inArray(referralClicks.linkId, linksOf(affiliateId)), isNull(referralClicks.flag)))
        .groupBy(referralClicks.linkId)
        .as("c");
      const signups = db
        .select({ linkId: referralAttributions.linkId, n: count().as("signups_n") })
        .from(referralAttributions)
        .where(inArray(referralAttributions.linkId, linksOf(affiliateId)))
        .groupBy(referralAttributions.linkId)
        .as("s");
      return db
        .select({
          id: referralLinks.id,
          code: referralLinks.code,
          campaign: referralLinks.campaign,
          programId: referralLinks.programId,
          createdAt: referralLinks.createdAt,
          clicks: sql<number>`coalesce(${clicks.n}, 0)::int`,
          signups: sql<number>`coalesce(${signups.n}, 0)::int`,
        })
        .from(referralLinks)
        .leftJoin(clicks, eq(clicks.linkId, referralLinks.id))
        .leftJoin(signups, eq(signups.linkId, referralLinks.id))
        .where(eq(referralLinks.affiliateId, affiliateId))
        .orderBy(referralLinks.createdAt, referralLinks.id);
    },
    /** Adds a link; false when the code is taken (the caller draws another). */
    async insertLink(values: { id: string; code: string; affiliateId: string; programId: string; campaign: string | null }): Promise<boolean> {
      const rows = await db.insert(referralLinks).values(values).onConflictDoNothing({ target: referralLinks.code }).returning({ id: referralLinks.id });
      return rows.length === 1;
    },

    /** Clicks (burst-flagged ones left out), signups, activations and paying customers through the affiliate's links. */
    async funnel(affiliateId: string): Promise<AffiliateFunnel> {
      const [clicks] = await db
        .select({ n: count() })
        .from(referralClicks)
        .where(and(inArray(referralClicks.linkId, linksOf(affiliateId)), isNull(referralClicks.flag)));
      const [rest] = await db
        .select({
          signups: count(),
          activations: count(referralAttributions.activatedAt),
          paid: count(referralAttributions.firstPaidAt),
        })
        .from(referralAttributions)
        .where(inArray(referralAttributions.linkId, linksOf(affiliateId)));
      return { clicks: clicks?.n ?? 0, signups: rest?.signups ?? 0, activations: rest?.activations ?? 0, paid: rest?.paid ?? 0 };
    },

    /** Sums of the affiliate's commissions by status. */
    async commissionTotals(affiliateId: string): Promise<{ status: AffiliateCommissionRow["status"]; amountUsd: number }[]> {
      const rows = await db
        .select({ status: referralCommissions.status, amountUsd: sum(referralCommissions.amountUsd).mapWith(Number) })
        .from(referralCommissions)
        .where(eq(referralCommissions.referrerAffiliateId, affiliateId))
        .groupBy(referralCommissions.status);
      return rows.map((r) => ({ status: r.status, amountUsd: r.amountUsd ?? 0 }));
    },
    /** Approved and paid earnings per month of the commission (`YYYY-MM`, UTC), oldest first: the chart. */
    async monthlyEarnings(affiliateId: string): Promise<{ month: string; amountUsd: number }[]> {
      const month = sql<string>`to_char(${referralCommissions.createdAt} at time zone 'UTC', 'YYYY-MM')`;
      const rows = await db
        .select({ month, amountUsd: sum(referralCommissions.amountUsd).mapWith(Number) })
        .from(referralCommissions)
        .where(and(eq(referralCommissions.referrerAffiliateId, affiliateId), inArray(referralCommissions.status, ["approved", "paid"])))
        .groupBy(month)
        .orderBy(month);
      return rows.map((r) => ({ month: r.month, amountUsd: r.amountUsd ?? 0 }));
    },
    /** The most recent commissions, newest first. */
    async commissions(affiliateId: string): Promise<AffiliateCommissionRow[]> {
      return db
        .select({
          id: referralCommissions.id,
          kind: referralCommissions.kind,
          amountUsd: referralCommissions.amountUsd,
          status: referralCommissions.status,
          referredWorkspace: workspaces.name,
          createdAt: referralCommissions.createdAt,
          holdUntil: referralCommissions.holdUntil,
          reasons: referralCommissions.reasons,
        })
        .from(referralCommissions)
        .innerJoin(workspaces, eq(workspaces.id, referralCommissions.workspaceId))
        .where(eq(referralCommissions.referrerAffiliateId, affiliateId))
        .orderBy(desc(referralCommissions.createdAt), desc(referralCommissions.id))
        .limit(COMMISSIONS_LISTED);
    },
    /** The affiliate's payouts, newest first. */
    async payouts(affiliateId: string) {
      return db
        .select()
        .from(referralPayouts)
        .where(eq(referralPayouts.referrerAffiliateId, affiliateId))
        .orderBy(desc(referralPayouts.createdAt), desc(referralPayouts.id));
    },
  };
}
export type AffiliatesRepository = ReturnType<typeof affiliatesRepository>;
