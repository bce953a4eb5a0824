import { z } from "zod";
import { idSchema } from "./ids.ts";

/**
 * Referrals and affiliates (docs/referrals.md): links and clicks, attribution of a new workspace to its
 * referrer, commissions from activation and paid invoices, payouts, the public affiliate programme and
 * the platform operator's console.
 */
const instant = z.iso.datetime({ offset: true });
const usd = z.number();

/** A referral link's code: what `/r/:code` carries. */
export const referralCodeSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{3,39}$/, "must be 4–40 lowercase letters, digits or -");
/** A campaign tag on a link (`?utm_campaign`-like, the referrer's own label). */
export const campaignSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_. -]{1,60}$/, "must be 1–60 letters, digits, space, _ . or -");

export const referralLinkSchema = z.object({
  id: idSchema("referralLink"),
  code: z.string(),
  /** The full URL to share: `<PUBLIC_BASE_URL>/r/<code>`. */
  url: z.string().url(),
  campaign: z.string().nullable(),
  programId: z.string(),
  clicks: z.number().int(),
  signups: z.number().int(),
  createdAt: instant,
});
export type ReferralLinkDto = z.infer<typeof referralLinkSchema>;
export const referralLinkListSchema = z.object({ data: z.array(referralLinkSchema) });
export const createReferralLinkSchema = z.strictObject({ campaign: campaignSchema.optional() });

/** The funnel of one referrer (or of everyone, for the operator). */
export const funnelSchema = z.object({
  clicks: z.number().int(),
  signups: z.number().int(),
  activations: z.number().int(),
  paid: z.number().int(),
});
export type FunnelDto = z.infer<typeof funnelSchema>;

export const COMMISSION_STATUSES = ["pending", "held", "approved", "paid", "reversed", "rejected"] as const;
export const commissionStatusSchema = z.enum(COMMISSION_STATUSES);
export type CommissionStatus = z.infer<typeof commissionStatusSchema>;

export const earningsSchema = z.object({
  currency: z.literal("usd"),
  /** Sums by status: pending (in the hold period), held (flagged, for review), approved (to be paid), paid, reversed. */
  totals: z.object({ pending: usd, held: usd, approved: usd, paid: usd, reversed: usd }),
  /** Estimated: pending + held + approved, not yet paid. */
  estimatedUsd: usd,
  commissions: z.array(
    z.object({
      id: idSchema("commission"),
      kind: z.enum(["activation", "conversion", "invoice"]),
      amountUsd: usd,
      status: commissionStatusSchema,
      /** The referred business, as the referrer may see it: its name only. */
      referredWorkspace: z.string(),
      createdAt: instant,
      holdUntil: instant.nullable(),
      reasons: z.array(z.string()),
    }),
  ),
  /** Earnings per month (approved + paid), oldest first: the chart. */
  monthly: z.array(z.object({ month: z.string(), amountUsd: usd })),
});
export type EarningsDto = z.infer<typeof earningsSchema>;

/** A referred workspace in the referrer's history: its status along the funnel. */
export const referralHistoryItemSchema = z.object({
  workspace: z.string(),
  signedUpAt: instant,
  activatedAt: instant.nullable(),
  firstPaidAt: instant.nullable(),
  status: z.enum(["signed_up", "activated", "paid", "flagged"]),
});

export const referralsMeSchema = z.object({
  links: z.array(referralLinkSchema),
  clicks: z.number().int(),
  signups: z.number().int(),
  activations: z.number().int(),
  paid: z.number().int(),
  estimatedEarningsUsd: usd,
  history: z.array(referralHistoryItemSchema),
  program: z.object({ id: z.string(), name: z.string(), summary: z.string() }),
});
export type ReferralsMeDto = z.infer<typeof referralsMeSchema>;

/** How a programme pays: a share of paid invoices for some months, or fixed amounts per activation and first payment. */
export const commissionRuleSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("percent"), percent: z.number().gt(0).max(100), months: z.number().int().min(1).max(120) }),
  z.strictObject({ type: z.literal("fixed"), activationUsd: z.number().min(0).max(100_000), conversionUsd: z.number().min(0).max(100_000) }),
]);
export type CommissionRule = z.infer<typeof commissionRuleSchema>;

export const referralProgramSchema = z.object({
  id: z.string(),
  name: z.string(),
  audience: z.enum(["users", "affiliates"]),
  rule: commissionRuleSchema,
  holdDays: z.number().int().min(0).max(365),
  active: z.boolean(),
  updatedAt: instant,
});
export type ReferralProgramDto = z.infer<typeof referralProgramSchema>;
export const updateReferralProgramSchema = z.strictObject({
  name: z.string().trim().min(1).max(80).optional(),
  rule: commissionRuleSchema.optional(),
  holdDays: z.number().int().min(0).max(365).optional(),
  active: z.boolean().optional(),
});

/** The public affiliate signup form. */
export const affiliateSignupSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  email: z.email().max(254),
  website: z.url().max(500).optional(),
  /** How they will promote OrbisVoice (reviewed by the operator). */
  promotion: z.string().trim().max(2000).optional(),
  /** The version of the terms shown on the form; must be the current one. */
  termsVersion: z.string().min(1).max(40),
  acceptTerms: z.literal(true, { error: "the affiliate terms must be accepted" }),
});
export type AffiliateSignup = z.infer<typeof affiliateSignupSchema>;
export const affiliateTokenSchema = z.strictObject({ token: z.string().min(16).max(200) });
export const affiliateLoginSchema = z.strictObject({ email: z.email().max(254) });

export const AFFILIATE_STATUSES = ["unverified", "pending", "approved", "rejected"] as const;
export const affiliateStatusSchema = z.enum(AFFILIATE_STATUSES);

export const affiliateDashboardSchema = z.object({
  affiliate: z.object({
    id: idSchema("affiliate"),
    name: z.string(),
    email: z.string(),
    status: affiliateStatusSchema,
    termsVersion: z.string(),
    termsAcceptedAt: instant,
  }),
  funnel: funnelSchema,
  links: z.array(referralLinkSchema),
  earnings: earningsSchema,
  payouts: z.array(
    z.object({ id: idSchema("payout"), amountUsd: usd, status: z.string(), method: z.string(), createdAt: instant, paidAt: instant.nullable() }),
  ),
});
export type AffiliateDashboardDto = z.infer<typeof affiliateDashboardSchema>;

/** The operator's analytics: the funnel, monthly signup cohorts and what each went on to do, top referrers. */
export const referralAnalyticsSchema = z.object({
  from: instant,
  to: instant,
  funnel: funnelSchema,
  revenueUsd: usd,
  commissionsUsd: usd,
  cohorts: z.array(z.object({ month: z.string(), signups: z.number().int(), activated: z.number().int(), paid: z.number().int(), revenueUsd: usd })),
  topReferrers: z.array(
    z.object({
      kind: z.enum(["user", "affiliate"]),
      id: z.string(),
      name: z.string(),
      clicks: z.number().int(),
      signups: z.number().int(),
      activations: z.number().int(),
      paid: z.number().int(),
      revenueUsd: usd,
      earningsUsd: usd,
    }),
  ),
});
export type ReferralAnalyticsDto = z.infer<typeof referralAnalyticsSchema>;
