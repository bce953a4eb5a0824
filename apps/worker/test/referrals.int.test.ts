import { createId, type CommissionRule, type EventPayload, type EventType } from "@orbis/contracts";
import { relayEvents, schema, systemRepository, tenantScope, type Database } from "@orbis/db";
import { createTestDatabase, eq } from "@orbis/db/testing";
import { createEmailService, EMAIL_SEND_QUEUE, type EmailService } from "@orbis/email";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PendingJob } from "../src/consumer.ts";
import { referralsConsumer, SELF_REFERRAL_PAYMENT } from "../src/referrals/index.ts";

/** Referrals from domain events: attribution progress, commissions by rule, holds, reversals and emails to referrers. */
const DAY_MS = 24 * 3600_000;
let clock = new Date("2027-01-10T12:00:00Z");
let db: Database;
let email: EmailService;
let consumer: ReturnType<typeof referralsConsumer>;
const logged: object[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  email = createEmailService({ db, from: "OrbisVoice <no-reply@voice.example.com>" });
  consumer = referralsConsumer({
    db,
    email,
    publicBaseUrl: "https://voice.example.com/",
    log: { info: (o) => void logged.push(o), error: (o) => void logged.push(o) },
    now: () => clock,
  });
});
afterAll(async () => {
  email?.close();
  await db?.close();
});

/** Relays every waiting event through the consumer, as the worker's relay does; answers the jobs. */
async function relay(): Promise<PendingJob[]> {
  const jobs: PendingJob[] = [];
  while (
    (await relayEvents(db.system, 100, async (events, tx) => {
      for (const e of events) jobs.push(...(await consumer.fanOut!(e, tx)));
    })) > 0
  );
  return jobs;
}

const approve = () => (consumer.schedules!.find((s) => s.queue === "referrals.approve")!.handler as unknown as () => Promise<void>)();

async function user(name = "Rita Referrer") {
  const id = createId("user");
  const address = `rita-${id}@example.com`;
  await systemRepository(db.system).insertUser({ id, email: address, name, passwordHash: "x" });
  return { userId: id, email: address };
}

async function affiliate() {
  const id = createId("affiliate");
  const address = `aff-${id}@example.com`;
  await db.system
    .insert(schema.affiliates)
    .values({ id, email: address, name: "Ada Affiliate", status: "approved", termsVersion: "2026-12", termsAcceptedAt: clock });
  return { affiliateId: id, email: address };
}

async function program(rule: CommissionRule, o: { holdDays?: number; active?: boolean } = {}): Promise<string> {
  const id = `prog-${createId("referral")}`;
  await db.system.insert(schema.referralPrograms).values({ id, name: id, audience: "users", rule, holdDays: o.holdDays ?? 30, active: o.active ?? true });
  return id;
}

/** A workspace that signed up through a link of the referrer, with its attribution (as the signup writes it). */
async function referred(o: { userId?: string; affiliateId?: string; programId?: string; flags?: string[]; name?: string }) {
  const programId = o.programId ?? "refer-and-earn";
  const linkId = createId("referralLink");
  await db.system.insert(schema.referralLinks).values({
    id: linkId,
    code: `code-${linkId.slice(4).toLowerCase()}`,
    userId: o.userId ?? null,
    affiliateId: o.affiliateId ?? null,
    programId,
  });
  const workspaceId = createId("workspace");
  await systemRepository(db.system).insertWorkspace({ id: workspaceId, name: o.name ?? "Riverside Dental", slug: workspaceId });
  await db.system.insert(schema.referralAttributions).values({
    workspaceId,
    linkId,
    programId,
    referrerUserId: o.userId ?? null,
    referrerAffiliateId: o.affiliateId ?? null,
    signupAt: clock,
    flags: o.flags ?? [],
  });
  return { workspaceId, linkId };
}

const record = <T extends EventType>(workspaceId: string, type: T, payload: EventPayload<T>) =>
  tenantScope(db, workspaceId).transaction((t) => t.events.record(type, payload));

const activate = (workspaceId: string) => record(workspaceId, "user.activated", { workspaceId, callId: createId("call"), channel: "web" });

function paid(workspaceId: string, o: { invoiceId?: string; amountUsd?: number; at: string }) {
  const invoiceId = o.invoiceId ?? `in_${createId("call").slice(5)}`;
  return record(workspaceId, "invoice.paid", {
    invoiceId,
    stripeSubscriptionId: "sub_1",
    amountPaidUsd: o.amountUsd ?? 299,
    currency: "usd",
    periodStart: o.at,
    periodEnd: null,
    paidAt: o.at,
  }).then(() => invoiceId);
}

const commissions = (workspaceId: string) =>
  db.system
    .select()
    .from(schema.referralCommissions)
    .where(eq(schema.referralCommissions.workspaceId, workspaceId))
    .orderBy(schema.referralCommissions.createdAt);
const attribution = async (workspaceId: string) =>
  (await db.system.select().from(schema.referralAttributions).where(eq(schema.referralAttributions.workspaceId, workspaceId)))[0]!;
const emailsTo = (address: string) => db.system.select().from(schema.emails).where(eq(schema.emails.toAddress, address));

describe("signup and activation", () => {
  it("emails the referrer at signup and activation; a fixed programme's activation commission is pending through the hold", async () => {
    const rita = await user();
    const programId = await program({ type: "fixed", activationUsd: 25, conversionUsd: 50 }, { holdDays: 14 });
    const { workspaceId, linkId } = await referred({ userId: rita.userId, programId, name: "Harbor Vets" });
    await record(workspaceId, "referral.signed_up", { linkId, referrerUserId: rita.userId, referrerAffiliateId: null, flagged: [] });
    const jobs = await relay();
    const [signedUp] = await emailsTo(rita.email);
    expect(signedUp).toMatchObject({ template: "referral_signed_up", userId: rita.userId, workspaceId: null });
    expect(signedUp!.subject).toContain("Harbor Vets");
    expect(signedUp!.text).toContain("https://voice.example.com/dashboard/referrals");
    expect(jobs).toContainEqual({ queue: EMAIL_SEND_QUEUE, data: { emailId: signedUp!.id } });

    await activate(workspaceId);
    await relay();
    const [commission] = await commissions(workspaceId);
    expect(commission).toMatchObject({ kind: "activation", amountUsd: 25, status: "pending", referrerUserId: rita.userId, linkId, programId, reasons: [] });
    expect(commission!.holdUntil?.getTime()).toBe(clock.getTime() + 14 * DAY_MS);
    expect((await attribution(workspaceId)).activatedAt).not.toBeNull();
    expect((await emailsTo(rita.email)).map((e) => e.template).sort()).toEqual(["referral_activated", "referral_signed_up"]);

    // Activation is once per workspace: a second event earns and emails nothing.
    await activate(workspaceId);
    await relay();
    expect(await commissions(workspaceId)).toHaveLength(1);
    expect(await emailsTo(rita.email)).toHaveLength(2);

    // The first paid invoice earns the conversion; a later one nothing.
    await paid(workspaceId, { at: "2027-01-20T10:00:00Z" });
    await paid(workspaceId, { at: "2027-02-20T10:00:00Z" });
    await relay();
    expect((await commissions(workspaceId)).map((c) => [c.kind, c.amountUsd])).toEqual([
      ["activation", 25],
      ["conversion", 50],
    ]);
  });

  it("an affiliate referrer is emailed at their own address, with the affiliate dashboard's link", async () => {
    const ada = await affiliate();
    const { workspaceId, linkId } = await referred({ affiliateId: ada.affiliateId, programId: "affiliates" });
    await record(workspaceId, "referral.signed_up", { linkId, referrerUserId: null, referrerAffiliateId: ada.affiliateId, flagged: [] });
    await relay();
    const [mail] = await emailsTo(ada.email);
    expect(mail).toMatchObject({ template: "referral_signed_up", userId: null });
    expect(mail!.text).toContain("https://voice.example.com/affiliates/dashboard");
  });

  it("an event of a workspace nobody referred changes nothing", async () => {
    const workspaceId = createId("workspace");
    await systemRepository(db.system).insertWorkspace({ id: workspaceId, name: "Direct", slug: workspaceId });
    await activate(workspaceId);
    await paid(workspaceId, { at: "2027-01-20T10:00:00Z" });
    await relay();
    expect(await commissions(workspaceId)).toEqual([]);
  });
});

describe("paid invoices (20 % for 12 months)", () => {
  it("a replayed invoice.paid earns once and counts once; invoices 12 months after the first earn nothing", async () => {
    const rita = await user();
    const { workspaceId } = await referred({ userId: rita.userId });
    const first = await paid(workspaceId, { at: "2027-01-15T09:00:00Z" });
    await paid(workspaceId, { invoiceId: first, at: "2027-01-15T09:00:00Z" });
    await relay();
    let rows = await commissions(workspaceId);
    expect(rows.map((c) => [c.kind, c.sourceId, c.amountUsd, c.status])).toEqual([["invoice", first, 59.8, "pending"]]);
    expect(await attribution(workspaceId)).toMatchObject({ paidInvoices: 1, revenueUsd: 299, firstPaidAt: new Date("2027-01-15T09:00:00Z") });

    // The activation earns nothing under a percent rule; a free invoice neither earns nor counts.
    await activate(workspaceId);
    await paid(workspaceId, { amountUsd: 0, at: "2027-01-16T09:00:00Z" });
    const last = await paid(workspaceId, { amountUsd: 899, at: "2027-12-15T09:00:00Z" });
    await paid(workspaceId, { at: "2028-01-15T09:00:00Z" });
    await paid(workspaceId, { at: "2028-02-15T09:00:00Z" });
    await relay();
    rows = await commissions(workspaceId);
    expect(rows.map((c) => [c.sourceId, c.amountUsd])).toEqual([
      [first, 59.8],
      [last, 179.8],
    ]);
    expect(await attribution(workspaceId)).toMatchObject({ paidInvoices: 4, revenueUsd: 299 + 899 + 299 + 299 });
  });

  it("a switched-off programme earns nothing new", async () => {
    const rita = await user();
    const programId = await program({ type: "percent", percent: 10, months: 3 }, { active: false });
    const { workspaceId } = await referred({ userId: rita.userId, programId });
    await paid(workspaceId, { at: "2027-01-15T09:00:00Z" });
    await relay();
    expect(await commissions(workspaceId)).toEqual([]);
  });
});

describe("refunds and disputes", () => {
  it("a refund reverses the invoice's commission; one already paid becomes a negative approved row, once", async () => {
    const rita = await user();
    const { workspaceId } = await referred({ userId: rita.userId });
    const refundedInvoice = await paid(workspaceId, { at: "2027-01-15T09:00:00Z" });
    await relay();
    const paidOutInvoice = await paid(workspaceId, { at: "2027-02-15T09:00:00Z" });
    await relay();
    await db.system.update(schema.referralCommissions).set({ status: "paid", paidAt: clock }).where(eq(schema.referralCommissions.sourceId, paidOutInvoice));

    await record(workspaceId, "invoice.refunded", { invoiceId: refundedInvoice, amountRefundedUsd: 299, reason: "refund" });
    await record(workspaceId, "invoice.refunded", { invoiceId: paidOutInvoice, amountRefundedUsd: 299, reason: "dispute" });
    await record(workspaceId, "invoice.refunded", { invoiceId: paidOutInvoice, amountRefundedUsd: 299, reason: "refund" });
    await relay();
    const rows = await commissions(workspaceId);
    expect(rows.map((c) => [c.sourceId, c.kind, c.amountUsd, c.status])).toEqual([
      [refundedInvoice, "invoice", 59.8, "reversed"],
      [paidOutInvoice, "invoice", 59.8, "paid"],
      [`refund:${paidOutInvoice}`, "invoice", -59.8, "approved"],
    ]);
    expect(rows[0]!.reversedAt).not.toBeNull();
    expect(rows[2]).toMatchObject({ referrerUserId: rita.userId, reasons: ["refund"] });
  });
});

describe("fraud holds and the approval schedule", () => {
  it("a flagged referral's commissions are held with the flags as reasons and never approved by the schedule", async () => {
    const rita = await user();
    const { workspaceId } = await referred({ userId: rita.userId, flags: ["same_email_domain", "click_burst"] });
    await paid(workspaceId, { at: "2027-01-15T09:00:00Z" });
    await relay();
    const [held] = await commissions(workspaceId);
    expect(held).toMatchObject({ status: "held", reasons: ["same_email_domain", "click_burst"] });

    clock = new Date(clock.getTime() + 400 * DAY_MS);
    await approve();
    expect((await commissions(workspaceId))[0]!.status).toBe("held");
    expect((await emailsTo(rita.email)).filter((e) => e.template === "commission_approved")).toEqual([]);
  });

  it("approves pending commissions past their hold and emails each referrer once with the sum", async () => {
    clock = new Date("2030-05-01T12:00:00Z");
    const rita = await user();
    const a = await referred({ userId: rita.userId, name: "Alpha Dental" });
    const b = await referred({ userId: rita.userId, name: "Beta Dental" });
    await paid(a.workspaceId, { at: "2030-05-01T09:00:00Z" });
    await paid(b.workspaceId, { amountUsd: 899, at: "2030-05-01T09:00:00Z" });
    await relay();
    const later = await referred({ userId: rita.userId, name: "Gamma Dental" });
    clock = new Date("2030-05-20T12:00:00Z");
    await paid(later.workspaceId, { at: "2030-05-20T09:00:00Z" });
    await relay();

    // 29 days on: nothing is due yet.
    clock = new Date("2030-05-30T12:00:00Z");
    await approve();
    expect((await commissions(a.workspaceId))[0]!.status).toBe("pending");

    clock = new Date("2030-06-01T12:00:00Z");
    await approve();
    await approve();
    expect((await commissions(a.workspaceId))[0]).toMatchObject({ status: "approved", approvedAt: clock });
    expect((await commissions(b.workspaceId))[0]!.status).toBe("approved");
    expect((await commissions(later.workspaceId))[0]!.status).toBe("pending");
    const approvedMail = (await emailsTo(rita.email)).filter((e) => e.template === "commission_approved");
    expect(approvedMail).toHaveLength(1);
    expect(approvedMail[0]!.subject).toContain("$239.60");
  });

  it("a referred workspace paying with its referrer's Stripe customer is held as self_referral_payment", async () => {
    clock = new Date("2027-03-01T12:00:00Z");
    const rita = await user();
    const programId = await program({ type: "fixed", activationUsd: 10, conversionUsd: 40 });
    const { workspaceId } = await referred({ userId: rita.userId, programId });
    await activate(workspaceId);
    await relay();
    expect((await commissions(workspaceId))[0]!.status).toBe("pending");

    // The referrer joined the referred workspace, whose card is now their Stripe customer.
    await systemRepository(db.system).insertMembership({ id: createId("membership"), workspaceId, userId: rita.userId, role: "owner" });
    await tenantScope(db, workspaceId).billing.saveSubscription({ planId: "starter", stripeCustomerId: `cus_${workspaceId}` });
    await paid(workspaceId, { at: "2027-03-02T09:00:00Z" });
    await relay();
    const rows = await commissions(workspaceId);
    expect(rows.map((c) => [c.kind, c.status, c.reasons])).toEqual([
      ["activation", "held", [SELF_REFERRAL_PAYMENT]],
      ["conversion", "held", [SELF_REFERRAL_PAYMENT]],
    ]);
    expect((await attribution(workspaceId)).flags).toEqual([SELF_REFERRAL_PAYMENT]);
  });

  it("a referral paying with its own customer is not a self-referral", async () => {
    const rita = await user();
    const { workspaceId } = await referred({ userId: rita.userId });
    await tenantScope(db, workspaceId).billing.saveSubscription({ planId: "starter", stripeCustomerId: `cus_${workspaceId}` });
    await paid(workspaceId, { at: "2027-03-02T09:00:00Z" });
    await relay();
    expect((await commissions(workspaceId))[0]).toMatchObject({ status: "pending", reasons: [] });
  });
});
