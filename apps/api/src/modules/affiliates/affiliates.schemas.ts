import { z } from "zod";
import { affiliateDashboardSchema } from "@orbis/contracts";

/** `GET /v1/affiliates/terms`: the agreement the signup form shows, its version, and what the programme pays. */
export const affiliateTermsSchema = z.object({
  version: z.string(),
  text: z.string(),
  program: z.object({ name: z.string(), summary: z.string(), holdDays: z.number().int(), windowDays: z.number().int() }),
});
export type AffiliateTerms = z.infer<typeof affiliateTermsSchema>;

/** `GET /v1/affiliates/me`: the dashboard, with the operator's note on a reviewed application. */
export const affiliateMeSchema = affiliateDashboardSchema.extend({
  affiliate: affiliateDashboardSchema.shape.affiliate.extend({ reviewNote: z.string().nullable() }),
});
export type AffiliateMe = z.infer<typeof affiliateMeSchema>;

export const checkYourEmailSchema = z.object({ status: z.literal("check_your_email") });
