import { AppError, commissionRuleSchema, createId, type PlanFeature, type ReferralAnalyticsDto, type ReferralProgramDto } from "@orbis/contracts";
import { referralAdminRepository, systemRepository, tenantScope, type AdminAffiliateStatus, type PayoutReferrer } from "@orbis/db";
import type { z } from "zod";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import type { FeaturesService } from "../features/features.service.ts";
import type { ReferralDeps } from "../referrals/referral-deps.ts";
import type { adminWorkspaceListSchema, createPayoutSchema } from "./admin.schemas.ts";
import { toAdminAffiliate, toAdminCommission, toAdminPayout, toBalance } from "./admin.mappers.ts";

const DAY_MS = 86_400_000;
/** The analytics' default range: the last twelve months. */
const DEFAULT_RANGE_DAYS = 365;

/** Who did it: the operator's user id (the request log records the change; tenant audit logs do not). */
export interface Operator {
  userId: string;
}

type CreatePayout = z.infer<typeof createPayoutSchema>;
type ProgramPatch = { name?: string | undefined; rule?: unknown; holdDays?: number | undefined; active?: boolean | undefined };

const nothingToPay = () => new AppError("conflict", "Nothing to pay: this referrer has no approved balance");
/** Money in cents, as a payout carries it: sums of numeric(14, 8) amounts are rounded once, here. */
const cents = (usd: number) => Math.round(usd * 100) / 100;

/** /v1/admin/* — the platform operator's console: analytics, affiliates, commissions, payouts, programmes, workspaces and their features. */
export function createAdminService(deps: ReferralDeps & { features: FeaturesService }) {
  const admin = referralAdminRepository(deps.db.system);
  const system = systemRepository(deps.db.system);
  const now = () => deps.now?.() ?? new Date();
  const dashboardUrl = (ref: PayoutReferrer) => `${deps.publicBaseUrl()}${"userId" in ref ? "/dashboard/referrals" : "/affiliates/dashboard"}`;

  function rangeOf(q: { from?: string | undefined; to?: string | undefined }) {
    const to = q.to ? new Date(q.to) : now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
    if (from >= to) throw new AppError("validation_failed", "query.from: must be before to", [{ path: "query.from", message: "must be before to" }]);
    return { from, to };
  }

  async function sendPayoutEmail(payoutId: string, ref: PayoutReferrer, amountUsd: number, method: "manual" | "stripe_connect") {
    const contact = await admin.referrerContact(ref);
    if (!contact) return;
    await deps.email.send({
      template: "payout_sent",
      data: { referrerName: contact.name, amountUsd, method, url: dashboardUrl(ref) },
      to: contact.email,
      idempotencyKey: `payout_sent:${payoutId}`,
      workspaceId: null,
      userId: "userId" in ref ? ref.userId : null,
    });
  }

  const referrerOfPayout = (p: { referrerUserId: string | null; referrerAffiliateId: string | null }): PayoutReferrer | undefined =>
    p.referrerUserId ? { userId: p.referrerUserId } : p.referrerAffiliateId ? { affiliateId: p.referrerAffiliateId } : undefined;

  return {
    async me(userId: string) {
      const user = found(await system.findUserById(userId), "User");
      return { platformAdmin: true as const, email: user.email };
    },

    async analytics(q: { from?: string | undefined; to?: string | undefined }): Promise<ReferralAnalyticsDto> {
      const { from, to } = rangeOf(q);
      const { funnel, cohorts, topReferrers } = await admin.analytics(from, to);
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        funnel: { clicks: funnel.clicks, signups: funnel.signups, activations: funnel.activations, paid: funnel.paid },
        revenueUsd: cents(funnel.revenueUsd),
        commissionsUsd: cents(funnel.commissionsUsd),
        cohorts: cohorts.map((c) => ({ ...c, revenueUsd: cents(c.revenueUsd) })),
        topReferrers: topReferrers.map((r) => ({ ...r, revenueUsd: cents(r.revenueUsd), earningsUsd: cents(r.earningsUsd) })),
      };
    },

    async attributions(q: { from?: string | undefined; to?: string | undefined }) {
      const { from, to } = rangeOf(q);
      return { from, to, rows: await admin.attributionsForExport(from, to) };
    },

    // ── Affiliates ──
    async affiliates(status?: AdminAffiliateStatus) {
      return { data: (await admin.listAffiliates(status)).map(toAdminAffiliate) };
    },

    /** Approves an affiliate awaiting review (or one rejected before); an unverified one must confirm their email first. */
    async approveAffiliate(id: string, note: string | undefined, by: Operator) {
      const row = await admin.reviewAffiliate(id, ["pending", "rejected"], { status: "approved", note: note ?? null, by: by.userId, at: now() });
      if (!row) throw await reviewRefusal(id, "approved");
      return toAdminAffiliate(row);
    },

    async rejectAffiliate(id: string, note: string, by: Operator) {
      const row = await admin.reviewAffiliate(id, ["pending", "approved"], { status: "rejected", note, by: by.userId, at: now() });
      if (!row) throw await reviewRefusal(id, "rejected");
      return toAdminAffiliate(row);
    },

    async setStripeAccount(id: string, accountId: string) {
      return toAdminAffiliate(found(await admin.setAffiliateStripeAccount(id, accountId), "Affiliate"));
    },

    // ── Commissions ──
    async commissions(status: "held" | "pending" | "approved") {
      return { data: (await admin.listCommissions(status)).map(toAdminCommission) };
    },

    async approveCommission(id: string) {
      const row = await admin.approveHeldCommission(id, now());
      if (!row) throw await commissionRefusal(id, "Only a held commission can be approved here (others are approved when their hold period ends)");
      return row;
    },

    async rejectCommission(id: string, note: string) {
      const row = await admin.rejectCommission(id, `rejected by the operator: ${note}`);
      if (!row) throw await commissionRefusal(id, "Only a commission not yet paid, reversed or rejected can be rejected");
      return row;
    },

    // ── Payouts ──
    async balances() {
      return { data: (await admin.balances()).map(toBalance) };
    },

    async payouts() {
      return { data: (await admin.listPayouts()).map(toAdminPayout) };
    },

    /**
     * Pays a referrer's approved balance: the payout and its commissions (marked paid, with the payout's
     * id) in one transaction; then, for Stripe Connect, the transfer. A failed transfer fails the payout
     * and hands its commissions back to the approved balance.
     */
    async createPayout(body: CreatePayout, by: Operator) {
      const ref: PayoutReferrer = body.referrer;
      const contact = found(await admin.referrerContact(ref), "userId" in ref ? "User" : "Affiliate");
      const stripe = deps.billing.stripe;
      if (body.method === "stripe_connect") {
        if (deps.billing.plans.mode !== "stripe" || !stripe) throw new AppError("conflict", "Stripe is off on this server: pay manually");
        if (!contact.stripeAccountId) throw new AppError("conflict", "This referrer has no Stripe account to transfer to");
      }
      const at = now();
      const payout = await deps.db.system.transaction(async (tx) => {
        const repo = referralAdminRepository(tx);
        const approved = await repo.approvedCommissionsForUpdate(ref);
        const amountUsd = cents(approved.reduce((sum, c) => sum + c.amountUsd, 0));
        if (amountUsd <= 0) throw nothingToPay();
        const row = await repo.insertPayout({
          id: createId("payout"),
          referrerUserId: "userId" in ref ? ref.userId : null,
          referrerAffiliateId: "affiliateId" in ref ? ref.affiliateId : null,
          amountUsd,
          status: "pending",
          method: body.method,
          createdBy: by.userId,
          createdAt: at,
        });
        await repo.markCommissionsPaid(
          approved.map((c) => c.id),
          row.id,
          at,
        );
        return row;
      });
      if (body.method === "manual") return toAdminPayout({ ...payout, referrerName: contact.name, referrerEmail: contact.email });

      let transferId: string;
      try {
        ({ transferId } = await stripe!.transfer({ accountId: contact.stripeAccountId!, amountUsd: payout.amountUsd, payoutId: payout.id }));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const failed = await deps.db.system.transaction(async (tx) => {
          const repo = referralAdminRepository(tx);
          const row = await repo.settlePayout(payout.id, { status: "failed", error: message.slice(0, 500) });
          await repo.releaseCommissions(payout.id);
          return row;
        });
        return toAdminPayout({ ...(failed ?? payout), referrerName: contact.name, referrerEmail: contact.email });
      }
      const settled = await admin.settlePayout(payout.id, { status: "paid", paidAt: now(), transferId });
      await sendPayoutEmail(payout.id, ref, payout.amountUsd, "stripe_connect");
      return toAdminPayout({ ...(settled ?? payout), referrerName: contact.name, referrerEmail: contact.email });
    },

    /** A manual payout the operator has sent: paid, and the referrer is told. */
    async markPayoutPaid(id: string) {
      const existing = found(await admin.findPayout(id), "Payout");
      if (existing.method !== "manual") throw new AppError("conflict", "A Stripe Connect payout is settled by its transfer");
      const row = await admin.settlePayout(id, { status: "paid", paidAt: now() });
      if (!row) throw new AppError("conflict", `This payout is already ${existing.status}`);
      const ref = referrerOfPayout(row);
      if (ref) await sendPayoutEmail(row.id, ref, row.amountUsd, "manual");
      const contact = ref ? await admin.referrerContact(ref) : undefined;
      return toAdminPayout({ ...row, referrerName: contact?.name ?? null, referrerEmail: contact?.email ?? null });
    },

    // ── Programmes ──
    async programs(): Promise<{ data: ReferralProgramDto[] }> {
      return { data: (await admin.listPrograms()).map(toProgram) };
    },

    async updateProgram(id: string, patch: ProgramPatch): Promise<ReferralProgramDto> {
      const set = {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.rule !== undefined ? { rule: patch.rule } : {}),
        ...(patch.holdDays !== undefined ? { holdDays: patch.holdDays } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
      };
      return toProgram(found(await admin.updateProgram(id, set, now()), "Referral programme"));
    },

    // ── Workspaces ──
    async workspaces(q: { cursor?: string | undefined; limit: number }): Promise<z.infer<typeof adminWorkspaceListSchema>> {
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await admin.listWorkspaces(q.limit, after ? { createdAt: after.date, id: after.id } : undefined);
      const page = pageOf(rows, q.limit, (r) => ({ at: r.createdAt, id: r.id }));
      return {
        data: page.rows.map((r) => ({
          id: r.id,
          name: r.name,
          createdAt: r.createdAt.toISOString(),
          ownerEmail: r.ownerEmail,
          planId: r.planId ?? deps.billing.plans.default.id,
          calls: r.calls,
          viaReferral: r.referralCode ? { code: r.referralCode, referrerName: r.referrerName ?? "(deleted referrer)" } : null,
        })),
        nextCursor: page.nextCursor,
      };
    },

    /** Turns a feature on or off for one workspace over its plan (`enabled: null`: the plan decides again); its flags after. */
    async setFeature(workspaceId: string, flag: PlanFeature, enabled: boolean | null) {
      const tenant = tenantScope(deps.db, workspaceId);
      found(await tenant.workspace.get(), "Workspace");
      return { flags: await deps.features.override(tenant, flag, enabled) };
    },
  };

  /** Why a review did not apply: not found (404), or a status it cannot move from (409). */
  async function reviewRefusal(id: string, to: "approved" | "rejected") {
    const current = found(await admin.findAffiliate(id), "Affiliate");
    if (current.status === "unverified") return new AppError("conflict", "This affiliate has not verified their email yet");
    return new AppError("conflict", `This affiliate is already ${current.status}${current.status === to ? "" : ` and cannot be ${to}`}`);
  }

  async function commissionRefusal(id: string, message: string) {
    const status = found(await admin.commissionStatus(id), "Commission");
    return new AppError("conflict", `${message}; this one is ${status}`);
  }
}
export type AdminService = ReturnType<typeof createAdminService>;

function toProgram(row: {
  id: string;
  name: string;
  audience: "users" | "affiliates";
  rule: unknown;
  holdDays: number;
  active: boolean;
  updatedAt: Date;
}): ReferralProgramDto {
  return {
    id: row.id,
    name: row.name,
    audience: row.audience,
    rule: commissionRuleSchema.parse(row.rule),
    holdDays: row.holdDays,
    active: row.active,
    updatedAt: row.updatedAt.toISOString(),
  };
}
