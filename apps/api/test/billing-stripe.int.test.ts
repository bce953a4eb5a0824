import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { createTokenService } from "@orbis/auth";
import { createBilling, createStripeBilling } from "@orbis/billing";
import { createCache, type Cache } from "@orbis/cache";
import { testConfig, testTargets } from "@orbis/config";
import { schema, tenantScope, type Database } from "@orbis/db";
import { createTestDatabase, eq } from "@orbis/db/testing";
import { startStripeEmulator, type StripeEmulator } from "../../../e2e/billing/stripe-emulator.ts";
import { buildApp, type App } from "../src/index.ts";
import { addMember, bearer, buildTestApp, signup, type Account } from "./helpers.ts";

/**
 * Selling plans through Stripe, end to end over loopback: the API calls the emulator through the
 * official SDK, the emulator's signed webhooks land on the listening API.
 */
const webhookSecret = "whsec_billing_stripe_test";
const publicBaseUrl = "https://app.example.test";
let emulator: StripeEmulator;
let app: App;
let db: Database;
let cache: Cache;
let owner: Account;
let webhookUrl: string;

beforeAll(async () => {
  emulator = await startStripeEmulator({ webhookSecret });
  const stripe = { secretKey: "sk_test_orbis", webhookSecret, apiUrl: emulator.url };
  const config = testConfig({ publicBaseUrl, apiDocs: true, billing: { ...testConfig().billing, mode: "stripe", stripe } });
  db = await createTestDatabase();
  cache = createCache({ redisUrl: testTargets().redisUrl });
  app = await buildApp({
    config,
    db,
    cache,
    tokens: createTokenService(config.jwtSecret!),
    metrics: new Registry(),
    billing: createBilling(config.billing, { stripe: createStripeBilling(stripe) }),
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  webhookUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/billing/stripe/webhook`;
  emulator.setWebhookUrl(webhookUrl);
  owner = await signup(app, "stripe-owner");
}, 60_000);
afterAll(async () => {
  await app.close();
  await emulator.close();
  await cache.close();
  await db.close();
});

const as = (account: Account, method: "GET" | "POST", url: string, payload?: object) =>
  app.inject({ method, url, headers: bearer(account.token), ...(payload === undefined ? {} : { payload }) });

const row = (workspaceId: string) => tenantScope(db, workspaceId).billing.subscription();
const eventsOfType = async (workspaceId: string, type: string) =>
  (await db.system.select().from(schema.domainEvents).where(eq(schema.domainEvents.workspaceId, workspaceId))).filter((e) => e.type === type);

/** Stripe's signature scheme (HMAC-SHA256 of `timestamp.payload`), written out so the SDK's verification is checked against it. */
function stripeSignature(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex")}`;
}

/** A webhook POSTed as Stripe would, signed with `secret` at `timestamp` (seconds). */
function postWebhook(event: object, o: { secret?: string; timestamp?: number; signature?: string | null } = {}) {
  const payload = JSON.stringify(event);
  const signature = o.signature === undefined ? stripeSignature(payload, o.secret ?? webhookSecret, o.timestamp) : o.signature;
  return app.inject({
    method: "POST",
    url: "/v1/billing/stripe/webhook",
    headers: { "content-type": "application/json; charset=utf-8", ...(signature === null ? {} : { "stripe-signature": signature }) },
    payload,
  });
}

describe("checkout → Stripe → webhook", () => {
  it("refuses plans it cannot sell: unknown (422 naming body.planId), not sold through Checkout (422)", async () => {
    const unknown = await as(owner, "POST", "/v1/billing/checkout", { planId: "platinum" });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe("validation_failed");
    expect(unknown.json().error.message).toContain("body.planId");
    const custom = await as(owner, "POST", "/v1/billing/checkout", { planId: "custom" });
    expect(custom.statusCode).toBe(422);
    expect(custom.json().error.message).toContain("body.planId");
    expect((await row(owner.workspaceId))?.stripeCustomerId ?? null).toBeNull();
  });

  it("a viewer may not start a checkout or open the portal", async () => {
    const viewer = await addMember(app, owner, "viewer");
    expect((await as(viewer, "POST", "/v1/billing/checkout", { planId: "starter" })).statusCode).toBe(403);
    expect((await as(viewer, "POST", "/v1/billing/portal")).statusCode).toBe(403);
  });

  it("the owner subscribes: Checkout URL, pay on the hosted page, webhooks land, the plan applies", async () => {
    const res = await as(owner, "POST", "/v1/billing/checkout", { planId: "starter" });
    expect(res.statusCode, res.body).toBe(200);
    const { url } = res.json() as { url: string };
    expect(url.startsWith(`${emulator.url}/c/pay/cs_test_`)).toBe(true);

    // The customer is saved at once (the webhooks find the workspace by it); the plan is not changed yet.
    const before = await row(owner.workspaceId);
    expect(before).toMatchObject({ planId: "free", status: "none" });
    expect(before?.stripeCustomerId).toMatch(/^cus_/);

    // What the customer's browser does on the hosted page.
    const paid = await fetch(url, { method: "POST", redirect: "manual" });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`${publicBaseUrl}/dashboard/billing?checkout=success`);
    expect(emulator.deliveries.map((d) => [d.type, d.status])).toEqual([
      ["checkout.session.completed", 200],
      ["customer.subscription.created", 200],
      ["invoice.paid", 200],
    ]);

    const after = await row(owner.workspaceId);
    expect(after).toMatchObject({ planId: "starter", status: "active", stripeCustomerId: before!.stripeCustomerId, cancelAtPeriodEnd: false });
    expect(after?.stripeSubscriptionId).toMatch(/^sub_/);
    expect(after?.currentPeriodEnd?.getTime()).toBeGreaterThan(Date.now());
    const view = await as(owner, "GET", "/v1/billing/subscription");
    expect(view.statusCode, view.body).toBe(200);
    expect(view.json()).toMatchObject({ billing: "stripe", plan: { id: "starter" }, status: "active", hasBillingAccount: true });

    expect(await eventsOfType(owner.workspaceId, "subscription.created")).toHaveLength(1);
    expect(await eventsOfType(owner.workspaceId, "invoice.paid")).toHaveLength(1);
  });

  it("the current plan, or any plan while subscribed, is refused with 409 (the portal changes plans)", async () => {
    const same = await as(owner, "POST", "/v1/billing/checkout", { planId: "starter" });
    expect(same.statusCode).toBe(409);
    const other = await as(owner, "POST", "/v1/billing/checkout", { planId: "growth" });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.message).toContain("portal");
  });

  it("invoices: the workspace's own, in USD; another workspace sees none of them and has no portal", async () => {
    const viewer = await addMember(app, owner, "viewer");
    const mine = await as(viewer, "GET", "/v1/billing/invoices");
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().data).toHaveLength(1);
    expect(mine.json().data[0]).toMatchObject({ status: "paid", currency: "usd", amountPaidUsd: 299, amountDueUsd: 299 });
    expect(mine.json().data[0].id).toMatch(/^in_/);

    const other = await signup(app, "stripe-other");
    const theirs = await as(other, "GET", "/v1/billing/invoices");
    expect(theirs.statusCode).toBe(200);
    expect(theirs.json()).toEqual({ data: [] });
    const portal = await as(other, "POST", "/v1/billing/portal");
    expect(portal.statusCode).toBe(409);
  });

  it("the portal: a Stripe URL for the workspace's customer, returning to the billing page", async () => {
    const res = await as(owner, "POST", "/v1/billing/portal");
    expect(res.statusCode, res.body).toBe(200);
    const { url } = res.json() as { url: string };
    expect(url.startsWith(`${emulator.url}/p/session/`)).toBe(true);
    const page = await (await fetch(url)).text();
    expect(page).toContain("Switch to Growth");

    // Switching there reaches the API as customer.subscription.updated.
    const growth = /name="price" value="([^"]+)"><button type="submit">Switch to Growth/.exec(page)![1]!;
    const switched = await fetch(url, { method: "POST", redirect: "manual", body: new URLSearchParams({ action: "switch", price: growth }) });
    expect(switched.headers.get("location")).toBe(`${publicBaseUrl}/dashboard/billing`);
    expect(await row(owner.workspaceId)).toMatchObject({ planId: "growth", status: "active" });
    const updated = await eventsOfType(owner.workspaceId, "subscription.updated");
    expect(updated.map((e) => e.payload)).toMatchObject([{ planId: "growth", previousPlanId: "starter" }]);
  });

  it("a failed renewal makes it past_due with a payment-failed flag; the paid retry clears both", async () => {
    const customer = (await row(owner.workspaceId))!.stripeCustomerId!;
    await emulator.failNextPayment(customer);
    expect(await row(owner.workspaceId)).toMatchObject({ status: "past_due" });
    expect((await row(owner.workspaceId))?.pastDueSince).not.toBeNull();
    expect((await row(owner.workspaceId))?.paymentFailedAt).not.toBeNull();
    // Within the grace period the plan and its billing period hold; the dashboard learns of the failure.
    const stored = (await row(owner.workspaceId))!;
    const view = (await as(owner, "GET", "/v1/billing/subscription")).json();
    expect(view).toMatchObject({ status: "past_due", paymentFailed: true, plan: { id: stored.planId } });
    expect(view.graceEndsAt).not.toBeNull();
    // The emulator invoices the renewal now, so Stripe's new period starts a month ahead of our clock:
    // the period we count in is the one that ends where Stripe's begins, never the calendar month.
    expect(view.currentPeriodEnd).toBe(stored.currentPeriodStart!.toISOString());
    expect(Date.parse(view.currentPeriodStart)).toBeLessThanOrEqual(Date.now());

    await emulator.renew((await row(owner.workspaceId))!.stripeSubscriptionId!);
    expect(await row(owner.workspaceId)).toMatchObject({ status: "active", pastDueSince: null, paymentFailedAt: null });
    expect(await eventsOfType(owner.workspaceId, "invoice.payment_failed")).toHaveLength(1);
  });
});

describe("the webhook endpoint", () => {
  it("a replayed invoice.paid is acknowledged as a duplicate and counted once", async () => {
    const paid = emulator.events.find((e) => e.type === "invoice.paid")!;
    const before = (await eventsOfType(owner.workspaceId, "invoice.paid")).length;
    expect(await emulator.resend(paid.id)).toBe(200);
    const again = await postWebhook(paid);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, duplicate: true });
    expect(await eventsOfType(owner.workspaceId, "invoice.paid")).toHaveLength(before);
  });

  it("a forged, unsigned or stale webhook is a 400 and changes nothing", async () => {
    const state = await row(owner.workspaceId);
    const last = emulator.events.findLast((e) => e.type.startsWith("customer.subscription."))!;
    const cancel = {
      id: "evt_forged_1",
      object: "event",
      api_version: last.api_version,
      created: Math.floor(Date.now() / 1000),
      data: { object: { ...last.data.object, status: "canceled" } },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: "customer.subscription.deleted",
    };
    const forged = await postWebhook(cancel, { secret: "whsec_not_ours" });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error.code).toBe("bad_request");
    expect((await postWebhook(cancel, { signature: null })).statusCode).toBe(400);
    expect((await postWebhook(cancel, { signature: "t=1,v1=deadbeef" })).statusCode).toBe(400);
    const stale = await postWebhook(cancel, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.statusCode).toBe(400);
    expect(stale.json().error.message).toMatch(/tolerance|timestamp/i);

    expect(await row(owner.workspaceId)).toEqual(state);
    expect(await db.system.select().from(schema.stripeEvents).where(eq(schema.stripeEvents.id, "evt_forged_1"))).toEqual([]);
    // Correctly signed, the same event applies (the refusals were about the signature alone).
    expect((await postWebhook(cancel)).json()).toEqual({ received: true });
    expect(await row(owner.workspaceId)).toMatchObject({ status: "canceled" });
  });

  it("keeps JSON parsing for every other route and stays out of the OpenAPI document", async () => {
    const doc = await app.inject({ method: "GET", url: "/openapi.json" });
    expect(doc.statusCode).toBe(200);
    const paths = Object.keys(doc.json().paths as object);
    expect(paths).toContain("/v1/billing/checkout");
    expect(paths).not.toContain("/v1/billing/stripe/webhook");
  });
});

describe("when Stripe cannot be had", () => {
  it("billing off: checkout, portal and the webhook answer 409 Billing is off; invoices are empty", async () => {
    const off = await buildTestApp();
    try {
      const account = await signup(off.app, "billing-off");
      const checkout = await off.app.inject({ method: "POST", url: "/v1/billing/checkout", headers: bearer(account.token), payload: { planId: "starter" } });
      expect(checkout.statusCode).toBe(409);
      expect(checkout.json().error.message).toContain("Billing is off");
      expect((await off.app.inject({ method: "POST", url: "/v1/billing/portal", headers: bearer(account.token) })).statusCode).toBe(409);
      const invoices = await off.app.inject({ method: "GET", url: "/v1/billing/invoices", headers: bearer(account.token) });
      expect(invoices.json()).toEqual({ data: [] });
      const hook = await off.app.inject({
        method: "POST",
        url: "/v1/billing/stripe/webhook",
        headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=x" },
        payload: "{}",
      });
      expect(hook.statusCode).toBe(409);
    } finally {
      await off.close();
    }
  });

  it("Stripe unreachable: invoices answer 503 unavailable, saying so", async () => {
    await emulator.close();
    const res = await as(owner, "GET", "/v1/billing/invoices");
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ code: "unavailable" });
    expect(res.json().error.message).toContain("Stripe is unavailable");
  });
});
