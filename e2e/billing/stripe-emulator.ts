// A loopback stand-in for the part of Stripe that OrbisVoice uses, spoken to through the official SDK
// (STRIPE_API_URL = emulator.url): customers, prices by lookup key, Checkout Sessions and their hosted
// page, Customer Portal sessions and their page, subscriptions, invoices (each paid one with its
// PaymentIntent, charge and invoice payment, as API versions since 2025-03-31 link them), Billing meter
// events and Connect transfers. What a customer does on a hosted page (or a test through
// completeCheckout, failNextPayment, renew, refund, dispute) becomes
// webhook events signed as Stripe signs them and POSTed, in Stripe's order and one at a time, to the
// webhook URL. It keeps what an integration test needs to be believable, nothing more: no taxes,
// proration, trials, coupons or payment methods.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

export interface StripeEmulator {
  /** http://127.0.0.1:PORT — STRIPE_API_URL for the SDK (host/port/protocol). */
  url: string;
  /** Where signed events are POSTed (Stripe-Signature via stripe.webhooks.generateTestHeaderString). */
  setWebhookUrl(url: string): void;
  /** Every event it sent, in order. */
  events: Stripe.Event[];
  /** Every webhook delivery and the HTTP status it got (0: no answer), in order. */
  deliveries: { eventId: string; type: string; status: number }[];
  meterEvents: { event_name: string; payload: Record<string, string>; identifier: string; timestamp: number }[];
  /** Every Connect transfer created (`POST /v1/transfers`; a repeated Idempotency-Key creates none). */
  transfers: { id: string; amount: number; currency: string; destination: string; metadata: Record<string, string> }[];
  /** What the hosted page's Pay button does: subscription + paid invoice, then checkout.session.completed, customer.subscription.created, invoice.paid. */
  completeCheckout(sessionId: string): Promise<void>;
  /** The next renewal fails: invoice.payment_failed + customer.subscription.updated (past_due). */
  failNextPayment(customerId: string): Promise<void>;
  /** Next period (or, when past due, the open invoice is paid): invoice.paid + customer.subscription.updated. */
  renew(subscriptionId: string): Promise<void>;
  /**
   * Refunds the paid invoice's charge, wholly (default) or `amountUsd` of it: `charge.refunded` with the
   * charge as the current API sends it (no `invoice` field: the invoice is its PaymentIntent's invoice payment).
   */
  refund(invoiceId: string, amountUsd?: number): Promise<void>;
  /** The customer disputes the paid invoice's charge: `charge.dispute.created` (the full amount, `charge` as an id). */
  dispute(invoiceId: string): Promise<void>;
  /** Replays an event (same id, fresh signature); returns the HTTP status. */
  resend(eventId: string): Promise<number>;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
interface PriceObject extends Json {
  id: string;
  lookup_key: string | null;
  unit_amount: number;
  product: string;
  nickname: string;
  recurring: { interval: string; interval_count: number; usage_type: "licensed" | "metered" };
}
interface ItemObject extends Json {
  id: string;
  price: PriceObject;
  current_period_start: number;
  current_period_end: number;
}
interface SubscriptionObject extends Json {
  id: string;
  customer: string;
  status: string;
  items: { object: "list"; data: ItemObject[]; has_more: false; url: string };
  metadata: Record<string, string>;
}
interface InvoiceObject extends Json {
  id: string;
  customer: string;
  status: string;
  created: number;
}
interface ChargeObject extends Json {
  id: string;
  amount: number;
  amount_refunded: number;
  customer: string;
  payment_intent: string;
  refunded: boolean;
  disputed: boolean;
}

/** The prices the seeded catalogue sells (the built-in plans' lookup keys). */
const SEEDED_PRICES = [
  { lookup_key: "orbis_starter_monthly", nickname: "Starter", unit_amount: 29900, usage_type: "licensed" },
  { lookup_key: "orbis_growth_monthly", nickname: "Growth", unit_amount: 89900, usage_type: "licensed" },
  { lookup_key: "orbis_overage_call", nickname: "Overage call", unit_amount: 150, usage_type: "metered" },
] as const;

class StripeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

export async function startStripeEmulator(o: { webhookSecret: string; webhookUrl?: string }): Promise<StripeEmulator> {
  let webhookUrl = o.webhookUrl;
  let base = "";
  const customers = new Map<string, Json>();
  const prices = new Map<string, PriceObject>();
  const sessions = new Map<string, Json>();
  const portalSessions = new Map<string, Json>();
  const subscriptions = new Map<string, SubscriptionObject>();
  const invoices = new Map<string, InvoiceObject>();
  const meterIdentifiers = new Map<string, Json>();
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const events: Stripe.Event[] = [];
  const deliveries: StripeEmulator["deliveries"] = [];
  const meterEvents: StripeEmulator["meterEvents"] = [];
  const transfers: StripeEmulator["transfers"] = [];
  const charges = new Map<string, ChargeObject>();
  /** The invoice payment of each paid invoice, by invoice id. */
  const invoicePayments = new Map<string, Json & { id: string; payment: { type: "payment_intent"; payment_intent: string } }>();
  let invoiceNumber = 0;

  const now = () => Math.floor(Date.now() / 1000);
  for (const p of SEEDED_PRICES) {
    const price: PriceObject = {
      id: newId("price"),
      object: "price",
      active: true,
      billing_scheme: "per_unit",
      created: now(),
      currency: "usd",
      livemode: false,
      lookup_key: p.lookup_key,
      metadata: {},
      nickname: p.nickname,
      product: newId("prod"),
      recurring: { interval: "month", interval_count: 1, usage_type: p.usage_type },
      tax_behavior: "unspecified",
      type: "recurring",
      unit_amount: p.unit_amount,
      unit_amount_decimal: String(p.unit_amount),
    };
    prices.set(price.id, price);
  }

  // ---- the REST API --------------------------------------------------------------------------------

  const get = <T>(map: Map<string, T>, id: string, what: string, param?: string): T => {
    const found = map.get(id);
    if (!found) throw new StripeApiError(param ? 400 : 404, `No such ${what}: '${id}'`, "resource_missing", param);
    return found;
  };
  const list = (data: unknown[], url: string) => ({ object: "list", data, has_more: false, url });

  const routes: { method: string; path: RegExp; handle: (p: Json, m: string[]) => unknown }[] = [
    {
      method: "POST",
      path: /^\/v1\/customers$/,
      handle: (p) => {
        const customer = {
          id: newId("cus"),
          object: "customer",
          created: now(),
          email: str(p.email),
          name: str(p.name),
          metadata: (p.metadata as Json) ?? {},
          livemode: false,
        };
        customers.set(customer.id, customer);
        return customer;
      },
    },
    { method: "GET", path: /^\/v1\/customers\/([^/]+)$/, handle: (_p, [id]) => get(customers, id!, "customer") },
    {
      method: "GET",
      path: /^\/v1\/prices$/,
      handle: (p) => {
        const keys = Array.isArray(p.lookup_keys) ? (p.lookup_keys as string[]) : null;
        const active = p.active === undefined ? null : p.active === "true";
        const data = [...prices.values()].filter((x) => (!keys || keys.includes(x.lookup_key ?? "")) && (active === null || x.active === active));
        return list(data.slice(0, limitOf(p)), "/v1/prices");
      },
    },
    { method: "GET", path: /^\/v1\/prices\/([^/]+)$/, handle: (_p, [id]) => get(prices, id!, "price") },
    { method: "POST", path: /^\/v1\/checkout\/sessions$/, handle: (p) => createCheckoutSession(p) },
    { method: "GET", path: /^\/v1\/checkout\/sessions\/([^/]+)$/, handle: (_p, [id]) => get(sessions, id!, "checkout.session") },
    {
      method: "POST",
      path: /^\/v1\/billing_portal\/sessions$/,
      handle: (p) => {
        const customer = str(p.customer);
        if (!customer) throw new StripeApiError(400, "Missing required param: customer.", "parameter_missing", "customer");
        get(customers, customer, "customer", "customer");
        const id = newId("bps");
        const session = {
          id,
          object: "billing_portal.session",
          created: now(),
          customer,
          livemode: false,
          return_url: str(p.return_url),
          url: `${base}/p/session/${id}`,
        };
        portalSessions.set(id, session);
        return session;
      },
    },
    {
      method: "GET",
      path: /^\/v1\/invoices$/,
      handle: (p) => {
        const customer = str(p.customer);
        const data = [...invoices.values()].filter((i) => !customer || i.customer === customer).reverse();
        return list(data.slice(0, limitOf(p)), "/v1/invoices");
      },
    },
    { method: "GET", path: /^\/v1\/invoices\/([^/]+)$/, handle: (_p, [id]) => get(invoices, id!, "invoice") },
    { method: "GET", path: /^\/v1\/subscriptions\/([^/]+)$/, handle: (_p, [id]) => get(subscriptions, id!, "subscription") },
    { method: "GET", path: /^\/v1\/charges\/([^/]+)$/, handle: (_p, [id]) => get(charges, id!, "charge") },
    {
      method: "GET",
      path: /^\/v1\/invoice_payments$/,
      handle: (p) => {
        const invoice = str(p.invoice);
        const payment = (p.payment as Json | undefined) ?? {};
        const intent = str(payment.payment_intent);
        if (payment.type !== undefined && payment.type !== "payment_intent") {
          throw new StripeApiError(400, "This emulator pays invoices with PaymentIntents only.", undefined, "payment[type]");
        }
        const data = [...invoicePayments.values()].filter((x) => (!invoice || x.invoice === invoice) && (!intent || x.payment.payment_intent === intent));
        return list(data.slice(0, limitOf(p)), "/v1/invoice_payments");
      },
    },
    {
      method: "POST",
      path: /^\/v1\/transfers$/,
      handle: (p) => {
        const amount = Number(p.amount);
        if (!Number.isInteger(amount) || amount <= 0) throw new StripeApiError(400, "Invalid positive integer", "parameter_invalid_integer", "amount");
        const currency = str(p.currency);
        if (!currency) throw new StripeApiError(400, "Missing required param: currency.", "parameter_missing", "currency");
        const destination = str(p.destination);
        if (!destination) throw new StripeApiError(400, "Missing required param: destination.", "parameter_missing", "destination");
        if (!destination.startsWith("acct_")) throw new StripeApiError(400, `No such destination: '${destination}'`, "resource_missing", "destination");
        const metadata = (p.metadata as Record<string, string> | undefined) ?? {};
        const transfer = { id: newId("tr"), amount, currency, destination, metadata };
        transfers.push(transfer);
        return {
          ...transfer,
          object: "transfer",
          amount_reversed: 0,
          created: now(),
          description: str(p.description),
          livemode: false,
          reversed: false,
          reversals: list([], `/v1/transfers/${transfer.id}/reversals`),
          transfer_group: null,
        };
      },
    },
    {
      method: "POST",
      path: /^\/v1\/billing\/meter_events$/,
      handle: (p) => {
        const payload = (p.payload as Record<string, string> | undefined) ?? {};
        const eventName = str(p.event_name);
        if (!eventName) throw new StripeApiError(400, "Missing required param: event_name.", "parameter_missing", "event_name");
        if (!payload.stripe_customer_id || payload.value === undefined)
          throw new StripeApiError(400, "The payload needs stripe_customer_id and value.", undefined, "payload");
        const identifier = str(p.identifier) ?? newId("mev");
        // Stripe keeps an identifier unique (≥ 24 h): a retried report counts once.
        const seen = meterIdentifiers.get(identifier);
        if (seen) return seen;
        const timestamp = p.timestamp === undefined ? now() : Number(p.timestamp);
        const event = { object: "billing.meter_event", created: now(), event_name: eventName, identifier, livemode: false, payload, timestamp };
        meterIdentifiers.set(identifier, event);
        meterEvents.push({ event_name: eventName, payload, identifier, timestamp });
        return event;
      },
    },
  ];

  function createCheckoutSession(p: Json) {
    if (p.mode !== "subscription") throw new StripeApiError(400, "This emulator sells subscriptions only: mode must be subscription.", undefined, "mode");
    const customer = str(p.customer);
    if (customer) get(customers, customer, "customer", "customer");
    for (const field of ["success_url", "cancel_url"]) {
      if (!str(p[field])) throw new StripeApiError(400, `Missing required param: ${field}.`, "parameter_missing", field);
    }
    const lineItems = (Array.isArray(p.line_items) ? p.line_items : []) as Json[];
    if (lineItems.length === 0) throw new StripeApiError(400, "Missing required param: line_items.", "parameter_missing", "line_items");
    const lines = lineItems.map((l, i) => {
      const price = get(prices, str(l.price) ?? "", "price", `line_items[${i}][price]`);
      if (price.recurring.usage_type === "metered" && l.quantity !== undefined) {
        throw new StripeApiError(400, "Quantity should not be specified where usage_type is `metered`.", undefined, `line_items[${i}][quantity]`);
      }
      return { price: price.id, quantity: price.recurring.usage_type === "metered" ? null : Number(l.quantity ?? 1) };
    });
    const id = `cs_test_${randomBytes(24).toString("hex")}`;
    const amount = lines.reduce((sum, l) => sum + (l.quantity ? prices.get(l.price)!.unit_amount * l.quantity : 0), 0);
    const session = {
      id,
      object: "checkout.session",
      amount_subtotal: amount,
      amount_total: amount,
      cancel_url: str(p.cancel_url),
      client_reference_id: str(p.client_reference_id),
      created: now(),
      currency: "usd",
      customer,
      customer_email: null,
      expires_at: now() + 24 * 3600,
      livemode: false,
      metadata: (p.metadata as Json) ?? {},
      mode: "subscription",
      payment_status: "unpaid",
      status: "open",
      subscription: null as string | null,
      success_url: str(p.success_url),
      url: `${base}/c/pay/${id}`,
      // Kept for completing the checkout (Stripe does not return these on the session).
      _lines: lines,
      _subscriptionMetadata: ((p.subscription_data as Json | undefined)?.metadata as Record<string, string>) ?? {},
    };
    sessions.set(id, session);
    return session;
  }

  // ---- what happens in Stripe, and the webhooks it sends -------------------------------------------

  const send = async (type: string, object: Json, previous?: Json): Promise<void> => {
    const event = {
      id: newId("evt"),
      object: "event",
      api_version: Stripe.API_VERSION,
      created: now(),
      data: { object: structuredClone(object), ...(previous ? { previous_attributes: previous } : {}) },
      livemode: false,
      pending_webhooks: webhookUrl ? 1 : 0,
      request: { id: null, idempotency_key: null },
      type,
    } as unknown as Stripe.Event;
    events.push(event);
    await deliver(event);
  };

  async function deliver(event: Stripe.Event): Promise<number> {
    if (!webhookUrl) return 0;
    const payload = JSON.stringify(event, null, 2);
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: o.webhookSecret });
    let status = 0;
    try {
      const res = await fetch(webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "stripe-signature": header,
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
        body: payload,
      });
      await res.arrayBuffer();
      status = res.status;
    } catch {
      status = 0;
    }
    deliveries.push({ eventId: event.id, type: event.type, status });
    return status;
  }

  function periodAfter(start: number): number {
    const d = new Date(start * 1000);
    d.setUTCMonth(d.getUTCMonth() + 1);
    return Math.floor(d.getTime() / 1000);
  }

  function issueInvoice(sub: SubscriptionObject, o: { reason: string; paid: boolean }): InvoiceObject {
    const licensed = sub.items.data.filter((i) => i.price.recurring.usage_type === "licensed");
    const amount = licensed.reduce((sum, i) => sum + i.price.unit_amount * Number(i.quantity ?? 1), 0);
    const created = now();
    const id = newId("in");
    const invoice: InvoiceObject = {
      id,
      object: "invoice",
      amount_due: amount,
      amount_paid: o.paid ? amount : 0,
      amount_remaining: o.paid ? 0 : amount,
      attempt_count: 1,
      attempted: true,
      billing_reason: o.reason,
      collection_method: "charge_automatically",
      created,
      currency: "usd",
      customer: sub.customer,
      hosted_invoice_url: `${base}/i/${id}`,
      invoice_pdf: `${base}/i/${id}/pdf`,
      lines: list(
        licensed.map((i) => ({
          id: newId("il"),
          object: "line_item",
          amount: i.price.unit_amount,
          currency: "usd",
          description: `1 × ${i.price.nickname} (at $${(i.price.unit_amount / 100).toFixed(2)} / month)`,
          period: { start: i.current_period_start, end: i.current_period_end },
          pricing: { type: "price_details", price_details: { price: i.price.id, product: i.price.product } },
          quantity: 1,
        })),
        `/v1/invoices/${id}/lines`,
      ),
      livemode: false,
      metadata: {},
      next_payment_attempt: o.paid ? null : created + 3 * 24 * 3600,
      number: `ORBIS-${String(++invoiceNumber).padStart(4, "0")}`,
      parent: { type: "subscription_details", quote_details: null, subscription_details: { metadata: sub.metadata, subscription: sub.id } },
      period_end: created,
      period_start: created,
      status: o.paid ? "paid" : "open",
      status_transitions: { finalized_at: created, marked_uncollectible_at: null, paid_at: o.paid ? created : null, voided_at: null },
      subtotal: amount,
      total: amount,
    };
    invoices.set(id, invoice);
    sub.latest_invoice = id;
    if (o.paid) payInvoice(invoice);
    return invoice;
  }

  /** The card payment of an invoice: a PaymentIntent, its charge, and the invoice payment that links them. */
  function payInvoice(invoice: InvoiceObject): void {
    const amount = Number(invoice.amount_paid);
    const created = now();
    const paymentIntent = newId("pi");
    const charge: ChargeObject = {
      id: newId("ch"),
      object: "charge",
      amount,
      amount_captured: amount,
      amount_refunded: 0,
      captured: true,
      created,
      currency: "usd",
      customer: invoice.customer,
      description: invoice.billing_reason === "subscription_create" ? "Subscription creation" : "Subscription update",
      disputed: false,
      livemode: false,
      metadata: {},
      paid: true,
      payment_intent: paymentIntent,
      refunded: false,
      status: "succeeded",
    };
    charges.set(charge.id, charge);
    invoicePayments.set(invoice.id, {
      id: newId("inpay"),
      object: "invoice_payment",
      amount_paid: amount,
      amount_requested: amount,
      created,
      currency: "usd",
      invoice: invoice.id,
      is_default: true,
      livemode: false,
      payment: { type: "payment_intent", payment_intent: paymentIntent },
      status: "paid",
      status_transitions: { canceled_at: null, paid_at: created },
    });
  }

  function chargeOf(invoiceId: string): ChargeObject {
    const payment = invoicePayments.get(get(invoices, invoiceId, "invoice").id);
    const charge = payment && [...charges.values()].find((c) => c.payment_intent === payment.payment.payment_intent);
    if (!charge) throw new Error(`invoice ${invoiceId} is not paid`);
    return charge;
  }

  async function refund(invoiceId: string, amountUsd?: number): Promise<void> {
    const charge = chargeOf(invoiceId);
    const left = charge.amount - charge.amount_refunded;
    const amount = amountUsd === undefined ? left : Math.round(amountUsd * 100);
    if (amount <= 0 || amount > left) throw new Error(`cannot refund ${amount} cents of charge ${charge.id}: ${left} left`);
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    await send("charge.refunded", charge, previous);
  }

  async function dispute(invoiceId: string): Promise<void> {
    const charge = chargeOf(invoiceId);
    charge.disputed = true;
    await send("charge.dispute.created", {
      id: newId("dp"),
      object: "dispute",
      amount: charge.amount,
      charge: charge.id,
      created: now(),
      currency: "usd",
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: charge.payment_intent,
      reason: "fraudulent",
      status: "needs_response",
    });
  }

  async function completeCheckout(sessionId: string): Promise<void> {
    const session = get(sessions, sessionId, "checkout.session");
    if (session.status !== "open") throw new Error(`Checkout Session ${sessionId} is ${String(session.status)}`);
    const customerId = (session.customer as string | null) ?? newCustomerFor(session);
    const start = now();
    const end = periodAfter(start);
    const subId = newId("sub");
    const lines = session._lines as { price: string; quantity: number | null }[];
    const sub: SubscriptionObject = {
      id: subId,
      object: "subscription",
      cancel_at: null,
      cancel_at_period_end: false,
      canceled_at: null,
      collection_method: "charge_automatically",
      created: start,
      currency: "usd",
      customer: customerId,
      ended_at: null,
      items: list(
        lines.map((l) => ({
          id: newId("si"),
          object: "subscription_item",
          created: start,
          current_period_start: start,
          current_period_end: end,
          metadata: {},
          price: prices.get(l.price)!,
          ...(l.quantity === null ? {} : { quantity: l.quantity }),
          subscription: subId,
        })),
        `/v1/subscription_items?subscription=${subId}`,
      ) as SubscriptionObject["items"],
      latest_invoice: null,
      livemode: false,
      metadata: session._subscriptionMetadata as Record<string, string>,
      start_date: start,
      status: "active",
      trial_end: null,
      trial_start: null,
    };
    subscriptions.set(subId, sub);
    const invoice = issueInvoice(sub, { reason: "subscription_create", paid: true });
    Object.assign(session, { status: "complete", payment_status: "paid", subscription: subId, customer: customerId, invoice: invoice.id });

    await send("checkout.session.completed", publicSession(session));
    await send("customer.subscription.created", sub);
    await send("invoice.paid", invoice);
  }

  function newCustomerFor(session: Json): string {
    const customer = { id: newId("cus"), object: "customer", created: now(), email: null, name: null, metadata: {}, livemode: false };
    customers.set(customer.id, customer);
    session.customer = customer.id;
    return customer.id;
  }

  /** The subscription rolls into its next period. */
  function advance(sub: SubscriptionObject): Json {
    const previous = structuredClone(sub.items);
    for (const item of sub.items.data) {
      item.current_period_start = item.current_period_end;
      item.current_period_end = periodAfter(item.current_period_end);
    }
    return { items: previous };
  }

  async function failNextPayment(customerId: string): Promise<void> {
    get(customers, customerId, "customer");
    const sub = [...subscriptions.values()].reverse().find((s) => s.customer === customerId && s.status !== "canceled");
    if (!sub) throw new Error(`customer ${customerId} has no live subscription`);
    const previous = { ...advance(sub), status: sub.status };
    sub.status = "past_due";
    const invoice = issueInvoice(sub, { reason: "subscription_cycle", paid: false });
    await send("invoice.payment_failed", invoice);
    await send("customer.subscription.updated", sub, previous);
  }

  async function renew(subscriptionId: string): Promise<void> {
    const sub = get(subscriptions, subscriptionId, "subscription");
    if (sub.status === "canceled") throw new Error(`subscription ${subscriptionId} is canceled`);
    const open = [...invoices.values()].find(
      (i) => i.status === "open" && (i.parent as Json & { subscription_details: Json }).subscription_details.subscription === sub.id,
    );
    let previous: Json = { status: sub.status };
    let invoice: InvoiceObject;
    if (sub.status === "past_due" && open) {
      // The retry of the failed renewal succeeds: the period already began.
      const paidAt = now();
      Object.assign(open, {
        status: "paid",
        amount_paid: open.amount_due,
        amount_remaining: 0,
        attempt_count: Number(open.attempt_count) + 1,
        next_payment_attempt: null,
        status_transitions: { ...(open.status_transitions as Json), paid_at: paidAt },
      });
      payInvoice(open);
      invoice = open;
    } else {
      previous = { ...previous, ...advance(sub) };
      invoice = issueInvoice(sub, { reason: "subscription_cycle", paid: true });
    }
    sub.status = "active";
    await send("invoice.paid", invoice);
    await send("customer.subscription.updated", sub, previous);
  }

  async function switchPlan(sub: SubscriptionObject, priceId: string): Promise<void> {
    const price = get(prices, priceId, "price", "price");
    const item = sub.items.data.find((i) => i.price.recurring.usage_type === "licensed");
    if (!item || item.price.id === price.id) return;
    const previous = { items: structuredClone(sub.items) };
    item.price = price;
    await send("customer.subscription.updated", sub, previous);
  }

  async function cancel(sub: SubscriptionObject): Promise<void> {
    Object.assign(sub, { status: "canceled", canceled_at: now(), ended_at: now() });
    await send("customer.subscription.deleted", sub);
  }

  async function resend(eventId: string): Promise<number> {
    const event = events.find((e) => e.id === eventId);
    if (!event) throw new Error(`no event ${eventId}`);
    return deliver(event);
  }

  // ---- the hosted pages ----------------------------------------------------------------------------

  function checkoutPage(session: Json): string {
    const lines = (session._lines as { price: string; quantity: number | null }[]).map((l) => prices.get(l.price)!);
    const rows = lines
      .map((p) =>
        p.recurring.usage_type === "metered"
          ? `<li>${esc(p.nickname)}: $${(p.unit_amount / 100).toFixed(2)} each, billed by use</li>`
          : `<li>${esc(p.nickname)}: $${(p.unit_amount / 100).toFixed(2)} per month</li>`,
      )
      .join("");
    const total = `$${(Number(session.amount_total) / 100).toFixed(2)}`;
    return page(
      "Subscribe",
      `<h1>Subscribe to ${esc(lines[0]!.nickname)}</h1><ul>${rows}</ul><p>Due today: <strong>${total}</strong></p>` +
        (session.status === "open"
          ? `<form method="post"><button type="submit">Pay and subscribe</button></form><p><a href="${esc(String(session.cancel_url))}">Back</a></p>`
          : `<p>This checkout is ${esc(String(session.status))}.</p>`),
    );
  }

  function portalPage(portal: Json): string {
    const sub = [...subscriptions.values()].reverse().find((s) => s.customer === portal.customer && s.status !== "canceled");
    const back = `<p><a href="${esc(String(portal.return_url))}">Return</a></p>`;
    if (!sub) return page("Billing", `<h1>Billing</h1><p>No current plan.</p>${back}`);
    const current = sub.items.data.find((i) => i.price.recurring.usage_type === "licensed")!.price;
    const switches = [...prices.values()]
      .filter((p) => p.recurring.usage_type === "licensed" && p.id !== current.id)
      .map(
        (p) =>
          `<form method="post"><input type="hidden" name="action" value="switch"><input type="hidden" name="price" value="${p.id}"><button type="submit">Switch to ${esc(p.nickname)}</button></form>`,
      )
      .join("");
    const cancelForm = `<form method="post"><input type="hidden" name="action" value="cancel"><button type="submit">Cancel plan</button></form>`;
    return page("Billing", `<h1>Billing</h1><p>Current plan: ${esc(current.nickname)} (${esc(sub.status)})</p>${switches}${cancelForm}${back}`);
  }

  async function hosted(req: IncomingMessage, res: ServerResponse, path: string, body: string): Promise<boolean> {
    const pay = /^\/c\/pay\/([^/]+)$/.exec(path);
    if (pay) {
      const session = sessions.get(pay[1]!);
      if (!session) return html(res, 404, page("Not found", "<h1>This checkout does not exist</h1>"));
      if (req.method === "POST") {
        if (session.status === "open") await completeCheckout(session.id as string);
        return redirect(res, String(session.success_url));
      }
      return html(res, 200, checkoutPage(session));
    }
    const portal = /^\/p\/session\/([^/]+)$/.exec(path);
    if (portal) {
      const session = portalSessions.get(portal[1]!);
      if (!session) return html(res, 404, page("Not found", "<h1>This session does not exist</h1>"));
      if (req.method === "POST") {
        const form = new URLSearchParams(body);
        const sub = [...subscriptions.values()].reverse().find((s) => s.customer === session.customer && s.status !== "canceled");
        if (sub && form.get("action") === "switch") await switchPlan(sub, form.get("price") ?? "");
        if (sub && form.get("action") === "cancel") await cancel(sub);
        return redirect(res, String(session.return_url));
      }
      return html(res, 200, portalPage(session));
    }
    return false;
  }

  // ---- the server ----------------------------------------------------------------------------------

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { type: "api_error", message: err instanceof Error ? err.message : String(err) } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", base);
    if (await hosted(req, res, url.pathname, body)) return;
    if (!url.pathname.startsWith("/v1/")) return void html(res, 404, page("Not found", "<h1>Not found</h1>"));
    if (!/^Bearer sk_/.test(req.headers.authorization ?? "")) {
      return json(res, 401, { error: { type: "invalid_request_error", message: "Invalid API Key provided." } });
    }
    const key = req.method === "POST" ? req.headers["idempotency-key"] : undefined;
    const replay = typeof key === "string" ? idempotent.get(key) : undefined;
    if (replay) return json(res, replay.status, replay.body, { "idempotent-replayed": "true" });

    const route = routes.find((r) => r.method === req.method && r.path.test(url.pathname));
    let status = 200;
    let answer: unknown;
    if (!route) {
      status = 404;
      answer = { error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${url.pathname}).` } };
    } else {
      try {
        const params = parseForm(req.method === "GET" ? url.search.slice(1) : body);
        answer = publicObject(route.handle(params, route.path.exec(url.pathname)!.slice(1)));
      } catch (err) {
        if (!(err instanceof StripeApiError)) throw err;
        status = err.status;
        answer = {
          error: { type: "invalid_request_error", message: err.message, ...(err.code ? { code: err.code } : {}), ...(err.param ? { param: err.param } : {}) },
        };
      }
    }
    if (typeof key === "string") idempotent.set(key, { status, body: answer });
    json(res, status, answer);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    setWebhookUrl: (u) => {
      webhookUrl = u;
    },
    events,
    deliveries,
    meterEvents,
    transfers,
    completeCheckout,
    failNextPayment,
    renew,
    refund,
    dispute,
    resend,
    // Idempotent: a test that takes Stripe away mid-way closes it before its cleanup does.
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

// ---- helpers ---------------------------------------------------------------------------------------

function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const limitOf = (p: Json) => Math.min(100, Math.max(1, Number(p.limit ?? 10)));

/** A session as Stripe returns it: without the emulator's own bookkeeping (`_…`). */
function publicSession(session: Json): Json {
  return Object.fromEntries(Object.entries(session).filter(([k]) => !k.startsWith("_")));
}
function publicObject(value: unknown): unknown {
  return value && typeof value === "object" && !Array.isArray(value) && (value as Json).object === "checkout.session" ? publicSession(value as Json) : value;
}

/**
 * A form body as the SDK encodes it: `a[b][0][c]=v` (brackets raw or percent-encoded) into nested
 * objects, numeric keys (and `a[]`) into arrays. Every value stays a string, as on the wire.
 */
export function parseForm(body: string): Json {
  const root: Json = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const first = rawKey.indexOf("[");
    const head = first === -1 ? rawKey : rawKey.slice(0, first);
    const rest = first === -1 ? [] : [...rawKey.slice(first).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!);
    const keys = [head, ...rest];
    let node: Json | unknown[] = root;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const last = i === keys.length - 1;
      const nextIsIndex = !last && /^\d*$/.test(keys[i + 1]!);
      if (Array.isArray(node)) {
        const index = k === "" ? node.length : Number(k);
        if (last) node[index] = value;
        else node = (node[index] ??= nextIsIndex ? [] : {}) as Json | unknown[];
      } else {
        if (last) node[k] = value;
        else node = (node[k] ??= nextIsIndex ? [] : {}) as Json | unknown[];
      }
    }
  }
  return root;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", "request-id": newId("req"), ...headers }).end(JSON.stringify(body));
}
function html(res: ServerResponse, status: number, body: string): true {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(body);
  return true;
}
function redirect(res: ServerResponse, location: string): true {
  res.writeHead(303, { location }).end();
  return true;
}
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} · Stripe emulator</title></head><body><main>${body}</main></body></html>`;
}
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
