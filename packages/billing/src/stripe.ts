import { AppError, type InvoiceDto, type Plan } from "@orbis/contracts";
import Stripe from "stripe";
import { OVERAGE_METER_EVENT } from "./plans.ts";

/**
 * OrbisVoice's side of Stripe, through the official SDK (implemented by `createStripeBilling`).
 * Every call goes to `apiUrl` when set (a loopback emulator in tests), else to api.stripe.com.
 */
export interface StripeBilling {
  /** A Checkout Session subscribing the workspace to the plan (its price, plus the metered overage price); creates the customer first when there is none. */
  checkout(o: {
    workspaceId: string;
    customerId: string | null;
    email: string;
    workspaceName: string;
    plan: Plan;
    successUrl: string;
    cancelUrl: string;
  }): Promise<{ url: string; customerId: string }>;
  /** A Customer Portal session (card, plan changes, cancellation). */
  portal(o: { customerId: string; returnUrl: string }): Promise<{ url: string }>;
  /** The customer's invoices, newest first. */
  invoices(customerId: string, limit?: number): Promise<InvoiceDto[]>;
  /** Overage calls as a Billing meter event (`OVERAGE_METER_EVENT`); `identifier` makes a retry count once. */
  reportOverage(o: { customerId: string; calls: number; identifier: string; timestamp: Date }): Promise<void>;
  /** The event of a webhook, verified with the SDK (`constructEvent`, 300 s tolerance); throws when forged or stale. */
  verifyWebhook(rawBody: string | Buffer, signature: string): Stripe.Event;
  /**
   * A Stripe Connect transfer of a referral payout to the referrer's connected account. The payout id is
   * the idempotency key (and in the metadata): a retried payout transfers once.
   */
  transfer(o: { accountId: string; amountUsd: number; payoutId: string }): Promise<{ transferId: string }>;
  /**
   * The invoice a charge paid and its customer (for refunds and disputes). A charge names its invoice
   * itself only in API versions before 2025-03-31; since then the link is the invoice payment of its
   * PaymentIntent. `charge` is a charge id (a dispute's) or the charge object (a refund's).
   */
  invoiceOfCharge(charge: string | ChargeRef): Promise<{ invoiceId: string | null; customerId: string | null }>;
}

/** The fields of a charge that say what it paid for. */
export interface ChargeRef {
  id: string;
  customer?: string | { id: string } | null;
  payment_intent?: string | { id: string } | null;
  /** Only in API versions before 2025-03-31. */
  invoice?: string | { id: string } | null;
}

/** How old a webhook's signed timestamp may be (Stripe's own default): an older one is a replay. */
const WEBHOOK_TOLERANCE_SEC = 300;
/** Per attempt; with two retries a dead Stripe answers a dashboard request within a minute. */
const REQUEST_TIMEOUT_MS = 15_000;

export function createStripeBilling(o: { secretKey: string; webhookSecret: string; apiUrl?: string }): StripeBilling {
  const stripe = new Stripe(o.secretKey, { maxNetworkRetries: 2, timeout: REQUEST_TIMEOUT_MS, ...endpointOf(o.apiUrl) });

  /**
   * The plan's price ids: a `price_…` id is used as it is, anything else is a lookup key (one list call
   * for both). Looked up at each checkout, not cached: an operator may move a lookup key to a new price.
   */
  async function pricesOf(plan: Plan): Promise<{ price: string; overage: string | null }> {
    if (!plan.stripePrice) throw new AppError("validation_failed", `Plan ${plan.id} has no Stripe price`);
    const wanted = [plan.stripePrice, plan.stripeOveragePrice].filter((p): p is string => p !== null);
    const keys = wanted.filter((p) => !isPriceId(p));
    const byKey = new Map<string, string>();
    if (keys.length > 0) {
      const found = await call(() => stripe.prices.list({ lookup_keys: keys, active: true, limit: keys.length }));
      for (const price of found.data) if (price.lookup_key) byKey.set(price.lookup_key, price.id);
    }
    const resolve = (p: string) => {
      const id = isPriceId(p) ? p : byKey.get(p);
      if (!id) throw new AppError("validation_failed", `Plan ${plan.id}: Stripe has no active price with the lookup key ${p}`);
      return id;
    };
    return { price: resolve(plan.stripePrice), overage: plan.stripeOveragePrice ? resolve(plan.stripeOveragePrice) : null };
  }

  return {
    async checkout(c) {
      // Prices first: a plan Stripe cannot sell creates no customer.
      const { price, overage } = await pricesOf(c.plan);
      const customerId =
        c.customerId ?? (await call(() => stripe.customers.create({ email: c.email, name: c.workspaceName, metadata: { workspaceId: c.workspaceId } }))).id;
      const metadata = { workspaceId: c.workspaceId, planId: c.plan.id };
      const session = await call(() =>
        stripe.checkout.sessions.create({
          mode: "subscription",
          customer: customerId,
          client_reference_id: c.workspaceId,
          // A metered price takes no quantity: Stripe bills it from the meter's events.
          line_items: [{ price, quantity: 1 }, ...(overage ? [{ price: overage }] : [])],
          subscription_data: { metadata },
          metadata,
          success_url: c.successUrl,
          cancel_url: c.cancelUrl,
        }),
      );
      if (!session.url) throw new AppError("unavailable", "Stripe returned a Checkout Session without a URL");
      return { url: session.url, customerId };
    },

    async portal(p) {
      const session = await call(() => stripe.billingPortal.sessions.create({ customer: p.customerId, return_url: p.returnUrl }));
      return { url: session.url };
    },

    async invoices(customerId, limit = 24) {
      const list = await call(() => stripe.invoices.list({ customer: customerId, limit }));
      return list.data.map(toInvoiceDto);
    },

    async reportOverage(r) {
      await call(() =>
        stripe.billing.meterEvents.create({
          event_name: OVERAGE_METER_EVENT,
          payload: { stripe_customer_id: r.customerId, value: String(r.calls) },
          identifier: r.identifier,
          timestamp: Math.floor(r.timestamp.getTime() / 1000),
        }),
      );
    },

    async transfer(t) {
      const transfer = await call(() =>
        stripe.transfers.create(
          { amount: Math.round(t.amountUsd * 100), currency: "usd", destination: t.accountId, metadata: { payoutId: t.payoutId } },
          { idempotencyKey: t.payoutId },
        ),
      );
      return { transferId: transfer.id };
    },

    async invoiceOfCharge(ref) {
      const charge: ChargeRef = typeof ref === "string" ? ((await call(() => stripe.charges.retrieve(ref))) as ChargeRef) : ref;
      const customerId = idOf(charge.customer);
      const legacy = idOf(charge.invoice);
      if (legacy) return { invoiceId: legacy, customerId };
      const paymentIntent = idOf(charge.payment_intent);
      if (!paymentIntent) return { invoiceId: null, customerId };
      const payments = await call(() => stripe.invoicePayments.list({ payment: { type: "payment_intent", payment_intent: paymentIntent }, limit: 1 }));
      return { invoiceId: idOf(payments.data[0]?.invoice), customerId };
    },

    verifyWebhook(rawBody, signature) {
      try {
        return stripe.webhooks.constructEvent(rawBody, signature, o.webhookSecret, WEBHOOK_TOLERANCE_SEC);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new AppError("bad_request", `Invalid Stripe webhook: ${reason}`);
      }
    },
  };
}

/** `STRIPE_API_URL` as the SDK's host, port and protocol (the path is always Stripe's `/v1/…`). */
function endpointOf(apiUrl: string | undefined): { host?: string; port?: number; protocol?: "http" | "https" } {
  if (!apiUrl) return {};
  const url = new URL(apiUrl);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === "http" ? 80 : 443, protocol };
}

const isPriceId = (p: string) => p.startsWith("price_");
const idOf = (v: string | { id?: string } | null | undefined): string | null => (typeof v === "string" ? v : (v?.id ?? null));

/**
 * A Stripe call whose failure the caller can act on: Stripe out of reach, down, throttling or refusing
 * our key is a 503 that says so (the SDK has already retried); anything else (a bug of ours) is thrown as is.
 */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (
      err instanceof Stripe.errors.StripeConnectionError ||
      err instanceof Stripe.errors.StripeAPIError ||
      err instanceof Stripe.errors.StripeRateLimitError ||
      err instanceof Stripe.errors.StripeAuthenticationError ||
      err instanceof Stripe.errors.StripePermissionError
    ) {
      throw new AppError("unavailable", `Stripe is unavailable right now (${err.message}); try again in a minute`);
    }
    throw err;
  }
}

const isoOf = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000).toISOString() : null);

function toInvoiceDto(invoice: Stripe.Invoice): InvoiceDto {
  return {
    id: invoice.id,
    number: invoice.number,
    status: invoice.status,
    currency: invoice.currency,
    amountDueUsd: invoice.amount_due / 100,
    amountPaidUsd: invoice.amount_paid / 100,
    created: new Date(invoice.created * 1000).toISOString(),
    periodStart: isoOf(invoice.period_start),
    periodEnd: isoOf(invoice.period_end),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    pdfUrl: invoice.invoice_pdf ?? null,
  };
}
