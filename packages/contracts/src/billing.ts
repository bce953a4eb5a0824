import { z } from "zod";

/**
 * Plans, subscriptions, allowances and invoices (docs/billing.md). A plan is data: the catalogue is
 * seeded with Free, Starter, Growth and Custom and replaced by the operator's `BILLING_PLANS_FILE`.
 * With billing off (the self-hosted default) every workspace is on one unlimited plan.
 */
export const PLAN_FEATURES = ["cloud_voices", "phone_numbers", "sales_practice", "custom_tools", "webhooks", "priority_support"] as const;
export const planFeatureSchema = z.enum(PLAN_FEATURES);
export type PlanFeature = z.infer<typeof planFeatureSchema>;

/** A limit: a whole number, or null for none. */
const limit = z.number().int().min(0).nullable();

export const planSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, "must be lowercase letters, digits, - or _ (at most 40)"),
  name: z.string().trim().min(1).max(60),
  description: z.string().max(300).default(""),
  /** Null: priced by agreement ("Custom", contact sales). */
  monthlyPriceUsd: z.number().min(0).nullable(),
  /** Calls included per billing period; null: unlimited. Dashboard test calls never count. */
  includedCalls: limit,
  /** Call minutes included per billing period; null: unlimited. */
  includedMinutes: limit,
  /** What use beyond the allowance costs; null: no overage — calls stop when the allowance is spent. */
  overage: z.strictObject({ perCallUsd: z.number().min(0), perMinuteUsd: z.number().min(0) }).nullable(),
  concurrentCalls: z.number().int().min(1).nullable(),
  agents: z.number().int().min(1).nullable(),
  phoneNumbers: limit,
  features: z.array(planFeatureSchema).default([]),
  /**
   * The Stripe Price of the subscription: a price id (`price_…`) or a lookup key (Checkout sells plans
   * that have one). The built-in plans use the lookup keys `orbis_<plan>_monthly`.
   */
  stripePrice: z.string().min(1).nullable().default(null),
  /** The metered Stripe Price (id or lookup key) added to the subscription for overage, billed from meter events. */
  stripeOveragePrice: z.string().min(1).nullable().default(null),
  /** Offered on the billing page (an operator may keep legacy plans hidden). */
  public: z.boolean().default(true),
});
export type Plan = z.infer<typeof planSchema>;

/** The operator's catalogue (`BILLING_PLANS_FILE`): plans, and the plan a workspace without a subscription is on. */
export const planCatalogueSchema = z
  .strictObject({
    defaultPlanId: z.string(),
    plans: z.array(planSchema).min(1),
  })
  .refine((c) => new Set(c.plans.map((p) => p.id)).size === c.plans.length, { message: "plan ids must be unique", path: ["plans"] })
  .refine((c) => c.plans.some((p) => p.id === c.defaultPlanId), { message: "must be the id of a plan in the catalogue", path: ["defaultPlanId"] });
export type PlanCatalogue = z.infer<typeof planCatalogueSchema>;

export const SUBSCRIPTION_STATUSES = ["none", "trialing", "active", "past_due", "canceled", "unpaid", "incomplete"] as const;
export const subscriptionStatusSchema = z.enum(SUBSCRIPTION_STATUSES);
export type SubscriptionStatus = z.infer<typeof subscriptionStatusSchema>;

/** How close the workspace is to its allowance: the dashboard's banner at 80 % and 100 %. */
export const allowanceLevelSchema = z.enum(["ok", "warning", "exhausted"]);
export type AllowanceLevel = z.infer<typeof allowanceLevelSchema>;

const meter = z.object({ used: z.number(), included: z.number().nullable(), percent: z.number().nullable() });

export const allowanceSchema = z.object({
  calls: meter,
  minutes: meter,
  level: allowanceLevelSchema,
  /** Use beyond the allowance so far this period, and what it will cost at the plan's overage prices. */
  overageCalls: z.number().int(),
  overageMinutes: z.number(),
  estimatedOverageUsd: z.number(),
  /** True when new calls are refused (allowance spent, no overage, or the subscription lapsed past its grace). */
  callsBlocked: z.boolean(),
});
export type Allowance = z.infer<typeof allowanceSchema>;

const instant = z.iso.datetime({ offset: true });

export const subscriptionSchema = z.object({
  /** `off`: self-hosted, one unlimited plan; `stripe`: plans are sold through Stripe. */
  billing: z.enum(["off", "stripe"]),
  plan: planSchema,
  status: subscriptionStatusSchema,
  currentPeriodStart: instant,
  currentPeriodEnd: instant,
  cancelAtPeriodEnd: z.boolean(),
  /** When past_due: calls keep working until then. */
  graceEndsAt: instant.nullable(),
  paymentFailed: z.boolean(),
  /** Whether a Stripe customer exists: the Customer Portal (card, plan changes, cancel) is offered. */
  hasBillingAccount: z.boolean(),
  usage: z.object({ calls: z.number().int(), minutes: z.number(), agents: z.number().int(), phoneNumbers: z.number().int() }),
  allowance: allowanceSchema,
});
export type SubscriptionDto = z.infer<typeof subscriptionSchema>;

export const plansResponseSchema = z.object({ billing: z.enum(["off", "stripe"]), plans: z.array(planSchema) });
export type PlansResponse = z.infer<typeof plansResponseSchema>;

export const checkoutRequestSchema = z.strictObject({ planId: z.string().min(1).max(40) });
export const redirectResponseSchema = z.object({ url: z.string().url() });

export const invoiceSchema = z.object({
  id: z.string(),
  number: z.string().nullable(),
  status: z.string().nullable(),
  currency: z.string(),
  amountDueUsd: z.number(),
  amountPaidUsd: z.number(),
  created: instant,
  periodStart: instant.nullable(),
  periodEnd: instant.nullable(),
  hostedInvoiceUrl: z.string().nullable(),
  pdfUrl: z.string().nullable(),
});
export type InvoiceDto = z.infer<typeof invoiceSchema>;
export const invoiceListSchema = z.object({ data: z.array(invoiceSchema) });
