import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { buildApp, type App } from "@orbis/api";
import { createTokenService } from "@orbis/auth";
import { createBilling, createStripeBilling } from "@orbis/billing";
import { createCache, type Cache } from "@orbis/cache";
import { testConfig, testTargets } from "@orbis/config";
import { relayEvents, schema, tenantScope, type Database } from "@orbis/db";
import { createTestDatabase, eq } from "@orbis/db/testing";
import { createEmailService, type EmailService } from "@orbis/email";
import { referralsConsumer } from "@orbis/worker";
import { startStripeEmulator, type StripeEmulator } from "../billing/stripe-emulator.ts";

/**
 * The referral loop on one database (PGlite, or PostgreSQL with TEST_DATABASE_URL): a user shares their
 * link → a visitor clicks it (cookie) → signs up → takes a first call → subscribes through Stripe
 * Checkout (the emulator's signed invoice.paid lands on the API) → the worker's referrals consumer
 * earns 20 % of the invoice, pending → the hold period passes and the schedule approves it → the
 * operator pays it out → paid, and the referrer is emailed at each step; a refund afterwards is deducted.
 */
const webhookSecret = "whsec_referral_loop";
const publicBaseUrl = "https://voice.example.test";
const DAY_MS = 24 * 3600_000;
let clock = Date.now();
let emulator: StripeEmulator;
let app: App;
let db: Database;
let cache: Cache;
let email: EmailService;
let consumer: ReturnType<typeof referralsConsumer>;

beforeAll(async () => {
  emulator = await startStripeEmulator({ webhookSecret });
  const stripe = { secretKey: "sk_test_loop", webhookSecret, apiUrl: emulator.url };
  const config = testConfig({ publicBaseUrl, billing: { ...testConfig().billing, mode: "stripe", stripe } });
  db = await createTestDatabase();
  cache = createCache({ redisUrl: testTargets().redisUrl });
  email = createEmailService({ db, from: "OrbisVoice <no-reply@voice.example.test>" });
  app = await buildApp({
    config,
    db,
    cache,
    email,
    tokens: createTokenService(config.jwtSecret!),
    metrics: new Registry(),
    billing: createBilling(config.billing, { stripe: createStripeBilling(stripe) }),
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  emulator.setWebhookUrl(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/billing/stripe/webhook`);
  consumer = referralsConsumer({ db, email, publicBaseUrl, log: { info: () => undefined, error: () => undefined }, now: () => new Date(clock) });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await emulator?.close();
  email?.close();
  await cache?.close();
  await db?.close();
});

/** What the worker's relay does: every waiting event through the referrals consumer. */
async function relay(): Promise<void> {
  while ((await relayEvents(db.system, 100, async (events, tx) => void (await Promise.all(events.map((e) => consumer.fanOut!(e, tx)))))) > 0);
}

/** A signup on a domain of its own: two people of one company domain would be flagged as a self-referral. */
async function signup(label: string, cookie?: string) {
  const res = await app.inject({
    method: "POST",
    url: "/v1/auth/signup",
    headers: cookie ? { cookie } : {},
    payload: {
      email: `${label}-${Date.now()}@${label}-practice.example`,
      password: "correct horse battery",
      name: `${label} owner`,
      workspaceName: `${label} Dental`,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json();
  return { token: body.token as string, userId: body.user.id as string, workspaceId: body.workspace.id as string, email: body.user.email as string };
}
const as = (token: string, method: "GET" | "POST", url: string, payload?: object) =>
  app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

const commissionsOf = (userId: string) => db.system.select().from(schema.referralCommissions).where(eq(schema.referralCommissions.referrerUserId, userId));
const mailTo = async (address: string) => (await db.system.select().from(schema.emails).where(eq(schema.emails.toAddress, address))).map((e) => e.template);

describe("the referral loop", () => {
  it("click → cookie → signup → first call → invoice.paid → commission pending → approved → paid", async () => {
    const referrer = await signup("rita");
    const me = (await as(referrer.token, "GET", "/v1/referrals/me")).json();
    const link = me.links[0] as { url: string; code: string };
    expect(link.url).toBe(`${publicBaseUrl}/r/${link.code}`);

    // A visitor clicks the shared link: a click row, the first-party cookie, a redirect.
    const click = await app.inject({ method: "GET", url: `/r/${link.code}?to=/pricing`, headers: { "user-agent": "LoopBrowser/1" } });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe("/pricing");
    const cookie = click.cookies.find((c) => c.name === "orbis_ref");
    expect(cookie?.httpOnly).toBe(true);

    // The visitor signs up in the same browser: the new workspace remembers its referrer.
    const referred = await signup("bright", `orbis_ref=${cookie!.value}`);
    const [attribution] = await db.system.select().from(schema.referralAttributions).where(eq(schema.referralAttributions.workspaceId, referred.workspaceId));
    expect(attribution).toMatchObject({ referrerUserId: referrer.userId, flags: [] });
    await relay();
    expect(await mailTo(referrer.email)).toContain("referral_signed_up");

    // Its first real call ends (the call session records user.activated once: e2e/calls/events.int.test.ts).
    await tenantScope(db, referred.workspaceId).transaction((t) =>
      t.events.recordOnce("user.activated", { workspaceId: referred.workspaceId, callId: "call_loopfirstcall01", channel: "web" }),
    );
    await relay();
    expect(
      (await db.system.select().from(schema.referralAttributions).where(eq(schema.referralAttributions.workspaceId, referred.workspaceId)))[0]?.activatedAt,
    ).not.toBeNull();
    expect(await mailTo(referrer.email)).toContain("referral_activated");

    // It subscribes to Starter: the hosted Checkout page is paid, Stripe's invoice.paid lands on the API.
    const checkout = await as(referred.token, "POST", "/v1/billing/checkout", { planId: "starter" });
    expect(checkout.statusCode, checkout.body).toBe(200);
    expect((await fetch(checkout.json().url, { method: "POST", redirect: "manual" })).status).toBe(303);
    await relay();
    const [pending] = await commissionsOf(referrer.userId);
    // The refer-and-earn programme: 20 % of what the referred business pays, held 30 days.
    expect(pending).toMatchObject({ kind: "invoice", status: "pending", amountUsd: 59.8, workspaceId: referred.workspaceId });
    const invoicePaid = emulator.events.find((e) => e.type === "invoice.paid")!;
    // Stripe retrying the same invoice.paid earns nothing more.
    expect(await emulator.resend(invoicePaid.id)).toBe(200);
    await relay();
    expect(await commissionsOf(referrer.userId)).toHaveLength(1);
    expect((await as(referrer.token, "GET", "/v1/referrals/me/earnings")).json().totals.pending).toBe(59.8);

    // The hold period passes: the hourly schedule approves it and tells the referrer.
    const approve = consumer.schedules!.find((s) => s.queue === "referrals.approve")!.handler as unknown as () => Promise<void>;
    await approve();
    expect((await commissionsOf(referrer.userId))[0]?.status).toBe("pending");
    clock += 31 * DAY_MS;
    await approve();
    expect((await commissionsOf(referrer.userId))[0]?.status).toBe("approved");

    // The operator pays the referrer's approved balance.
    const operator = await signup("operator");
    await db.system.insert(schema.platformAdmins).values({ userId: operator.userId });
    const payout = await as(operator.token, "POST", "/v1/admin/referrals/payouts", { referrer: { userId: referrer.userId }, method: "manual" });
    expect(payout.statusCode, payout.body).toBe(201);
    expect(payout.json()).toMatchObject({ amountUsd: 59.8 });
    const paid = await as(operator.token, "POST", `/v1/admin/referrals/payouts/${payout.json().id}/mark-paid`);
    expect(paid.statusCode, paid.body).toBe(200);
    expect((await commissionsOf(referrer.userId))[0]).toMatchObject({ status: "paid", payoutId: payout.json().id });
    expect((await as(referrer.token, "GET", "/v1/referrals/me/earnings")).json().totals).toMatchObject({ paid: 59.8, pending: 0, approved: 0 });
    expect(await mailTo(referrer.email)).toEqual(expect.arrayContaining(["commission_approved", "payout_sent"]));

    // The business is refunded afterwards (Stripe's charge.refunded through the API): the paid commission
    // stays paid and a negative one is approved, so the next payout deducts it.
    await emulator.refund((invoicePaid.data.object as { id: string }).id);
    await relay();
    const afterRefund = await commissionsOf(referrer.userId);
    expect(afterRefund.map((c) => [c.status, c.amountUsd]).sort()).toEqual([
      ["approved", -59.8],
      ["paid", 59.8],
    ]);

    // The funnel, as the referrer and the operator see it.
    expect((await as(referrer.token, "GET", "/v1/referrals/me")).json()).toMatchObject({ clicks: 1, signups: 1, activations: 1, paid: 1 });
    const analytics = await as(
      operator.token,
      "GET",
      `/v1/admin/referrals/analytics?from=${new Date(Date.now() - DAY_MS).toISOString()}&to=${new Date(Date.now() + DAY_MS).toISOString()}`,
    );
    expect(analytics.statusCode, analytics.body).toBe(200);
    expect(analytics.json().funnel).toMatchObject({ clicks: 1, signups: 1, activations: 1, paid: 1 });
  });
});
