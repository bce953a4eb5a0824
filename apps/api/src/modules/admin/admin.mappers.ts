import type { CommissionStatus } from "@orbis/contracts";
import type { AdminAffiliateRow, AdminCommissionRow, AdminPayoutRow, AttributionExportRow, ReferrerBalanceRow } from "@orbis/db";
import { csvRows } from "../../lib/csv.ts";
import type { AdminPayoutDto } from "./admin.schemas.ts";

/** Rows of the operator's console → DTOs (pure). */
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toAdminAffiliate = (a: AdminAffiliateRow) => ({
  id: a.id,
  name: a.name,
  email: a.email,
  website: a.website,
  promotion: a.promotion,
  status: a.status,
  termsVersion: a.termsVersion,
  termsAcceptedAt: a.termsAcceptedAt.toISOString(),
  emailVerifiedAt: iso(a.emailVerifiedAt),
  reviewedAt: iso(a.reviewedAt),
  reviewNote: a.reviewNote,
  stripeAccountId: a.stripeAccountId,
  createdAt: a.createdAt.toISOString(),
});

export const toAdminCommission = (c: AdminCommissionRow) => ({
  id: c.id,
  workspaceId: c.workspaceId,
  workspaceName: c.workspaceName,
  referrer: c.referrerKind && c.referrerId ? { kind: c.referrerKind, id: c.referrerId, name: c.referrerName ?? "" } : null,
  kind: c.kind,
  amountUsd: c.amountUsd,
  status: c.status as CommissionStatus,
  holdUntil: iso(c.holdUntil),
  reasons: c.reasons,
  createdAt: c.createdAt.toISOString(),
});

export const toAdminPayout = (p: AdminPayoutRow): AdminPayoutDto => ({
  id: p.id,
  referrer: p.referrerUserId
    ? { kind: "user", id: p.referrerUserId, name: p.referrerName, email: p.referrerEmail }
    : p.referrerAffiliateId
      ? { kind: "affiliate", id: p.referrerAffiliateId, name: p.referrerName, email: p.referrerEmail }
      : null,
  amountUsd: p.amountUsd,
  status: p.status,
  method: p.method,
  transferId: p.transferId,
  error: p.error,
  createdAt: p.createdAt.toISOString(),
  paidAt: iso(p.paidAt),
});

export const toBalance = (b: ReferrerBalanceRow) => ({
  referrer: { kind: b.referrerKind, id: b.referrerId, name: b.name, email: b.email },
  stripeAccountId: b.stripeAccountId,
  commissions: b.commissions,
  amountUsd: Math.round(b.amountUsd * 100) / 100,
});

/** A CSV cell: quoted when it needs to be, and never read as a formula by a spreadsheet. */
const csv = (header: string[], rows: (string | number | null)[][]) => csvRows([header, ...rows]);
const money = (n: number) => Math.round(n * 100) / 100;

/** One row per attribution: what accounting reconciles (revenue and commissions by status per referred workspace). */
export const ATTRIBUTION_CSV_COLUMNS = [
  "workspace_id",
  "workspace",
  "signup_date",
  "referrer_kind",
  "referrer_id",
  "referrer_name",
  "link_code",
  "campaign",
  "activated_at",
  "first_paid_at",
  "paid_invoices",
  "revenue_usd",
  "commission_pending_usd",
  "commission_held_usd",
  "commission_approved_usd",
  "commission_paid_usd",
  "commission_reversed_usd",
  "commission_rejected_usd",
  "flags",
];
export function attributionsCsv(rows: AttributionExportRow[]): string {
  return csv(
    ATTRIBUTION_CSV_COLUMNS,
    rows.map((r) => [
      r.workspaceId,
      r.workspaceName,
      r.signupAt.toISOString().slice(0, 10),
      r.referrerKind,
      r.referrerId,
      r.referrerName,
      r.linkCode,
      r.campaign,
      iso(r.activatedAt),
      iso(r.firstPaidAt),
      r.paidInvoices,
      money(r.revenueUsd),
      money(r.pendingUsd),
      money(r.heldUsd),
      money(r.approvedUsd),
      money(r.paidUsd),
      money(r.reversedUsd),
      money(r.rejectedUsd),
      r.flags.join(" "),
    ]),
  );
}

export function payoutsCsv(payouts: AdminPayoutDto[]): string {
  return csv(
    [
      "payout_id",
      "created_at",
      "referrer_kind",
      "referrer_id",
      "referrer_name",
      "referrer_email",
      "amount_usd",
      "method",
      "status",
      "transfer_id",
      "paid_at",
      "error",
    ],
    payouts.map((p) => [
      p.id,
      p.createdAt,
      p.referrer?.kind ?? null,
      p.referrer?.id ?? null,
      p.referrer?.name ?? null,
      p.referrer?.email ?? null,
      p.amountUsd,
      p.method,
      p.status,
      p.transferId,
      p.paidAt,
      p.error,
    ]),
  );
}
