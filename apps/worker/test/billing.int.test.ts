import { createBilling, type Billing, type StripeBilling } from "@orbis/billing";
import { createId, type Channel } from "@orbis/contracts";
import { schema, systemRepository, tenantScope, type Database, type UsageRecordRow } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { createEmailService, type EmailService } from "@orbis/email";
import { createJobQueue, type JobQueue } from "@orbis/jobs";
import { costByKind, type PriceTable, type UsageByProvider } from "@orbis/providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billingConsumer } from "../src/billing/index.ts";
import { emailConsumer } from "../src/email/index.ts";
import { startWorker } from "../src/worker.ts";

/** The billing clock: mid-March 2030, so the Free plan's period is March (UTC) and every call below is in it. */
const NOW = new Date("2030-03-15T12:00:00Z");
const MARCH = new Date("2030-03-01T00:00:00Z");
const TWILIO_RATE = 0.013;
const INFRA_PER_MINUTE = 0.002;
/** The operator's override for one vendor; the others keep their list prices. */
const PRICES: PriceTable = { deepgram: { sttPerMinute: 0.0043 } };

let db: Database;
let queue: JobQueue;
let email: EmailService;
let billing: Billing;
let worker: Awaited<ReturnType<typeof startWorker>>;

beforeAll(async () => {
  db = await createTestDatabase();
  email = createEmailService({ db, from: "OrbisVoice <no-reply@voice.example.com>" });
  queue = createJobQueue({ connection: db.jobs, pollingIntervalSec: 0.5 });
  billing = createBilling(
    { mode: "stripe", plansFile: undefined, stripe: undefined, graceDays: 7, carrierRates: { twilio: TWILIO_RATE }, infraCostPerMinute: INFRA_PER_MINUTE },
    { now: () => NOW },
  );
  const consumers = [
    billingConsumer({ db, billing, prices: PRICES }),
    emailConsumer({ db, email, publicBaseUrl: "https://voice.example.com", unsubscribeSecret: "unsubscribe-secret", billing }),
  ];
  worker = await startWorker({ db, queue, consumers, relayPollMs: 200 });
});
afterAll(async () => {
  await worker?.stop();
  email?.close();
  await db?.close();
});

async function until<T>(fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A workspace in New York with an owner and an admin. */
async function workspace(name = "Riverside Dental") {
  const sys = systemRepository(db.system);
  const workspaceId = createId("workspace");
  await sys.insertWorkspace({ id: workspaceId, name, slug: workspaceId, timezone: "America/New_York" });
  const people: Record<string, string> = {};
  for (const role of ["owner", "admin"] as const) {
    const id = createId("user");
    people[role] = `${role}-${id}@example.com`;
    await sys.insertUser({ id, email: people[role], name: role, passwordHash: "x" });
    await sys.insertMembership({ id: createId("membership"), workspaceId, userId: id, role });
  }
  return { workspaceId, owner: people.owner!, admin: people.admin! };
}

interface CallSpec {
  channel?: Channel;
  startedAt?: Date;
  durationSec?: number;
  usage?: UsageByProvider;
  test?: boolean;
}

/** A call row as the gateway leaves it at hang-up, without its event. */
async function callRow(workspaceId: string, o: CallSpec = {}): Promise<string> {
  const callId = createId("call");
  const startedAt = o.startedAt ?? new Date("2030-03-10T15:00:00Z");
  await tenantScope(db, workspaceId).calls.insert({
    id: callId,
    channel: o.channel ?? "twilio",
    status: "completed",
    startedAt,
    endedAt: new Date(startedAt.getTime() + (o.durationSec ?? 30) * 1000),
    durationSec: o.durationSec ?? 30,
    usage: o.usage ?? {},
    metadata: o.test ? { test: true } : {},
  });
  return callId;
}

/** Ends a call as the gateway does: `call.ended` in the tenant's transaction. Answers the event id. */
async function endCall(workspaceId: string, callId: string, o: CallSpec = {}): Promise<string> {
  return tenantScope(db, workspaceId).transaction((t) =>
    t.events.record("call.ended", {
      callId,
      agentId: null,
      channel: o.channel ?? "twilio",
      status: "completed",
      durationSec: o.durationSec ?? 30,
      endReason: "caller_hangup",
      outcome: "no_action",
      summary: null,
      endedAt: new Date().toISOString(),
    }),
  );
}

async function ledger(workspaceId: string): Promise<UsageRecordRow[]> {
  const rows = await db.system.select().from(schema.usageRecords);
  return rows.filter((r) => r.workspaceId === workspaceId);
}
const ledgerRowOf = (workspaceId: string, callId: string) => until(async () => (await ledger(workspaceId)).find((r) => r.callId === callId));
const relayed = (workspaceId: string, eventId: string) => until(async () => (await tenantScope(db, workspaceId).events.get(eventId))?.relayedAt ?? undefined);

async function thresholdEvents(workspaceId: string) {
  const rows = await tenantScope(db, workspaceId).events.list(100, "usage.threshold_reached");
  return rows.map((r) => r.payload as { threshold: number; callsUsed: number; callsIncluded: number; planId: string; periodStart: string }).reverse();
}

const CLOUD_USAGE: UsageByProvider = {
  "deepgram:nova-3": { sttSeconds: 61, llmTokensIn: 0, llmTokensOut: 0, ttsCharacters: 0, realtimeSeconds: 0 },
  openai: { sttSeconds: 0, llmTokensIn: 12_000, llmTokensOut: 400, ttsCharacters: 0, realtimeSeconds: 0 },
  elevenlabs: { sttSeconds: 0, llmTokensIn: 0, llmTokensOut: 0, ttsCharacters: 900, realtimeSeconds: 0 },
};

describe("metering: one ledger row per ended call", () => {
  it("a 61 s Twilio call: 2 carrier minutes at the configured rate, providers' cost by kind, the infrastructure estimate", async () => {
    const { workspaceId } = await workspace();
    // 03:30 UTC on 11 March is still 10 March in New York.
    const spec: CallSpec = { channel: "twilio", durationSec: 61, startedAt: new Date("2030-03-11T03:30:00Z"), usage: CLOUD_USAGE };
    const callId = await callRow(workspaceId, spec);
    await endCall(workspaceId, callId, spec);
    const row = await ledgerRowOf(workspaceId, callId);

    const expected = costByKind(CLOUD_USAGE, PRICES);
    expect(expected.stt).toBeCloseTo((61 / 60) * 0.0043, 10); // the operator's Deepgram price, not the list price
    expect(row).toMatchObject({ channel: "twilio", test: false, day: "2030-03-10", durationSec: 61, carrierMinutes: 2 });
    expect(row.startedAt.toISOString()).toBe("2030-03-11T03:30:00.000Z");
    expect(row.carrierCostUsd).toBeCloseTo(2 * TWILIO_RATE, 8);
    expect(row.infraCostUsd).toBeCloseTo((61 / 60) * INFRA_PER_MINUTE, 8);
    expect(row.sttCostUsd).toBeCloseTo(expected.stt, 8);
    expect(row.llmCostUsd).toBeCloseTo(expected.llm, 8);
    expect(row.ttsCostUsd).toBeCloseTo(expected.tts, 8);
    expect(row.realtimeCostUsd).toBe(0);
    expect(row.totalCostUsd).toBeCloseTo(expected.total + 2 * TWILIO_RATE + (61 / 60) * INFRA_PER_MINUTE, 8);
    expect(row.llmCostUsd).toBeGreaterThan(0);
    expect(row.ttsCostUsd).toBeGreaterThan(0);
  });

  it("a web call has no carrier minutes; an offline call costs only its infrastructure", async () => {
    const { workspaceId } = await workspace();
    const spec: CallSpec = { channel: "web", durationSec: 125 };
    const callId = await callRow(workspaceId, spec);
    await endCall(workspaceId, callId, spec);
    const row = await ledgerRowOf(workspaceId, callId);
    expect(row).toMatchObject({ channel: "web", carrierMinutes: 0, carrierCostUsd: 0, sttCostUsd: 0, llmCostUsd: 0, ttsCostUsd: 0 });
    expect(row.totalCostUsd).toBeCloseTo((125 / 60) * INFRA_PER_MINUTE, 8);
  });

  it("the same event relayed again writes no second row", async () => {
    const { workspaceId } = await workspace();
    const callId = await callRow(workspaceId, { durationSec: 90 });
    const eventId = await endCall(workspaceId, callId, { durationSec: 90 });
    await relayed(workspaceId, eventId);
    await ledgerRowOf(workspaceId, callId);
    // A second relay of the same event (a worker that died after its commit was not seen, a replay).
    const event = (await tenantScope(db, workspaceId).events.get(eventId))!;
    const consumer = billingConsumer({ db, billing, prices: PRICES });
    await db.system.transaction(async (tx) => {
      await consumer.fanOut!(event, tx as never);
      await consumer.fanOut!(event, tx as never);
    });
    expect((await ledger(workspaceId)).filter((r) => r.callId === callId)).toHaveLength(1);
  });

  it("a dashboard test call is metered with test=true and counts neither calls nor minutes of the period", async () => {
    const { workspaceId } = await workspace();
    const real = await callRow(workspaceId, { durationSec: 60 });
    await endCall(workspaceId, real, { durationSec: 60 });
    const test = await callRow(workspaceId, { durationSec: 120, test: true, channel: "web" });
    await endCall(workspaceId, test, { durationSec: 120, channel: "web" });
    expect((await ledgerRowOf(workspaceId, test)).test).toBe(true);
    expect((await ledgerRowOf(workspaceId, real)).test).toBe(false);
    expect(await tenantScope(db, workspaceId).billing.periodUsage(MARCH)).toEqual({ calls: 1, seconds: 60 });
  });
});

describe("daily rollup", () => {
  it("usage_daily per day and channel equals the ledger's sums; a rerun changes nothing", async () => {
    const { workspaceId } = await workspace();
    const specs: CallSpec[] = [
      { channel: "twilio", durationSec: 61, startedAt: new Date("2030-03-10T15:00:00Z"), usage: CLOUD_USAGE },
      { channel: "twilio", durationSec: 200, startedAt: new Date("2030-03-10T18:00:00Z") },
      { channel: "web", durationSec: 45, startedAt: new Date("2030-03-10T20:00:00Z"), usage: CLOUD_USAGE },
      { channel: "web", durationSec: 30, startedAt: new Date("2030-03-12T02:00:00Z"), test: true }, // 11 March in New York
      { channel: "telnyx", durationSec: 10, startedAt: new Date("2030-03-12T14:00:00Z") },
    ];
    for (const spec of specs) await endCall(workspaceId, await callRow(workspaceId, spec), spec);
    const rows = await until(async () => {
      const r = await ledger(workspaceId);
      return r.length === specs.length && r;
    });

    const rollup = billingConsumer({ db, billing, prices: PRICES }).schedules!.find((s) => s.queue === "billing.rollup")!;
    await (rollup.handler as () => Promise<void>)();
    const daily = await tenantScope(db, workspaceId).billing.daily("2030-03-01", "2030-03-31");
    expect(daily.map((d) => `${d.day} ${d.channel}`)).toEqual(["2030-03-10 twilio", "2030-03-10 web", "2030-03-11 web", "2030-03-12 telnyx"]);
    for (const d of daily) {
      const of = rows.filter((r) => r.day === d.day && r.channel === d.channel);
      const sum = (f: (r: UsageRecordRow) => number) => of.reduce((n, r) => n + f(r), 0);
      expect(d.calls).toBe(of.length);
      expect(d.billableCalls).toBe(of.filter((r) => !r.test).length);
      expect(d.seconds).toBe(sum((r) => r.durationSec));
      expect(d.carrierMinutes).toBeCloseTo(
        sum((r) => r.carrierMinutes),
        6,
      );
      expect(d.carrierCostUsd).toBeCloseTo(
        sum((r) => r.carrierCostUsd),
        8,
      );
      expect(d.sttCostUsd).toBeCloseTo(
        sum((r) => r.sttCostUsd),
        8,
      );
      expect(d.llmCostUsd).toBeCloseTo(
        sum((r) => r.llmCostUsd),
        8,
      );
      expect(d.ttsCostUsd).toBeCloseTo(
        sum((r) => r.ttsCostUsd),
        8,
      );
      expect(d.infraCostUsd).toBeCloseTo(
        sum((r) => r.infraCostUsd),
        8,
      );
      expect(d.totalCostUsd).toBeCloseTo(
        sum((r) => r.totalCostUsd),
        8,
      );
    }
    expect(daily.find((d) => d.day === "2030-03-10" && d.channel === "twilio")).toMatchObject({ calls: 2, seconds: 261, carrierMinutes: 6 });
    expect(daily.find((d) => d.channel === "web" && d.day === "2030-03-11")).toMatchObject({ calls: 1, billableCalls: 0 });

    await (rollup.handler as () => Promise<void>)();
    const again = await tenantScope(db, workspaceId).billing.daily("2030-03-01", "2030-03-31");
    const strip = (rs: typeof daily) => rs.map(({ updatedAt: _u, ...r }) => r);
    expect(strip(again)).toEqual(strip(daily));
  });
});

describe("allowance alerts", () => {
  it("Free plan (25 calls): usage.threshold_reached 80 at the 20th call, 100 at the 25th, never twice; the owners are emailed", async () => {
    const { workspaceId, owner, admin } = await workspace("Harbor Clinic");
    // Calls started count, ended or not: 19 calls without their end yet.
    for (let i = 0; i < 19; i++) await callRow(workspaceId);
    // A test call is left out of the allowance: no alert at 20 calls of which one is a test.
    const test = await callRow(workspaceId, { test: true, channel: "web" });
    await relayed(workspaceId, await endCall(workspaceId, test, { channel: "web" }));
    await ledgerRowOf(workspaceId, test);
    expect(await thresholdEvents(workspaceId)).toEqual([]);

    const twentieth = await callRow(workspaceId);
    await endCall(workspaceId, twentieth);
    await ledgerRowOf(workspaceId, twentieth);
    expect(await thresholdEvents(workspaceId)).toEqual([{ periodStart: MARCH.toISOString(), threshold: 80, callsUsed: 20, callsIncluded: 25, planId: "free" }]);

    const twentyFirst = await callRow(workspaceId);
    await endCall(workspaceId, twentyFirst);
    await ledgerRowOf(workspaceId, twentyFirst);
    for (let i = 0; i < 3; i++) await callRow(workspaceId);
    const twentyFifth = await callRow(workspaceId);
    await endCall(workspaceId, twentyFifth);
    await ledgerRowOf(workspaceId, twentyFifth);
    const twentySixth = await callRow(workspaceId);
    await endCall(workspaceId, twentySixth);
    await ledgerRowOf(workspaceId, twentySixth);
    expect((await thresholdEvents(workspaceId)).map((e) => [e.threshold, e.callsUsed])).toEqual([
      [80, 20],
      [100, 25],
    ]);

    // The email consumer turns each into an email to the owner (not the admin), in the dev outbox.
    const emails = await until(async () => {
      const rows = (await tenantScope(db, workspaceId).emails.list()).filter((e) => e.template === "usage_threshold");
      return rows.length === 2 && rows;
    });
    expect(emails.map((e) => e.toAddress)).toEqual([owner, owner]);
    expect(emails.map((e) => e.toAddress)).not.toContain(admin);
    const subjects = emails.map((e) => e.subject).sort();
    expect(subjects).toEqual(["You've used 80 % of your calls this month — Harbor Clinic", "You've used all 25 calls included in your plan — Harbor Clinic"]);
    const spent = emails.find((e) => e.subject.startsWith("You've used all"))!;
    expect(spent.text).toContain("New calls are refused until");
    expect(spent.text).toContain("31 March 2030 at 20:00 (America/New_York)"); // 1 April, 00:00 UTC
    expect(spent.html).toContain("https://voice.example.com/dashboard/billing");
    expect(spent.html).not.toContain("unsubscribe");
  });

  it("a plan with overage says what further calls cost; no alert when billing is off", async () => {
    const { workspaceId } = await workspace("Oak Street Vets");
    await tenantScope(db, workspaceId).billing.saveSubscription({
      planId: "starter",
      status: "active",
      stripeCustomerId: `cus_${workspaceId}`,
      stripeSubscriptionId: `sub_${workspaceId}`,
      currentPeriodStart: new Date("2030-03-10T00:00:00Z"),
      currentPeriodEnd: new Date("2030-04-10T00:00:00Z"),
    });
    for (let i = 0; i < 249; i++) await callRow(workspaceId);
    const last = await callRow(workspaceId);
    await endCall(workspaceId, last);
    const mail = await until(async () => (await tenantScope(db, workspaceId).emails.list()).find((e) => e.template === "usage_threshold"));
    expect(mail.subject).toBe("You've used all 250 calls included in your plan — Oak Street Vets");
    expect(mail.text).toContain("further calls are billed at $1.50 each");
    expect(mail.text).toContain("9 April 2030 at 20:00 (America/New_York)");
    // Straight to 100 %: 80 is recorded too, but only the highest is announced.
    expect((await thresholdEvents(workspaceId)).map((e) => e.threshold)).toEqual([100]);

    const off = createBilling(
      { mode: "off", plansFile: undefined, stripe: undefined, graceDays: 7, carrierRates: {}, infraCostPerMinute: 0 },
      { now: () => NOW },
    );
    const consumer = billingConsumer({ db, billing: off, prices: {} });
    const other = await workspace("Self Hosted");
    for (let i = 0; i < 30; i++) await callRow(other.workspaceId);
    const callId = await callRow(other.workspaceId);
    const event = {
      id: createId("event"),
      workspaceId: other.workspaceId,
      type: "call.ended",
      version: 1,
      occurredAt: new Date(),
      relayedAt: null,
      payload: {
        callId,
        agentId: null,
        channel: "twilio",
        status: "completed",
        durationSec: 30,
        endReason: null,
        outcome: null,
        summary: null,
        endedAt: new Date().toISOString(),
      },
    };
    await db.system.transaction(async (tx) => void (await consumer.fanOut!(event as never, tx as never)));
    expect(await ledger(other.workspaceId)).toHaveLength(1);
    expect(await thresholdEvents(other.workspaceId)).toEqual([]);
  });
});

describe("failed payment email", () => {
  it("emails the owners to update their card, with the grace period", async () => {
    const { workspaceId, owner } = await workspace("Maple Physio");
    await tenantScope(db, workspaceId).billing.saveSubscription({
      planId: "starter",
      status: "past_due",
      stripeCustomerId: `cus_${workspaceId}`,
      stripeSubscriptionId: `sub_${workspaceId}`,
      pastDueSince: new Date("2030-03-14T09:00:00Z"),
    });
    await tenantScope(db, workspaceId).transaction((t) =>
      t.events.record("invoice.payment_failed", {
        invoiceId: "in_123",
        stripeSubscriptionId: `sub_${workspaceId}`,
        amountDueUsd: 299,
        currency: "usd",
        attemptCount: 1,
        nextAttemptAt: "2030-03-17T09:00:00Z",
      }),
    );
    const mail = await until(async () => (await tenantScope(db, workspaceId).emails.list()).find((e) => e.template === "payment_failed"));
    expect(mail.toAddress).toBe(owner);
    expect(mail.subject).toBe("Your payment failed — update your card — Maple Physio");
    expect(mail.text).toContain("$299.00");
    expect(mail.text).toContain("21 March 2030 at 05:00 (America/New_York)"); // 7 days of grace from 14 March, 09:00 UTC
    expect(mail.text).toContain("17 March 2030"); // Stripe's next attempt
    expect(mail.text).toContain("Free plan");
    expect(mail.html).toContain("https://voice.example.com/dashboard/billing");
  });
});

/** A StripeBilling that records meter reports; `failFor` customers are refused (Stripe down for them). */
function fakeStripe() {
  const reports: { customerId: string; calls: number; identifier: string; timestamp: Date }[] = [];
  const failFor = new Set<string>();
  const unused = () => Promise.reject(new Error("not used here"));
  const stripe: StripeBilling = {
    checkout: unused,
    portal: unused,
    invoices: unused,
    transfer: unused,
    invoiceOfCharge: unused,
    async reportOverage(o) {
      if (failFor.has(o.customerId)) throw new Error("Stripe is unavailable");
      reports.push(o);
    },
    verifyWebhook() {
      throw new Error("not used here");
    },
  };
  return { stripe, reports, failFor };
}

describe("overage reported to Stripe", () => {
  it("reports the calls over the allowance once, then only new ones; a failure is retried at the next run", async () => {
    const fake = fakeStripe();
    const errors: object[] = [];
    const consumer = billingConsumer({
      db,
      billing: { ...billing, stripe: fake.stripe },
      prices: PRICES,
      log: { info: () => undefined, error: (o) => void errors.push(o) },
    });
    const schedule = consumer.schedules!.find((s) => s.queue === "billing.report-overage")!;
    expect(schedule.cron).toMatch(/^\d+ \* \* \* \*$/); // hourly
    const run = () => (schedule.handler as () => Promise<void>)();
    const periodStart = new Date("2030-03-10T00:00:00Z");

    const shop = async (name: string, calls: number) => {
      const { workspaceId } = await workspace(name);
      await tenantScope(db, workspaceId).billing.saveSubscription({
        planId: "starter",
        status: "active",
        stripeCustomerId: `cus_${workspaceId}`,
        stripeSubscriptionId: `sub_${workspaceId}`,
        currentPeriodStart: periodStart,
        currentPeriodEnd: new Date("2030-04-10T00:00:00Z"),
      });
      // Calls of the period before do not count.
      await callRow(workspaceId, { startedAt: new Date("2030-03-09T23:00:00Z") });
      for (let i = 0; i < calls; i++) await callRow(workspaceId, { startedAt: new Date("2030-03-12T10:00:00Z") });
      return { workspaceId, customerId: `cus_${workspaceId}` };
    };
    const a = await shop("Overage A", 252);
    const b = await shop("Overage B", 251);
    const mine = () => fake.reports.filter((r) => r.customerId === a.customerId || r.customerId === b.customerId);

    // A's Stripe calls fail: B is reported all the same, A keeps nothing reported.
    fake.failFor.add(a.customerId);
    await run();
    expect(mine()).toEqual([{ customerId: b.customerId, calls: 1, identifier: `${b.workspaceId}:${periodStart.toISOString()}:1`, timestamp: NOW }]);
    expect(errors.map((e) => (e as { workspaceId: string }).workspaceId)).toContain(a.workspaceId);
    expect(await tenantScope(db, a.workspaceId).billing.reportedOverage(periodStart)).toBe(0);

    // The next run reports A's 2, and nothing again for B.
    fake.failFor.clear();
    await run();
    expect(mine().slice(1)).toEqual([{ customerId: a.customerId, calls: 2, identifier: `${a.workspaceId}:${periodStart.toISOString()}:2`, timestamp: NOW }]);
    expect(await tenantScope(db, a.workspaceId).billing.reportedOverage(periodStart)).toBe(2);

    await run();
    expect(mine()).toHaveLength(2);

    for (let i = 0; i < 3; i++) await callRow(a.workspaceId, { startedAt: new Date("2030-03-14T10:00:00Z") });
    await run();
    expect(mine().slice(2)).toEqual([{ customerId: a.customerId, calls: 3, identifier: `${a.workspaceId}:${periodStart.toISOString()}:5`, timestamp: NOW }]);
    expect(await tenantScope(db, a.workspaceId).billing.reportedOverage(periodStart)).toBe(5);
  });

  it("has no overage schedule without Stripe, and reports nothing for a plan without overage", async () => {
    expect(billingConsumer({ db, billing, prices: {} }).schedules!.map((s) => s.queue)).toEqual(["billing.rollup"]);
    const fake = fakeStripe();
    const consumer = billingConsumer({ db, billing: { ...billing, stripe: fake.stripe }, prices: {} });
    const { workspaceId } = await workspace("Custom Plan");
    await tenantScope(db, workspaceId).billing.saveSubscription({
      planId: "custom",
      status: "active",
      stripeCustomerId: `cus_${workspaceId}`,
      stripeSubscriptionId: `sub_${workspaceId}`,
      currentPeriodStart: new Date("2030-03-10T00:00:00Z"),
      currentPeriodEnd: new Date("2030-04-10T00:00:00Z"),
    });
    for (let i = 0; i < 5; i++) await callRow(workspaceId);
    await (consumer.schedules!.find((s) => s.queue === "billing.report-overage")!.handler as () => Promise<void>)();
    expect(fake.reports.filter((r) => r.customerId === `cus_${workspaceId}`)).toEqual([]);
  });
});
