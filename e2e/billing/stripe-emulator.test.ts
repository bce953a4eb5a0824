import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Stripe from "stripe";
import { createStripeBilling } from "@orbis/billing";
import { parseForm, startStripeEmulator, type StripeEmulator } from "./stripe-emulator.ts";

/** The emulator as the official SDK sees it: the same calls, shapes and errors OrbisVoice relies on. */
const webhookSecret = "whsec_emulator_test";
let emulator: StripeEmulator;
let stripe: Stripe;
let receiver: Server;
const received: { signature: string; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      received.push({ signature: String(req.headers["stripe-signature"]), body });
      res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  emulator = await startStripeEmulator({ webhookSecret, webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` });
  const url = new URL(emulator.url);
  stripe = new Stripe("sk_test_emulator", { host: url.hostname, port: Number(url.port), protocol: "http", maxNetworkRetries: 0 });
});
afterAll(async () => {
  await emulator.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

describe("form bodies", () => {
  it("parses the SDK's bracket notation into nested objects and arrays", () => {
    expect(
      parseForm(
        "mode=subscription&line_items[0][price]=price_a&line_items[0][quantity]=1&line_items[1][price]=price_b&metadata%5BworkspaceId%5D=ws_1&keys[]=a&keys[]=b",
      ),
    ).toEqual({
      mode: "subscription",
      line_items: [{ price: "price_a", quantity: "1" }, { price: "price_b" }],
      metadata: { workspaceId: "ws_1" },
      keys: ["a", "b"],
    });
  });
});

describe("REST API through the SDK", () => {
  it("creates and reads a customer", async () => {
    const created = await stripe.customers.create({ email: "ada@example.com", name: "Ada's", metadata: { workspaceId: "ws_1" } });
    expect(created).toMatchObject({ object: "customer", livemode: false, email: "ada@example.com", metadata: { workspaceId: "ws_1" } });
    expect(created.id).toMatch(/^cus_/);
    const read = await stripe.customers.retrieve(created.id);
    expect(read.id).toBe(created.id);
  });

  it("finds the seeded prices by lookup key", async () => {
    const list = await stripe.prices.list({ lookup_keys: ["orbis_growth_monthly", "orbis_overage_call"] });
    expect(list.object).toBe("list");
    expect(list.has_more).toBe(false);
    const byKey = Object.fromEntries(list.data.map((p) => [p.lookup_key, p]));
    expect(Object.keys(byKey).sort()).toEqual(["orbis_growth_monthly", "orbis_overage_call"]);
    expect(byKey.orbis_growth_monthly).toMatchObject({
      object: "price",
      unit_amount: 89900,
      currency: "usd",
      recurring: { interval: "month", usage_type: "licensed" },
    });
    expect(byKey.orbis_overage_call).toMatchObject({ unit_amount: 150, recurring: { usage_type: "metered" } });
    expect((await stripe.prices.list({ lookup_keys: ["nope"] })).data).toEqual([]);
  });

  it("answers unknown objects with Stripe's error shape (the SDK raises its typed error)", async () => {
    const err = await stripe.customers.retrieve("cus_missing").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((err as Stripe.errors.StripeError).statusCode).toBe(404);
    expect((err as Stripe.errors.StripeError).message).toContain("No such customer");
    const bad = await stripe.checkout.sessions
      .create({
        mode: "subscription",
        customer: "cus_missing",
        line_items: [{ price: "price_x", quantity: 1 }],
        success_url: "http://x/s",
        cancel_url: "http://x/c",
      })
      .catch((e: unknown) => e);
    expect((bad as Stripe.errors.StripeError).statusCode).toBe(400);
  });
});

describe("checkout", () => {
  it("a session's hosted page, then completeCheckout sends the three events, signed, in order", async () => {
    const customer = await stripe.customers.create({ email: "bo@example.com", metadata: { workspaceId: "ws_bo" } });
    const [starter, overage] = (await stripe.prices.list({ lookup_keys: ["orbis_starter_monthly", "orbis_overage_call"] })).data.sort((a, b) =>
      a.unit_amount! > b.unit_amount! ? -1 : 1,
    );
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      client_reference_id: "ws_bo",
      line_items: [{ price: starter!.id, quantity: 1 }, { price: overage!.id }],
      subscription_data: { metadata: { workspaceId: "ws_bo", planId: "starter" } },
      metadata: { workspaceId: "ws_bo", planId: "starter" },
      success_url: "http://app.test/dashboard/billing?checkout=success",
      cancel_url: "http://app.test/dashboard/billing?checkout=cancelled",
    });
    expect(session.url).toBe(`${emulator.url}/c/pay/${session.id}`);
    const pageHtml = await (await fetch(session.url!)).text();
    expect(pageHtml).toContain("Pay and subscribe");
    expect(pageHtml).toContain("$299.00");

    const before = emulator.events.length;
    await emulator.completeCheckout(session.id);
    const sent = emulator.events.slice(before);
    expect(sent.map((e) => e.type)).toEqual(["checkout.session.completed", "customer.subscription.created", "invoice.paid"]);

    // Each one reached the webhook URL with a signature the SDK verifies.
    const deliveries = received.slice(-3);
    expect(deliveries.map((d) => stripe.webhooks.constructEvent(d.body, d.signature, webhookSecret).id)).toEqual(sent.map((e) => e.id));
    expect(() => stripe.webhooks.constructEvent(deliveries[0]!.body, deliveries[0]!.signature, "whsec_other")).toThrow();

    const completed = sent[0]!.data.object as Stripe.Checkout.Session;
    expect(completed).toMatchObject({ object: "checkout.session", status: "complete", customer: customer.id, client_reference_id: "ws_bo" });
    const sub = sent[1]!.data.object as Stripe.Subscription;
    expect(sub).toMatchObject({ id: completed.subscription, status: "active", customer: customer.id, metadata: { planId: "starter" } });
    expect(sub.items.data.map((i) => i.price.lookup_key)).toEqual(["orbis_starter_monthly", "orbis_overage_call"]);
    expect(sub.items.data[0]!.current_period_end).toBeGreaterThan(sub.items.data[0]!.current_period_start);
    const invoice = sent[2]!.data.object as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 29900, customer: customer.id, parent: { subscription_details: { subscription: sub.id } } });
    expect(invoice.status_transitions.paid_at).not.toBeNull();

    // The retrieved subscription and the invoice list agree with the events.
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
    expect((await stripe.invoices.list({ customer: customer.id })).data.map((i) => i.id)).toEqual([invoice.id]);

    // A replayed event keeps its id and gets a fresh signature.
    expect(await emulator.resend(sent[2]!.id)).toBe(200);
    const replay = received.at(-1)!;
    expect(stripe.webhooks.constructEvent(replay.body, replay.signature, webhookSecret).id).toBe(sent[2]!.id);

    // A failed renewal, then a paid retry.
    await emulator.failNextPayment(customer.id);
    expect(emulator.events.slice(-2).map((e) => e.type)).toEqual(["invoice.payment_failed", "customer.subscription.updated"]);
    expect((emulator.events.at(-1)!.data.object as Stripe.Subscription).status).toBe("past_due");
    await emulator.renew(sub.id);
    expect(emulator.events.slice(-2).map((e) => e.type)).toEqual(["invoice.paid", "customer.subscription.updated"]);
    expect((emulator.events.at(-1)!.data.object as Stripe.Subscription).status).toBe("active");
  });

  it("the portal's page switches plans and cancels, then redirects to the return URL", async () => {
    const customer = await stripe.customers.create({ email: "cy@example.com" });
    const [starter] = (await stripe.prices.list({ lookup_keys: ["orbis_starter_monthly"] })).data;
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: starter!.id, quantity: 1 }],
      success_url: "http://app.test/s",
      cancel_url: "http://app.test/c",
    });
    // The hosted page's button: a form POST, answered 303 to success_url.
    const paid = await fetch(session.url!, { method: "POST", redirect: "manual" });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe("http://app.test/s");

    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: "http://app.test/dashboard/billing" });
    const pageHtml = await (await fetch(portal.url)).text();
    expect(pageHtml).toContain("Switch to Growth");
    expect(pageHtml).toContain("Cancel plan");
    const growth = /name="price" value="([^"]+)"><button type="submit">Switch to Growth/.exec(pageHtml)![1]!;
    const switched = await fetch(portal.url, { method: "POST", redirect: "manual", body: new URLSearchParams({ action: "switch", price: growth }) });
    expect(switched.headers.get("location")).toBe("http://app.test/dashboard/billing");
    const updated = emulator.events.at(-1)!;
    expect(updated.type).toBe("customer.subscription.updated");
    expect((updated.data.object as Stripe.Subscription).items.data[0]!.price.lookup_key).toBe("orbis_growth_monthly");

    await fetch(portal.url, { method: "POST", redirect: "manual", body: new URLSearchParams({ action: "cancel" }) });
    expect(emulator.events.at(-1)!.type).toBe("customer.subscription.deleted");
    expect((emulator.events.at(-1)!.data.object as Stripe.Subscription).status).toBe("canceled");
  });
});

describe("meter events", () => {
  it("counts an identifier once, however often it is sent", async () => {
    const customer = await stripe.customers.create({ email: "dee@example.com" });
    const send = () =>
      stripe.billing.meterEvents.create({
        event_name: "orbis_overage_calls",
        payload: { stripe_customer_id: customer.id, value: "3" },
        identifier: "ws_1:2026-12",
        timestamp: 1_790_000_000,
      });
    const first = await send();
    const again = await send();
    expect(first).toMatchObject({ object: "billing.meter_event", identifier: "ws_1:2026-12", payload: { value: "3" } });
    expect(again.identifier).toBe(first.identifier);
    expect(emulator.meterEvents.filter((e) => e.identifier === "ws_1:2026-12")).toEqual([
      { event_name: "orbis_overage_calls", payload: { stripe_customer_id: customer.id, value: "3" }, identifier: "ws_1:2026-12", timestamp: 1_790_000_000 },
    ]);
  });
});

describe("Connect transfers", () => {
  it("records a transfer once per Idempotency-Key and refuses an unknown destination", async () => {
    const create = () =>
      stripe.transfers.create({ amount: 4250, currency: "usd", destination: "acct_referrer", metadata: { payoutId: "pay_1" } }, { idempotencyKey: "pay_1" });
    const first = await create();
    const again = await create();
    expect(first).toMatchObject({ object: "transfer", amount: 4250, currency: "usd", destination: "acct_referrer", metadata: { payoutId: "pay_1" } });
    expect(first.id).toMatch(/^tr_/);
    expect(again.id).toBe(first.id);
    expect(emulator.transfers.filter((t) => t.metadata.payoutId === "pay_1")).toEqual([
      { id: first.id, amount: 4250, currency: "usd", destination: "acct_referrer", metadata: { payoutId: "pay_1" } },
    ]);
    const bad = await stripe.transfers.create({ amount: 100, currency: "usd", destination: "cus_nope" }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((bad as Stripe.errors.StripeError).param).toBe("destination");
  });
});

describe("refunds and disputes", () => {
  /** A customer who paid their first invoice through checkout; answers it. */
  async function paidInvoice(): Promise<Stripe.Invoice> {
    const customer = await stripe.customers.create({ email: "eve@example.com" });
    const [starter] = (await stripe.prices.list({ lookup_keys: ["orbis_starter_monthly"] })).data;
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: starter!.id, quantity: 1 }],
      success_url: "http://app.test/s",
      cancel_url: "http://app.test/c",
    });
    await emulator.completeCheckout(session.id);
    return emulator.events.at(-1)!.data.object as Stripe.Invoice;
  }

  it("charge.refunded carries the charge; its invoice is found through the PaymentIntent's invoice payment", async () => {
    const invoice = await paidInvoice();
    await emulator.refund(invoice.id, 100);
    const partial = emulator.events.at(-1)!;
    expect(partial.type).toBe("charge.refunded");
    const charge = partial.data.object as Stripe.Charge;
    expect(charge).toMatchObject({ object: "charge", amount: 29900, amount_refunded: 10000, refunded: false, customer: invoice.customer });
    expect(partial.data.previous_attributes).toEqual({ amount_refunded: 0, refunded: false });
    expect(charge).not.toHaveProperty("invoice");
    const payments = await stripe.invoicePayments.list({ payment: { type: "payment_intent", payment_intent: charge.payment_intent as string } });
    expect(payments.data.map((p) => p.invoice)).toEqual([invoice.id]);
    expect((await stripe.charges.retrieve(charge.id)).amount_refunded).toBe(10000);

    await emulator.refund(invoice.id);
    expect(emulator.events.at(-1)!.data.object).toMatchObject({ amount_refunded: 29900, refunded: true });
    await expect(emulator.refund(invoice.id)).rejects.toThrow(/0 left/);
  });

  it("charge.dispute.created names the charge by id, for the full amount", async () => {
    const invoice = await paidInvoice();
    await emulator.dispute(invoice.id);
    const event = emulator.events.at(-1)!;
    expect(event.type).toBe("charge.dispute.created");
    const dispute = event.data.object as Stripe.Dispute;
    expect(dispute).toMatchObject({ object: "dispute", amount: 29900, status: "needs_response" });
    const charge = await stripe.charges.retrieve(dispute.charge as string);
    expect(charge).toMatchObject({ disputed: true, customer: invoice.customer });
  });
});

describe("OrbisVoice's StripeBilling against the emulator", () => {
  it("transfers a payout once and finds the invoice of a refunded or disputed charge", async () => {
    const billing = createStripeBilling({ secretKey: "sk_test_emulator", webhookSecret, apiUrl: emulator.url });
    const sent = await billing.transfer({ accountId: "acct_affiliate", amountUsd: 59.8, payoutId: "pay_twice" });
    expect(await billing.transfer({ accountId: "acct_affiliate", amountUsd: 59.8, payoutId: "pay_twice" })).toEqual(sent);
    expect(emulator.transfers.filter((t) => t.metadata.payoutId === "pay_twice").map((t) => [t.amount, t.destination])).toEqual([[5980, "acct_affiliate"]]);

    const customer = await stripe.customers.create({ email: "fay@example.com" });
    const [starter] = (await stripe.prices.list({ lookup_keys: ["orbis_starter_monthly"] })).data;
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: starter!.id, quantity: 1 }],
      success_url: "http://app.test/s",
      cancel_url: "http://app.test/c",
    });
    await emulator.completeCheckout(session.id);
    const invoice = emulator.events.at(-1)!.data.object as Stripe.Invoice;
    await emulator.dispute(invoice.id);
    const dispute = emulator.events.at(-1)!.data.object as Stripe.Dispute;
    expect(await billing.invoiceOfCharge(dispute.charge as string)).toEqual({ invoiceId: invoice.id, customerId: customer.id });
    // A charge of an API version before 2025-03-31 names its invoice: no call needed.
    expect(await billing.invoiceOfCharge({ id: "ch_legacy", customer: "cus_legacy", invoice: "in_legacy" })).toEqual({
      invoiceId: "in_legacy",
      customerId: "cus_legacy",
    });
  });
});
