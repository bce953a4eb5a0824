import { useMutation, useQuery } from "@tanstack/react-query";
import { invoiceListSchema, plansResponseSchema, redirectResponseSchema, subscriptionSchema, type Plan, type SubscriptionDto } from "@orbis/contracts";
import { api } from "../../lib/api.ts";
import { dayOf, formatDay } from "../../lib/time.ts";

const SUBSCRIPTION_KEY = ["billing", "subscription"];

/** Stripe has made the plan active: what a returning checkout waits for. */
export const isPaying = (sub: SubscriptionDto | undefined) => !!sub && sub.hasBillingAccount && (sub.status === "active" || sub.status === "trialing");

/**
 * `GET /v1/billing/subscription`, shared by the layout's banner, the Billing and Usage pages. Use moves
 * with every call, so it is looked at again every few minutes. `followUntil` (a time in ms) follows a
 * checkout that has just returned: every 1.5 s until the webhook has made the plan active, or until then.
 */
export const useSubscription = (followUntil?: number) =>
  useQuery({
    queryKey: SUBSCRIPTION_KEY,
    queryFn: async () => subscriptionSchema.parse(await api("/v1/billing/subscription")),
    staleTime: 60_000,
    refetchInterval: (query) => (followUntil && Date.now() < followUntil && !isPaying(query.state.data) ? 1_500 : 3 * 60_000),
  });

export const usePlans = () =>
  useQuery({ queryKey: ["billing", "plans"], queryFn: async () => plansResponseSchema.parse(await api("/v1/billing/plans")), staleTime: 10 * 60_000 });

/** Only with Stripe billing: there are no invoices otherwise. */
export const useInvoices = (enabled: boolean) =>
  useQuery({ queryKey: ["billing", "invoices"], queryFn: async () => invoiceListSchema.parse(await api("/v1/billing/invoices")), enabled });

/**
 * Checkout (`{planId}`) or the Customer Portal: the API answers a Stripe URL and the browser leaves for it.
 * `leaving` keeps the buttons busy until the page is gone.
 */
export function useBillingRedirect() {
  const redirect = useMutation({
    mutationFn: async (to: { checkout: string } | "portal") =>
      redirectResponseSchema.parse(
        await api(to === "portal" ? "/v1/billing/portal" : "/v1/billing/checkout", { body: to === "portal" ? {} : { planId: to.checkout } }),
      ),
    onSuccess: ({ url }) => window.location.assign(url),
  });
  return { ...redirect, leaving: redirect.isPending || redirect.isSuccess };
}

/** A paid subscription exists: plan changes and the card go through the Customer Portal, not a new checkout. */
export const hasPaidSubscription = (sub: SubscriptionDto) =>
  sub.hasBillingAccount && sub.status !== "none" && sub.status !== "canceled" && sub.status !== "incomplete";

export const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** "$299/month" (whole dollars without cents), or "Custom pricing" for a plan priced by agreement. */
export const planPrice = (plan: Plan) =>
  plan.monthlyPriceUsd === null
    ? "Custom pricing"
    : `${Number.isInteger(plan.monthlyPriceUsd) ? `$${plan.monthlyPriceUsd.toLocaleString("en-US")}` : usd(plan.monthlyPriceUsd)}/month`;

/** "March 9, 2026": the civil date of an instant in the workspace's zone. */
export const dateInZone = (iso: string, zone: string) => formatDay(dayOf(new Date(iso), zone), { month: "long", day: "numeric", year: "numeric" });

export const SALES_MAILTO = "mailto:sales@orbisvoice.com?subject=OrbisVoice%20Custom%20plan";
