import { randomBytes } from "node:crypto";
import { businessConfigSchema, createId, type EventPayload } from "@orbis/contracts";
import { createCredentialsService } from "@orbis/credentials";
import { systemRepository, tenantScope, type Database, type SmsMessageRow } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { createJobQueue, type Job, type JobQueue } from "@orbis/jobs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TelnyxEmulator } from "../../../e2e/telephony/telnyx-emulator.ts";
import { TwilioRestEmulator } from "../../../e2e/telephony/twilio-rest-emulator.ts";
import { twilioAccount } from "../../../e2e/telephony/phone-harness.ts";
import { SMS_QUEUE, smsConsumer } from "../src/sms/index.ts";
import { startWorker } from "../src/worker.ts";

/** Wall clock of the worker: fixed, moved by the tests (pg-boss keeps real time, so a reminder job stays in the future). */
const T0 = Date.parse("2030-03-04T14:00:00Z");
let nowMs = T0;
const clock = { now: () => new Date(nowMs) };
/** Thu 7 Mar 2030, 10:00 in New York (EST). */
const START = new Date("2030-03-07T15:00:00Z");

let db: Database;
let queue: JobQueue;
let worker: Awaited<ReturnType<typeof startWorker>>;
let twilioEmu: TwilioRestEmulator;
let telnyxEmu: TelnyxEmulator;
const account = twilioAccount();
const credentials = createCredentialsService(randomBytes(32));
let consumer: ReturnType<typeof smsConsumer>;

let numberN = 0;
const nextNumber = () => `+1415555${String(2000 + numberN++).padStart(4, "0")}`;

const business = businessConfigSchema.parse({
  name: "Riverside Dental",
  timezone: "America/New_York",
  hours: {},
  services: [{ id: "cleaning", name: "Teeth cleaning", durationMin: 30 }],
  copy: {
    smsConfirmation: "Hi {name}, your {service} at {business} is booked for {date} at {time}.",
    smsReminder: "Reminder: {service} at {business} on {date} at {time}. Reply STOP to stop these.",
  },
});

interface Shop {
  workspaceId: string;
  agentId: string;
  number: string;
}

/** A workspace with an agent, a number routed to it and the carrier's credentials. */
async function shop(o: { carrier?: "twilio" | "telnyx"; smsEnabled?: boolean } = {}): Promise<Shop> {
  const carrier = o.carrier ?? "twilio";
  const workspaceId = createId("workspace");
  await systemRepository(db.system).insertWorkspace({
    id: workspaceId,
    name: "Riverside Dental LLC",
    slug: workspaceId,
    timezone: "America/New_York",
    smsEnabled: o.smsEnabled ?? true,
  });
  const tenant = tenantScope(db, workspaceId);
  const agentId = createId("agent");
  await tenant.agents.insert({ id: agentId, name: "Receptionist", voice: "default", language: "en", providers: {}, tools: [], business, turnTaking: {} });
  // An older number routed nowhere: the booking's agent's number must win.
  await tenant.phoneNumbers.insert({ id: createId("phoneNumber"), number: nextNumber(), provider: carrier, agentId: null });
  const number = nextNumber();
  await tenant.phoneNumbers.insert({ id: createId("phoneNumber"), number, provider: carrier, agentId });
  if (carrier === "twilio") await credentials.put(tenant, "twilio", { accountSid: account.accountSid, authToken: account.authToken });
  else await credentials.put(tenant, "telnyx", { apiKey: telnyxEmu.account.apiKey, publicKey: telnyxEmu.account.publicKey });
  return { workspaceId, agentId, number };
}

/** Books an appointment and records `appointment.booked`, as the booking service does. */
async function book(s: Shop, o: { phone: string; start?: Date }): Promise<string> {
  const start = o.start ?? START;
  const end = new Date(start.getTime() + 30 * 60_000);
  const appointmentId = createId("appointment");
  await tenantScope(db, s.workspaceId).transaction(async (t) => {
    await t.appointments.insert({
      id: appointmentId,
      agentId: s.agentId,
      serviceId: "cleaning",
      customerName: "Jane Doe",
      customerPhone: o.phone,
      startAt: start,
      endAt: end,
      busyEndAt: end,
      timezone: "America/New_York",
      source: "agent",
    });
    await t.events.record("appointment.booked", payload(s, appointmentId, o.phone, start));
  });
  return appointmentId;
}

function payload(s: Shop, appointmentId: string, phone: string, start: Date): EventPayload<"appointment.booked"> {
  return {
    appointmentId,
    agentId: s.agentId,
    callId: null,
    serviceId: "cleaning",
    staffId: null,
    start: start.toISOString(),
    end: new Date(start.getTime() + 30 * 60_000).toISOString(),
    timezone: "America/New_York",
    customerName: "Jane Doe",
    customerPhone: phone,
    customerEmail: "",
    source: "agent",
  };
}

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const rowsOf = (s: Shop, appointmentId: string) => tenantScope(db, s.workspaceId).sms.list({ appointmentId });
const rowOf = async (s: Shop, appointmentId: string, kind: SmsMessageRow["kind"]) => (await rowsOf(s, appointmentId)).find((r) => r.kind === kind);
/** The message's row once it left `queued`. */
const settled = (s: Shop, id: string) =>
  until(async () => {
    const row = await tenantScope(db, s.workspaceId).sms.get(id);
    return row && row.status !== "queued" ? row : undefined;
  });
/** Runs a message's job now (the reminder's own job waits for its time in real time). */
const runNow = (smsId: string) => queue.send(SMS_QUEUE, { smsId });

beforeAll(async () => {
  db = await createTestDatabase();
  twilioEmu = await TwilioRestEmulator.start(account);
  telnyxEmu = await TelnyxEmulator.start();
  queue = createJobQueue({ connection: db.jobs, pollingIntervalSec: 0.5 });
  consumer = smsConsumer({ db, credentials, twilioApiUrl: twilioEmu.url, telnyxApiUrl: telnyxEmu.apiUrl, clock });
  worker = await startWorker({ db, queue, consumers: [consumer], relayPollMs: 200 });
});
afterAll(async () => {
  await worker?.stop();
  await db?.close();
  await twilioEmu?.close();
  await telnyxEmu?.close();
});

describe("text messages to callers", () => {
  it("texts the confirmation through Twilio from the agent's number, and schedules the reminder 24 h ahead", async () => {
    nowMs = T0;
    const s = await shop();
    const phone = nextNumber();
    const appointmentId = await book(s, { phone });

    const sent = await until(() => twilioEmu.messages.find((m) => m.to === phone));
    expect(sent).toMatchObject({ from: s.number, accountSid: account.accountSid });
    expect(sent.body).toBe("Hi Jane, your Teeth cleaning at Riverside Dental is booked for Thu 7 Mar at 10:00 AM. Reply STOP to opt out.");
    expect(sent.sid).toMatch(/^SM[0-9a-f]{32}$/);

    const confirmation = await settled(s, (await rowOf(s, appointmentId, "confirmation"))!.id);
    expect(confirmation).toMatchObject({ status: "sent", provider: "twilio", providerMessageId: sent.sid, attempts: 1, fromNumber: s.number, toNumber: phone });

    const reminder = (await rowOf(s, appointmentId, "reminder"))!;
    expect(reminder.status).toBe("queued");
    expect(reminder.sendAt.toISOString()).toBe("2030-03-06T15:00:00.000Z");
    // The first message to the number carried the STOP notice; the reminder's own copy already says it.
    expect(reminder.body).toBe("Reminder: Teeth cleaning at Riverside Dental on Thu 7 Mar at 10:00 AM. Reply STOP to stop these.");

    // Its job waits: running it before its time sends nothing.
    await runNow(reminder.id);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await tenantScope(db, s.workspaceId).sms.get(reminder.id))?.status).toBe("queued");

    nowMs = reminder.sendAt.getTime();
    await runNow(reminder.id);
    expect(await settled(s, reminder.id)).toMatchObject({ status: "sent" });
    expect(twilioEmu.messages.filter((m) => m.to === phone).map((m) => m.body)).toEqual([sent.body, reminder.body]);
  });

  it("skips the reminder of a cancelled appointment", async () => {
    nowMs = T0;
    const s = await shop();
    const phone = nextNumber();
    const appointmentId = await book(s, { phone });
    const reminder = await until(() => rowOf(s, appointmentId, "reminder"));
    await until(() => twilioEmu.messages.find((m) => m.to === phone));

    await tenantScope(db, s.workspaceId).transaction(async (t) => {
      await t.appointments.update(appointmentId, { status: "cancelled", cancelledAt: new Date(nowMs), cancelReason: "caller" });
      await t.events.record("appointment.cancelled", { ...payload(s, appointmentId, phone, START), reason: "caller" });
    });
    nowMs = reminder.sendAt.getTime();
    await runNow(reminder.id);
    expect(await settled(s, reminder.id)).toMatchObject({ status: "skipped", error: "the appointment is cancelled" });
    expect(twilioEmu.messages.filter((m) => m.to === phone)).toHaveLength(1);
    // Cancelling wrote nothing to send.
    expect(await rowsOf(s, appointmentId)).toHaveLength(2);
  });

  it("moves the reminder with a rescheduled appointment: the old one is skipped, the new one goes out", async () => {
    nowMs = T0;
    const s = await shop();
    const phone = nextNumber();
    const appointmentId = await book(s, { phone });
    const old = await until(() => rowOf(s, appointmentId, "reminder"));
    const moved = new Date(START.getTime() + 24 * 3600_000);
    await tenantScope(db, s.workspaceId).transaction(async (t) => {
      await t.appointments.update(appointmentId, {
        startAt: moved,
        endAt: new Date(moved.getTime() + 1800_000),
        busyEndAt: new Date(moved.getTime() + 1800_000),
      });
      await t.events.record("appointment.rescheduled", { ...payload(s, appointmentId, phone, moved), previousStart: START.toISOString() });
    });
    const fresh = await until(async () => (await rowsOf(s, appointmentId)).find((r) => r.kind === "reminder" && r.id !== old.id));
    expect(fresh.sendAt.toISOString()).toBe("2030-03-07T15:00:00.000Z");
    expect(fresh.body).toContain("on Fri 8 Mar at 10:00 AM");

    nowMs = old.sendAt.getTime();
    await runNow(old.id);
    expect(await settled(s, old.id)).toMatchObject({ status: "skipped", error: "the appointment was moved" });
    nowMs = fresh.sendAt.getTime();
    await runNow(fresh.id);
    expect(await settled(s, fresh.id)).toMatchObject({ status: "sent" });
  });

  it("sends nothing more to a number that opted out, and again after START", async () => {
    nowMs = T0;
    const s = await shop();
    const phone = nextNumber();
    const tenant = tenantScope(db, s.workspaceId);
    await tenant.sms.optOut(phone);
    const appointmentId = await book(s, { phone });
    const confirmation = await until(() => rowOf(s, appointmentId, "confirmation"));
    expect(await settled(s, confirmation.id)).toMatchObject({ status: "skipped", error: "the number opted out (STOP)" });
    expect(twilioEmu.messages.filter((m) => m.to === phone)).toHaveLength(0);

    expect(await tenant.sms.optIn(phone)).toBe(true);
    const reminder = (await rowOf(s, appointmentId, "reminder"))!;
    nowMs = reminder.sendAt.getTime();
    await runNow(reminder.id);
    expect(await settled(s, reminder.id)).toMatchObject({ status: "sent" });
  });

  it("writes nothing for a workspace with text messages off, a booking without a mobile number, or one less than 25 h away", async () => {
    nowMs = T0;
    const off = await shop({ smsEnabled: false });
    const offAppt = await book(off, { phone: nextNumber() });
    const on = await shop();
    const noPhone = await book(on, { phone: "call the front desk" });
    const soonPhone = nextNumber();
    const soon = await book(on, { phone: soonPhone, start: new Date(T0 + 20 * 3600_000) });
    await until(() => twilioEmu.messages.find((m) => m.to === soonPhone));
    expect(await rowsOf(off, offAppt)).toEqual([]);
    expect(await rowsOf(on, noPhone)).toEqual([]);
    expect((await rowsOf(on, soon)).map((r) => r.kind)).toEqual(["confirmation"]);
  });

  it("skips a queued message once the workspace switches text messages off", async () => {
    nowMs = T0;
    const s = await shop();
    const phone = nextNumber();
    const appointmentId = await book(s, { phone });
    const reminder = await until(() => rowOf(s, appointmentId, "reminder"));
    await tenantScope(db, s.workspaceId).workspace.update({ smsEnabled: false });
    nowMs = reminder.sendAt.getTime();
    await runNow(reminder.id);
    expect(await settled(s, reminder.id)).toMatchObject({ status: "skipped", error: "text messages are switched off for the workspace" });
  });

  it("sends once when the job runs twice, even at the same time", async () => {
    nowMs = T0;
    const s = await shop();
    const phone = nextNumber();
    const appointmentId = await book(s, { phone });
    const reminder = await until(() => rowOf(s, appointmentId, "reminder"));
    await until(() => twilioEmu.messages.find((m) => m.to === phone));
    nowMs = reminder.sendAt.getTime();
    const handler = consumer.queues[0]!.handler as unknown as (job: Job<{ smsId: string }>) => Promise<void>;
    const job = { id: "j", data: { smsId: reminder.id }, retryCount: 0, retryLimit: 4 };
    await Promise.all([handler(job), handler(job), runNow(reminder.id)]);
    await settled(s, reminder.id);
    await new Promise((r) => setTimeout(r, 1500));
    expect(twilioEmu.messages.filter((m) => m.to === phone)).toHaveLength(2); // the confirmation and one reminder
    expect((await tenantScope(db, s.workspaceId).sms.get(reminder.id))?.attempts).toBe(1);
  });

  it("retries a carrier failure (500) and fails for good on an invalid number (400)", async () => {
    nowMs = T0;
    const s = await shop();
    const phone = nextNumber();
    const appointmentId = await book(s, { phone });
    const reminder = await until(() => rowOf(s, appointmentId, "reminder"));
    await until(() => twilioEmu.messages.find((m) => m.to === phone));
    nowMs = reminder.sendAt.getTime();
    const handler = consumer.queues[0]!.handler as unknown as (job: Job<{ smsId: string }>) => Promise<void>;
    twilioEmu.failNextMessages.push(503);
    await expect(handler({ id: "j1", data: { smsId: reminder.id }, retryCount: 0, retryLimit: 4 })).rejects.toThrow(/503/);
    expect(await tenantScope(db, s.workspaceId).sms.get(reminder.id)).toMatchObject({ status: "queued", attempts: 1, claimedUntil: null });
    await handler({ id: "j1", data: { smsId: reminder.id }, retryCount: 1, retryLimit: 4 });
    expect(await tenantScope(db, s.workspaceId).sms.get(reminder.id)).toMatchObject({ status: "sent", attempts: 2 });

    // Unsubscribed at the carrier: Twilio answers 400 (21610), which no retry changes.
    nowMs = T0;
    const blocked = nextNumber();
    twilioEmu.unsubscribed.add(blocked);
    const blockedAppt = await book(s, { phone: blocked, start: new Date(START.getTime() + 2 * 3600_000) });
    const confirmation = await until(() => rowOf(s, blockedAppt, "confirmation"));
    expect(await settled(s, confirmation.id)).toMatchObject({ status: "failed", attempts: 1 });
    expect((await tenantScope(db, s.workspaceId).sms.get(confirmation.id))?.error).toMatch(/400 \(21610\)/);
  });

  it("texts through Telnyx from a Telnyx number", async () => {
    nowMs = T0;
    const s = await shop({ carrier: "telnyx" });
    const phone = nextNumber();
    const appointmentId = await book(s, { phone });
    const sent = await until(() => telnyxEmu.messages.find((m) => m.to === phone));
    expect(sent).toMatchObject({
      from: s.number,
      text: "Hi Jane, your Teeth cleaning at Riverside Dental is booked for Thu 7 Mar at 10:00 AM. Reply STOP to opt out.",
    });
    const confirmation = await settled(s, (await rowOf(s, appointmentId, "confirmation"))!.id);
    expect(confirmation).toMatchObject({ status: "sent", provider: "telnyx", providerMessageId: sent.id });
  });

  it("re-enqueues a message whose job was lost (sweep)", async () => {
    nowMs = T0;
    const s = await shop();
    const phone = nextNumber();
    const appointmentId = await book(s, { phone });
    const reminder = await until(() => rowOf(s, appointmentId, "reminder"));
    nowMs = reminder.sendAt.getTime() + 60_000;
    expect((await consumer.sweep!(db)).map((j) => (j.data as { smsId: string }).smsId)).not.toContain(reminder.id);
    nowMs = reminder.sendAt.getTime() + 10 * 60_000;
    expect((await consumer.sweep!(db)).map((j) => (j.data as { smsId: string }).smsId)).toContain(reminder.id);
  });

  it("keeps each workspace's messages and opt-outs to itself", async () => {
    nowMs = T0;
    const a = await shop();
    const b = await shop();
    const phone = nextNumber();
    const appointmentId = await book(a, { phone });
    const rows = await until(async () => {
      const r = await rowsOf(a, appointmentId);
      return r.length === 2 ? r : undefined;
    });
    const other = tenantScope(db, b.workspaceId);
    expect(await other.sms.list()).toEqual([]);
    expect(await other.sms.get(rows[0]!.id)).toBeUndefined();
    expect(await other.sms.markSkipped(rows[0]!.id, "not yours")).toBeUndefined();
    await tenantScope(db, a.workspaceId).sms.optOut(phone);
    expect(await other.sms.isOptedOut(phone)).toBe(false);
    expect(await tenantScope(db, a.workspaceId).sms.isOptedOut(phone)).toBe(true);
  });
});
