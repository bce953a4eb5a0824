import type { AffiliateDashboardDto, EarningsDto, ReferralLinkDto } from "@orbis/contracts";
import type { AffiliateCommissionRow, AffiliateLinkRow, AffiliateRow, AffiliatesRepository } from "@orbis/db";

type PayoutRow = Awaited<ReturnType<AffiliatesRepository["payouts"]>>[number];

export const toAffiliateDto = (a: AffiliateRow): AffiliateDashboardDto["affiliate"] => ({
  id: a.id,
  name: a.name,
  email: a.email,
  status: a.status,
  termsVersion: a.termsVersion,
  termsAcceptedAt: a.termsAcceptedAt.toISOString(),
});

export const toLinkDto = (l: AffiliateLinkRow, baseUrl: string): ReferralLinkDto => ({
  id: l.id,
  code: l.code,
  url: `${baseUrl}/r/${l.code}`,
  campaign: l.campaign,
  programId: l.programId,
  clicks: l.clicks,
  signups: l.signups,
  createdAt: l.createdAt.toISOString(),
});

/** Money to the cent for display sums (the ledger keeps sub-cent precision). */
const cents = (usd: number) => Math.round(usd * 100) / 100;

export function toEarningsDto(
  totals: { status: AffiliateCommissionRow["status"]; amountUsd: number }[],
  commissions: AffiliateCommissionRow[],
  monthly: { month: string; amountUsd: number }[],
): EarningsDto {
  const by = (status: AffiliateCommissionRow["status"]) => cents(totals.find((t) => t.status === status)?.amountUsd ?? 0);
  const sums = { pending: by("pending"), held: by("held"), approved: by("approved"), paid: by("paid"), reversed: by("reversed") };
  return {
    currency: "usd",
    totals: sums,
    estimatedUsd: cents(sums.pending + sums.held + sums.approved),
    commissions: commissions.map((c) => ({
      id: c.id,
      kind: c.kind,
      amountUsd: c.amountUsd,
      status: c.status,
      referredWorkspace: c.referredWorkspace,
      createdAt: c.createdAt.toISOString(),
      holdUntil: c.holdUntil?.toISOString() ?? null,
      reasons: Array.isArray(c.reasons) ? c.reasons.map(String) : [],
    })),
    monthly: monthly.map((m) => ({ month: m.month, amountUsd: cents(m.amountUsd) })),
  };
}

export const toPayoutDto = (p: PayoutRow): AffiliateDashboardDto["payouts"][number] => ({
  id: p.id,
  amountUsd: p.amountUsd,
  status: p.status,
  method: p.method,
  createdAt: p.createdAt.toISOString(),
  paidAt: p.paidAt?.toISOString() ?? null,
});
