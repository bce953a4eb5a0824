import type { SubscriptionStatus } from "@orbis/contracts";
import { billingSystemRepository, tenantScope, type BillingSubscriptionRow, type Database, type TenantScope } from "@orbis/db";
import type Stripe from "stripe";
import type { Billing } from "./billing.ts";
import type { ChargeRef } from "./stripe.ts";

/** What became of one Stripe webhook event. */
export interface StripeEventOutcome {
  applied: boolean;
  workspaceId?: string;
  /**
   * Why it changed nothing: `duplicate` (seen before), `ignored` (a type we do not use), `unknown_workspace`,
   * `stale` (older than what we hold), `other_subscription`, `no_invoice` (a refunded or disputed charge that paid no invoice).
   */
  reason?: string;
}

const HANDLED = new Set([
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_failed",
  "charge.refunded",
  "charge.dispute.created",
]);

/**
 * Applies a verified Stripe event to the workspace it is about, exactly once: the event id is claimed
 * in the same tenant transaction as the change and its domain events, so a replay (Stripe retries, a
 * resend) changes nothing and a failure leaves it unclaimed for Stripe's next attempt.
 */
export async function applyStripeEvent(db: Database, billing: Billing, event: Stripe.Event): Promise<StripeEventOutcome> {
  if (!HANDLED.has(event.type)) return { applied: false, reason: "ignored" };
  if (event.type === "charge.refunded" || event.type === "charge.dispute.created") return chargeReversed(db, billing, event);
  const workspaceId = await workspaceOf(db, event.data.object as unknown as StripeObject);
  if (!workspaceId) return { applied: false, reason: "unknown_workspace" };

  return tenantScope(db, workspaceId).transaction(async (t) => {
    if (!(await t.billing.claimStripeEvent(event.id, event.type))) return { applied: false, workspaceId, reason: "duplicate" };
    const row = await t.billing.subscription();
    const at = new Date(event.created * 1000);
    const fallbackPlanId = row?.planId ?? billing.plans.default.id;
    switch (event.type) {
      case "checkout.session.completed":
        await checkoutCompleted(t, row, fallbackPlanId, event.data.object);
        return { applied: true, workspaceId };
      case "customer.subscription.created":
      case "customer.subscription.updated":
      case "customer.subscription.deleted": {
        const skipped = await subscriptionChanged(t, billing, row, event.data.object, at, event.type === "customer.subscription.deleted");
        return skipped ? { applied: false, workspaceId, reason: skipped } : { applied: true, workspaceId };
      }
      case "invoice.paid": {
        const invoice = event.data.object;
        await t.billing.saveSubscription({ planId: fallbackPlanId, paymentFailedAt: null });
        const period = invoicePeriod(invoice);
        await t.events.record("invoice.paid", {
          invoiceId: invoice.id,
          stripeSubscriptionId: subscriptionOfInvoice(invoice),
          amountPaidUsd: invoice.amount_paid / 100,
          currency: invoice.currency,
          periodStart: isoOf(period.start),
          periodEnd: isoOf(period.end),
          paidAt: isoOf(invoice.status_transitions?.paid_at) ?? at.toISOString(),
        });
        return { applied: true, workspaceId };
      }
      case "invoice.payment_failed": {
        const invoice = event.data.object;
        await t.billing.saveSubscription({ planId: fallbackPlanId, paymentFailedAt: at });
        await t.events.record("invoice.payment_failed", {
          invoiceId: invoice.id,
          stripeSubscriptionId: subscriptionOfInvoice(invoice),
          amountDueUsd: invoice.amount_due / 100,
          currency: invoice.currency,
          attemptCount: invoice.attempt_count,
          nextAttemptAt: isoOf(invoice.next_payment_attempt),
        });
        return { applied: true, workspaceId };
      }
      default:
        return { applied: false, workspaceId, reason: "ignored" };
    }
  });
}

/**
 * A charge was refunded (wholly or in part: `amountRefundedUsd` is the charge's total refunded so far) or
 * disputed (the full amount): `invoice.refunded` on the workspace of the invoice it paid, once per Stripe
 * event. A refund's event carries the charge; a dispute names its charge by id. The invoice is the
 * charge's own `invoice` in API versions before 2025-03-31, else found through its PaymentIntent's
 * invoice payment (`StripeBilling.invoiceOfCharge`, one or two API calls).
 */
async function chargeReversed(
  db: Database,
  billing: Billing,
  event: Stripe.ChargeRefundedEvent | Stripe.ChargeDisputeCreatedEvent,
): Promise<StripeEventOutcome> {
  const dispute = event.type === "charge.dispute.created" ? event.data.object : undefined;
  const charge: string | ChargeRef = dispute ? (dispute.charge as string | ChargeRef) : (event.data.object as unknown as ChargeRef);
  const embedded = typeof charge === "string" ? null : idOf(charge.invoice);
  const found = embedded
    ? { invoiceId: embedded, customerId: typeof charge === "string" ? null : idOf(charge.customer) }
    : billing.stripe
      ? await billing.stripe.invoiceOfCharge(charge)
      : { invoiceId: null, customerId: null };
  if (!found.invoiceId) return { applied: false, reason: "no_invoice" };
  const workspaceId = await workspaceOf(db, { object: "charge", customer: found.customerId, metadata: event.data.object.metadata });
  if (!workspaceId) return { applied: false, reason: "unknown_workspace" };
  const amountCents = dispute ? dispute.amount : (event.data.object as Stripe.Charge).amount_refunded;
  const invoiceId = found.invoiceId;
  return tenantScope(db, workspaceId).transaction(async (t) => {
    if (!(await t.billing.claimStripeEvent(event.id, event.type))) return { applied: false, workspaceId, reason: "duplicate" };
    await t.events.record("invoice.refunded", { invoiceId, amountRefundedUsd: amountCents / 100, reason: dispute ? "dispute" : "refund" });
    return { applied: true, workspaceId };
  });
}

/** The fields of the objects we handle that say whose they are. */
interface StripeObject {
  object: string;
  customer?: string | { id: string } | null;
  metadata?: Record<string, string> | null;
  client_reference_id?: string | null;
  parent?: { subscription_details?: { metadata?: Record<string, string> | null } | null } | null;
}

/**
 * The workspace an object belongs to: by its Stripe customer (saved at checkout), else by the
 * `workspaceId` our checkout put in its metadata, when that workspace exists.
 */
async function workspaceOf(db: Database, object: StripeObject): Promise<string | undefined> {
  const customerId = idOf(object.customer);
  if (customerId) {
    const byCustomer = await billingSystemRepository(db.system).workspaceOfCustomer(customerId);
    if (byCustomer) return byCustomer;
  }
  const claimed = object.metadata?.workspaceId ?? object.parent?.subscription_details?.metadata?.workspaceId ?? object.client_reference_id ?? undefined;
  if (!claimed) return undefined;
  return (await tenantScope(db, claimed).workspace.get()) ? claimed : undefined;
}

/**
 * Checkout finished: remember the customer and the subscription. The subscription's plan, status and
 * period come with its own `customer.subscription.*` events (in either order); a subscription new to
 * the row has had none of them yet, so its event clock starts over.
 */
async function checkoutCompleted(t: TenantScope, row: BillingSubscriptionRow | undefined, planId: string, session: Stripe.Checkout.Session) {
  const subscriptionId = idOf(session.subscription);
  const customerId = idOf(session.customer);
  const newSubscription = subscriptionId !== null && subscriptionId !== row?.stripeSubscriptionId;
  await t.billing.saveSubscription({
    planId,
    ...(customerId ? { stripeCustomerId: customerId } : {}),
    ...(newSubscription ? { stripeSubscriptionId: subscriptionId, stripeEventAt: null } : {}),
  });
}

/** Paying statuses: the subscription's plan applies (past_due within its grace). */
const LIVE: ReadonlySet<SubscriptionStatus> = new Set(["trialing", "active", "past_due"]);

/**
 * A subscription was created, changed or ended. Returns why it was skipped, or undefined when applied.
 * An event older than the last one applied (Stripe does not promise order) changes nothing; nor does
 * an event about a subscription the workspace has moved on from (ending an old one, say).
 */
async function subscriptionChanged(
  t: TenantScope,
  billing: Billing,
  row: BillingSubscriptionRow | undefined,
  sub: Stripe.Subscription,
  at: Date,
  deleted: boolean,
): Promise<string | undefined> {
  const known = row?.stripeSubscriptionId === sub.id;
  if (known && row.stripeEventAt && at < row.stripeEventAt) return "stale";
  const status: SubscriptionStatus = deleted ? "canceled" : statusOf(sub.status);
  if (!known && row?.stripeSubscriptionId && LIVE.has(row.status) && (deleted || !LIVE.has(status))) return "other_subscription";

  const planId = planOf(billing, sub) ?? row?.planId ?? billing.plans.default.id;
  const period = periodOf(sub);
  const cancelAtPeriodEnd = sub.cancel_at_period_end || (sub.cancel_at !== null && period.end !== null && sub.cancel_at <= period.end);
  const saved = await t.billing.saveSubscription({
    planId,
    status,
    stripeSubscriptionId: sub.id,
    ...(idOf(sub.customer) ? { stripeCustomerId: idOf(sub.customer) } : {}),
    currentPeriodStart: dateOf(period.start),
    currentPeriodEnd: dateOf(period.end),
    cancelAtPeriodEnd,
    // The grace period counts from the first event that found it past due.
    pastDueSince: status === "past_due" ? (known && row.status === "past_due" && row.pastDueSince ? row.pastDueSince : at) : null,
    stripeEventAt: at,
  });

  const payload = {
    planId,
    status,
    stripeSubscriptionId: sub.id,
    currentPeriodEnd: saved.currentPeriodEnd?.toISOString() ?? null,
    cancelAtPeriodEnd,
  };
  // First news of this subscription: checkout.session.completed may have named it already, but only
  // a subscription event sets its clock.
  if (!known || !row.stripeEventAt) {
    await t.events.record("subscription.created", payload);
    return undefined;
  }
  const changed =
    row.planId !== planId ||
    row.status !== status ||
    row.currentPeriodStart?.getTime() !== saved.currentPeriodStart?.getTime() ||
    row.currentPeriodEnd?.getTime() !== saved.currentPeriodEnd?.getTime() ||
    row.cancelAtPeriodEnd !== cancelAtPeriodEnd;
  if (changed) await t.events.record("subscription.updated", { ...payload, previousPlanId: row.planId, previousStatus: row.status });
  return undefined;
}

/** Stripe's subscription status in ours: an expired first payment ends it; a paused one (trial over, no card) is unpaid. */
function statusOf(status: Stripe.Subscription.Status): SubscriptionStatus {
  switch (status) {
    case "trialing":
    case "active":
    case "past_due":
    case "canceled":
    case "unpaid":
    case "incomplete":
      return status as SubscriptionStatus;
    case "incomplete_expired":
      return "canceled";
    default:
      return "unpaid";
  }
}

/** The catalogue plan one of the subscription's prices sells (by lookup key or price id), else the plan our checkout put in its metadata. */
function planOf(billing: Billing, sub: Stripe.Subscription): string | undefined {
  for (const item of sub.items?.data ?? []) {
    const price = item.price;
    const plan = billing.plans.all.find((p) => p.stripePrice !== null && (p.stripePrice === price.lookup_key || p.stripePrice === price.id));
    if (plan) return plan.id;
  }
  const claimed = sub.metadata?.planId;
  return claimed && billing.plans.get(claimed) ? claimed : undefined;
}

/**
 * The current billing period: on the subscription items since API version 2025-03-31 (the licensed
 * item's, which every item shares in our subscriptions), on the subscription itself before.
 */
function periodOf(sub: Stripe.Subscription): { start: number | null; end: number | null } {
  const items = sub.items?.data ?? [];
  const item = items.find((i) => i.price?.recurring?.usage_type !== "metered") ?? items[0];
  const legacy = sub as unknown as { current_period_start?: number; current_period_end?: number };
  return { start: item?.current_period_start ?? legacy.current_period_start ?? null, end: item?.current_period_end ?? legacy.current_period_end ?? null };
}

/** The subscription an invoice bills: `parent.subscription_details` since 2025-03-31, `subscription` before. */
function subscriptionOfInvoice(invoice: Stripe.Invoice): string | null {
  const legacy = invoice as unknown as { subscription?: string | { id: string } | null };
  return idOf(invoice.parent?.subscription_details?.subscription) ?? idOf(legacy.subscription);
}

/** The period an invoice pays for: its lines' (a renewal invoice's own period_* is the period that ended). */
function invoicePeriod(invoice: Stripe.Invoice): { start: number | null; end: number | null } {
  const lines = invoice.lines?.data ?? [];
  if (lines.length > 0) return { start: Math.min(...lines.map((l) => l.period.start)), end: Math.max(...lines.map((l) => l.period.end)) };
  return { start: invoice.period_start ?? null, end: invoice.period_end ?? null };
}

const idOf = (v: string | { id: string } | null | undefined): string | null => (typeof v === "string" ? v : (v?.id ?? null));
const dateOf = (seconds: number | null) => (seconds ? new Date(seconds * 1000) : null);
const isoOf = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000).toISOString() : null);
