import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../client.ts";
import { affiliates, platformAdmins, referralCommissions, referralPayouts, referralPrograms } from "../schema.ts";

export type AdminAffiliateRow = typeof affiliates.$inferSelect;
export type AdminProgramRow = typeof referralPrograms.$inferSelect;
export type AdminPayoutBase = typeof referralPayouts.$inferSelect;
export type AdminAffiliateStatus = AdminAffiliateRow["status"];

/** Who earned a commission or receives a payout: a user (Refer & Earn) or an affiliate. */
export type PayoutReferrer = { userId: string } | { affiliateId: string };

export interface AdminFunnelTotals {
  clicks: number;
  signups: number;
  activations: number;
  paid: number;
  revenueUsd: number;
  commissionsUsd: number;
}
export interface ReferralCohortRow {
  month: string;
  signups: number;
  activated: number;
  paid: number;
  revenueUsd: number;
}
export interface AdminTopReferrerRow {
  kind: "user" | "affiliate";
  id: string;
  name: string;
  clicks: number;
  signups: number;
  activations: number;
  paid: number;
  revenueUsd: number;
  earningsUsd: number;
}
export interface AttributionExportRow {
  workspaceId: string;
  workspaceName: string;
  signupAt: Date;
  referrerKind: "user" | "affiliate" | null;
  referrerId: string | null;
  referrerName: string | null;
  linkCode: string;
  campaign: string | null;
  activatedAt: Date | null;
  firstPaidAt: Date | null;
  paidInvoices: number;
  revenueUsd: number;
  pendingUsd: number;
  heldUsd: number;
  approvedUsd: number;
  paidUsd: number;
  reversedUsd: number;
  rejectedUsd: number;
  flags: string[];
}
export interface AdminCommissionRow {
  id: string;
  workspaceId: string;
  workspaceName: string;
  referrerKind: "user" | "affiliate" | null;
  referrerId: string | null;
  referrerName: string | null;
  kind: "activation" | "conversion" | "invoice";
  amountUsd: number;
  status: string;
  holdUntil: Date | null;
  reasons: string[];
  payoutId: string | null;
  createdAt: Date;
}
export interface ReferrerBalanceRow {
  referrerKind: "user" | "affiliate";
  referrerId: string;
  name: string;
  email: string;
  stripeAccountId: string | null;
  commissions: number;
  amountUsd: number;
}
export interface AdminPayoutRow extends AdminPayoutBase {
  referrerName: string | null;
  referrerEmail: string | null;
}
export interface AdminWorkspaceRow {
  id: string;
  name: string;
  createdAt: Date;
  ownerEmail: string | null;
  planId: string | null;
  calls: number;
  referralCode: string | null;
  referrerName: string | null;
}

/** Rows of a raw statement, from node-postgres or PGlite (both answer `{ rows }`). */
const rowsOf = <T>(result: unknown): T[] => ((result as { rows?: T[] }).rows ?? []) as T[];
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** The referrer columns of a table (commissions, payouts) matching one referrer. */
function referrerIs(
  ref: PayoutReferrer,
  cols: { user: typeof referralCommissions.referrerUserId; affiliate: typeof referralCommissions.referrerAffiliateId },
): SQL {
  return "userId" in ref ? eq(cols.user, ref.userId) : eq(cols.affiliate, ref.affiliateId);
}

/** Referrals (system tables, no workspace scope): the operator's analytics, payouts, programmes and platform admins. */
export function referralAdminRepository(db: Executor) {
  const repo = {
    async isPlatformAdmin(userId: string): Promise<boolean> {
      const [row] = await db.select({ userId: platformAdmins.userId }).from(platformAdmins).where(eq(platformAdmins.userId, userId));
      return !!row;
    },
    /** Idempotent: making an admin an admin again changes nothing. */
    async addPlatformAdmin(userId: string): Promise<void> {
      await db.insert(platformAdmins).values({ userId }).onConflictDoNothing();
    },

    /** Signups per calendar month (UTC) of `[from, to)` and how many of each month went on to activate and pay, oldest first. */
    async cohorts(from: Date, to: Date): Promise<ReferralCohortRow[]> {
      const rows = rowsOf<ReferralCohortRow>(
        await db.execute(sql`
          select to_char(date_trunc('month', signup_at at time zone 'UTC'), 'YYYY-MM') as month, count(*)::int as signups,
            count(activated_at)::int as activated, count(first_paid_at)::int as paid, coalesce(sum(revenue_usd), 0)::float8 as "revenueUsd"
          from referral_attributions where signup_at >= ${from} and signup_at < ${to}
          group by 1 order by 1`),
      );
      return rows.map((r) => ({ month: r.month, signups: num(r.signups), activated: num(r.activated), paid: num(r.paid), revenueUsd: num(r.revenueUsd) }));
    },

    /**
     * Unflagged clicks of `[from, to)` per referrer (its id: usr_… or aff_…), in one pass over the range
     * (counted per link, then folded): the funnel's clicks are their sum.
     */
    async clicksByReferrer(from: Date, to: Date): Promise<Map<string, number>> {
      const rows = rowsOf<{ ref: string; clicks: number }>(
        await db.execute(sql`
          select coalesce(l.user_id, l.affiliate_id) as ref, sum(c.n)::int as clicks
          from (select link_id, count(*) as n from referral_clicks
                where occurred_at >= ${from} and occurred_at < ${to} and flag is null group by link_id) c
          join referral_links l on l.id = c.link_id
          group by 1`),
      );
      return new Map(rows.map((r) => [String(r.ref), num(r.clicks)]));
    },

    /** Per referrer: the workspaces that signed up in `[from, to)`, how many activated and paid, their revenue. */
    async signupsByReferrer(from: Date, to: Date) {
      const rows = rowsOf<Record<string, unknown>>(
        await db.execute(sql`
          select coalesce(referrer_user_id, referrer_affiliate_id) as ref, count(*)::int as signups, count(activated_at)::int as activations,
            count(first_paid_at)::int as paid, coalesce(sum(revenue_usd), 0)::float8 as revenue
          from referral_attributions where signup_at >= ${from} and signup_at < ${to}
          group by 1`),
      );
      return rows.map((r) => ({
        ref: (r.ref ?? null) as string | null,
        signups: num(r.signups),
        activations: num(r.activations),
        paid: num(r.paid),
        revenueUsd: num(r.revenue),
      }));
    },

    /** Per referrer (null: one since deleted): commissions earned in `[from, to)`, not reversed or rejected. */
    async earningsByReferrer(from: Date, to: Date) {
      const rows = rowsOf<{ ref: string | null; earnings: number }>(
        await db.execute(sql`
          select coalesce(referrer_user_id, referrer_affiliate_id) as ref, coalesce(sum(amount_usd), 0)::float8 as earnings
          from referral_commissions where created_at >= ${from} and created_at < ${to} and status not in ('reversed', 'rejected')
          group by 1`),
      );
      return rows.map((r) => ({ ref: r.ref ?? null, earningsUsd: num(r.earnings) }));
    },

    /** Names of referrers by id (users and affiliates). */
    async referrerNames(ids: string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = rowsOf<{ id: string; name: string }>(
        await db.execute(sql`
          select id, name from users where id in ${ids}
          union all
          select id, name from affiliates where id in ${ids}`),
      );
      return new Map(rows.map((r) => [r.id, r.name]));
    },

    /**
     * The operator's analytics over `[from, to)`: the funnel (unflagged clicks in the range; the workspaces
     * that signed up in it and how many of those activated and paid, their revenue; commissions earned in the
     * range), monthly cohorts, and the referrers whose signups brought the most revenue. Four statements at
     * once, each reading its table once: clicks are the bulk, and they are read in one pass.
     */
    async analytics(from: Date, to: Date, top = 10): Promise<{ funnel: AdminFunnelTotals; cohorts: ReferralCohortRow[]; topReferrers: AdminTopReferrerRow[] }> {
      const [clicks, cohorts, signups, earnings] = await Promise.all([
        repo.clicksByReferrer(from, to),
        repo.cohorts(from, to),
        repo.signupsByReferrer(from, to),
        repo.earningsByReferrer(from, to),
      ]);
      const sum = <T>(rows: Iterable<T>, of: (r: T) => number) => [...rows].reduce((n, r) => n + of(r), 0);
      const funnel: AdminFunnelTotals = {
        clicks: sum(clicks.values(), (n) => n),
        signups: sum(cohorts, (c) => c.signups),
        activations: sum(cohorts, (c) => c.activated),
        paid: sum(cohorts, (c) => c.paid),
        revenueUsd: sum(cohorts, (c) => c.revenueUsd),
        commissionsUsd: sum(earnings, (e) => e.earningsUsd),
      };

      const byRef = new Map<string, AdminTopReferrerRow>();
      const entry = (ref: string) => {
        let row = byRef.get(ref);
        if (!row) {
          row = {
            kind: ref.startsWith("aff_") ? "affiliate" : "user",
            id: ref,
            name: "",
            clicks: 0,
            signups: 0,
            activations: 0,
            paid: 0,
            revenueUsd: 0,
            earningsUsd: 0,
          };
          byRef.set(ref, row);
        }
        return row;
      };
      for (const [ref, n] of clicks) entry(ref).clicks = n;
      for (const s of signups)
        if (s.ref) Object.assign(entry(s.ref), { signups: s.signups, activations: s.activations, paid: s.paid, revenueUsd: s.revenueUsd });
      for (const e of earnings) if (e.ref && byRef.has(e.ref)) byRef.get(e.ref)!.earningsUsd = e.earningsUsd;
      const ranked = [...byRef.values()]
        .sort((a, b) => b.revenueUsd - a.revenueUsd || b.signups - a.signups || b.clicks - a.clicks || (a.id < b.id ? -1 : 1))
        .slice(0, top);
      const names = await repo.referrerNames(ranked.map((r) => r.id));
      for (const r of ranked) r.name = names.get(r.id) ?? "";
      return { funnel, cohorts, topReferrers: ranked };
    },

    /** One row per attribution signed up in `[from, to)`, oldest first: the accounting export. */
    async attributionsForExport(from: Date, to: Date): Promise<AttributionExportRow[]> {
      const rows = rowsOf<Record<string, unknown>>(
        await db.execute(sql`
          select ra.workspace_id, w.name as workspace_name, ra.signup_at, ra.referrer_user_id, ra.referrer_affiliate_id,
            coalesce(u.name, a.name) as referrer_name, l.code, l.campaign, ra.activated_at, ra.first_paid_at, ra.paid_invoices,
            ra.revenue_usd::float8 as revenue, ra.flags,
            coalesce(c.pending, 0) as pending, coalesce(c.held, 0) as held, coalesce(c.approved, 0) as approved,
            coalesce(c.paid, 0) as paid, coalesce(c.reversed, 0) as reversed, coalesce(c.rejected, 0) as rejected
          from referral_attributions ra
          join workspaces w on w.id = ra.workspace_id
          join referral_links l on l.id = ra.link_id
          left join users u on u.id = ra.referrer_user_id
          left join affiliates a on a.id = ra.referrer_affiliate_id
          left join lateral (
            select
              (sum(amount_usd) filter (where status = 'pending'))::float8 as pending,
              (sum(amount_usd) filter (where status = 'held'))::float8 as held,
              (sum(amount_usd) filter (where status = 'approved'))::float8 as approved,
              (sum(amount_usd) filter (where status = 'paid'))::float8 as paid,
              (sum(amount_usd) filter (where status = 'reversed'))::float8 as reversed,
              (sum(amount_usd) filter (where status = 'rejected'))::float8 as rejected
            from referral_commissions rc where rc.workspace_id = ra.workspace_id
          ) c on true
          where ra.signup_at >= ${from} and ra.signup_at < ${to}
          order by ra.signup_at, ra.workspace_id`),
      );
      return rows.map((r) => ({
        workspaceId: String(r.workspace_id),
        workspaceName: String(r.workspace_name),
        signupAt: dateOrNull(r.signup_at)!,
        referrerKind: r.referrer_user_id ? "user" : r.referrer_affiliate_id ? "affiliate" : null,
        referrerId: (r.referrer_user_id ?? r.referrer_affiliate_id ?? null) as string | null,
        referrerName: (r.referrer_name ?? null) as string | null,
        linkCode: String(r.code),
        campaign: (r.campaign ?? null) as string | null,
        activatedAt: dateOrNull(r.activated_at),
        firstPaidAt: dateOrNull(r.first_paid_at),
        paidInvoices: num(r.paid_invoices),
        revenueUsd: num(r.revenue),
        pendingUsd: num(r.pending),
        heldUsd: num(r.held),
        approvedUsd: num(r.approved),
        paidUsd: num(r.paid),
        reversedUsd: num(r.reversed),
        rejectedUsd: num(r.rejected),
        flags: Array.isArray(r.flags) ? (r.flags as string[]) : [],
      }));
    },

    // ── Affiliates ──────────────────────────────────────────────────────────────────────────────────
    /** Affiliates, those awaiting review first, then newest first. */
    listAffiliates(status?: AdminAffiliateStatus): Promise<AdminAffiliateRow[]> {
      return db
        .select()
        .from(affiliates)
        .where(status ? eq(affiliates.status, status) : undefined)
        .orderBy(sql`(${affiliates.status} = 'pending') desc`, desc(affiliates.createdAt), desc(affiliates.id))
        .limit(500);
    },
    async findAffiliate(id: string): Promise<AdminAffiliateRow | undefined> {
      const [row] = await db.select().from(affiliates).where(eq(affiliates.id, id));
      return row;
    },
    /** The review's outcome, only from one of the statuses in `from` (undefined when the affiliate was not in one of them). */
    async reviewAffiliate(
      id: string,
      from: AdminAffiliateStatus[],
      review: { status: "approved" | "rejected"; note: string | null; by: string; at: Date },
    ): Promise<AdminAffiliateRow | undefined> {
      const [row] = await db
        .update(affiliates)
        .set({ status: review.status, reviewNote: review.note, reviewedBy: review.by, reviewedAt: review.at })
        .where(and(eq(affiliates.id, id), inArray(affiliates.status, from)))
        .returning();
      return row;
    },
    async setAffiliateStripeAccount(id: string, accountId: string | null): Promise<AdminAffiliateRow | undefined> {
      const [row] = await db.update(affiliates).set({ stripeAccountId: accountId }).where(eq(affiliates.id, id)).returning();
      return row;
    },

    // ── Commissions ─────────────────────────────────────────────────────────────────────────────────
    /** Commissions of one status with their referrer and referred workspace, newest first. */
    async listCommissions(status: string, limit = 500): Promise<AdminCommissionRow[]> {
      const rows = rowsOf<Record<string, unknown>>(
        await db.execute(sql`
          select c.id, c.workspace_id, w.name as workspace_name, c.referrer_user_id, c.referrer_affiliate_id,
            coalesce(u.name, a.name) as referrer_name, c.kind, c.amount_usd::float8 as amount, c.status, c.hold_until, c.reasons,
            c.payout_id, c.created_at
          from referral_commissions c
          join workspaces w on w.id = c.workspace_id
          left join users u on u.id = c.referrer_user_id
          left join affiliates a on a.id = c.referrer_affiliate_id
          where c.status = ${status}
          order by c.created_at desc, c.id desc
          limit ${limit}`),
      );
      return rows.map((r) => ({
        id: String(r.id),
        workspaceId: String(r.workspace_id),
        workspaceName: String(r.workspace_name),
        referrerKind: r.referrer_user_id ? "user" : r.referrer_affiliate_id ? "affiliate" : null,
        referrerId: (r.referrer_user_id ?? r.referrer_affiliate_id ?? null) as string | null,
        referrerName: (r.referrer_name ?? null) as string | null,
        kind: r.kind as AdminCommissionRow["kind"],
        amountUsd: num(r.amount),
        status: String(r.status),
        holdUntil: dateOrNull(r.hold_until),
        reasons: Array.isArray(r.reasons) ? (r.reasons as string[]) : [],
        payoutId: (r.payout_id ?? null) as string | null,
        createdAt: dateOrNull(r.created_at)!,
      }));
    },
    /** Approves a held commission after review; undefined when it is not held (any more). */
    async approveHeldCommission(id: string, at: Date) {
      const [row] = await db
        .update(referralCommissions)
        .set({ status: "approved", approvedAt: at })
        .where(and(eq(referralCommissions.id, id), eq(referralCommissions.status, "held")))
        .returning();
      return row;
    },
    /** Rejects a commission not yet paid (held, pending or approved), the note appended to its reasons. */
    async rejectCommission(id: string, note: string) {
      const [row] = await db
        .update(referralCommissions)
        .set({ status: "rejected", reasons: sql`${referralCommissions.reasons} || ${JSON.stringify([note])}::jsonb` })
        .where(and(eq(referralCommissions.id, id), inArray(referralCommissions.status, ["held", "pending", "approved"])))
        .returning();
      return row;
    },
    async commissionStatus(id: string): Promise<string | undefined> {
      const [row] = await db.select({ status: referralCommissions.status }).from(referralCommissions).where(eq(referralCommissions.id, id));
      return row?.status;
    },

    // ── Payouts ─────────────────────────────────────────────────────────────────────────────────────
    /** Referrers with approved commissions not yet paid out, and their sum (negative adjustments included), largest first. */
    async balances(): Promise<ReferrerBalanceRow[]> {
      const rows = rowsOf<Record<string, unknown>>(
        await db.execute(sql`
          select c.referrer_user_id, c.referrer_affiliate_id, coalesce(u.name, a.name, '') as name, coalesce(u.email, a.email, '') as email,
            a.stripe_account_id, count(*)::int as commissions, sum(c.amount_usd)::float8 as amount
          from referral_commissions c
          left join users u on u.id = c.referrer_user_id
          left join affiliates a on a.id = c.referrer_affiliate_id
          where c.status = 'approved' and (c.referrer_user_id is not null or c.referrer_affiliate_id is not null)
          group by c.referrer_user_id, c.referrer_affiliate_id, u.name, a.name, u.email, a.email, a.stripe_account_id
          order by amount desc`),
      );
      return rows.map((r) => ({
        referrerKind: r.referrer_user_id ? ("user" as const) : ("affiliate" as const),
        referrerId: String(r.referrer_user_id ?? r.referrer_affiliate_id),
        name: String(r.name),
        email: String(r.email),
        stripeAccountId: (r.stripe_account_id ?? null) as string | null,
        commissions: num(r.commissions),
        amountUsd: num(r.amount),
      }));
    },
    /** The referrer's approved commissions, locked until the transaction ends (call inside one). */
    approvedCommissionsForUpdate(ref: PayoutReferrer) {
      return db
        .select({ id: referralCommissions.id, amountUsd: referralCommissions.amountUsd })
        .from(referralCommissions)
        .where(
          and(
            eq(referralCommissions.status, "approved"),
            referrerIs(ref, { user: referralCommissions.referrerUserId, affiliate: referralCommissions.referrerAffiliateId }),
          ),
        )
        .for("update");
    },
    async insertPayout(values: typeof referralPayouts.$inferInsert): Promise<AdminPayoutBase> {
      const [row] = await db.insert(referralPayouts).values(values).returning();
      return row!;
    },
    async markCommissionsPaid(ids: string[], payoutId: string, at: Date): Promise<void> {
      if (ids.length === 0) return;
      await db.update(referralCommissions).set({ status: "paid", payoutId, paidAt: at }).where(inArray(referralCommissions.id, ids));
    },
    /** A failed transfer: the payout's commissions are approved again, to be paid by a later payout. */
    async releaseCommissions(payoutId: string): Promise<void> {
      await db
        .update(referralCommissions)
        .set({ status: "approved", payoutId: null, paidAt: null })
        .where(and(eq(referralCommissions.payoutId, payoutId), eq(referralCommissions.status, "paid")));
    },
    async findPayout(id: string): Promise<AdminPayoutBase | undefined> {
      const [row] = await db.select().from(referralPayouts).where(eq(referralPayouts.id, id));
      return row;
    },
    /** Sets the outcome of a payout still pending; undefined when it was not pending. */
    async settlePayout(
      id: string,
      outcome: { status: "paid"; paidAt: Date; transferId?: string | null } | { status: "failed"; error: string },
    ): Promise<AdminPayoutBase | undefined> {
      const [row] = await db
        .update(referralPayouts)
        .set(
          outcome.status === "paid"
            ? { status: "paid", paidAt: outcome.paidAt, transferId: outcome.transferId ?? null }
            : { status: "failed", error: outcome.error },
        )
        .where(and(eq(referralPayouts.id, id), eq(referralPayouts.status, "pending")))
        .returning();
      return row;
    },
    /** Payouts, newest first, with the referrer's name and email. */
    async listPayouts(limit = 1000): Promise<AdminPayoutRow[]> {
      const rows = rowsOf<Record<string, unknown>>(
        await db.execute(sql`
          select p.*, p.amount_usd::float8 as amount, coalesce(u.name, a.name) as referrer_name, coalesce(u.email, a.email) as referrer_email
          from referral_payouts p
          left join users u on u.id = p.referrer_user_id
          left join affiliates a on a.id = p.referrer_affiliate_id
          order by p.created_at desc, p.id desc
          limit ${limit}`),
      );
      return rows.map((r) => ({
        id: String(r.id),
        referrerUserId: (r.referrer_user_id ?? null) as string | null,
        referrerAffiliateId: (r.referrer_affiliate_id ?? null) as string | null,
        amountUsd: num(r.amount),
        status: r.status as AdminPayoutBase["status"],
        method: r.method as AdminPayoutBase["method"],
        transferId: (r.transfer_id ?? null) as string | null,
        error: (r.error ?? null) as string | null,
        createdBy: (r.created_by ?? null) as string | null,
        createdAt: dateOrNull(r.created_at)!,
        paidAt: dateOrNull(r.paid_at),
        referrerName: (r.referrer_name ?? null) as string | null,
        referrerEmail: (r.referrer_email ?? null) as string | null,
      }));
    },
    /** The name and email a payout is sent to (a user or an affiliate). */
    async referrerContact(ref: PayoutReferrer): Promise<{ name: string; email: string; stripeAccountId: string | null } | undefined> {
      const rows = rowsOf<{ name: string; email: string; stripe_account_id: string | null }>(
        "userId" in ref
          ? await db.execute(sql`select name, email, null as stripe_account_id from users where id = ${ref.userId}`)
          : await db.execute(sql`select name, email, stripe_account_id from affiliates where id = ${ref.affiliateId}`),
      );
      const r = rows[0];
      return r ? { name: r.name, email: r.email, stripeAccountId: r.stripe_account_id ?? null } : undefined;
    },

    // ── Programmes ──────────────────────────────────────────────────────────────────────────────────
    listPrograms(): Promise<AdminProgramRow[]> {
      return db.select().from(referralPrograms).orderBy(asc(referralPrograms.id));
    },
    async updateProgram(
      id: string,
      patch: Partial<Pick<AdminProgramRow, "name" | "rule" | "holdDays" | "active">>,
      at: Date,
    ): Promise<AdminProgramRow | undefined> {
      const [row] = await db
        .update(referralPrograms)
        .set({ ...patch, updatedAt: at })
        .where(eq(referralPrograms.id, id))
        .returning();
      return row;
    },

    // ── Workspaces ──────────────────────────────────────────────────────────────────────────────────
    /** All workspaces, newest first (keyset: `after` the last row of the previous page), `limit + 1` rows. */
    async listWorkspaces(limit: number, after?: { createdAt: Date; id: string }): Promise<AdminWorkspaceRow[]> {
      const rows = rowsOf<Record<string, unknown>>(
        await db.execute(sql`
          select w.id, w.name, w.created_at,
            (select u.email from memberships m join users u on u.id = m.user_id
              where m.workspace_id = w.id and m.role = 'owner' order by m.created_at limit 1) as owner_email,
            bs.plan_id,
            (select count(*)::int from calls c where c.workspace_id = w.id) as calls,
            l.code as referral_code, coalesce(ru.name, ra2.name) as referrer_name
          from workspaces w
          left join billing_subscriptions bs on bs.workspace_id = w.id
          left join referral_attributions ra on ra.workspace_id = w.id
          left join referral_links l on l.id = ra.link_id
          left join users ru on ru.id = ra.referrer_user_id
          left join affiliates ra2 on ra2.id = ra.referrer_affiliate_id
          ${after ? sql`where (date_trunc('milliseconds', w.created_at), w.id) < (${after.createdAt}::timestamptz, ${after.id}::text)` : sql``}
          order by date_trunc('milliseconds', w.created_at) desc, w.id desc
          limit ${limit + 1}`),
      );
      return rows.map((r) => ({
        id: String(r.id),
        name: String(r.name),
        createdAt: dateOrNull(r.created_at)!,
        ownerEmail: (r.owner_email ?? null) as string | null,
        planId: (r.plan_id ?? null) as string | null,
        calls: num(r.calls),
        referralCode: (r.referral_code ?? null) as string | null,
        referrerName: (r.referrer_name ?? null) as string | null,
      }));
    },
  };
  return repo;
}
export type ReferralAdminRepository = ReturnType<typeof referralAdminRepository>;
