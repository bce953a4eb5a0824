import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type Stripe from "stripe";
import { testConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { schema, systemRepository, tenantScope, type Database, type DomainEventRow, type TenantScope } from "@orbis/db";
import { createTestDatabase, eq } from "@orbis/db/testing";
import { applyStripeEvent, createBilling, standingOf } from "../src/index.ts";

/** Stripe's webhook events applied to a workspace's subscription row: once, in order, with their domain events. */
const billing = createBilling({ ...testConfig().billing, mode: "stripe", graceDays: 7 });
const T0 = Math.floor(new Date("2026-12-01T10:00:00Z").getTime() / 1000);
const MONTH = 30 * 24 * 3600;
const DAY_MS = 24 * 3600_000;

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

let seq = 0;
const id = (prefix: string) => `${prefix}_${Date.now().toString(36)}${seq++}`;

async function workspace(): Promise<TenantScope> {
  const ws = createId("workspace");
  await systemRepository(db.system).insertWorkspace({ id: ws, name: ws, slug: ws });
  return tenantScope(db, ws);
}

function event(type: string, object: object, created: number, eventId = id("evt")): Stripe.Event {
  return {
    id: eventId,
    object: "event",
    api_version: "2026-11-18.endive",
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: null,
    type,
  } as unknown as Stripe.Event;
}

function price(lookupKey: string | null, priceId = id("price"), usage: "licensed" | "metered" = "licensed") {
  return { id: priceId, object: "price", lookup_key: lookupKey, recurring: { interval: "month", usage_type: usage } };
}

/** A subscription as API 2025-03+ sends it: the period on its items. */
function subscription(o: {
  id: string;
  customer: string;
  status: string;
  lookupKey?: string | null;
  start?: number;
  metadata?: Record<string, string>;
  cancelAtPeriodEnd?: boolean;
}) {
  const start = o.start ?? T0;
  const item = (p: object) => ({ id: id("si"), object: "subscription_item", price: p, current_period_start: start, current_period_end: start + MONTH });
  return {
    id: o.id,
    object: "subscription",
    customer: o.customer,
    status: o.status,
    cancel_at: null,
    cancel_at_period_end: o.cancelAtPeriodEnd ?? false,
    metadata: o.metadata ?? {},
    items: {
      object: "list",
      has_more: false,
      data: [item(price(o.lookupKey === undefined ? "orbis_starter_monthly" : o.lookupKey)), item(price("orbis_overage_call", undefined, "metered"))],
    },
  };
}

function invoice(o: { customer: string; subscription: string; paid: boolean; at: number }) {
  return {
    id: id("in"),
    object: "invoice",
    customer: o.customer,
    currency: "usd",
    amount_due: 29900,
    amount_paid: o.paid ? 29900 : 0,
    attempt_count: 1,
    next_payment_attempt: o.paid ? null : o.at + 3 * 86400,
    status: o.paid ? "paid" : "open",
    status_transitions: { paid_at: o.paid ? o.at : null },
    parent: { type: "subscription_details", subscription_details: { subscription: o.subscription, metadata: {} } },
    lines: { object: "list", data: [{ period: { start: o.at, end: o.at + MONTH } }] },
    period_start: o.at,
    period_end: o.at,
  };
}

async function domainEvents(workspaceId: string, type: string): Promise<DomainEventRow[]> {
  const rows = await db.system.select().from(schema.domainEvents).where(eq(schema.domainEvents.workspaceId, workspaceId));
  return rows.filter((r) => r.type === type);
}

/** A workspace that went through checkout: the customer saved by the API, then checkout.session.completed. */
async function subscribed(status = "active") {
  const t = await workspace();
  const customer = id("cus");
  const sub = id("sub");
  await t.billing.saveSubscription({ planId: "free", stripeCustomerId: customer });
  const session = {
    id: id("cs"),
    object: "checkout.session",
    customer,
    subscription: sub,
    client_reference_id: t.workspaceId,
    metadata: { workspaceId: t.workspaceId },
  };
  expect(await applyStripeEvent(db, billing, event("checkout.session.completed", session, T0))).toEqual({ applied: true, workspaceId: t.workspaceId });
  await applyStripeEvent(db, billing, event("customer.subscription.created", subscription({ id: sub, customer, status }), T0));
  return { t, customer, sub };
}

describe("checkout and the subscription's states", () => {
  it("checkout.session.completed finds the workspace by metadata and saves the customer and subscription", async () => {
    const t = await workspace();
    const session = {
      id: id("cs"),
      object: "checkout.session",
      customer: "cus_new1",
      subscription: "sub_new1",
      client_reference_id: t.workspaceId,
      metadata: { workspaceId: t.workspaceId },
    };
    const outcome = await applyStripeEvent(db, billing, event("checkout.session.completed", session, T0));
    expect(outcome).toEqual({ applied: true, workspaceId: t.workspaceId });
    expect(await t.billing.subscription()).toMatchObject({ planId: "free", status: "none", stripeCustomerId: "cus_new1", stripeSubscriptionId: "sub_new1" });
  });

  it("active: the plan from the item's lookup key, the period from the items; subscription.created once", async () => {
    const { t, sub } = await subscribed("active");
    expect(await t.billing.subscription()).toMatchObject({
      planId: "starter",
      status: "active",
      stripeSubscriptionId: sub,
      currentPeriodStart: new Date(T0 * 1000),
      currentPeriodEnd: new Date((T0 + MONTH) * 1000),
      cancelAtPeriodEnd: false,
      pastDueSince: null,
    });
    const created = await domainEvents(t.workspaceId, "subscription.created");
    expect(created.map((e) => e.payload)).toEqual([
      {
        planId: "starter",
        status: "active",
        stripeSubscriptionId: sub,
        currentPeriodEnd: new Date((T0 + MONTH) * 1000).toISOString(),
        cancelAtPeriodEnd: false,
      },
    ]);
    expect(await domainEvents(t.workspaceId, "subscription.updated")).toEqual([]);
  });

  it("trialing holds the plan; canceled (deleted) falls back to the default plan", async () => {
    const { t, customer, sub } = await subscribed("trialing");
    const now = new Date((T0 + 3600) * 1000);
    expect(standingOf(billing.plans, await t.billing.subscription(), now, 7)).toMatchObject({ status: "trialing", plan: { id: "starter" } });

    await applyStripeEvent(db, billing, event("customer.subscription.deleted", subscription({ id: sub, customer, status: "canceled" }), T0 + 60));
    const row = await t.billing.subscription();
    expect(row?.status).toBe("canceled");
    expect(standingOf(billing.plans, row, now, 7).plan.id).toBe("free");
    const updated = await domainEvents(t.workspaceId, "subscription.updated");
    expect(updated.map((e) => e.payload)).toMatchObject([{ status: "canceled", previousStatus: "trialing", previousPlanId: "starter" }]);
  });

  it("past_due: the grace period counts from the first past_due event, and leaving past_due clears it", async () => {
    const { t, customer, sub } = await subscribed("active");
    const firstFailure = T0 + MONTH;
    await applyStripeEvent(db, billing, event("invoice.payment_failed", invoice({ customer, subscription: sub, paid: false, at: firstFailure }), firstFailure));
    await applyStripeEvent(
      db,
      billing,
      event("customer.subscription.updated", subscription({ id: sub, customer, status: "past_due", start: T0 + MONTH }), firstFailure),
    );
    // A second update while still past due keeps the original start of the grace period.
    await applyStripeEvent(
      db,
      billing,
      event(
        "customer.subscription.updated",
        subscription({ id: sub, customer, status: "past_due", start: T0 + MONTH, cancelAtPeriodEnd: true }),
        firstFailure + 86400,
      ),
    );
    let row = await t.billing.subscription();
    expect(row).toMatchObject({ status: "past_due", pastDueSince: new Date(firstFailure * 1000), cancelAtPeriodEnd: true });
    expect(row?.paymentFailedAt).toEqual(new Date(firstFailure * 1000));

    const within = new Date(firstFailure * 1000 + 6 * DAY_MS);
    const after = new Date(firstFailure * 1000 + 8 * DAY_MS);
    expect(standingOf(billing.plans, row, within, 7)).toMatchObject({ plan: { id: "starter" }, graceEndsAt: new Date(firstFailure * 1000 + 7 * DAY_MS) });
    expect(standingOf(billing.plans, row, after, 7).plan.id).toBe("free");

    const paidAt = firstFailure + 2 * 86400;
    await applyStripeEvent(db, billing, event("invoice.paid", invoice({ customer, subscription: sub, paid: true, at: paidAt }), paidAt));
    await applyStripeEvent(
      db,
      billing,
      event("customer.subscription.updated", subscription({ id: sub, customer, status: "active", start: T0 + MONTH }), paidAt),
    );
    row = await t.billing.subscription();
    expect(row).toMatchObject({ status: "active", pastDueSince: null, paymentFailedAt: null, cancelAtPeriodEnd: false });

    const failed = await domainEvents(t.workspaceId, "invoice.payment_failed");
    expect(failed.map((e) => e.payload)).toMatchObject([{ stripeSubscriptionId: sub, amountDueUsd: 299, currency: "usd", attemptCount: 1 }]);
    const paid = await domainEvents(t.workspaceId, "invoice.paid");
    expect(paid.map((e) => e.payload)).toMatchObject([{ stripeSubscriptionId: sub, amountPaidUsd: 299, paidAt: new Date(paidAt * 1000).toISOString() }]);
    const statuses = (await domainEvents(t.workspaceId, "subscription.updated")).map((e) => (e.payload as { status: string }).status);
    // active → past_due (period moved), past_due + cancel at period end, → active.
    expect(statuses.sort()).toEqual(["active", "past_due", "past_due"]);
  });
});

describe("exactly once, in order", () => {
  it("a replayed event changes nothing and is answered as a duplicate: one invoice.paid", async () => {
    const { t, customer, sub } = await subscribed("active");
    const paid = event("invoice.paid", invoice({ customer, subscription: sub, paid: true, at: T0 + 10 }), T0 + 10);
    expect(await applyStripeEvent(db, billing, paid)).toEqual({ applied: true, workspaceId: t.workspaceId });
    expect(await applyStripeEvent(db, billing, paid)).toEqual({ applied: false, workspaceId: t.workspaceId, reason: "duplicate" });
    expect(await applyStripeEvent(db, billing, paid)).toMatchObject({ reason: "duplicate" });
    expect(await domainEvents(t.workspaceId, "invoice.paid")).toHaveLength(1);

    const [stored] = await db.system.select().from(schema.stripeEvents).where(eq(schema.stripeEvents.id, paid.id));
    expect(stored).toMatchObject({ workspaceId: t.workspaceId, type: "invoice.paid" });
  });

  it("an event older than the last one applied leaves the subscription as it is", async () => {
    const { t, customer, sub } = await subscribed("active");
    const toGrowth = event("customer.subscription.updated", subscription({ id: sub, customer, status: "active", lookupKey: "orbis_growth_monthly" }), T0 + 200);
    const olderCancel = event("customer.subscription.updated", subscription({ id: sub, customer, status: "canceled" }), T0 + 100);
    expect(await applyStripeEvent(db, billing, toGrowth)).toMatchObject({ applied: true });
    expect(await applyStripeEvent(db, billing, olderCancel)).toEqual({ applied: false, workspaceId: t.workspaceId, reason: "stale" });
    expect(await t.billing.subscription()).toMatchObject({ planId: "growth", status: "active", stripeEventAt: new Date((T0 + 200) * 1000) });
    const updated = await domainEvents(t.workspaceId, "subscription.updated");
    expect(updated.map((e) => e.payload)).toMatchObject([{ planId: "growth", previousPlanId: "starter", status: "active" }]);
  });

  it("subscription events before checkout.session.completed (Stripe's order varies) still emit subscription.created once", async () => {
    const t = await workspace();
    const customer = id("cus");
    const sub = id("sub");
    await t.billing.saveSubscription({ planId: "free", stripeCustomerId: customer });
    await applyStripeEvent(db, billing, event("customer.subscription.created", subscription({ id: sub, customer, status: "active" }), T0));
    await applyStripeEvent(
      db,
      billing,
      event("checkout.session.completed", { id: id("cs"), object: "checkout.session", customer, subscription: sub, metadata: {} }, T0),
    );
    // An unchanged update (Stripe sends many) is no news.
    await applyStripeEvent(db, billing, event("customer.subscription.updated", subscription({ id: sub, customer, status: "active" }), T0 + 1));
    expect(await domainEvents(t.workspaceId, "subscription.created")).toHaveLength(1);
    expect(await domainEvents(t.workspaceId, "subscription.updated")).toHaveLength(0);
    expect(await t.billing.subscription()).toMatchObject({ planId: "starter", status: "active", stripeSubscriptionId: sub });
  });
});

describe("finding the plan and the workspace", () => {
  it("a price the catalogue does not name falls back to the subscription's metadata.planId; the legacy top-level period is read", async () => {
    const t = await workspace();
    const customer = id("cus");
    await t.billing.saveSubscription({ planId: "free", stripeCustomerId: customer });
    const sub = subscription({ id: id("sub"), customer, status: "active", lookupKey: null, metadata: { planId: "growth" } });
    const legacy = {
      ...sub,
      current_period_start: T0,
      current_period_end: T0 + MONTH,
      items: { ...sub.items, data: sub.items.data.map(({ current_period_start: _s, current_period_end: _e, ...i }) => i) },
    };
    await applyStripeEvent(db, billing, event("customer.subscription.created", legacy, T0));
    expect(await t.billing.subscription()).toMatchObject({ planId: "growth", currentPeriodEnd: new Date((T0 + MONTH) * 1000) });
  });

  it("an event for no known customer and no existing workspace changes nothing", async () => {
    const ghost = subscription({ id: id("sub"), customer: "cus_ghost", status: "active", metadata: { workspaceId: createId("workspace") } });
    expect(await applyStripeEvent(db, billing, event("customer.subscription.created", ghost, T0))).toEqual({ applied: false, reason: "unknown_workspace" });
  });

  it("types it does not use are ignored without being recorded", async () => {
    const e = event("customer.created", { id: "cus_x", object: "customer" }, T0);
    expect(await applyStripeEvent(db, billing, e)).toEqual({ applied: false, reason: "ignored" });
    expect(await db.system.select().from(schema.stripeEvents).where(eq(schema.stripeEvents.id, e.id))).toEqual([]);
  });
});

describe("refunds and disputes", () => {
  /** A charge of the paid invoice as API versions since 2025-03-31 send it: no `invoice`, a PaymentIntent. */
  function charge(o: { customer: string; refundedCents?: number; invoice?: string }) {
    return {
      id: id("ch"),
      object: "charge",
      amount: 29900,
      amount_refunded: o.refundedCents ?? 29900,
      customer: o.customer,
      payment_intent: id("pi"),
      metadata: {},
      ...(o.invoice ? { invoice: o.invoice } : {}),
    };
  }

  /** Stripe behind `invoiceOfCharge` only: charges by id, and the invoice of each PaymentIntent. */
  function stripeWith(charges: Map<string, { customer: string; invoice: string }>) {
    const lookups: unknown[] = [];
    const unused = () => Promise.reject(new Error("not used here"));
    const stripe = {
      checkout: unused,
      portal: unused,
      invoices: unused,
      reportOverage: unused,
      transfer: unused,
      verifyWebhook: () => {
        throw new Error("not used here");
      },
      async invoiceOfCharge(ref: string | { id: string }) {
        lookups.push(ref);
        const found = charges.get(typeof ref === "string" ? ref : ref.id);
        return { invoiceId: found?.invoice ?? null, customerId: found?.customer ?? null };
      },
    };
    return { billing: { ...billing, stripe }, lookups };
  }

  it("charge.refunded → invoice.refunded (the invoice through Stripe's invoice payments), once however often it is sent", async () => {
    const { t, customer } = await subscribed();
    const invoiceId = id("in");
    const refunded = charge({ customer, refundedCents: 10000 });
    const { billing: withStripe, lookups } = stripeWith(new Map([[refunded.id, { customer, invoice: invoiceId }]]));
    const e = event("charge.refunded", refunded, T0 + 3600);
    expect(await applyStripeEvent(db, withStripe, e)).toEqual({ applied: true, workspaceId: t.workspaceId });
    expect(await applyStripeEvent(db, withStripe, e)).toEqual({ applied: false, workspaceId: t.workspaceId, reason: "duplicate" });
    expect(lookups).toHaveLength(2);
    const events = await domainEvents(t.workspaceId, "invoice.refunded");
    expect(events.map((r) => r.payload)).toEqual([{ invoiceId, amountRefundedUsd: 100, reason: "refund" }]);
  });

  it("a charge that names its invoice (API versions before 2025-03-31) needs no lookup", async () => {
    const { t, customer } = await subscribed();
    const invoiceId = id("in");
    expect(await applyStripeEvent(db, billing, event("charge.refunded", charge({ customer, invoice: invoiceId }), T0 + 60))).toEqual({
      applied: true,
      workspaceId: t.workspaceId,
    });
    expect((await domainEvents(t.workspaceId, "invoice.refunded")).map((r) => r.payload)).toEqual([{ invoiceId, amountRefundedUsd: 299, reason: "refund" }]);
  });

  it("charge.dispute.created → invoice.refunded for the full amount, reason dispute, once", async () => {
    const { t, customer } = await subscribed();
    const invoiceId = id("in");
    const chargeId = id("ch");
    const { billing: withStripe } = stripeWith(new Map([[chargeId, { customer, invoice: invoiceId }]]));
    const dispute = {
      id: id("dp"),
      object: "dispute",
      amount: 29900,
      charge: chargeId,
      currency: "usd",
      metadata: {},
      reason: "fraudulent",
      status: "needs_response",
    };
    const e = event("charge.dispute.created", dispute, T0 + 7200);
    expect(await applyStripeEvent(db, withStripe, e)).toEqual({ applied: true, workspaceId: t.workspaceId });
    expect((await applyStripeEvent(db, withStripe, e)).reason).toBe("duplicate");
    expect((await domainEvents(t.workspaceId, "invoice.refunded")).map((r) => r.payload)).toEqual([{ invoiceId, amountRefundedUsd: 299, reason: "dispute" }]);
  });

  it("a refunded charge that paid no invoice, or of an unknown customer, changes nothing", async () => {
    const { t, customer } = await subscribed();
    const { billing: withStripe } = stripeWith(new Map());
    expect(await applyStripeEvent(db, withStripe, event("charge.refunded", charge({ customer }), T0))).toEqual({ applied: false, reason: "no_invoice" });
    const stranger = charge({ customer: id("cus"), invoice: id("in") });
    expect(await applyStripeEvent(db, billing, event("charge.refunded", stranger, T0))).toEqual({ applied: false, reason: "unknown_workspace" });
    expect(await domainEvents(t.workspaceId, "invoice.refunded")).toEqual([]);
  });
});
