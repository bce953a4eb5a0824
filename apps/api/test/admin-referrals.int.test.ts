import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Registry } from "prom-client";
import { createTokenService } from "@orbis/auth";
import { createBilling, createStripeBilling } from "@orbis/billing";
import { createCache, type Cache } from "@orbis/cache";
import { testConfig, testTargets } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { referralAdminRepository, schema, type Database } from "@orbis/db";
import { createTestDatabase, eq } from "@orbis/db/testing";
import { startStripeEmulator, type StripeEmulator } from "../../../e2e/billing/stripe-emulator.ts";
import { ATTRIBUTION_CSV_COLUMNS } from "../src/modules/admin/admin.mappers.ts";
import { buildApp, type App } from "../src/index.ts";
import { bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

/**
 * The platform operator's console (`/v1/admin/*`): who may reach it, the referral analytics on a seeded
 * dataset, reviews of affiliates and held commissions, payouts (manual, and Stripe Connect through the
 * emulator), programmes and the workspaces list.
 */
const at = (iso: string) => new Date(iso);
const RANGE = { from: "2026-01-01T00:00:00.000Z", to: "2026-04-01T00:00:00.000Z" };

let t: TestApp;
let operator: Account;
let customer: Account;
let operatorKey: string;

const as = (who: Account | string | null, method: "GET" | "POST" | "PUT", url: string, payload?: object) =>
  t.app.inject({
    method,
    url,
    headers: who === null ? {} : bearer(typeof who === "string" ? who : who.token),
    ...(payload === undefined ? {} : { payload }),
  });

/** Rows inserted straight into the referral tables: a user referrer, an affiliate, links, clicks, attributions, commissions. */
interface Seeded {
  userLink: string;
  affiliateId: string;
  affiliateLink: string;
  workspaces: Record<"w1" | "w2" | "w3" | "w4" | "w5", string>;
  commissions: Record<"approved" | "adjustment" | "pending" | "held" | "reversed" | "heldToReject", string>;
}

async function insertWorkspace(db: Database, name: string): Promise<string> {
  const id = createId("workspace");
  await db.system.insert(schema.workspaces).values({ id, name, slug: `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${id.slice(3, 11)}` });
  return id;
}

async function insertAffiliate(db: Database, name: string, status: "unverified" | "pending" | "approved" | "rejected"): Promise<string> {
  const id = createId("affiliate");
  await db.system.insert(schema.affiliates).values({
    id,
    name,
    email: `${id}@affiliates.example`,
    status,
    termsVersion: "2026-12",
    termsAcceptedAt: at("2026-01-02T00:00:00Z"),
    emailVerifiedAt: status === "unverified" ? null : at("2026-01-02T00:00:00Z"),
  });
  return id;
}

async function seed(db: Database, referrerUserId: string): Promise<Seeded> {
  const affiliateId = await insertAffiliate(db, "Ada Affiliate", "approved");
  const userLink = createId("referralLink");
  const affiliateLink = createId("referralLink");
  await db.system.insert(schema.referralLinks).values([
    { id: userLink, code: `rita-${userLink.slice(4, 12)}`, userId: referrerUserId, programId: "refer-and-earn" },
    // A campaign a spreadsheet would run as a formula: the CSV must neutralise it.
    { id: affiliateLink, code: `ada-${affiliateLink.slice(4, 12)}`, affiliateId, programId: "affiliates", campaign: "=cmd|'/c calc'!A1" },
  ]);
  const click = (linkId: string, iso: string, flag: string | null = null) => ({
    id: createId("referralClick"),
    linkId,
    visitorId: createId("referralClick"),
    occurredAt: at(iso),
    ipHash: "ip",
    uaHash: "ua",
    landingPath: "/",
    flag,
  });
  await db.system
    .insert(schema.referralClicks)
    .values([
      ...["2026-01-03", "2026-01-04", "2026-01-05", "2026-02-01", "2026-03-30"].map((d) => click(userLink, `${d}T10:00:00Z`)),
      click(userLink, "2026-01-06T10:00:00Z", "burst"),
      click(userLink, "2026-01-06T10:00:01Z", "burst"),
      click(userLink, "2025-12-31T23:59:59Z"),
      ...["2026-02-01", "2026-02-02", "2026-02-03"].map((d) => click(affiliateLink, `${d}T10:00:00Z`)),
    ]);

  const workspaces = {
    w1: await insertWorkspace(db, "Paid Dental"),
    w2: await insertWorkspace(db, "Active Bakery"),
    w3: await insertWorkspace(db, "Affiliate Gym"),
    w4: await insertWorkspace(db, "Flagged Salon"),
    w5: await insertWorkspace(db, "Old Florist"),
  };
  const attribution = (workspaceId: string, linkId: string, signupAt: string, o: Partial<typeof schema.referralAttributions.$inferInsert> = {}) => ({
    workspaceId,
    linkId,
    programId: linkId === userLink ? "refer-and-earn" : "affiliates",
    referrerUserId: linkId === userLink ? referrerUserId : null,
    referrerAffiliateId: linkId === userLink ? null : affiliateId,
    signupAt: at(signupAt),
    ...o,
  });
  await db.system.insert(schema.referralAttributions).values([
    attribution(workspaces.w1, userLink, "2026-01-10T00:00:00Z", {
      activatedAt: at("2026-01-11T00:00:00Z"),
      firstPaidAt: at("2026-01-12T00:00:00Z"),
      paidInvoices: 2,
      revenueUsd: 100,
    }),
    attribution(workspaces.w2, userLink, "2026-01-20T00:00:00Z", { activatedAt: at("2026-01-21T00:00:00Z") }),
    attribution(workspaces.w3, affiliateLink, "2026-02-05T00:00:00Z", {
      activatedAt: at("2026-02-06T00:00:00Z"),
      firstPaidAt: at("2026-02-07T00:00:00Z"),
      paidInvoices: 1,
      revenueUsd: 300,
    }),
    attribution(workspaces.w4, affiliateLink, "2026-02-15T00:00:00Z", { flags: ["disposable_email"] }),
    attribution(workspaces.w5, userLink, "2025-12-01T00:00:00Z", { revenueUsd: 999 }),
  ]);

  const commission = (
    workspaceId: string,
    kind: "activation" | "conversion" | "invoice",
    amountUsd: number,
    status: "pending" | "held" | "approved" | "reversed",
    createdAt: string,
    reasons: string[] = [],
  ) => {
    const byUser = workspaceId === workspaces.w1 || workspaceId === workspaces.w2;
    return {
      id: createId("commission"),
      workspaceId,
      linkId: byUser ? userLink : affiliateLink,
      programId: byUser ? "refer-and-earn" : "affiliates",
      referrerUserId: byUser ? referrerUserId : null,
      referrerAffiliateId: byUser ? null : affiliateId,
      kind,
      sourceId: createId("commission"),
      amountUsd,
      status,
      reasons,
      createdAt: at(createdAt),
    };
  };
  const rows = {
    approved: commission(workspaces.w1, "invoice", 20, "approved", "2026-01-15T00:00:00Z"),
    // A refund's negative adjustment: payouts net it out.
    adjustment: commission(workspaces.w1, "invoice", -5, "approved", "2026-02-10T00:00:00Z"),
    pending: commission(workspaces.w3, "invoice", 90, "pending", "2026-02-06T00:00:00Z"),
    held: commission(workspaces.w4, "activation", 10, "held", "2026-02-16T00:00:00Z", ["disposable_email"]),
    reversed: commission(workspaces.w2, "activation", 7, "reversed", "2026-01-25T00:00:00Z"),
    heldToReject: commission(workspaces.w4, "conversion", 25, "held", "2026-05-01T00:00:00Z", ["self_referral_domain"]),
  };
  await db.system.insert(schema.referralCommissions).values(Object.values(rows));
  return {
    userLink,
    affiliateId,
    affiliateLink,
    workspaces,
    commissions: Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.id])) as Seeded["commissions"],
  };
}

let data: Seeded;

beforeAll(async () => {
  t = await buildTestApp();
  operator = await signup(t.app, "operator");
  customer = await signup(t.app, "rita");
  await referralAdminRepository(t.db.system).addPlatformAdmin(operator.userId);
  const key = await as(operator, "POST", "/v1/api-keys", { name: "server", kind: "secret" });
  expect(key.statusCode, key.body).toBe(201);
  operatorKey = key.json().key;
  data = await seed(t.db, customer.userId);
}, 60_000);
afterAll(async () => {
  await t.close();
});

describe("who may reach the console", () => {
  const routes: [method: "GET" | "POST" | "PUT", url: string, payload?: object][] = [
    ["GET", "/v1/admin/me"],
    ["GET", "/v1/admin/referrals/analytics"],
    ["GET", "/v1/admin/referrals/analytics.csv"],
    ["GET", "/v1/admin/referrals/affiliates"],
    ["POST", "/v1/admin/referrals/affiliates/aff_00000000000000/approve", {}],
    ["POST", "/v1/admin/referrals/affiliates/aff_00000000000000/reject", { note: "x" }],
    ["PUT", "/v1/admin/referrals/affiliates/aff_00000000000000/stripe-account", { accountId: "acct_1234" }],
    ["GET", "/v1/admin/referrals/commissions"],
    ["POST", "/v1/admin/referrals/commissions/com_00000000000000/approve", {}],
    ["POST", "/v1/admin/referrals/commissions/com_00000000000000/reject", { note: "x" }],
    ["GET", "/v1/admin/referrals/balances"],
    ["GET", "/v1/admin/referrals/payouts"],
    ["GET", "/v1/admin/referrals/payouts.csv"],
    ["POST", "/v1/admin/referrals/payouts", { referrer: { userId: "usr_00000000000000" }, method: "manual" }],
    ["POST", "/v1/admin/referrals/payouts/pay_00000000000000/mark-paid"],
    ["GET", "/v1/admin/referrals/programs"],
    ["PUT", "/v1/admin/referrals/programs/refer-and-earn", { holdDays: 1 }],
    ["GET", "/v1/admin/workspaces"],
  ];

  it("anonymous: 401 on every admin route", async () => {
    for (const [method, url, payload] of routes) {
      const res = await as(null, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json().error.code).toBe("unauthorized");
    }
  });

  it("a signed-in customer who is not the operator (an owner of their workspace): 403 on every admin route", async () => {
    for (const [method, url, payload] of routes) {
      const res = await as(customer, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.code).toBe("forbidden");
    }
  });

  it("an API key, even the operator's own workspace's secret key: 403 on every admin route", async () => {
    for (const [method, url, payload] of routes) {
      const res = await as(operatorKey, method, url, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it("the operator: /v1/admin/me says so", async () => {
    const res = await as(operator, "GET", "/v1/admin/me");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ platformAdmin: true, email: operator.email });
  });
});

describe("referral analytics", () => {
  const query = `from=${encodeURIComponent(RANGE.from)}&to=${encodeURIComponent(RANGE.to)}`;

  it("funnel, revenue and commissions over the range: flagged and out-of-range clicks and signups do not count", async () => {
    const res = await as(operator, "GET", `/v1/admin/referrals/analytics?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.from).toBe(RANGE.from);
    expect(body.to).toBe(RANGE.to);
    expect(body.funnel).toEqual({ clicks: 8, signups: 4, activations: 3, paid: 2 });
    expect(body.revenueUsd).toBe(400);
    // 20 − 5 + 90 + 10: the reversed one is out, the held one of May is outside the range.
    expect(body.commissionsUsd).toBe(115);
  });

  it("monthly signup cohorts with how many activated and paid, and their revenue", async () => {
    const body = (await as(operator, "GET", `/v1/admin/referrals/analytics?${query}`)).json();
    expect(body.cohorts).toEqual([
      { month: "2026-01", signups: 2, activated: 2, paid: 1, revenueUsd: 100 },
      { month: "2026-02", signups: 2, activated: 1, paid: 1, revenueUsd: 300 },
    ]);
  });

  it("top referrers by revenue: users and affiliates, with their clicks, funnel and earnings", async () => {
    const body = (await as(operator, "GET", `/v1/admin/referrals/analytics?${query}`)).json();
    expect(body.topReferrers).toEqual([
      { kind: "affiliate", id: data.affiliateId, name: "Ada Affiliate", clicks: 3, signups: 2, activations: 1, paid: 1, revenueUsd: 300, earningsUsd: 100 },
      { kind: "user", id: customer.userId, name: "rita owner", clicks: 5, signups: 2, activations: 2, paid: 1, revenueUsd: 100, earningsUsd: 15 },
    ]);
  });

  it("refuses a range that ends before it starts (422 naming the from field)", async () => {
    const res = await as(operator, "GET", `/v1/admin/referrals/analytics?from=${encodeURIComponent(RANGE.to)}&to=${encodeURIComponent(RANGE.from)}`);
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/^query(string)?\.from: /);
  });

  it("CSV: one row per attribution with the accounting columns; a formula-looking cell is neutralised", async () => {
    const res = await as(operator, "GET", `/v1/admin/referrals/analytics.csv?${query}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/csv");
    expect(res.headers["content-disposition"]).toContain("referrals-2026-01-01-to-2026-04-01.csv");
    const lines = res.body.trim().split("\r\n");
    expect(lines[0]).toBe(ATTRIBUTION_CSV_COLUMNS.join(","));
    expect(lines[0]).toContain("commission_approved_usd");
    expect(lines).toHaveLength(5);
    const col = (name: string) => ATTRIBUTION_CSV_COLUMNS.indexOf(name);
    const rowOf = (workspaceId: string) => lines.find((l) => l.startsWith(workspaceId))!.split(",");
    const w1 = rowOf(data.workspaces.w1);
    expect(w1[col("workspace")]).toBe("Paid Dental");
    expect(w1[col("signup_date")]).toBe("2026-01-10");
    expect(w1[col("referrer_kind")]).toBe("user");
    expect(w1[col("referrer_name")]).toBe("rita owner");
    expect(w1[col("paid_invoices")]).toBe("2");
    expect(w1[col("revenue_usd")]).toBe("100");
    expect(w1[col("commission_approved_usd")]).toBe("15");
    const w3 = rowOf(data.workspaces.w3);
    expect(w3[col("campaign")]).toBe("'=cmd|'/c calc'!A1");
    expect(w3[col("commission_pending_usd")]).toBe("90");
    expect(rowOf(data.workspaces.w4)[col("flags")]).toBe("disposable_email");
    expect(res.body).not.toContain(data.workspaces.w5);
  });
});

describe("affiliate review", () => {
  it("lists those awaiting review first; approve and reject (a note is required to reject)", async () => {
    const pending = await insertAffiliate(t.db, "Pat Pending", "pending");
    const unverified = await insertAffiliate(t.db, "Una Unverified", "unverified");

    const all = (await as(operator, "GET", "/v1/admin/referrals/affiliates")).json().data as { id: string; status: string }[];
    expect(all[0]!.status).toBe("pending");
    expect(all.map((a) => a.id)).toEqual(expect.arrayContaining([pending, unverified, data.affiliateId]));
    const onlyPending = (await as(operator, "GET", "/v1/admin/referrals/affiliates?status=pending")).json().data as { id: string }[];
    expect(onlyPending.map((a) => a.id)).toEqual([pending]);
    expect((await as(operator, "GET", "/v1/admin/referrals/affiliates?status=nope")).statusCode).toBe(422);

    const approved = await as(operator, "POST", `/v1/admin/referrals/affiliates/${pending}/approve`, { note: "good site" });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ id: pending, status: "approved", reviewNote: "good site" });
    const [row] = await t.db.system.select().from(schema.affiliates).where(eq(schema.affiliates.id, pending));
    expect(row).toMatchObject({ status: "approved", reviewedBy: operator.userId });
    expect(row!.reviewedAt).toBeInstanceOf(Date);
    expect((await as(operator, "POST", `/v1/admin/referrals/affiliates/${pending}/approve`, {})).statusCode).toBe(409);

    const noNote = await as(operator, "POST", `/v1/admin/referrals/affiliates/${pending}/reject`, {});
    expect(noNote.statusCode).toBe(422);
    expect(noNote.json().error.message).toContain("body.note");
    const rejected = await as(operator, "POST", `/v1/admin/referrals/affiliates/${pending}/reject`, { note: "coupon site" });
    expect(rejected.json()).toMatchObject({ status: "rejected", reviewNote: "coupon site" });

    const notVerified = await as(operator, "POST", `/v1/admin/referrals/affiliates/${unverified}/approve`, {});
    expect(notVerified.statusCode).toBe(409);
    expect(notVerified.json().error.message).toContain("verified");
    expect((await as(operator, "POST", `/v1/admin/referrals/affiliates/aff_doesnotexist1/approve`, {})).statusCode).toBe(404);
  });

  it("records an affiliate's Stripe account (acct_… only)", async () => {
    expect((await as(operator, "PUT", `/v1/admin/referrals/affiliates/${data.affiliateId}/stripe-account`, { accountId: "nope" })).statusCode).toBe(422);
    const res = await as(operator, "PUT", `/v1/admin/referrals/affiliates/${data.affiliateId}/stripe-account`, { accountId: "acct_test123" });
    expect(res.statusCode).toBe(200);
    expect(res.json().stripeAccountId).toBe("acct_test123");
  });
});

describe("held commissions", () => {
  it("lists held ones with their reasons; approving sets approved, rejecting sets rejected with the note in reasons", async () => {
    const held = (await as(operator, "GET", "/v1/admin/referrals/commissions?status=held")).json().data as { id: string; reasons: string[] }[];
    expect(held.map((c) => c.id).sort()).toEqual([data.commissions.held, data.commissions.heldToReject].sort());
    expect(held.find((c) => c.id === data.commissions.held)).toMatchObject({
      reasons: ["disposable_email"],
      workspaceName: "Flagged Salon",
      referrer: { kind: "affiliate", name: "Ada Affiliate" },
    });

    const approved = await as(operator, "POST", `/v1/admin/referrals/commissions/${data.commissions.held}/approve`, {});
    expect(approved.json()).toEqual({ id: data.commissions.held, status: "approved" });
    const rejected = await as(operator, "POST", `/v1/admin/referrals/commissions/${data.commissions.heldToReject}/reject`, { note: "same owner" });
    expect(rejected.json()).toEqual({ id: data.commissions.heldToReject, status: "rejected" });
    const [row] = await t.db.system.select().from(schema.referralCommissions).where(eq(schema.referralCommissions.id, data.commissions.heldToReject));
    expect(row!.reasons).toEqual(["self_referral_domain", "rejected by the operator: same owner"]);

    // Only a held one is approved here; a pending one waits for its hold period.
    expect((await as(operator, "POST", `/v1/admin/referrals/commissions/${data.commissions.pending}/approve`, {})).statusCode).toBe(409);
    expect((await as(operator, "POST", `/v1/admin/referrals/commissions/${data.commissions.held}/reject`, {})).statusCode).toBe(422);
    expect((await as(operator, "POST", `/v1/admin/referrals/commissions/com_doesnotexist1/approve`, {})).statusCode).toBe(404);
    expect((await as(operator, "GET", "/v1/admin/referrals/commissions?status=held")).json().data).toEqual([]);
  });
});

describe("payouts", () => {
  it("a manual payout sums the approved commissions (a negative adjustment included) and marks them paid; a second one is 409", async () => {
    const balances = (await as(operator, "GET", "/v1/admin/referrals/balances")).json().data as {
      referrer: { id: string };
      amountUsd: number;
      commissions: number;
    }[];
    expect(balances.find((b) => b.referrer.id === customer.userId)).toMatchObject({ amountUsd: 15, commissions: 2 });

    const res = await as(operator, "POST", "/v1/admin/referrals/payouts", { referrer: { userId: customer.userId }, method: "manual" });
    expect(res.statusCode, res.body).toBe(201);
    const payout = res.json();
    expect(payout).toMatchObject({
      amountUsd: 15,
      status: "pending",
      method: "manual",
      referrer: { kind: "user", id: customer.userId, email: customer.email },
    });
    const paid = await t.db.system.select().from(schema.referralCommissions).where(eq(schema.referralCommissions.payoutId, payout.id));
    expect(paid.map((c) => c.id).sort()).toEqual([data.commissions.approved, data.commissions.adjustment].sort());
    expect(paid.every((c) => c.status === "paid")).toBe(true);

    const again = await as(operator, "POST", "/v1/admin/referrals/payouts", { referrer: { userId: customer.userId }, method: "manual" });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain("Nothing to pay");

    // Marked paid once the operator sent the money: the referrer gets payout_sent.
    const marked = await as(operator, "POST", `/v1/admin/referrals/payouts/${payout.id}/mark-paid`);
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json()).toMatchObject({ id: payout.id, status: "paid" });
    expect(marked.json().paidAt).not.toBeNull();
    expect((await as(operator, "POST", `/v1/admin/referrals/payouts/${payout.id}/mark-paid`)).statusCode).toBe(409);
    const emails = await t.db.system
      .select()
      .from(schema.emails)
      .where(eq(schema.emails.idempotencyKey, `payout_sent:${payout.id}`));
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ template: "payout_sent", toAddress: customer.email });

    const list = (await as(operator, "GET", "/v1/admin/referrals/payouts")).json().data as { id: string }[];
    expect(list.map((p) => p.id)).toContain(payout.id);
    const csv = await as(operator, "GET", "/v1/admin/referrals/payouts.csv");
    expect(csv.headers["content-type"]).toContain("text/csv");
    expect(csv.body.split("\r\n")[0]).toContain("payout_id,created_at,referrer_kind");
    expect(csv.body).toContain(`${payout.id},`);
  });

  it("Stripe Connect is refused while Stripe is off (409)", async () => {
    const res = await as(operator, "POST", "/v1/admin/referrals/payouts", { referrer: { affiliateId: data.affiliateId }, method: "stripe_connect" });
    expect(res.statusCode).toBe(409);
  });

  it("an unknown referrer is 404; a malformed one 422", async () => {
    expect((await as(operator, "POST", "/v1/admin/referrals/payouts", { referrer: { userId: "usr_doesnotexist1" }, method: "manual" })).statusCode).toBe(404);
    expect((await as(operator, "POST", "/v1/admin/referrals/payouts", { referrer: { workspaceId: "ws_x" }, method: "manual" })).statusCode).toBe(422);
  });
});

describe("programmes", () => {
  it("lists the programmes; an update is validated (percent over 100 is 422) and saved", async () => {
    const list = (await as(operator, "GET", "/v1/admin/referrals/programs")).json().data as { id: string }[];
    expect(list.map((p) => p.id)).toEqual(["affiliates", "refer-and-earn"]);

    const tooMuch = await as(operator, "PUT", "/v1/admin/referrals/programs/refer-and-earn", { rule: { type: "percent", percent: 150, months: 12 } });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().error.message).toContain("body.rule");

    const res = await as(operator, "PUT", "/v1/admin/referrals/programs/refer-and-earn", {
      holdDays: 14,
      rule: { type: "fixed", activationUsd: 5, conversionUsd: 20 },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: "refer-and-earn", holdDays: 14, rule: { type: "fixed", activationUsd: 5, conversionUsd: 20 }, active: true });
    const [row] = await t.db.system.select().from(schema.referralPrograms).where(eq(schema.referralPrograms.id, "refer-and-earn"));
    expect(row).toMatchObject({ holdDays: 14, rule: { type: "fixed", activationUsd: 5, conversionUsd: 20 } });
    expect((await as(operator, "PUT", "/v1/admin/referrals/programs/nope", { holdDays: 1 })).statusCode).toBe(404);
  });
});

describe("workspaces", () => {
  it("every workspace with its owner, plan and calls, and the via-referral badge's code and referrer", async () => {
    const res = await as(operator, "GET", "/v1/admin/workspaces?limit=200");
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.json().data as { id: string; ownerEmail: string | null; planId: string; calls: number; viaReferral: unknown }[];
    const w1 = rows.find((w) => w.id === data.workspaces.w1)!;
    expect(w1.viaReferral).toEqual({ code: expect.stringMatching(/^rita-/), referrerName: "rita owner" });
    expect(rows.find((w) => w.id === data.workspaces.w3)!.viaReferral).toEqual({ code: expect.stringMatching(/^ada-/), referrerName: "Ada Affiliate" });
    const own = rows.find((w) => w.id === customer.workspaceId)!;
    expect(own).toMatchObject({ ownerEmail: customer.email, viaReferral: null, calls: 0 });
    expect(typeof own.planId).toBe("string");
  });

  it("pages with a cursor: no workspace twice, none left out", async () => {
    const all = (await as(operator, "GET", "/v1/admin/workspaces?limit=200")).json().data as { id: string }[];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await as(operator, "GET", `/v1/admin/workspaces?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.statusCode, res.body).toBe(200);
      seen.push(...(res.json().data as { id: string }[]).map((w) => w.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((w) => w.id));
    expect((await as(operator, "GET", "/v1/admin/workspaces?cursor=garbage")).statusCode).toBe(422);
  });
});

describe("Stripe Connect payouts (through the Stripe emulator)", () => {
  let emulator: StripeEmulator;
  let app: App;
  let db: Database;
  let cache: Cache;
  let admin: Account;

  beforeAll(async () => {
    const webhookSecret = "whsec_admin_payouts";
    emulator = await startStripeEmulator({ webhookSecret });
    const stripe = { secretKey: "sk_test_orbis", webhookSecret, apiUrl: emulator.url };
    const config = testConfig({ billing: { ...testConfig().billing, mode: "stripe", stripe } });
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
    await app.ready();
    admin = await signup(app, "stripe-operator");
    await referralAdminRepository(db.system).addPlatformAdmin(admin.userId);
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await emulator.close();
    await cache.close();
    await db.close();
  });

  it("transfers the approved balance to the affiliate's account and records the transfer; no account is 409", async () => {
    const affiliateId = await insertAffiliate(db, "Connie Connect", "approved");
    const workspaceId = await insertWorkspace(db, "Connected Clinic");
    const linkId = createId("referralLink");
    await db.system.insert(schema.referralLinks).values({ id: linkId, code: `connie-${linkId.slice(4, 12)}`, affiliateId, programId: "affiliates" });
    await db.system.insert(schema.referralCommissions).values(
      [30, 12.5].map((amountUsd) => ({
        id: createId("commission"),
        workspaceId,
        linkId,
        programId: "affiliates",
        referrerAffiliateId: affiliateId,
        kind: "invoice" as const,
        sourceId: createId("commission"),
        amountUsd,
        status: "approved" as const,
      })),
    );
    const post = (payload: object) => app.inject({ method: "POST", url: "/v1/admin/referrals/payouts", headers: bearer(admin.token), payload });

    const noAccount = await post({ referrer: { affiliateId }, method: "stripe_connect" });
    expect(noAccount.statusCode).toBe(409);
    expect(noAccount.json().error.message).toContain("Stripe account");

    await app.inject({
      method: "PUT",
      url: `/v1/admin/referrals/affiliates/${affiliateId}/stripe-account`,
      headers: bearer(admin.token),
      payload: { accountId: "acct_connie01" },
    });
    const res = await post({ referrer: { affiliateId }, method: "stripe_connect" });
    expect(res.statusCode, res.body).toBe(201);
    const payout = res.json();
    expect(payout).toMatchObject({ amountUsd: 42.5, status: "paid", method: "stripe_connect" });
    expect(payout.transferId).toMatch(/^tr_/);

    const transfers = emulator.transfers;
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ id: payout.transferId, destination: "acct_connie01", amount: 4250 });
    const commissions = await db.system.select().from(schema.referralCommissions).where(eq(schema.referralCommissions.referrerAffiliateId, affiliateId));
    expect(commissions.every((c) => c.status === "paid" && c.payoutId === payout.id)).toBe(true);
    const emails = await db.system
      .select()
      .from(schema.emails)
      .where(eq(schema.emails.idempotencyKey, `payout_sent:${payout.id}`));
    expect(emails).toHaveLength(1);
  });

  it("a transfer Stripe refuses fails the payout with its error and hands the commissions back to the approved balance", async () => {
    const affiliateId = await insertAffiliate(db, "Rex Refused", "approved");
    // An account Stripe does not know (written directly: the API accepts only acct_… ids).
    await db.system.update(schema.affiliates).set({ stripeAccountId: "ba_not_an_account" }).where(eq(schema.affiliates.id, affiliateId));
    const workspaceId = await insertWorkspace(db, "Refused Clinic");
    const linkId = createId("referralLink");
    await db.system.insert(schema.referralLinks).values({ id: linkId, code: `rex-${linkId.slice(4, 12)}`, affiliateId, programId: "affiliates" });
    const commissionId = createId("commission");
    await db.system.insert(schema.referralCommissions).values({
      id: commissionId,
      workspaceId,
      linkId,
      programId: "affiliates",
      referrerAffiliateId: affiliateId,
      kind: "invoice",
      sourceId: createId("commission"),
      amountUsd: 18,
      status: "approved",
    });
    const before = emulator.transfers.length;
    const res = await app.inject({
      method: "POST",
      url: "/v1/admin/referrals/payouts",
      headers: bearer(admin.token),
      payload: { referrer: { affiliateId }, method: "stripe_connect" },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: "failed", amountUsd: 18, transferId: null });
    expect(res.json().error).toContain("No such destination");
    expect(emulator.transfers).toHaveLength(before);
    const [row] = await db.system.select().from(schema.referralCommissions).where(eq(schema.referralCommissions.id, commissionId));
    expect(row).toMatchObject({ status: "approved", payoutId: null, paidAt: null });
  });
});
