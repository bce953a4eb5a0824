import { and, asc, desc, eq, inArray, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import type { EarningsDto } from "@orbis/contracts";
import type { Executor } from "../client.ts";
import {
  affiliates,
  billingSubscriptions,
  domainEvents,
  memberships,
  referralAttributions,
  referralCommissions,
  referralPrograms,
  users,
  workspaces,
} from "../schema.ts";

export type ReferralCommissionRow = typeof referralCommissions.$inferSelect;
export type NewReferralCommissionRow = Omit<typeof referralCommissions.$inferInsert, "createdAt">;
/** A referred workspace's attribution, as the commission rules read it. */
export type CommissionAttribution = typeof referralAttributions.$inferSelect;
/** Whose earnings: a user (Refer & Earn) or an affiliate. */
export type ReferrerRef = { userId: string } | { affiliateId: string };

const referrerIs = (who: ReferrerRef) =>
  "userId" in who ? eq(referralCommissions.referrerUserId, who.userId) : eq(referralCommissions.referrerAffiliateId, who.affiliateId);

/** Commissions on their way out (approved and put in a payout, or paid): a refund deducts them from the next payout instead. */
const paidOut = (row: Pick<ReferralCommissionRow, "status" | "payoutId">) => row.status === "paid" || row.payoutId !== null;

/**
 * Referrals (system tables, no workspace scope): the attribution's progress (activated, paid), commissions,
 * their approval after the hold period and reversal on refunds. On `db.system` or the relay's transaction.
 */
export function referralCommissionsRepository(db: Executor) {
  /** The commissions an invoice earned (its `invoice` or `conversion` row). */
  const bySource = (sourceId: string): Promise<ReferralCommissionRow[]> =>
    db.select().from(referralCommissions).where(eq(referralCommissions.sourceId, sourceId)).orderBy(asc(referralCommissions.createdAt));

  /** Writes a commission unless one exists for its (kind, source): a replayed event earns once. True when written. */
  async function insert(row: NewReferralCommissionRow): Promise<boolean> {
    const rows = await db.insert(referralCommissions).values(row).onConflictDoNothing().returning({ id: referralCommissions.id });
    return rows.length === 1;
  }

  return {
    insert,
    bySource,

    /** The workspace's attribution; `lock` holds the row to the end of the transaction (two relays on one workspace). */
    async attribution(workspaceId: string, o: { lock?: boolean } = {}): Promise<CommissionAttribution | undefined> {
      const query = db.select().from(referralAttributions).where(eq(referralAttributions.workspaceId, workspaceId));
      const [row] = o.lock ? await query.for("update") : await query;
      return row;
    },

    async program(programId: string): Promise<{ id: string; rule: unknown; holdDays: number; active: boolean } | undefined> {
      const [row] = await db
        .select({ id: referralPrograms.id, rule: referralPrograms.rule, holdDays: referralPrograms.holdDays, active: referralPrograms.active })
        .from(referralPrograms)
        .where(eq(referralPrograms.id, programId));
      return row;
    },

    /** Sets `activated_at` the first time; false when the workspace had activated already. */
    async markActivated(workspaceId: string, at: Date): Promise<boolean> {
      const rows = await db
        .update(referralAttributions)
        .set({ activatedAt: at })
        .where(and(eq(referralAttributions.workspaceId, workspaceId), isNull(referralAttributions.activatedAt)))
        .returning({ id: referralAttributions.workspaceId });
      return rows.length === 1;
    },

    /** One more paid invoice: the first one's time is kept, the count and revenue grow. */
    async recordPayment(workspaceId: string, o: { paidAt: Date; amountUsd: number }): Promise<void> {
      await db
        .update(referralAttributions)
        .set({
          firstPaidAt: sql`coalesce(${referralAttributions.firstPaidAt}, ${o.paidAt.toISOString()}::timestamptz)`,
          paidInvoices: sql`${referralAttributions.paidInvoices} + 1`,
          revenueUsd: sql`${referralAttributions.revenueUsd} + ${o.amountUsd}`,
        })
        .where(eq(referralAttributions.workspaceId, workspaceId));
    },

    /**
     * Whether an `invoice.paid` for the same invoice was recorded before this event (a replay): only the
     * first one counts, in the attribution's totals as in commissions.
     */
    async invoiceSeenBefore(workspaceId: string, invoiceId: string, event: { id: string }): Promise<boolean> {
      const [row] = await db
        .select({ id: domainEvents.id })
        .from(domainEvents)
        .where(
          and(
            eq(domainEvents.workspaceId, workspaceId),
            eq(domainEvents.type, "invoice.paid"),
            sql`${domainEvents.payload} ->> 'invoiceId' = ${invoiceId}`,
            // Against the stored instant (microseconds; a JS Date keeps milliseconds): events of one millisecond keep their order.
            sql`(${domainEvents.occurredAt}, ${domainEvents.id}) < (select e.occurred_at, e.id from ${domainEvents} e where e.id = ${event.id})`,
          ),
        )
        .limit(1);
      return row !== undefined;
    },

    /** Adds a fraud flag to the attribution (once): its later commissions are held too. */
    async addFlag(workspaceId: string, flag: string): Promise<void> {
      await db
        .update(referralAttributions)
        .set({ flags: sql`${referralAttributions.flags} || ${JSON.stringify([flag])}::jsonb` })
        .where(and(eq(referralAttributions.workspaceId, workspaceId), sql`not (${referralAttributions.flags} ? ${flag})`));
    },

    /** The workspace's pending commissions go to review (held) with the reason added. */
    async holdPending(workspaceId: string, reason: string): Promise<number> {
      const rows = await db
        .update(referralCommissions)
        .set({
          status: "held",
          reasons: sql`case when ${referralCommissions.reasons} ? ${reason} then ${referralCommissions.reasons} else ${referralCommissions.reasons} || ${JSON.stringify([reason])}::jsonb end`,
        })
        .where(and(eq(referralCommissions.workspaceId, workspaceId), eq(referralCommissions.status, "pending")))
        .returning({ id: referralCommissions.id });
      return rows.length;
    },

    /**
     * An invoice was refunded or disputed: its commissions not yet paid out are reversed; those already
     * paid out (paid, or in a payout) become one negative, approved `invoice` row (`refund:<invoiceId>`),
     * so the next payout deducts them. Idempotent. Answers the reversed ids and the deduction written.
     */
    async reverseInvoice(invoiceId: string, at: Date, newId: () => string): Promise<{ reversed: string[]; deductedUsd: number }> {
      const rows = (await bySource(invoiceId)).filter((r) => r.kind !== "activation");
      const open = rows.filter((r) => !paidOut(r) && ["pending", "held", "approved"].includes(r.status)).map((r) => r.id);
      const reversed =
        open.length === 0
          ? []
          : (
              await db
                .update(referralCommissions)
                .set({ status: "reversed", reversedAt: at })
                .where(
                  and(
                    inArray(referralCommissions.id, open),
                    inArray(referralCommissions.status, ["pending", "held", "approved"]),
                    isNull(referralCommissions.payoutId),
                  ),
                )
                .returning({ id: referralCommissions.id })
            ).map((r) => r.id);
      const out = rows.filter((r) => paidOut(r) && r.amountUsd > 0);
      const first = out[0];
      if (!first) return { reversed, deductedUsd: 0 };
      const deductedUsd = Math.round(out.reduce((sum, r) => sum + r.amountUsd, 0) * 100) / 100;
      const written = await insert({
        id: newId(),
        workspaceId: first.workspaceId,
        linkId: first.linkId,
        programId: first.programId,
        referrerUserId: first.referrerUserId,
        referrerAffiliateId: first.referrerAffiliateId,
        kind: "invoice",
        sourceId: `refund:${invoiceId}`,
        amountUsd: -deductedUsd,
        status: "approved",
        reasons: ["refund"],
        approvedAt: at,
      });
      return { reversed, deductedUsd: written ? deductedUsd : 0 };
    },

    /** Pending commissions whose hold ended by `now` become approved; answers them (each approved once). */
    approveDue: (now: Date): Promise<ReferralCommissionRow[]> =>
      db
        .update(referralCommissions)
        .set({ status: "approved", approvedAt: now })
        .where(and(eq(referralCommissions.status, "pending"), isNotNull(referralCommissions.holdUntil), lte(referralCommissions.holdUntil, now)))
        .returning(),

    /** Whom to write to about a referrer's earnings: the user's or the affiliate's address and name. */
    async referrerContact(who: ReferrerRef): Promise<{ email: string; name: string } | undefined> {
      const [row] =
        "userId" in who
          ? await db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, who.userId))
          : await db.select({ email: affiliates.email, name: affiliates.name }).from(affiliates).where(eq(affiliates.id, who.affiliateId));
      return row;
    },

    async workspaceName(workspaceId: string): Promise<string | undefined> {
      const [row] = await db.select({ name: workspaces.name }).from(workspaces).where(eq(workspaces.id, workspaceId));
      return row?.name;
    },

    /**
     * Whether the referred workspace pays with the Stripe customer of a workspace the referring user belongs
     * to (the referrer paying for their own referral): a self-referral by payment.
     */
    async paysAsReferrer(workspaceId: string, referrerUserId: string): Promise<boolean> {
      const [mine] = await db
        .select({ customer: billingSubscriptions.stripeCustomerId })
        .from(billingSubscriptions)
        .where(eq(billingSubscriptions.workspaceId, workspaceId));
      if (!mine?.customer) return false;
      const [row] = await db
        .select({ id: memberships.id })
        .from(memberships)
        .innerJoin(billingSubscriptions, eq(billingSubscriptions.workspaceId, memberships.workspaceId))
        .where(and(eq(memberships.userId, referrerUserId), eq(billingSubscriptions.stripeCustomerId, mine.customer)))
        .limit(1);
      return row !== undefined;
    },
  };
}
export type ReferralCommissionsRepository = ReturnType<typeof referralCommissionsRepository>;

/** How many commissions an earnings answer lists (newest first); the totals count them all. */
const EARNINGS_LIST_LIMIT = 200;
const money = (v: unknown) => Math.round(Number(v ?? 0) * 100) / 100;

/**
 * A referrer's earnings (`earningsSchema`): sums by status, the estimate (pending + held + approved),
 * the latest commissions with the referred workspace's name only, and approved + paid per month (UTC,
 * by when each was earned), oldest first. Shared by `GET /v1/referrals/me/earnings` and the affiliate dashboard.
 */
export async function earningsOf(db: Executor, who: ReferrerRef): Promise<EarningsDto> {
  const mine = referrerIs(who);
  const sums = await db
    .select({ status: referralCommissions.status, total: sql<string>`coalesce(sum(${referralCommissions.amountUsd}), 0)` })
    .from(referralCommissions)
    .where(mine)
    .groupBy(referralCommissions.status);
  const totals = { pending: 0, held: 0, approved: 0, paid: 0, reversed: 0 };
  for (const s of sums) if (s.status in totals) totals[s.status as keyof typeof totals] = money(s.total);

  const rows = await db
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
    .where(mine)
    .orderBy(desc(referralCommissions.createdAt), desc(referralCommissions.id))
    .limit(EARNINGS_LIST_LIMIT);

  const month = sql<string>`to_char(${referralCommissions.createdAt} at time zone 'UTC', 'YYYY-MM')`;
  const monthly = await db
    .select({ month, total: sql<string>`sum(${referralCommissions.amountUsd})` })
    .from(referralCommissions)
    .where(and(mine, or(eq(referralCommissions.status, "approved"), eq(referralCommissions.status, "paid"))))
    .groupBy(month)
    .orderBy(month);

  return {
    currency: "usd",
    totals,
    estimatedUsd: money(totals.pending + totals.held + totals.approved),
    commissions: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      amountUsd: money(r.amountUsd),
      status: r.status,
      referredWorkspace: r.referredWorkspace,
      createdAt: r.createdAt.toISOString(),
      holdUntil: r.holdUntil?.toISOString() ?? null,
      reasons: Array.isArray(r.reasons) ? (r.reasons as unknown[]).map(String) : [],
    })),
    monthly: monthly.map((m) => ({ month: m.month, amountUsd: money(m.total) })),
  };
}
