import { z } from "zod";
import { AFFILIATE_STATUSES, affiliateStatusSchema, commissionStatusSchema, idSchema } from "@orbis/contracts";

/** Schemas only the operator console uses (`/v1/admin/*`). */
const instant = z.iso.datetime({ offset: true });

export const adminMeSchema = z.object({ platformAdmin: z.literal(true), email: z.string() });

/** `?from&to` of the analytics: instants, `from` before `to`; by default the last twelve months. */
export const analyticsQuerySchema = z
  .strictObject({ from: instant.optional(), to: instant.optional() })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: "from must be before to", path: ["from"] });

export const affiliateListQuerySchema = z.strictObject({ status: z.enum(AFFILIATE_STATUSES).optional() });
export const affiliateIdParamsSchema = z.strictObject({ id: idSchema("affiliate") });
export const approveBodySchema = z.strictObject({ note: z.string().trim().max(2000).optional() }).optional();
export const rejectBodySchema = z.strictObject({ note: z.string().trim().min(1, "a note saying why is required").max(2000) });
export const stripeAccountBodySchema = z.strictObject({ accountId: z.string().regex(/^acct_[A-Za-z0-9]{4,60}$/, "must be a Stripe account id (acct_…)") });

export const adminAffiliateSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  website: z.string().nullable(),
  promotion: z.string().nullable(),
  status: affiliateStatusSchema,
  termsVersion: z.string(),
  termsAcceptedAt: instant,
  emailVerifiedAt: instant.nullable(),
  reviewedAt: instant.nullable(),
  reviewNote: z.string().nullable(),
  stripeAccountId: z.string().nullable(),
  createdAt: instant,
});
export const adminAffiliateListSchema = z.object({ data: z.array(adminAffiliateSchema) });

export const commissionListQuerySchema = z.strictObject({ status: z.enum(["held", "pending", "approved"]).default("held") });
export const commissionIdParamsSchema = z.strictObject({ id: idSchema("commission") });
const referrerKindSchema = z.enum(["user", "affiliate"]);
const adminCommissionSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  workspaceName: z.string(),
  referrer: z.object({ kind: referrerKindSchema, id: z.string(), name: z.string() }).nullable(),
  kind: z.enum(["activation", "conversion", "invoice"]),
  amountUsd: z.number(),
  status: commissionStatusSchema,
  holdUntil: instant.nullable(),
  reasons: z.array(z.string()),
  createdAt: instant,
});
export const adminCommissionListSchema = z.object({ data: z.array(adminCommissionSchema) });

const payoutReferrerSchema = z.union([z.strictObject({ userId: idSchema("user") }), z.strictObject({ affiliateId: idSchema("affiliate") })]);
export const createPayoutSchema = z.strictObject({ referrer: payoutReferrerSchema, method: z.enum(["manual", "stripe_connect"]) });
export const payoutIdParamsSchema = z.strictObject({ id: idSchema("payout") });
export const adminPayoutSchema = z.object({
  id: z.string(),
  referrer: z.object({ kind: referrerKindSchema, id: z.string(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  amountUsd: z.number(),
  status: z.enum(["pending", "paid", "failed"]),
  method: z.enum(["manual", "stripe_connect"]),
  transferId: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: instant,
  paidAt: instant.nullable(),
});
export type AdminPayoutDto = z.infer<typeof adminPayoutSchema>;
export const adminPayoutListSchema = z.object({ data: z.array(adminPayoutSchema) });

export const balanceListSchema = z.object({
  data: z.array(
    z.object({
      referrer: z.object({ kind: referrerKindSchema, id: z.string(), name: z.string(), email: z.string() }),
      stripeAccountId: z.string().nullable(),
      commissions: z.number().int(),
      amountUsd: z.number(),
    }),
  ),
});

export const programIdParamsSchema = z.strictObject({ id: z.string().regex(/^[a-z0-9-]{1,60}$/, "not a programme id") });

export const workspaceListQuerySchema = z.strictObject({ cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
export const adminWorkspaceListSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      createdAt: instant,
      ownerEmail: z.string().nullable(),
      planId: z.string(),
      calls: z.number().int(),
      viaReferral: z.object({ code: z.string(), referrerName: z.string() }).nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});
