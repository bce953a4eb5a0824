import { applyStripeEvent, loadStanding, type Billing, type StripeBilling } from "@orbis/billing";
import { AppError, type InvoiceDto } from "@orbis/contracts";
import type { Database, TenantScope } from "@orbis/db";
import { invalid } from "../../lib/validation.ts";

/** Who asks for a checkout: the signed-in user, or (an API key) nobody in particular. */
export interface CheckoutRequester {
  userId: string | null;
}

/** Checkout, Customer Portal, invoices and the Stripe webhook (`/v1/billing/checkout|portal|invoices|stripe/webhook`). */
export function createStripeBillingService(deps: { db: Database; billing: Billing; publicBaseUrl: () => string; now?: () => Date }) {
  const { billing } = deps;
  const billingPage = () => `${deps.publicBaseUrl()}/dashboard/billing`;

  /** Stripe, when plans are sold through it; otherwise there is nothing to buy or manage. */
  function stripe(): StripeBilling {
    if (billing.plans.mode !== "stripe" || !billing.stripe) throw new AppError("conflict", "Billing is off: plans are not sold on this server");
    return billing.stripe;
  }

  /** The address Stripe sends receipts to: the requester's, else (an API key) the first owner's. */
  async function billingEmail(tenant: TenantScope, who: CheckoutRequester): Promise<string> {
    const member = who.userId ? await tenant.members.get(who.userId) : undefined;
    if (member) return member.email;
    const owner = (await tenant.members.list()).find((m) => m.role === "owner" && m.status === "active");
    if (!owner) throw new AppError("conflict", "The workspace has no active owner to bill");
    return owner.email;
  }

  return {
    /** A Checkout Session for a plan; the workspace's Stripe customer is created on the first one and kept. */
    async checkout(tenant: TenantScope, who: CheckoutRequester, planId: string): Promise<{ url: string }> {
      const client = stripe();
      const plan = billing.plans.get(planId);
      if (!plan) throw invalid("body.planId", `no plan ${planId}; the plans are ${billing.plans.all.map((p) => p.id).join(", ")}`);
      if (!plan.stripePrice) throw invalid("body.planId", `the ${plan.name} plan is not sold through Checkout; contact us for it`);
      const standing = await loadStanding(tenant, billing);
      if (standing.plan.id === plan.id) throw new AppError("conflict", `The workspace is already on the ${plan.name} plan`);
      // A second Checkout would start a second subscription, billed alongside the first.
      if (standing.row?.stripeSubscriptionId && ["trialing", "active", "past_due"].includes(standing.status)) {
        throw new AppError("conflict", "The workspace has a subscription: change plans in the billing portal (POST /v1/billing/portal)");
      }
      const [email, workspace] = await Promise.all([billingEmail(tenant, who), tenant.workspace.get()]);
      const row = standing.row;
      const session = await client.checkout({
        workspaceId: tenant.workspaceId,
        customerId: row?.stripeCustomerId ?? null,
        email,
        workspaceName: workspace?.name ?? tenant.workspaceId,
        plan,
        successUrl: `${billingPage()}?checkout=success`,
        cancelUrl: `${billingPage()}?checkout=cancelled`,
      });
      // The customer is how Stripe's webhooks find the workspace; the plan changes only when they say so.
      if (row?.stripeCustomerId !== session.customerId) {
        await tenant.billing.saveSubscription({ planId: row?.planId ?? billing.plans.default.id, stripeCustomerId: session.customerId });
      }
      return { url: session.url };
    },

    /** A Customer Portal session (card, invoices, plan changes, cancellation). */
    async portal(tenant: TenantScope): Promise<{ url: string }> {
      const client = stripe();
      const customerId = (await tenant.billing.subscription())?.stripeCustomerId;
      if (!customerId) throw new AppError("conflict", "The workspace has no billing account yet: subscribe to a plan first");
      return client.portal({ customerId, returnUrl: billingPage() });
    },

    /** The workspace's invoices from Stripe, newest first; none before its first checkout. */
    async invoices(tenant: TenantScope): Promise<{ data: InvoiceDto[] }> {
      const customerId = (await tenant.billing.subscription())?.stripeCustomerId;
      if (!customerId || billing.plans.mode !== "stripe" || !billing.stripe) return { data: [] };
      return { data: await billing.stripe.invoices(customerId) };
    },

    /**
     * A Stripe webhook: verified against the raw body (a forged, altered or stale one is a 400 and
     * changes nothing), then applied once; a replay is acknowledged as a duplicate.
     */
    async webhook(rawBody: string, signature: string | undefined): Promise<{ received: true; duplicate?: true }> {
      const client = stripe();
      if (!signature) throw new AppError("bad_request", "Missing Stripe-Signature header");
      const event = client.verifyWebhook(rawBody, signature);
      const outcome = await applyStripeEvent(deps.db, billing, event);
      return outcome.reason === "duplicate" ? { received: true, duplicate: true } : { received: true };
    },
  };
}
export type StripeBillingService = ReturnType<typeof createStripeBillingService>;
